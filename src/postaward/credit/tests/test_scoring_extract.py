"""The facts of each event (R-SCO-01, R-ATT-09): built from the publishing
capability's own event classes (their fields are the contract), the subjects
each fact concerns and keys that do not change when the event is delivered
again."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.approvals import events as ap
from postaward.core import events

from .. import scoring
from ..facts import FACTS

pytestmark = pytest.mark.django_db


def _project(d, **kw):
    p = d.projects["p_school"]
    base = {
        "project_id": p.pk,
        "project_code": p.code,
        "project_name": p.name,
        "owner_id": d.orgs["school"].pk,
        "industry_authority_id": d.orgs["housing"].pk,
        "actor_user_id": None,
        "actor_name": "系统",
        "at": "2026-04-02T02:00:00+00:00",
    }
    base.update(kw)
    return base


def _orgs(facts):
    return sorted((f.code, f.key, f.org_id or 0, f.person_id or 0) for f in facts)


def test_r_sco_01_change_after_the_fact_concerns_the_participant_and_the_owner(district):
    evt = ap.ChangeAfterTheFact(
        **_project(district),
        change_id=41,
        participant_id=1,
        organisation_id=district.orgs["contractor_a"].pk,
        work_date="2026-03-20",
        approved_at="2026-04-01T02:00:00+00:00",
        days_late=12,
    )
    facts = scoring.extract(evt.name, evt)
    assert _orgs(facts) == sorted(
        [
            ("approvals.change_after_the_fact", "change:41", district.orgs["contractor_a"].pk, 0),
            ("approvals.change_after_the_fact", "change:41", district.orgs["school"].pk, 0),
        ]
    )
    assert {f.occurred_on for f in facts} == {dt.date(2026, 4, 1)}


def test_r_sco_01_rectification_overdue_and_refused_concern_the_contractor(district):
    a = district.orgs["contractor_a"].pk
    over = ap.RectificationOverdue(
        **_project(district), notice_id=7, contractor_id=a, required_by="2026-04-01"
    )
    refused = ap.RectificationRefused(
        **_project(district), notice_id=7, contractor_id=a, note="拒不整改"
    )
    got = scoring.extract(over.name, over) + scoring.extract(refused.name, refused)
    assert _orgs(got) == [
        ("approvals.rectification_overdue", "notice:7:overdue", a, 0),
        ("approvals.rectification_refused", "notice:7:refused", a, 0),
    ]


def test_r_sco_01_use_before_acceptance_unless_the_industry_allows_it(district):
    kw = {"usage_id": 5, "used_since": "2026-05-01", "exception_reason": ""}
    used = ap.UsedBeforeAcceptance(**_project(district), industry_exception=False, **kw)
    (fact,) = scoring.extract(used.name, used)
    assert (fact.org_id, fact.occurred_on) == (district.orgs["school"].pk, dt.date(2026, 5, 1))
    allowed = ap.UsedBeforeAcceptance(**_project(district), industry_exception=True, **kw)
    assert scoring.extract(allowed.name, allowed) == []


def test_r_sco_01_personnel_change_only_with_a_penalty_and_for_the_enterprise(district):
    kw = {
        "personnel_change_id": 9,
        "position": "project_manager",
        "outgoing_person_id": district.users["pm_a"].person_id,
        "replacement_person_id": district.users["chief_a"].person_id,
        "reason_kind": "unauthorised",
        "recovery_until": None,
    }
    fined = ap.PersonnelChangeCompleted(**_project(district), penalty_amount="50000", **kw)
    (fact,) = scoring.extract(fined.name, fined)
    assert (fact.code, fact.org_id) == (
        "approvals.personnel_change_penalty",
        district.orgs["contractor_a"].pk,
    )
    free = ap.PersonnelChangeCompleted(**_project(district), penalty_amount=None, **kw)
    assert scoring.extract(free.name, free) == []


def test_r_sco_01_inspection_finding_only_when_not_compliant(district):
    cls = events._registry["inspections.finding_recorded"]
    kw = {
        "finding_id": 12,
        "inspection_ref": "JC-2026-001",
        "project_id": district.projects["p_school"].pk,
        "subject_org_id": district.orgs["contractor_a"].pk,
        "subject_text": "甲建设有限公司",
        "item_name": "安全防护",
        "disposition": "rectification",
        "description": "临边防护缺失",
        "signed_off_on": "2026-06-02",
    }
    (fact,) = scoring.extract(cls.name, cls(compliant=False, **kw))
    assert (fact.key, fact.occurred_on) == ("finding:12", dt.date(2026, 6, 2))
    assert scoring.extract(cls.name, cls(compliant=True, **kw)) == []


def test_r_att_09_patrol_overdue_concerns_the_owner_and_its_project_leader(district):
    cls = events._registry["attendance.patrol_overdue"]
    evt = cls(
        project_id=district.projects["p_school"].pk,
        person_id=district.users["school_leader"].person_id,
        owner_id=district.orgs["school"].pk,
        last_valid_patrol="2026-04-01",
        days_without=7,
        dedup_key="p:2026-04-01:7",
    )
    facts = scoring.extract(evt.name, evt)
    assert {(f.org_id, f.person_id) for f in facts} == {
        (district.orgs["school"].pk, None),
        (None, district.users["school_leader"].person_id),
    }
    assert {f.key for f in facts} == {"p:2026-04-01:7"}
    assert {f.occurred_on for f in facts} == {dt.date(2026, 4, 8)}


def test_r_sco_01_the_same_payload_gives_the_same_keys(district):
    evt = ap.RectificationOverdue(
        **_project(district),
        notice_id=8,
        contractor_id=district.orgs["contractor_a"].pk,
        required_by="2026-04-01",
    )
    again = events.load(evt.name, evt.to_payload())  # as the outbox delivers it again
    assert scoring.extract(evt.name, evt) == scoring.extract(again.name, again)


def test_r_sco_01_every_catalogue_fact_has_an_extractor():
    assert {k.event for k in FACTS.values()} <= set(scoring.EXTRACTORS)
    assert scoring.extract("projects.registered", {"project_id": 1}) == []
