"""Completion acceptance and settlement (R-ACC-01..06, R-SET-01, R-PRJ-05):
day 20 vs day 21, day 60, the 3-day return, super-large extension, village
self-acceptance and township re-acceptance with its reminder, a deadline
across a public holiday, a suspension in the middle of a deadline, use before
acceptance, and the settlement clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core import clock, deadlines
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.events import dispatch_pending
from postaward.core.models import Deadline, Todo
from postaward.projects import services as project_services
from postaward.projects.choices import ProjectStatus

from .. import services
from ..choices import AcceptanceState
from . import factories as f
from .conftest import local, published, run_sweep

pytestmark = pytest.mark.django_db


def request(d, p=None, user="pm_a"):  # type: ignore[no-untyped-def]
    p = p or d.projects["p_school"]
    return services.request_acceptance(
        actor=d.actor(user),
        project=p,
        completed_on=clock.today(),
        description="主体及装修工程全部完成",
    )


def received(d, p=None):  # type: ignore[no-untyped-def]
    req = request(d, p)
    services.review_acceptance(actor=d.actor("chief_a"), request=req, opinion="具备验收条件")
    return req


def conclude(d, req, user="school_leader", passed=True, **kw):  # type: ignore[no-untyped-def]
    return services.conclude_acceptance(
        actor=d.actor(user),
        request=req,
        passed=passed,
        accepted_on=clock.today(),
        attendees="建设、监理、勘察、设计单位",
        rectification_opinions="外墙涂料局部修补",
        conclusion="工程质量合格，同意验收" if passed else "存在渗漏，不予验收",
        document=f.pdf("验收结论.pdf"),
        **{"villager_representatives": "张建国、王秀英", "supervisor_attendee": "李卫东", **kw},
    )


def the_deadline(req):  # type: ignore[no-untyped-def]
    return Deadline.objects.get(
        subject_type="approvals.acceptancerequest",
        subject_id=str(req.pk),
        state__in=["open", "met", "missed"],
    )


def test_government_works_below_20m_have_20_days_day_20_in_time(d, frozen):  # R-ACC-01
    req = received(d)
    assert req.state == AcceptanceState.RECEIVED
    dl = the_deadline(req)
    assert (dl.kind, dl.length, dl.unit) == ("approvals.acceptance_below", 20, "calendar_days")
    # received 06-15; day 20 = Sunday 07-05, a rest day: the period ends at 24:00
    # of Monday 07-06 (R-CAL-01)
    assert dl.due_at == local(2026, 7, 7)
    todo = Todo.objects.get(key=f"approvals.acceptancerequest.{req.pk}.organise")
    assert todo.organisation_id == d.orgs["school"].pk and todo.due_at == dl.due_at
    assert "20 个自然日" in todo.basis and "2026-07-06 24:00" in todo.basis
    assert "原届满 07-05 为周日，顺延至 07-06" in todo.basis
    frozen.move_to(local(2026, 7, 5, 18, 0))  # day 20
    conclude(d, req)
    assert the_deadline(req).state == Deadline.State.MET


def test_day_21_without_material_is_a_missed_deadline(d, frozen, alerts):  # R-ACC-01
    req = received(d)
    # day 20 is Sunday 07-05: the period runs to Monday 07-06 24:00 (R-CAL-01)
    run_sweep(local(2026, 7, 6, 23, 59))
    assert alerts.kinds() == []
    run_sweep(local(2026, 7, 7, 0, 0))  # the day after the rolled last day begins
    assert alerts.kinds() == ["approvals.acceptance_below"]
    assert alerts.missed[0]["subject_id"] == str(req.pk)
    frozen.move_to(local(2026, 7, 7, 10, 0))
    conclude(d, req)  # material after the deadline is still accepted, the miss stays
    assert the_deadline(req).state == Deadline.State.MISSED
    assert len(alerts.missed) == 1


def test_government_works_of_20m_and_above_have_60_days(d, frozen, alerts):  # R-ACC-02
    p = f.project(d, "T-0060", amount="20000000.00")  # exactly 20,000,000: the larger class
    req = received(d, p)
    dl = the_deadline(req)
    assert (dl.kind, dl.length) == ("approvals.acceptance_above", 60)
    assert dl.due_at == local(2026, 8, 15)  # 06-15 + 60 = 08-14, 24:00
    run_sweep(local(2026, 8, 14, 23, 59))
    assert alerts.kinds() == []
    run_sweep(local(2026, 8, 15))
    assert alerts.kinds() == ["approvals.acceptance_above"]


def test_r_acc_02_a_conclusion_recorded_on_day_60_is_in_time(d, frozen, alerts):
    """R-ACC-02: ≥ 20,000,000, received 06-15: day 60 is 08-14; the conclusion
    recorded that day (late afternoon) meets the deadline, no alert follows."""
    p = f.project(d, "T-0061", amount="20000000.00")
    req = received(d, p)
    assert the_deadline(req).due_at == local(2026, 8, 15)
    frozen.move_to(local(2026, 8, 14, 18, 0))  # day 60
    conclude(d, req)
    assert req.state == AcceptanceState.PASSED
    assert the_deadline(req).state == Deadline.State.MET
    run_sweep(local(2026, 8, 15, 0, 5))
    assert alerts.kinds() == []


def test_calendar_days_count_across_a_public_holiday(d, frozen):  # R-ACC-01 vs working days
    frozen.move_to(local(2026, 9, 28, 9, 0))
    req = received(d)
    # 20 calendar days from 09-28 run through the National Day holiday: 10-18,
    # a Sunday, so the period ends at 24:00 of Monday 10-19 (R-CAL-01)
    assert the_deadline(req).due_at == local(2026, 10, 20)
    # the same length in working days skips the holiday (10-01..10-07) and ends 11 days later
    from postaward.core import business_calendar

    assert business_calendar.add_working_days(dt.date(2026, 9, 28), 20) == dt.date(2026, 10, 30)


def test_a_suspension_in_the_middle_extends_the_deadline(d, frozen, alerts):  # R-ACC-01, R-PRJ-07
    p = d.projects["p_school"]
    req = received(d, p)
    assert the_deadline(req).due_at == local(2026, 7, 7)  # 07-05 (Sunday) rolled to 07-06
    frozen.move_to(local(2026, 6, 25, 9, 0))
    s = project_services.declare_suspension(
        actor=d.actor("school_leader"),
        project=p,
        started_at=clock.now(),
        reason="暴雨积水，停工排水",
    )
    project_services.confirm_suspension(actor=d.actor("line_supervisor"), suspension=s)
    assert the_deadline(req).paused_at == local(2026, 6, 25, 9, 0)
    run_sweep(local(2026, 7, 10))
    assert alerts.kinds() == []  # paused
    frozen.move_to(local(2026, 7, 5, 9, 0))  # ten days later
    project_services.resume_works(actor=d.actor("school_leader"), project=p)
    dl = the_deadline(req)
    # 10 calendar days were left after 06-25 (to 07-05); counted from 07-05: 07-15
    assert dl.due_at == local(2026, 7, 16)
    assert deadlines.show(dl).extended_by_pause_days == 10
    run_sweep(local(2026, 7, 15, 23, 59))
    assert alerts.kinds() == []
    run_sweep(local(2026, 7, 16))
    assert alerts.kinds() == ["approvals.acceptance_below"]


@pytest.mark.parametrize(("day", "allowed"), [(3, True), (4, False)])
def test_the_owner_may_return_within_3_days(d, frozen, day, allowed):  # R-ACC-03
    req = received(d)
    frozen.move_to(local(2026, 6, 15 + day, 17, 0))
    if not allowed:
        with pytest.raises(Conflict) as exc:
            services.return_acceptance(
                actor=d.actor("school_leader"), request=req, reason="消防验收未完成"
            )
        assert exc.value.code == "return_window_closed" and "2026-06-18" in exc.value.message
        return
    with pytest.raises(Forbidden):
        services.return_acceptance(actor=d.actor("chief_a"), request=req, reason="消防验收未完成")
    services.return_acceptance(actor=d.actor("school_leader"), request=req, reason="消防验收未完成")
    assert req.state == AcceptanceState.RETURNED
    assert (
        Deadline.objects.get(
            subject_id=str(req.pk), subject_type="approvals.acceptancerequest"
        ).state
        == "cancelled"
    )
    assert published("approvals.acceptance_returned")[-1]["reason"] == "消防验收未完成"
    again = request(d)  # re-initiated
    assert again.state == AcceptanceState.SUBMITTED


def test_steps_refused_to_the_wrong_role(d):  # R-ACC-01
    with pytest.raises(Forbidden):
        request(d, user="chief_a")
    with pytest.raises(Forbidden):
        request(d, user="school_leader")
    req = request(d)
    with pytest.raises(Forbidden):
        services.review_acceptance(actor=d.actor("school_leader"), request=req)
    with pytest.raises(Conflict):
        request(d)  # one open request at a time
    services.review_acceptance(actor=d.actor("chief_a"), request=req)
    for user in ("pm_a", "chief_a", "line_supervisor", "housing_staff"):
        with pytest.raises(Forbidden):
            conclude(d, req, user=user)


def test_passing_moves_the_project_on_and_starts_the_settlement_clock(
    d, frozen, alerts
):  # R-ACC-01, R-SET-01
    p = d.projects["p_school"]
    req = received(d, p)
    frozen.move_to(local(2026, 6, 30, 10, 0))
    conclude(d, req)
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED
    assert p.actual_completion == dt.date(2026, 6, 15) and p.accepted_on == dt.date(2026, 6, 30)
    dispatch_pending()
    dl = Deadline.objects.get(kind="approvals.settlement_below", subject_id=str(p.pk))
    assert dl.length == 60 and dl.due_at == local(2026, 8, 15)  # completion 06-15 + 60 = 08-14
    assert (
        Todo.objects.get(key=f"approvals.settlement.{p.pk}").organisation_id == d.orgs["school"].pk
    )
    frozen.move_to(local(2026, 8, 14, 16, 0))
    project_services.submit_settlement(
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("8400000"),
        route="audit",
    )
    dispatch_pending()
    assert Deadline.objects.get(pk=dl.pk).state == "met"
    assert not Todo.objects.filter(key=f"approvals.settlement.{p.pk}", state="open").exists()


def test_settlement_is_judged_by_its_submission_date_not_the_dispatch(d, frozen):  # R-SET-01
    p = d.projects["p_school"]
    conclude(d, received(d, p))
    dispatch_pending()
    frozen.move_to(local(2026, 8, 14, 16, 0))  # day 60
    project_services.submit_settlement(
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("8400000"),
        route="audit",
    )
    frozen.move_to(local(2026, 8, 20, 9, 0))  # the worker was down for days
    dispatch_pending()
    assert (
        Deadline.objects.get(kind="approvals.settlement_below", subject_id=str(p.pk)).state == "met"
    )


def test_settlement_of_20m_and_above_has_180_days_and_is_missed_after(
    d, frozen, alerts
):  # R-SET-01
    p = f.project(d, "T-0180", amount="26000000.00")
    project_services.complete_works(actor=d.actor("school_leader"), project=p, on=clock.today())
    dispatch_pending()
    dl = Deadline.objects.get(kind="approvals.settlement_above", subject_id=str(p.pk))
    # 06-15 + 180 = Saturday 12-12, a rest day: the period ends Monday 12-14 (R-CAL-01)
    assert dl.length == 180 and dl.due_at == local(2026, 12, 15)
    assert dl.nominal_end == dt.date(2026, 12, 12)
    assert deadlines.show(dl).roll_note == "原届满 12-12 为周六，顺延至 12-14"
    run_sweep(local(2026, 12, 14, 23, 59))
    assert alerts.kinds() == []
    run_sweep(local(2026, 12, 15))
    assert alerts.kinds() == ["approvals.settlement_above"]


@pytest.mark.parametrize(
    ("amount", "kind", "days"),
    [
        ("20000000.00", "approvals.settlement_above", 180),  # exactly at the limit
        ("19999999.99", "approvals.settlement_below", 60),
    ],
)
def test_r_set_01_village_works_settlement_depends_on_the_amount_only(
    d, frozen, amount, kind, days
):
    """R-SET-01: a village work of exactly 20,000,000 yuan has 180 days for the
    settlement like any other work of that size (its acceptance stays the
    village self-acceptance of R-ACC-05); one fen less has 60."""
    p = f.project(d, f"V-{days}", amount=amount, village=True)
    assert p.project_class == "village"
    project_services.complete_works(actor=d.actor("village_leader"), project=p, on=clock.today())
    dispatch_pending()
    dl = Deadline.objects.get(
        kind__in=("approvals.settlement_above", "approvals.settlement_below"),
        subject_id=str(p.pk),
    )
    assert (dl.kind, dl.length) == (kind, days)


def test_r_set_01_below_20m_day_61_without_submission_is_missed(d, frozen, alerts):
    """R-SET-01: < 20,000,000, completed 06-15: day 60 (08-14) is the last day;
    day 61 (08-15) begins without a submission: missed, and a submission on day
    61 does not undo the miss."""
    p = d.projects["p_school"]
    conclude(d, received(d, p))  # accepted the day of completion
    dispatch_pending()
    dl = Deadline.objects.get(kind="approvals.settlement_below", subject_id=str(p.pk))
    assert dl.length == 60 and dl.due_at == local(2026, 8, 15)
    run_sweep(local(2026, 8, 14, 23, 59))  # day 60, still in time
    assert alerts.kinds() == []
    run_sweep(local(2026, 8, 15))  # day 61 begins
    assert alerts.kinds() == ["approvals.settlement_below"]
    frozen.move_to(local(2026, 8, 15, 10, 0))
    p.refresh_from_db()
    project_services.submit_settlement(
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("8400000"),
        route="audit",
    )
    dispatch_pending()
    assert Deadline.objects.get(pk=dl.pk).state == Deadline.State.MISSED
    assert len(alerts.missed) == 1


def test_r_set_01_20m_and_above_submitted_on_day_180_is_in_time(d, frozen, alerts):
    """R-SET-01: ≥ 20,000,000, completed 06-15: day 180 is 12-12; the submission
    that day meets the deadline (day 181 is the miss, tested above)."""
    p = f.project(d, "T-0181", amount="20000000.00")  # exactly 20,000,000: the larger class
    conclude(d, received(d, p))  # accepted the day of completion
    dispatch_pending()
    dl = Deadline.objects.get(kind="approvals.settlement_above", subject_id=str(p.pk))
    # day 180 is Saturday 12-12: the period runs to Monday 12-14 24:00 (R-CAL-01)
    assert dl.length == 180 and dl.due_at == local(2026, 12, 15)
    frozen.move_to(local(2026, 12, 12, 17, 0))  # day 180
    p.refresh_from_db()
    project_services.submit_settlement(
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("19800000"),
        route="audit",
    )
    dispatch_pending()
    assert Deadline.objects.get(pk=dl.pk).state == Deadline.State.MET
    run_sweep(local(2026, 12, 13, 0, 5))
    assert alerts.kinds() == []


def test_uncovered_projects_need_the_approved_data_completion_first(d, frozen):  # R-PRJ-05
    p = d.projects["p_school"]
    req = received(d, p)
    conclude(d, req)
    project_services.mark_uncovered(
        actor=d.actor("housing_staff"), project=p, note="实施过程未纳入平台"
    )
    with pytest.raises(ValidationFailed) as exc:
        project_services.submit_settlement(
            actor=d.actor("school_leader"),
            project=p,
            on=clock.today(),
            amount=Decimal("8400000"),
            route="audit",
        )
    assert "资料补全申请" in exc.value.message


def test_failed_acceptance_keeps_the_project_and_asks_to_initiate_again(d):  # R-ACC-01
    req = received(d)
    conclude(d, req, passed=False)
    assert req.state == AcceptanceState.FAILED
    d.projects["p_school"].refresh_from_db()
    assert d.projects["p_school"].status == ProjectStatus.UNDER_CONSTRUCTION
    assert (
        Todo.objects.get(key=f"approvals.acceptancerequest.{req.pk}.again").organisation_id
        == d.orgs["contractor_a"].pk
    )


def test_super_large_works_may_extend_after_three_approvals(d, frozen, alerts):  # R-ACC-04
    p = f.project(d, "T-SUPER", amount="380000000.00", super_large=True)
    req = received(d, p)
    dl = the_deadline(req)
    assert (dl.kind, dl.length) == ("approvals.acceptance_super_large", 60)
    with pytest.raises(Conflict):  # only super-large works
        services.apply_extension(
            actor=d.actor("school_leader"),
            request=received(d, d.projects["p_school"]),
            days=30,
            reason="机电调试周期长",
        )
    ext = services.apply_extension(
        actor=d.actor("school_leader"),
        request=req,
        days=30,
        reason="机电、幕墙、智能化专业多，联合调试周期长",
    )
    for user in ("housing_staff", "office_staff"):
        with pytest.raises(Forbidden):
            services.decide_extension(actor=d.actor(user), extension=ext, approve=True)
    services.decide_extension(actor=d.actor("line_supervisor"), extension=ext, approve=True)
    with pytest.raises(Forbidden):
        services.decide_extension(actor=d.actor("office_staff"), extension=ext, approve=True)
    services.decide_extension(actor=d.actor("housing_staff"), extension=ext, approve=True)
    assert the_deadline(req).due_at == local(2026, 8, 15)  # not yet: the leading group decides last
    services.decide_extension(actor=d.actor("office_staff"), extension=ext, approve=True)
    dl = the_deadline(req)
    # 08-14 + 30 = Sunday 09-13, rolled to Monday 09-14 (R-CAL-01)
    assert dl.due_at == local(2026, 9, 15) and dl.length == 90
    assert (
        Todo.objects.get(key=f"approvals.acceptancerequest.{req.pk}.organise").due_at == dl.due_at
    )
    run_sweep(local(2026, 8, 20))
    assert "approvals.acceptance_super_large" not in alerts.kinds()
    run_sweep(local(2026, 9, 14, 23, 59))
    assert "approvals.acceptance_super_large" not in alerts.kinds()
    run_sweep(local(2026, 9, 15))
    assert alerts.kinds().count("approvals.acceptance_super_large") == 1


def test_an_extension_must_be_applied_for_within_the_60_days(d, frozen):  # R-ACC-04
    p = f.project(d, "T-SUPER2", amount="380000000.00", super_large=True)
    req = received(d, p)
    frozen.move_to(local(2026, 8, 15, 8, 0))  # day 61
    with pytest.raises(Conflict) as exc:
        services.apply_extension(
            actor=d.actor("school_leader"), request=req, days=30, reason="专业多调试长"
        )
    assert exc.value.code == "extension_too_late"


def test_village_self_acceptance_then_township_reacceptance(d, frozen, alerts):  # R-ACC-05
    p = f.project(d, "T-VIL", amount="1800000.00", village=True)
    req = request(d, p)
    assert req.state == AcceptanceState.RECEIVED  # straight to the village, no supervisor step
    dl = the_deadline(req)
    assert (dl.kind, dl.length, dl.due_at) == (
        "approvals.acceptance_village_self",
        15,
        local(2026, 7, 1),
    )
    frozen.move_to(local(2026, 6, 30, 10, 0))  # day 15
    conclude(d, req, user="village_leader")
    p.refresh_from_db()
    assert p.status == ProjectStatus.COMPLETED  # completed, not yet accepted
    with pytest.raises(Forbidden):
        services.request_township(
            actor=d.actor("pm_a"), project=p, description="自验合格，申请复验"
        )
    town = services.request_township(
        actor=d.actor("village_leader"), project=p, description="自验合格，整改完毕，申请复验"
    )
    tdl = the_deadline(town)
    assert (tdl.kind, tdl.length) == ("approvals.acceptance_township", 15)
    assert tdl.reminder_at == local(2026, 7, 8) and tdl.due_at == local(2026, 7, 16)
    assert (
        Todo.objects.get(key=f"approvals.acceptancerequest.{town.pk}.organise").organisation_id
        == d.orgs["town"].pk
    )
    run_sweep(local(2026, 7, 7, 23, 59))
    assert alerts.reminded == []
    run_sweep(local(2026, 7, 8))
    assert [e["kind"] for e in alerts.reminded] == ["approvals.acceptance_township"]
    with pytest.raises(Forbidden):
        conclude(d, town, user="village_leader")
    frozen.move_to(local(2026, 7, 10, 10, 0))
    conclude(d, town, user="town_admin")
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED
    run_sweep(local(2026, 7, 20))
    assert alerts.kinds() == []


def test_village_self_acceptance_missed_at_15_days(d, frozen, alerts):  # R-ACC-05
    p = f.project(d, "T-VIL2", amount="900000.00", village=True)
    request(d, p)
    run_sweep(local(2026, 6, 30, 23, 59))
    assert alerts.kinds() == []
    run_sweep(local(2026, 7, 1))
    assert alerts.kinds() == ["approvals.acceptance_village_self"]


def test_township_reacceptance_missed_at_15_days(d, frozen, alerts):  # R-ACC-05
    p = f.project(d, "T-VIL3", amount="900000.00", village=True)
    conclude(d, request(d, p), user="village_leader")
    services.request_township(
        actor=d.actor("village_leader"), project=p, description="自验合格，申请复验"
    )
    run_sweep(local(2026, 7, 1))
    assert [e["kind"] for e in alerts.missed] == ["approvals.acceptance_township"]


def test_use_before_acceptance_is_recorded_with_an_event(d):  # R-ACC-06
    p = d.projects["p_school"]
    with pytest.raises(Forbidden):
        services.record_usage_before_acceptance(
            actor=d.actor("pm_a"),
            project=p,
            used_since=clock.today(),
            description="教学楼已投入使用",
        )
    u = services.record_usage_before_acceptance(
        actor=d.actor("housing_staff"),
        project=p,
        used_since=dt.date(2026, 6, 1),
        description="教学楼已投入教学使用",
    )
    [evt] = published("approvals.used_before_acceptance")
    assert (
        evt["usage_id"] == u.pk
        and evt["used_since"] == "2026-06-01"
        and evt["industry_exception"] is False
    )
    with pytest.raises(ValidationFailed):
        services.record_usage_before_acceptance(
            actor=d.actor("school_leader"),
            project=p,
            used_since=clock.today(),
            description="防汛应急投入使用",
            industry_exception=True,
        )


@pytest.mark.parametrize(("day", "allowed"), [(22, True), (23, False)])
def test_r_acc_03_r_cal_01_the_3_day_return_ending_on_a_sunday_runs_to_monday(
    d, frozen, day, allowed
):
    """Received Thursday 06-18: day 3 is Sunday 06-21, a rest day, so the owner
    may still return the request on Monday 06-22 (R-CAL-01), not on 06-23."""
    frozen.move_to(local(2026, 6, 18, 9, 0))
    req = received(d)
    assert services.return_window_end(req) == dt.date(2026, 6, 22)
    frozen.move_to(local(2026, 6, day, 17, 0))
    if allowed:
        services.return_acceptance(
            actor=d.actor("school_leader"), request=req, reason="消防验收未完成"
        )
        assert req.state == AcceptanceState.RETURNED
    else:
        with pytest.raises(Conflict) as exc:
            services.return_acceptance(
                actor=d.actor("school_leader"), request=req, reason="消防验收未完成"
            )
        assert exc.value.code == "return_window_closed"


def test_r_cal_01_the_deadline_pages_show_the_roll(d, frozen):
    """Received 06-15, 20 days: 07-05 is a Sunday; the 办理期限 list and the
    request's detail say how the period rolled."""
    received(d)
    page = d.client("school_leader").get("/approvals/deadlines/").content.decode()
    assert "2026-07-06 24:00" in page
    assert "原届满 07-05 为周日，顺延至 07-06" in page
    assert "R-CAL-01" not in page
