"""Engineering changes (R-CHG-01, R-CHG-02, R-CHG-05): who may do what at each
step, data scope, after-the-fact changes, hidden works, the contract's
history and its red flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.models import Deadline, Todo
from postaward.core.scoping import get_visible_or_404

from .. import services
from ..choices import ChangeState
from ..models import EngineeringChange
from . import factories as f
from .conftest import published, run_sweep

pytestmark = pytest.mark.django_db


def test_a_change_goes_supervisor_then_owner(d):  # R-CHG-01, R-CHG-02
    c = f.change(d)
    assert c.state == ChangeState.SUBMITTED and not c.is_major
    todo = Todo.objects.get(key=f"approvals.engineeringchange.{c.pk}.supervisor")
    assert todo.organisation_id == d.orgs["supervisor_a"].pk
    assert todo.due_at is not None and "R-CHG-01" in todo.basis
    services.review_change(actor=d.actor("chief_a"), change=c, opinion="同意")
    assert c.state == ChangeState.SUPERVISOR_APPROVED
    assert (
        Todo.objects.get(key=f"approvals.engineeringchange.{c.pk}.owner").organisation_id
        == d.orgs["school"].pk
    )
    services.approve_change(actor=d.actor("school_leader"), change=c)
    c.refresh_from_db()
    assert c.state == ChangeState.APPROVED and c.approved_at is not None and not c.after_the_fact
    dl = Deadline.objects.get(kind="approvals.change_before_work", subject_id=str(c.pk))
    assert dl.state == Deadline.State.MET
    assert [s.action for s in services.steps_of(c)] == [
        "raise_change",
        "review_by_supervisor",
        "approve_by_owner",
    ]
    assert published("approvals.change_approved")[-1]["approved_count"] == 1
    assert not Todo.objects.filter(
        subject_id=str(c.pk), subject_type="approvals.engineeringchange", state="open"
    ).exists()


@pytest.mark.parametrize(
    ("user", "step"),
    [
        ("pm_a", "review"),  # the contractor cannot review its own change
        ("school_leader", "review"),
        ("housing_staff", "review"),
        ("chief_a", "approve"),  # the supervisor cannot approve
        ("pm_a", "approve"),
        ("line_supervisor", "approve"),
    ],
)
def test_each_step_is_refused_to_the_wrong_role(d, user, step):  # R-CHG-02
    c = f.change(d)
    if step == "approve":
        services.review_change(actor=d.actor("chief_a"), change=c)
    fn = services.review_change if step == "review" else services.approve_change
    state = EngineeringChange.objects.get(pk=c.pk).state
    with pytest.raises(Forbidden):
        fn(actor=d.actor(user), change=c)
    assert EngineeringChange.objects.get(pk=c.pk).state == state


def test_who_may_raise_a_change(d):  # R-CHG-01
    with pytest.raises(Forbidden):
        f.change(d, user="chief_a")  # the supervising firm does not raise changes
    with pytest.raises(Forbidden):
        f.change(d, user="contractor_b_admin")  # another contractor
    owner_raised = f.change(d, user="school_leader")
    assert owner_raised.raised_by_owner


def test_a_change_out_of_scope_looks_missing(d):  # R-ORG-04
    c = f.change(d)
    for user in ("contractor_b_admin", "hospital_admin", "transport_staff"):
        with pytest.raises(NotFound):
            get_visible_or_404(EngineeringChange.objects, d.actor(user), pk=c.pk)
    for user in ("pm_a", "chief_a", "school_leader", "housing_staff", "line_supervisor", "drc"):
        assert get_visible_or_404(EngineeringChange.objects, d.actor(user), pk=c.pk) == c


def test_a_major_design_change_also_needs_the_drc(d):  # R-CHG-05
    c = f.change(d, category="design", cost_delta=Decimal("1200000"))  # ≥ 1,000,000 yuan
    assert c.is_major
    services.review_change(actor=d.actor("chief_a"), change=c)
    services.approve_change(actor=d.actor("school_leader"), change=c)
    assert c.state == ChangeState.OWNER_APPROVED and c.approved_at is None
    todo = Todo.objects.get(key=f"approvals.engineeringchange.{c.pk}.drc")
    assert todo.organisation_id == d.orgs["drc"].pk
    with pytest.raises(Forbidden):
        services.approve_change_by_drc(actor=d.actor("school_admin"), change=c)
    services.approve_change_by_drc(actor=d.actor("drc"), change=c)
    assert c.state == ChangeState.APPROVED


def test_the_major_threshold_is_configurable(d):  # R-CHG-05
    small = f.change(d, category="design", cost_delta=Decimal("600000"))
    assert not small.is_major
    declared = f.change(d, category="design", cost_delta=Decimal("1000"), declared_major=True)
    assert declared.is_major
    with pytest.raises(Forbidden):
        services.update_policy(
            actor=d.actor("office_staff"),
            major_change_amount="500000",
            major_change_ratio="10",
            hidden_review_days=3,
            hidden_review_unit="working_days",
        )
    services.update_policy(
        actor=d.actor("office_admin"),
        major_change_amount="500000",
        major_change_ratio="10",
        hidden_review_days=3,
        hidden_review_unit="working_days",
    )
    assert f.change(d, category="design", cost_delta=Decimal("600000")).is_major
    # not a design change: never a DRC matter
    assert not f.change(d, category="cost", cost_delta=Decimal("9000000")).is_major


def test_approval_on_the_work_day_is_in_time_and_the_day_after_is_after_the_fact(
    d, frozen
):  # R-CHG-01
    on_time = f.change(d, work_date=dt.date(2026, 6, 17))
    late = f.change(d, work_date=dt.date(2026, 6, 17), title="第二项")
    for c in (on_time, late):
        services.review_change(actor=d.actor("chief_a"), change=c)
    frozen.move_to(dt.datetime(2026, 6, 17, 23, 50, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    services.approve_change(actor=d.actor("school_leader"), change=on_time)
    frozen.move_to(dt.datetime(2026, 6, 18, 0, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    services.approve_change(actor=d.actor("school_leader"), change=late)
    assert not on_time.after_the_fact
    assert late.after_the_fact
    [evt] = published("approvals.change_after_the_fact")
    assert evt["change_id"] == late.pk and evt["days_late"] == 1
    states = dict(
        Deadline.objects.filter(kind="approvals.change_before_work").values_list(
            "subject_id", "state"
        )
    )
    assert states == {str(on_time.pk): "met", str(late.pk): "missed"}


def test_a_change_raised_after_the_work_date_has_no_clock_and_is_after_the_fact(d):  # R-CHG-01
    c = f.change(d, work_date=dt.date(2026, 6, 1))
    assert not Deadline.objects.filter(
        subject_id=str(c.pk), kind="approvals.change_before_work"
    ).exists()
    assert "事后变更" in services.steps_of(c)[0].opinion
    services.review_change(actor=d.actor("chief_a"), change=c)
    services.approve_change(actor=d.actor("school_leader"), change=c)
    assert c.after_the_fact


def test_the_before_work_deadline_is_missed_when_nobody_approves(d, frozen, alerts):  # R-CHG-01
    c = f.change(d, work_date=dt.date(2026, 6, 17))
    run_sweep(dt.datetime(2026, 6, 17, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert alerts.kinds() == []
    run_sweep(dt.datetime(2026, 6, 18, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert alerts.kinds() == ["approvals.change_before_work"]
    assert alerts.missed[0]["subject_id"] == str(c.pk)


def test_a_change_to_accepted_hidden_works_is_refused_unless_the_owner_records_an_exception(
    d, frozen
):  # R-CHG-01
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="钢筋隐蔽验收合格", photos=f.photos()
    )
    with pytest.raises(ValidationFailed) as exc:
        f.change(d, hidden_works=[hw])
    assert exc.value.code == "hidden_works_accepted" and "第二十七条" in exc.value.basis
    with pytest.raises(ValidationFailed):
        f.change(d, user="school_leader", hidden_works=[hw])  # no reason
    before = EngineeringChange.objects.count()
    c = f.change(
        d,
        user="school_leader",
        hidden_works=[hw],
        hidden_exception_reason="设计单位出具结构加固方案，须局部剔凿",
    )
    assert EngineeringChange.objects.count() == before + 1
    assert c.hidden_exception_reason.startswith("设计单位")
    assert published("approvals.change_raised")[-1]["touches_accepted_hidden_works"] is True


def test_hidden_works_not_yet_accepted_may_be_changed(d):  # R-CHG-01
    hw = f.hidden_work(d)
    c = f.change(d, hidden_works=[hw])
    assert list(c.hidden_works.all()) == [hw]


def test_third_change_and_price_increase_with_extension_are_flagged(d):  # R-CHG-02 red flags
    f.approved_change(d, cost_delta=Decimal("10000"), days_delta=0)
    f.approved_change(d, cost_delta=Decimal("-5000"), days_delta=0)
    assert published("approvals.contract_third_change") == []
    third = f.approved_change(d, cost_delta=Decimal("20000"), days_delta=10)
    [flag] = published("approvals.contract_third_change")
    assert flag["change_id"] == third.pk and flag["approved_count"] == 3
    assert flag["cumulative_cost"] == "25000.00" and flag["cumulative_days"] == 10
    [both] = published("approvals.price_increase_with_extension")
    assert both["change_id"] == third.pk
    f.approved_change(d, cost_delta=Decimal("1"), days_delta=1)
    assert len(published("approvals.contract_third_change")) == 1  # only when reaching the third
    history = services.contract_history(f.participant(d.projects["p_school"]))
    assert history["count"] == 4
    assert [r.cumulative_cost for r in history["rows"]] == [
        Decimal("10000"),
        Decimal("5000"),
        Decimal("25000"),
        Decimal("25001"),
    ]
    assert [r.cumulative_days for r in history["rows"]] == [0, 0, 10, 11]
    assert history["third_change"] and len(history["price_with_extension"]) == 2


def test_rejection_at_each_step_by_whoever_decides_it(d):  # R-CHG-02
    a = f.change(d)
    with pytest.raises(Forbidden):
        services.reject_change(actor=d.actor("school_leader"), change=a, note="不同意")
    services.reject_change(actor=d.actor("chief_a"), change=a, note="依据不足")
    assert a.state == ChangeState.REJECTED
    assert (
        Deadline.objects.get(subject_id=str(a.pk), kind="approvals.change_before_work").state
        == "cancelled"
    )
    b = f.change(d, category="design", cost_delta=Decimal("3000000"))
    services.review_change(actor=d.actor("chief_a"), change=b)
    services.approve_change(actor=d.actor("school_leader"), change=b)
    with pytest.raises(Forbidden):
        services.reject_change(actor=d.actor("school_leader"), change=b, note="撤销")
    services.reject_change(actor=d.actor("drc"), change=b, note="超出批复规模")
    assert b.state == ChangeState.REJECTED
    with pytest.raises(Conflict):
        services.review_change(actor=d.actor("chief_a"), change=b)


def test_the_raiser_may_withdraw_before_review_only(d):  # R-CHG-01
    c = f.change(d)
    with pytest.raises(Forbidden):
        services.withdraw_change(actor=d.actor("school_leader"), change=c)
    services.withdraw_change(actor=d.actor("pm_a"), change=c)
    assert c.state == ChangeState.WITHDRAWN
    c2 = f.change(d)
    services.review_change(actor=d.actor("chief_a"), change=c2)
    with pytest.raises(Conflict):
        services.withdraw_change(actor=d.actor("pm_a"), change=c2)
