"""Rule fidelity of attendance across capabilities (issue 11):

- a rejected suspension suspends nothing (R-PRJ-07, R-ATT-03);
- a suspension confirmed late re-closes its days and withdraws the old
  consequences, interview and alert (R-PRJ-07, SY 35);
- the patrol interval counts construction days only (R-ATT-06);
- one rule, one threshold: attendance publishes facts and the alert indicator's
  configured threshold decides, for the alert and the interview alike; these are
  contract tests running the real closing through the outbox to the alerts
  (R-ALR-01, R-ATT-07, R-ATT-08, R-ATT-03)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from postaward.alerts import services as alert_services
from postaward.alerts.choices import AlertState, StepKind
from postaward.alerts.models import Alert
from postaward.attendance import services
from postaward.attendance.choices import DayStatus, InterviewKind, InterviewState
from postaward.attendance.models import AttendanceDay, AttendanceInterview, MonthlyAttendance
from postaward.core import events
from postaward.core.models import EventRecord, Todo
from postaward.projects import services as project_services
from postaward.projects.models import KeyPersonAssignment, Suspension
from postaward.testing_factories import SuspensionFactory

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(district):
    return KeyPersonAssignment.objects.get(person=district.users["pm_a"].person)


def close(day: dt.date) -> None:
    with time_machine.travel(local(day.year, day.month, day.day, 23, 50) + dt.timedelta(hours=1)):
        services.close_day(day)
        events.dispatch_pending(limit=100_000)


def attend(checkin, day: dt.date) -> None:
    checkin("pm_a", local(day.year, day.month, day.day, 8))
    checkin("pm_a", local(day.year, day.month, day.day, 13))


def set_param(district, code: str, **params) -> None:
    ind = alert_services.indicator_for(code)
    alert_services.update_indicator(
        actor=district.actor("office_admin"), indicator=ind, params=params
    )


def absence_alerts(pm):
    return Alert.objects.filter(indicator__code="attendance.absence_streak", person=pm.person)


# --- R-PRJ-07: decided by the suspension's state, not by a timestamp ---------------------------------


def test_r_prj_07_a_rejected_suspension_does_not_suspend_attendance(district, checkin, pm):
    p = district.projects["p_school"]
    with time_machine.travel(local(2026, 3, 10, 7, 30)):
        s = project_services.declare_suspension(
            actor=district.actor("school_leader"),
            project=p,
            started_at=local(2026, 3, 10, 7, 0),
            reason="暴雨红色预警",
        )
    with time_machine.travel(local(2026, 3, 10, 7, 45)):
        project_services.reject_suspension(
            actor=district.actor("line_supervisor"), suspension=s, note="雨量未达停工标准"
        )
    s.refresh_from_db()
    assert s.state == "rejected" and s.confirmed_at is not None  # the decision time is kept
    r = checkin("pm_a", local(2026, 3, 11, 8))
    assert r.checkin.accepted, r.checkin.refusal
    close(dt.date(2026, 3, 10))
    close(dt.date(2026, 3, 11))
    assert AttendanceDay.objects.get(assignment=pm, date=dt.date(2026, 3, 10)).status == (
        DayStatus.ABSENT
    )
    assert AttendanceDay.objects.get(assignment=pm, date=dt.date(2026, 3, 11)).status == (
        DayStatus.INVALID
    )


# --- SY 35: a late confirmation re-closes the days and withdraws the consequences -------------------


def test_r_prj_07_a_late_confirmation_recloses_the_days_and_withdraws_interview_and_alert(
    district, checkin, pm
):
    p = district.projects["p_school"]
    attend(checkin, dt.date(2026, 3, 9))
    close(dt.date(2026, 3, 9))
    with time_machine.travel(local(2026, 3, 10, 7, 30)):
        s = project_services.declare_suspension(
            actor=district.actor("school_leader"),
            project=p,
            started_at=local(2026, 3, 10, 7, 0),
            reason="暴雨积水，停工排水",
        )
    for day in (10, 11, 12):  # the line has not confirmed yet: absences
        close(dt.date(2026, 3, day))
    interview = AttendanceInterview.objects.get(kind=InterviewKind.ABSENCE_STREAK, person=pm.person)
    alert = absence_alerts(pm).get()
    assert alert.state == AlertState.PENDING
    with time_machine.travel(local(2026, 3, 13, 10)):
        project_services.confirm_suspension(actor=district.actor("line_supervisor"), suspension=s)
        events.dispatch_pending(limit=100_000)
    days = AttendanceDay.objects.filter(assignment=pm, date__range=("2026-03-10", "2026-03-12"))
    assert {d.status for d in days} == {DayStatus.SUSPENDED}
    interview.refresh_from_db()
    assert interview.state == InterviewState.WITHDRAWN
    assert "停工已确认" in interview.closed_reason
    assert not Todo.objects.filter(
        key=f"attendance.interview:{interview.pk}", state="open"
    ).exists()
    alert.refresh_from_db()
    assert alert.state == AlertState.CLOSED  # closed with the reason, not deleted
    step = alert.steps.get(kind=StepKind.WITHDRAWN)
    assert step.note == "停工已确认"
    assert Suspension.objects.get(pk=s.pk).state == "confirmed"


def test_r_prj_07_a_late_confirmation_keeps_a_streak_that_still_holds(district, checkin, pm):
    """Absent 03-06..03-09 (4 days), suspension declared 03-09, confirmed 03-10:
    03-06..03-08 are still 3 failing construction days, the interview stays."""
    p = district.projects["p_school"]
    attend(checkin, dt.date(2026, 3, 5))
    for day in (5, 6, 7, 8):
        close(dt.date(2026, 3, day))
    with time_machine.travel(local(2026, 3, 9, 7, 30)):
        s = project_services.declare_suspension(
            actor=district.actor("school_leader"),
            project=p,
            started_at=local(2026, 3, 9, 7, 0),
            reason="区域停电检修",
        )
    close(dt.date(2026, 3, 9))
    with time_machine.travel(local(2026, 3, 10, 10)):
        project_services.confirm_suspension(actor=district.actor("line_supervisor"), suspension=s)
        events.dispatch_pending(limit=100_000)
    assert AttendanceDay.objects.get(assignment=pm, date="2026-03-09").status == (
        DayStatus.SUSPENDED
    )
    interview = AttendanceInterview.objects.get(kind=InterviewKind.ABSENCE_STREAK, person=pm.person)
    assert interview.state == InterviewState.DUE
    assert absence_alerts(pm).get().state == AlertState.PENDING


def test_r_prj_07_a_confirmation_handled_late_recloses_what_was_closed_without_it(district, pm):
    """The worker was down: a suspension declared 03-10, confirmed 03-12 and
    resumed 03-16 reaches attendance on 05-20. Re-closed: the days closed
    without it (03-10, 03-11, now suspended) and the closed days whose absence
    streaks looked back over them, up to 31 days after 03-11 (04-11). Left as
    they were closed: later days (04-12, 04-20), and a day never closed (03-13:
    the nightly closing's, which reads the suspension itself) (ADR 0085)."""
    p = district.projects["p_school"]

    def close_only(day: dt.date) -> None:  # the nightly closing, the events left pending
        with time_machine.travel(
            local(day.year, day.month, day.day, 23, 50) + dt.timedelta(hours=1)
        ):
            services.close_day(day)

    with time_machine.travel(local(2026, 3, 10, 7, 30)):
        s = project_services.declare_suspension(
            actor=district.actor("school_leader"),
            project=p,
            started_at=local(2026, 3, 10, 7, 0),
            reason="暴雨积水，停工排水",
        )
    for day in (10, 11):
        close_only(dt.date(2026, 3, day))
    with time_machine.travel(local(2026, 3, 12, 10)):
        project_services.confirm_suspension(actor=district.actor("line_supervisor"), suspension=s)
    with time_machine.travel(local(2026, 3, 16, 9)):
        project_services.resume_works(actor=district.actor("school_leader"), project=p)
    days = [dt.date(2026, 3, d) for d in (10, 11, 12, 14, 15, 16, 17)]
    days += [dt.date(2026, 4, 11), dt.date(2026, 4, 12), dt.date(2026, 4, 20)]
    for day in days[2:]:
        close_only(day)

    def closed() -> dict[dt.date, tuple[str, dt.datetime]]:
        rows = AttendanceDay.objects.filter(assignment=pm)
        return {r.date: (r.status, r.closed_at) for r in rows}

    before = closed()
    assert before[dt.date(2026, 3, 10)][0] == before[dt.date(2026, 3, 11)][0] == DayStatus.ABSENT
    assert before[dt.date(2026, 3, 12)][0] == DayStatus.SUSPENDED
    assert dt.date(2026, 3, 13) not in before
    with time_machine.travel(local(2026, 5, 20, 10)):
        events.dispatch_pending(limit=100_000)
    after = closed()
    assert after[dt.date(2026, 3, 10)][0] == after[dt.date(2026, 3, 11)][0] == DayStatus.SUSPENDED
    assert {d for d in days if after[d][1] != before[d][1]} == set(days[:8])  # up to 04-11
    assert dt.date(2026, 3, 13) not in after
    assert {d: after[d][0] for d in days[2:]} == {d: before[d][0] for d in days[2:]}


# --- R-ATT-06: construction days only -----------------------------------------------------------------


def _patrol_events(p):
    return EventRecord.objects.filter(name="attendance.patrol_overdue", payload__project_id=p.pk)


def test_r_att_06_suspended_days_do_not_count_in_the_patrol_interval(district):
    p = district.projects["p_school"]  # works started 2026-03-02, no patrol yet
    SuspensionFactory(
        project=p,
        state="ended",
        started_at=local(2026, 3, 3, 7),
        ended_at=local(2026, 3, 21, 8),
        confirmed_at=local(2026, 3, 3, 9),
    )
    close(dt.date(2026, 3, 21))  # the day works resume: 1 construction day since 03-02
    assert not _patrol_events(p).exists()
    close(dt.date(2026, 3, 26))  # 03-21..03-26: 6 construction days
    assert not _patrol_events(p).exists()
    close(dt.date(2026, 3, 27))  # the 7th construction day without a patrol
    [evt] = _patrol_events(p)
    assert evt.payload["days_without"] == 7


# --- R-ALR-01: one rule, one threshold (contract tests through the outbox) -------------------------


def test_r_alr_01_r_att_07_min_days_3_a_real_4_day_streak_alerts_and_a_2_day_one_does_not(
    district, checkin, pm
):
    set_param(district, "attendance.absence_streak", min_days=3)
    attend(checkin, dt.date(2026, 3, 9))
    close(dt.date(2026, 3, 9))
    close(dt.date(2026, 3, 10))
    close(dt.date(2026, 3, 11))  # a 2-day streak
    attend(checkin, dt.date(2026, 3, 12))
    close(dt.date(2026, 3, 12))  # broken
    assert not absence_alerts(pm).exists()
    assert not AttendanceInterview.objects.filter(
        kind=InterviewKind.ABSENCE_STREAK, person=pm.person
    ).exists()
    for day in (13, 14, 15, 16):  # a 4-day streak
        close(dt.date(2026, 3, day))
    alert = absence_alerts(pm).get()
    assert alert.facts["first_day"] == "2026-03-13"
    # the interview follows the same configured threshold: opened on the third day
    interview = AttendanceInterview.objects.get(kind=InterviewKind.ABSENCE_STREAK, person=pm.person)
    assert interview.trigger["days"] == ["2026-03-13", "2026-03-14", "2026-03-15"]


def test_r_alr_01_r_att_07_min_days_1_makes_a_single_absence_an_alert(district, checkin, pm):
    set_param(district, "attendance.absence_streak", min_days=1)
    attend(checkin, dt.date(2026, 3, 9))
    close(dt.date(2026, 3, 9))
    close(dt.date(2026, 3, 10))
    assert absence_alerts(pm).count() == 1
    assert (
        AttendanceInterview.objects.filter(
            kind=InterviewKind.ABSENCE_STREAK, person=pm.person
        ).count()
        == 1
    )


def _month_of(checkin, pm, valid: int, month=dt.date(2026, 6, 1)) -> None:
    for i in range(valid):
        attend(checkin, month + dt.timedelta(days=i))
    with time_machine.travel(local(2026, 7, 1, 2)):
        services.close_month(month)
        events.dispatch_pending(limit=100_000)


def rate_alerts(pm):
    return Alert.objects.filter(
        indicator__code="attendance.monthly_rate_below_threshold", person=pm.person
    )


def test_r_alr_01_r_att_08_the_configured_rate_decides_alert_and_interview(district, checkin, pm):
    """June 2026: 26 of 30 days = 86.7 %. Above the default 80 %, but below a
    configured 90 %: the real monthly closing raises the alert and the interview."""
    set_param(district, "attendance.monthly_rate_below_threshold", threshold="0.90")
    _month_of(checkin, pm, 26)
    m = MonthlyAttendance.objects.get(assignment=pm, month=dt.date(2026, 6, 1))
    assert m.rate == Decimal("0.8667") and m.below_threshold
    assert rate_alerts(pm).count() == 1
    interview = AttendanceInterview.objects.get(
        kind=InterviewKind.LOW_MONTHLY_RATE, person=pm.person
    )
    assert "低于90%" in interview.summary


def test_r_att_03_r_att_08_a_rate_at_the_default_threshold_is_published_but_not_an_alert(
    district, checkin, pm
):
    _month_of(checkin, pm, 24)  # exactly 80 %
    assert EventRecord.objects.filter(
        name="attendance.monthly_rate", payload__assignment_id=pm.pk, payload__rate="0.8000"
    ).exists()
    assert not rate_alerts(pm).exists()
    assert not AttendanceInterview.objects.filter(
        kind=InterviewKind.LOW_MONTHLY_RATE, person=pm.person
    ).exists()


def test_r_alr_01_r_att_06_the_configured_patrol_interval_decides(district):
    p = district.projects["p_school"]  # works started 2026-03-02, no patrol
    set_param(district, "attendance.patrol_overdue", min_days=10)
    close(dt.date(2026, 3, 9))  # 7 construction days: not overdue under a 10-day interval
    assert not _patrol_events(p).exists()
    close(dt.date(2026, 3, 12))  # 10 construction days
    assert Alert.objects.filter(indicator__code="attendance.patrol_overdue").count() == 1


def test_r_alr_01_r_att_04_a_really_confirmed_cheat_reaches_its_indicator(district, checkin, pm):
    first = checkin("pm_a", local(2026, 3, 10, 8), mock_location=True).checkin
    with time_machine.travel(local(2026, 3, 11, 9)):
        services.review_checkin(
            actor=district.actor("school_leader"),
            checkin=first,
            confirm=True,
            note="现场核实当日未到岗",
        )
        events.dispatch_pending(limit=100_000)
    a = Alert.objects.get(indicator__code="attendance.cheat_confirmed", person=pm.person)
    assert a.project == district.projects["p_school"]


# --- one rule, one threshold in the words too: the interview kinds' labels ---------------------------


def test_r_att_07_the_absence_interview_label_follows_the_configured_min_days(
    district, checkin, pm
):
    """Issue 11 §1: the interview's kind on its page, in the owner's desk, in
    the API and in the owner's to-do says the configured streak length."""
    set_param(district, "attendance.absence_streak", min_days=3)
    attend(checkin, dt.date(2026, 3, 9))
    for day in (9, 10, 11, 12):
        close(dt.date(2026, 3, day))
    interview = AttendanceInterview.objects.get(kind=InterviewKind.ABSENCE_STREAK, person=pm.person)
    assert interview.kind_label == "连续3天以上未考勤：约谈相关责任人"
    todo = Todo.objects.get(key=f"attendance.interview:{interview.pk}")
    assert "连续3天以上" in todo.detail
    with time_machine.travel(local(2026, 3, 13, 9)):
        c = district.client("school_leader")
        page = c.get(f"/attendance/interviews/{interview.pk}/").content.decode()
        assert "连续3天以上未考勤" in page and "连续2天以上" not in page
        listed = c.get("/api/v1/attendance/interviews").json()
    assert listed["items"][0]["kind_label"].startswith("连续3天以上未考勤")
    set_param(district, "attendance.absence_streak", min_days=2)  # the default again
    assert interview.kind_label.startswith("连续2天以上未考勤")


def test_r_att_03_r_att_08_the_low_rate_interview_label_follows_the_configured_threshold(
    district, checkin, pm
):
    set_param(district, "attendance.monthly_rate_below_threshold", threshold="0.90")
    _month_of(checkin, pm, 26)
    interview = AttendanceInterview.objects.get(
        kind=InterviewKind.LOW_MONTHLY_RATE, person=pm.person
    )
    assert interview.kind_label.startswith("月考勤率不足90%：")
    with time_machine.travel(local(2026, 7, 1, 9)):
        page = (
            district.client("school_leader")
            .get(f"/attendance/interviews/{interview.pk}/")
            .content.decode()
        )
    assert "月考勤率不足90%" in page and "不足80%" not in page.split("第四十二条")[0]
    set_param(district, "attendance.monthly_rate_below_threshold", threshold="0.855")
    assert interview.kind_label.startswith("月考勤率不足85.5%：")
