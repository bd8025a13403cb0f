"""Evaluation experts: the pool without officials (R-SCO-09, LC 四), one grade
per expert per event per side, C/D reported to the office for suspension or
removal, public results masked (R-SCO-06, YJ 二(三))."""

from __future__ import annotations

import pytest

from postaward.core import steps
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import AuditRecord
from postaward.orgs.models import User
from postaward.testing import person

from .. import services_agents as svc
from ..models import ExpertEvaluation, ExpertPoolMember, ExpertReport, PoolState, ReportState
from ..steps_agents import DISMISS, REMOVE, SUSPEND
from . import factories_agents as f

pytestmark = pytest.mark.django_db


def _notices(user: User) -> list[str]:
    from postaward.alerts.models import Notification

    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.parametrize("org_key", ["housing", "office", "school", "discipline", "edu"])
def test_r_sco_09_an_official_is_refused_from_the_expert_pool(district, org_key):
    """LC 四: staff of government units (authorities, the office, owners that
    are public units, the discipline group) may not enter the pool."""
    p = person(district.orgs[org_key], name="赵公务")
    with pytest.raises(ValidationFailed) as exc:
        svc.admit_expert(actor=district.actor("office_staff"), person_id=p.pk, specialty="房建")
    assert "不得进入评标专家库" in exc.value.message
    assert district.orgs[org_key].name in exc.value.message
    assert "赵公务" not in exc.value.message  # the name is masked: 赵*务
    assert not ExpertPoolMember.objects.filter(person=p).exists()


def test_r_sco_09_a_person_registered_as_official_is_refused_even_in_an_enterprise(district):
    p = person(district.orgs["contractor_b"], name="钱挂职", is_public_official=True)
    with pytest.raises(ValidationFailed, match="登记为公职人员"):
        svc.admit_expert(actor=district.actor("office_staff"), person_id=p.pk, specialty="房建")


def test_r_sco_09_an_enterprise_person_is_admitted_once_and_audited(district):
    p = f.expert(district)
    m = ExpertPoolMember.objects.get(person=p)
    assert m.state == PoolState.ACTIVE and m.office == district.orgs["office"]
    assert AuditRecord.objects.filter(action="credit.expert_admitted", object_id=str(m.pk)).exists()
    with pytest.raises(Conflict, match="已在评标专家库中"):
        svc.admit_expert(actor=district.actor("office_staff"), person_id=p.pk, specialty="房建")


def test_r_sco_09_only_the_office_manages_the_pool(district):
    p = person(district.orgs["contractor_b"], name="孙专家")
    with pytest.raises(Forbidden):
        svc.admit_expert(actor=district.actor("housing_staff"), person_id=p.pk, specialty="房建")


def test_r_sco_06_an_event_takes_only_pool_members(district):
    outsider = person(district.orgs["contractor_b"], name="周未入库")
    with pytest.raises(ValidationFailed, match="评标专家库成员"):
        svc.record_event(
            actor=district.actor("school_admin"),
            project_id=district.projects["p_school"].pk,
            title="教学楼工程施工招标",
            held_on="2026-03-01",
            expert_ids=[outsider.pk],
        )


@pytest.mark.parametrize(
    ("grade", "reported"), [("A", False), ("B", False), ("C", True), ("D", True)]
)
def test_r_sco_06_c_or_d_is_reported_to_the_office_a_and_b_are_not(district, grade, reported):
    ev = f.graded(district, grade)
    assert ExpertReport.objects.filter(evaluation=ev).exists() is reported
    titles = _notices(district.users["office_staff"])
    assert any("请处理" in t for t in titles) is reported
    if reported:
        r = ev.report
        assert r.state == ReportState.REPORTED and r.grade == grade
        assert r.office == district.orgs["office"]


def test_r_sco_06_one_evaluation_per_expert_per_event_per_side(district):
    ev = f.graded(district, "B")
    again = dict(
        event_id=ev.event_id, expert_id=ev.expert_id, grade="A", reasons="再次评价，应被拒绝"
    )
    with pytest.raises(Conflict, match="一事一评"):
        svc.evaluate_expert(actor=district.actor("school_leader"), **again)
    assert ExpertEvaluation.objects.filter(event=ev.event, expert=ev.expert).count() == 1
    # the office grades the same expert once, on its own side
    o = svc.evaluate_expert(actor=district.actor("office_staff"), **again)
    assert o.side == "office"
    with pytest.raises(Conflict):
        svc.evaluate_expert(actor=district.actor("office_admin"), **again)
    assert ExpertEvaluation.objects.filter(event=ev.event, expert=ev.expert).count() == 2


def test_r_sco_06_a_repeat_with_the_same_idempotency_key_returns_the_same_grade(district):
    e = f.event(district)
    data = dict(
        event_id=e.pk,
        expert_id=e.experts.first().pk,
        grade="D",
        reasons="泄露评标信息，情节严重",
        idempotency_key="k-1",
    )
    first = svc.evaluate_expert(actor=district.actor("school_admin"), **data)
    second = svc.evaluate_expert(actor=district.actor("school_admin"), **data)
    assert first.pk == second.pk
    assert ExpertReport.objects.count() == 1


def test_r_sco_06_another_owner_and_an_expert_not_in_the_event_are_refused(district):
    e = f.event(district)
    other = f.expert(district, "吴旁人")
    with pytest.raises(ValidationFailed, match="未参加本次评标"):
        svc.evaluate_expert(
            actor=district.actor("school_admin"),
            event_id=e.pk,
            expert_id=other.pk,
            grade="A",
            reasons="表现良好认真负责",
        )
    from postaward.core.errors import NotFound

    with pytest.raises(NotFound):
        svc.evaluate_expert(
            actor=district.actor("hospital_admin"),
            event_id=e.pk,
            expert_id=e.experts.first().pk,
            grade="A",
            reasons="表现良好认真负责",
        )


@pytest.mark.parametrize(
    ("step", "state", "pool"),
    [
        (SUSPEND, ReportState.SUSPENDED, PoolState.SUSPENDED),
        (REMOVE, ReportState.REMOVED, PoolState.REMOVED),
        (DISMISS, ReportState.DISMISSED, PoolState.ACTIVE),
    ],
)
def test_r_sco_06_the_office_decides_the_report_and_the_pool_follows(district, step, state, pool):
    r = f.report(district)
    steps.take(step, r, district.actor("office_staff"), {"decision": "经调查核实，作出处理"})
    r.refresh_from_db()
    assert r.state == state and r.decided_by_name
    assert ExpertPoolMember.objects.get(person=r.expert).state == pool
    assert AuditRecord.objects.filter(action=f"credit.expert_report_{step.name}").exists()
    # a suspended or removed expert cannot sit on a new event
    if pool != PoolState.ACTIVE:
        from ..forms_agents import EventForm

        form = EventForm(actor=district.actor("school_admin"), owner_only=True)
        assert r.expert not in form.fields["experts"].queryset


def test_r_sco_06_public_results_are_masked(district):
    ev = f.graded(district, "C")
    svc.evaluate_expert(
        actor=district.actor("office_staff"),
        event_id=ev.event_id,
        expert_id=ev.expert_id,
        grade="D",
        reasons="未遵守保密规定",
    )
    rows = svc.public_expert_results()
    assert len(rows) == 1
    row = rows[0]
    assert row["expert"] == "王*审"
    assert (row["owner_grade"], row["office_grade"]) == ("C", "D")
    flat = repr(rows)
    assert "王评审" not in flat and (ev.expert.id_number or "x") not in flat
