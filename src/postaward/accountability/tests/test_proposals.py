"""Bad-conduct proposals (不良行为认定建议书, R-ACT-07; QZ 附件2 art. 6(九);
ADRs 0802-0804): the department that receives one decides within 15 working
days of receipt (the day of receipt not counted, 24:00 of the last day, the
working-day calendar: the 2026 National Day holiday 10-01..10-07 skipped, the
make-up working day 10-10 counted); left without a decision, the daily
detector raises a 6(九) clue on the department, once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.core import clock, deadlines, events
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.core.models import AuditRecord, Deadline

from .. import findings_clues as fc
from .. import services_proposals as sp
from ..choices_proposals import ProposalState
from ..deadline_kinds_proposals import DECISION_DAYS, PROPOSAL_DECISION
from ..models import Clue, Proposal
from . import factories_proposals as f

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 9, 30, 10, 0, tzinfo=clock.LOCAL_TZ)
LAST_DAY = dt.date(2026, 10, 27)


def _at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def filed(district):
    with time_machine.travel(RECEIVED, tick=False):
        p = f.proposal(district)
    return district, p


def _sweep(now: dt.datetime) -> None:
    deadlines.sweep(now)
    events.dispatch_pending(limit=1000)


def _clue_of(p: Proposal) -> Clue | None:
    d = sp.decision_deadline(p)
    return Clue.objects.filter(auto_key=f"deadline:{d.pk}").first()


def test_r_act_07_the_decision_period_is_15_working_days_across_the_holiday_and_make_up_day(filed):
    """Received Wed 2026-09-30: 10-08 is working day 1, Saturday 10-10 (make-up)
    day 3, … 10-27 day 15; the holiday 10-01..10-07 is not counted."""
    _, p = filed
    d = sp.decision_deadline(p)
    assert DECISION_DAYS == 15
    assert d.kind == PROPOSAL_DECISION.kind and d.organisation_id == p.department_id
    assert deadlines.last_day(d) == LAST_DAY
    assert clock.localtime(d.due_at) == _at(LAST_DAY + dt.timedelta(days=1))  # 24:00
    assert deadlines.show(d).end_text == "2026-10-27 24:00"


def test_r_act_07_decided_on_exactly_the_last_day_is_on_time_and_raises_no_clue(filed):
    district, p = filed
    with time_machine.travel(_at(LAST_DAY, 23, 50), tick=False):
        _sweep(clock.now())
        sp.recognise(
            actor=district.actor("housing_staff"),
            obj=p,
            decision_text="认定项目负责人无故缺岗的不良行为",
            decision_document="住建认〔2026〕3号",
        )
    d = sp.decision_deadline(p)
    assert d.state == Deadline.State.MET
    with time_machine.travel(_at(LAST_DAY + dt.timedelta(days=1), 1), tick=False):
        _sweep(clock.now())
        fc.detect(clock.today())
    assert _clue_of(p) is None


def test_r_act_07_still_open_at_the_end_of_the_last_day_is_not_missed(filed):
    _, p = filed
    with time_machine.travel(_at(LAST_DAY, 23, 59), tick=False):
        _sweep(clock.now())
        fc.detect(clock.today())
    assert sp.decision_deadline(p).state == Deadline.State.OPEN
    assert _clue_of(p) is None


def test_r_act_07_no_decision_by_the_day_after_is_a_6_9_clue_on_the_department_once(filed):
    district, p = filed
    after = LAST_DAY + dt.timedelta(days=1)
    with time_machine.travel(_at(after, 0, 30), tick=False):
        _sweep(clock.now())
        assert sp.decision_deadline(p).state == Deadline.State.MISSED
        fc.detect(clock.today())
        c = _clue_of(p)
        assert c is not None
        assert c.act.code == "6-9" and c.unit == district.orgs["housing"]
        assert c.project_id is None  # the period is the department's, not the project's
        assert any(f"/accountability/proposals/{p.pk}/" in x["url"] for x in c.evidence_links)
        assert "不良行为认定" in c.facts
        assert fc.detect(clock.today()) == 0
    assert Clue.objects.filter(auto_key=c.auto_key).count() == 1


def test_r_act_07_a_decision_after_the_period_closes_it_as_missed_and_is_raised(filed):
    district, p = filed
    after = LAST_DAY + dt.timedelta(days=2)
    with time_machine.travel(_at(after, 9), tick=False):
        sp.not_recognise(actor=district.actor("housing_admin"), obj=p, reason="证据不足，无法认定")
        events.dispatch_pending(limit=1000)
        assert sp.decision_deadline(p).state == Deadline.State.MISSED
        fc.detect(clock.today())
    assert _clue_of(p) is not None


def test_r_act_07_filing_is_numbered_audited_and_tells_the_department(filed):
    district, p = filed
    assert p.number == "JY20260001" and p.state == ProposalState.RECEIVED
    assert p.received_on == RECEIVED.date()
    assert AuditRecord.objects.filter(
        action="accountability.proposal_filed", object_id=str(p.pk)
    ).exists()
    from postaward.alerts.models import Notification

    assert Notification.objects.filter(
        recipient=district.users["housing_staff"], title__contains=p.number
    ).exists()


def test_r_act_07_one_proposal_per_idempotency_key(district):
    a = f.proposal(district, idempotency_key="k-1")
    b = f.proposal(district, idempotency_key="k-1")
    assert a.pk == b.pk and Proposal.objects.count() == 1
    assert Deadline.objects.filter(kind=PROPOSAL_DECISION.kind).count() == 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"department_id": "edu"}, "department_id"),
        ({"unit_id": "school"}, "unit_id"),
        ({"facts": "太短"}, "facts"),
        ({"conduct": ""}, "conduct"),
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"person_ids": ["school_leader"]}, "person_ids"),
    ],
)
def test_r_act_07_a_refused_filing_changes_nothing(district, kw, field):
    data = {}
    for k, v in kw.items():
        if k.endswith("_id") and isinstance(v, str):
            data[k] = district.orgs[v].pk
        elif k == "person_ids":
            data[k] = [district.users[v[0]].person.pk]
        else:
            data[k] = v
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        f.proposal(district, **data)
    assert exc.value.field == field
    assert Proposal.objects.count() == 0 and AuditRecord.objects.count() == before


def test_r_act_07_who_files(district):
    f.other_district(district)
    with pytest.raises(Forbidden):
        f.proposal(district, user="housing_staff")
    with pytest.raises(Forbidden):
        f.proposal(district, user="contractor_a_admin")
    with pytest.raises(NotFound):
        f.proposal(district, user="other_office")
    # an owner proposes about its own project only
    with pytest.raises(ValidationFailed):
        f.proposal(district, user="hospital_admin")
    p = f.proposal(district, user="school_admin")
    assert p.sender == district.orgs["school"] and p.sender_kind == "owner"


def test_r_act_07_who_sees_and_decides(district):
    f.other_district(district)
    p = f.proposal(district, user="school_admin")
    for user in ("office_staff", "housing_staff", "school_admin"):
        assert sp.load_proposal(district.actor(user), p.pk).pk == p.pk
    for user in ("transport_staff", "hospital_admin", "other_office", "other_authority"):
        with pytest.raises(NotFound):
            sp.load_proposal(district.actor(user), p.pk)
    for user in ("contractor_a_admin", "discipline"):
        with pytest.raises(Forbidden):
            sp.load_proposal(district.actor(user), p.pk)
    assert not sp.is_department(p, district.actor("office_staff"))
    assert sp.is_department(p, district.actor("housing_admin"))


def test_r_act_07_the_api_files_once_per_key_lists_and_decides(district):
    c = district.client("office_staff")
    body = f.body(district)
    r1 = c.post(
        "/api/v1/accountability/proposals",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    r2 = c.post(
        "/api/v1/accountability/proposals",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert r1.status_code == 201 and r2.json()["id"] == r1.json()["id"]
    pid = r1.json()["id"]
    assert r1.json()["decision_due"].endswith("24:00")
    h = district.client("housing_staff")
    listed = h.get("/api/v1/accountability/proposals").json()
    assert [x["id"] for x in listed["items"]] == [pid]
    steps = h.get(f"/api/v1/accountability/proposals/{pid}/steps").json()
    assert {s["name"] for s in steps} >= {"recognise", "not_recognise"}
    r = h.post(
        f"/api/v1/accountability/proposals/{pid}/steps/recognise",
        {"decision_text": "认定项目负责人无故缺岗", "decision_document": "住建认〔2026〕5号"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert Proposal.objects.get(pk=pid).state == ProposalState.RECOGNISED
    # the department is led to its own manual credit score entry (ADR 0804)
    html = h.get(f"/accountability/proposals/{pid}/").content.decode()
    assert 'data-testid="credit-entry"' in html
    assert (
        'data-testid="credit-entry"'
        not in c.get(f"/accountability/proposals/{pid}/").content.decode()
    )


def test_r_act_07_pages_list_detail_and_form(district):
    p = f.proposal(district)
    c = district.client("housing_staff")
    r = c.get("/accountability/proposals/")
    assert r.status_code == 200 and p.number in r.content.decode()
    r = c.get(f"/accountability/proposals/{p.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "认定期限" in html and "24:00" in html
    assert 'data-testid="proposal-steps"' in html
    assert "R-ACT" not in html
    assert c.get("/accountability/proposals/?export=xlsx").status_code == 200
    assert c.get("/accountability/proposals/new/").status_code == 403
    o = district.client("office_staff")
    assert o.get("/accountability/proposals/new/").status_code == 200
    r = o.post(
        "/accountability/proposals/new/",
        {
            "department": district.orgs["housing"].pk,
            "unit": district.orgs["supervisor_a"].pk,
            "project": district.projects["p_school"].pk,
            "persons": [district.users["chief_a"].person.pk],
            "conduct": "总监理工程师不到岗履职",
            "facts": "月度检查发现总监理工程师连续两周未到现场履职",
            "idempotency_key": "form-1",
        },
    )
    assert r.status_code == 302
    assert Proposal.objects.filter(unit=district.orgs["supervisor_a"]).count() == 1
