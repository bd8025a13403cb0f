"""Daily and monthly closing: valid days, construction days, the 80 % rule and
the consequences (R-ATT-02, R-ATT-03, R-ATT-07, R-ATT-08)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from postaward.attendance import services
from postaward.attendance.choices import DayStatus, InterviewKind
from postaward.attendance.models import (
    AttendanceDay,
    AttendanceInterview,
    MonthlyAttendance,
    NonConstructionPeriod,
)
from postaward.core import clock, events
from postaward.core.models import EventRecord, Todo
from postaward.projects.models import KeyPersonAssignment
from postaward.testing_factories import LeaveRequestFactory, SuspensionFactory

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(district):
    return KeyPersonAssignment.objects.get(person=district.users["pm_a"].person)


def day_of(pm, day):
    return AttendanceDay.objects.get(assignment=pm, date=day)


def close(day, **kw):
    with time_machine.travel(
        local(day.year, day.month, day.day, 23, 50) + dt.timedelta(hours=1), tick=False
    ):
        return services.close_day(day, **kw)


def test_exactly_four_hours_is_a_valid_day(checkin, pm):  # R-ATT-02
    checkin("pm_a", local(2026, 3, 10, 8, 0, 0))
    checkin("pm_a", local(2026, 3, 10, 12, 0, 0))
    close(dt.date(2026, 3, 10))
    assert day_of(pm, dt.date(2026, 3, 10)).status == DayStatus.VALID


def test_three_hours_fifty_nine_fifty_nine_is_invalid(checkin, pm):  # R-ATT-02
    checkin("pm_a", local(2026, 3, 10, 8, 0, 0))
    checkin("pm_a", local(2026, 3, 10, 11, 59, 59))
    close(dt.date(2026, 3, 10))
    d = day_of(pm, dt.date(2026, 3, 10))
    assert d.status == DayStatus.INVALID and "3 小时 59 分" in d.reason


def test_check_ins_across_midnight_are_two_days(
    checkin, pm
):  # R-ATT-02 (local dates, Asia/Shanghai)
    checkin("pm_a", local(2026, 3, 10, 21, 0))
    checkin("pm_a", local(2026, 3, 11, 1, 30))  # 4.5 h later, but the next day
    close(dt.date(2026, 3, 10))
    close(dt.date(2026, 3, 11))
    assert day_of(pm, dt.date(2026, 3, 10)).status == DayStatus.INVALID
    assert day_of(pm, dt.date(2026, 3, 11)).status == DayStatus.INVALID


def test_refused_check_ins_do_not_count(checkin, pm):
    checkin("pm_a", local(2026, 3, 10, 8))
    checkin("pm_a", local(2026, 3, 10, 13), lon=121.5)  # far away: refused
    close(dt.date(2026, 3, 10))
    assert day_of(pm, dt.date(2026, 3, 10)).status == DayStatus.INVALID


def test_closing_twice_gives_the_same_rows(checkin, pm):
    checkin("pm_a", local(2026, 3, 10, 8))
    checkin("pm_a", local(2026, 3, 10, 13))
    close(dt.date(2026, 3, 10))
    close(dt.date(2026, 3, 10))
    assert AttendanceDay.objects.filter(assignment=pm, date=dt.date(2026, 3, 10)).count() == 1


def test_a_public_holiday_is_a_construction_day(
    district, pm
):  # R-ATT-03: construction days are not working days
    # 2026-04-05 is the Qingming holiday (a Sunday inside the holiday): the site works, so it counts.
    close(dt.date(2026, 4, 5))
    assert day_of(pm, dt.date(2026, 4, 5)).status == DayStatus.ABSENT


def _month_rate(pm, month):
    return MonthlyAttendance.objects.get(assignment=pm, month=month)


def _attend(checkin, username, day):
    checkin(username, local(day.year, day.month, day.day, 8))
    checkin(username, local(day.year, day.month, day.day, 17))


def test_monthly_rate_excludes_suspended_leave_and_non_construction_days(
    district, checkin, pm
):  # R-ATT-03
    p = district.projects["p_school"]
    # April 2026: 30 days. Suspended 04-06..04-08 (resumed 04-09), leave 04-15..04-16,
    # non-construction 04-20..04-21 → 30 - 3 - 2 - 2 = 23 construction days.
    SuspensionFactory(
        project=p,
        state="ended",
        started_at=local(2026, 4, 6, 9),
        reason="雨",
        ended_at=local(2026, 4, 9, 8),
    )
    LeaveRequestFactory(
        assignment=pm, project=p, starts_on=dt.date(2026, 4, 15), ends_on=dt.date(2026, 4, 16)
    )
    NonConstructionPeriod.objects.create(
        project=p,
        starts_on=dt.date(2026, 4, 20),
        ends_on=dt.date(2026, 4, 21),
        reason="停电",
        declared_at=clock.now(),
        declared_by_name="o",
    )
    construction = [
        d
        for d in (dt.date(2026, 4, 1) + dt.timedelta(days=i) for i in range(30))
        if not (dt.date(2026, 4, 6) <= d <= dt.date(2026, 4, 8))
        and d
        not in (
            dt.date(2026, 4, 15),
            dt.date(2026, 4, 16),
            dt.date(2026, 4, 20),
            dt.date(2026, 4, 21),
        )
    ]
    assert len(construction) == 23
    for d in construction[:19]:  # 19 / 23 = 82.6 %
        _attend(checkin, "pm_a", d)
    with time_machine.travel(local(2026, 5, 1, 2), tick=False):
        services.close_month(dt.date(2026, 4, 1))
    m = _month_rate(pm, dt.date(2026, 4, 1))
    assert (m.valid_days, m.construction_days) == (19, 23)
    assert m.rate == Decimal("0.8261") and not m.below_threshold
    assert m.excluded == {"suspended": 3, "leave": 2, "non_construction": 2}


def test_exactly_80_percent_is_enough_and_below_is_a_consequence(district, checkin, pm):  # R-ATT-08
    # June 2026 has 30 days: 24 valid days = 80 % exactly.
    for i in range(24):
        _attend(checkin, "pm_a", dt.date(2026, 6, 1) + dt.timedelta(days=i))
    with time_machine.travel(local(2026, 7, 1, 2), tick=False):
        services.close_month(dt.date(2026, 6, 1))
    m = _month_rate(pm, dt.date(2026, 6, 1))
    assert (m.valid_days, m.construction_days, m.rate) == (24, 30, Decimal("0.8000"))
    assert not m.below_threshold
    assert not AttendanceInterview.objects.filter(
        kind=InterviewKind.LOW_MONTHLY_RATE, person=pm.person
    ).exists()

    # July 2026 has 31 days: 24 valid days = 77.4 % → below.
    for i in range(24):
        _attend(checkin, "pm_a", dt.date(2026, 7, 1) + dt.timedelta(days=i))
    with time_machine.travel(local(2026, 8, 1, 2), tick=False):
        services.close_month(dt.date(2026, 7, 1))
    m = _month_rate(pm, dt.date(2026, 7, 1))
    assert (m.valid_days, m.construction_days) == (24, 31) and m.below_threshold
    interview = AttendanceInterview.objects.get(
        kind=InterviewKind.LOW_MONTHLY_RATE, person=pm.person
    )
    assert "24/31" in interview.summary
    assert Todo.objects.filter(key=f"attendance.interview:{interview.pk}", state="open").exists()
    # R-ATT-03: every complete month's rate is published as a fact, low or not
    june, july = EventRecord.objects.filter(
        name="attendance.monthly_rate", payload__person_id=pm.person_id
    ).order_by("id")
    assert (june.payload["month"], june.payload["rate"]) == ("2026-06", "0.8000")
    assert july.payload["valid_days"] == 24 and july.payload["construction_days"] == 31
    # closing again does not repeat the consequence
    with time_machine.travel(local(2026, 8, 1, 3), tick=False):
        services.close_month(dt.date(2026, 7, 1))
    assert (
        AttendanceInterview.objects.filter(
            kind=InterviewKind.LOW_MONTHLY_RATE, person=pm.person
        ).count()
        == 1
    )


def test_month_boundaries_use_local_dates(district, checkin, pm):  # R-ATT-03
    # 2026-04-30 23:30 local is still April; 2026-05-01 00:10 local is May.
    checkin("pm_a", local(2026, 4, 30, 19, 0))
    checkin("pm_a", local(2026, 4, 30, 23, 30))
    checkin("pm_a", local(2026, 5, 1, 0, 10))
    with time_machine.travel(local(2026, 5, 2, 2), tick=False):
        services.close_month(dt.date(2026, 4, 1))
    assert _month_rate(pm, dt.date(2026, 4, 1)).valid_days == 1


def test_project_started_mid_month_counts_from_its_start(district, pm):  # R-ATT-03
    # p_school started 2026-03-02: March has 30 construction days (03-02..03-31).
    with time_machine.travel(local(2026, 4, 1, 2), tick=False):
        services.close_month(dt.date(2026, 3, 1))
    m = _month_rate(pm, dt.date(2026, 3, 1))
    assert (m.valid_days, m.construction_days) == (0, 30) and m.below_threshold


def test_two_consecutive_days_without_attendance_trigger_an_interview(
    district, checkin, pm
):  # R-ATT-07
    _attend(checkin, "pm_a", dt.date(2026, 3, 10))
    close(dt.date(2026, 3, 10))
    close(dt.date(2026, 3, 11))  # absent: one day is not yet a streak
    mine = AttendanceInterview.objects.filter(person=pm.person)
    assert not mine.exists()
    checkin("pm_a", local(2026, 3, 12, 8))  # one check-in: invalid
    close(dt.date(2026, 3, 12))
    interview = mine.get(kind=InterviewKind.ABSENCE_STREAK)
    assert interview.trigger["days"] == ["2026-03-11", "2026-03-12"]
    events.dispatch_pending()
    # R-ATT-07: the streak's facts, once per day it grew (length 1, then 2)
    assert [
        e.payload["days"]
        for e in EventRecord.objects.filter(
            name="attendance.absence_streak", payload__person_id=pm.person_id
        ).order_by("id")
    ] == [["2026-03-11"], ["2026-03-11", "2026-03-12"]]
    close(dt.date(2026, 3, 13))  # the same streak goes on: no second interview
    assert mine.count() == 1


def test_a_leave_day_between_absences_neither_counts_nor_breaks(
    district, checkin, pm
):  # R-ATT-07, R-ATT-05
    LeaveRequestFactory(assignment=pm, starts_on=dt.date(2026, 3, 11), reason="事假")
    _attend(checkin, "pm_a", dt.date(2026, 3, 9))
    close(dt.date(2026, 3, 9))
    close(dt.date(2026, 3, 10))  # absent
    close(dt.date(2026, 3, 11))  # leave
    assert day_of(pm, dt.date(2026, 3, 11)).status == DayStatus.LEAVE
    mine = AttendanceInterview.objects.filter(person=pm.person)
    assert not mine.exists()
    close(dt.date(2026, 3, 12))  # absent again: 03-10 and 03-12 are consecutive construction days
    assert mine.get().trigger["days"] == ["2026-03-10", "2026-03-12"]


def test_suspended_days_are_not_absences(district, pm):  # R-PRJ-07
    p = district.projects["p_school"]
    SuspensionFactory(project=p, started_at=local(2026, 3, 10, 7), reason="雨")
    close(dt.date(2026, 3, 10))
    close(dt.date(2026, 3, 11))
    assert day_of(pm, dt.date(2026, 3, 11)).status == DayStatus.SUSPENDED
    assert not AttendanceInterview.objects.exists()


def _streak_events(pm):
    return EventRecord.objects.filter(
        name="attendance.absence_streak", payload__person_id=pm.person_id
    )


def test_re_closing_detects_the_streak_once(district, checkin, pm):  # R-ATT-07
    from postaward.attendance import tasks

    _attend(checkin, "pm_a", dt.date(2026, 3, 10))  # then absent on 03-11 and 03-12
    with time_machine.travel(local(2026, 3, 15, 10), tick=False):
        tasks.reclose.call_local("2026-03-10", "2026-03-12")
        tasks.reclose.call_local("2026-03-10", "2026-03-12")  # closing twice
    assert _streak_events(pm).count() == 2  # lengths 1 and 2, each once (R-ATT-07)
    interview = AttendanceInterview.objects.get(kind=InterviewKind.ABSENCE_STREAK, person=pm.person)
    assert interview.trigger["days"] == ["2026-03-11", "2026-03-12"]
    assert Todo.objects.filter(key=f"attendance.interview:{interview.pk}").count() == 1


def test_the_nightly_closing_catches_up_a_missed_day(district, checkin, pm):  # R-ATT-07
    from postaward.attendance import tasks

    for d in range(5, 11):  # the week before: attended and closed every night
        _attend(checkin, "pm_a", dt.date(2026, 3, d))
        close(dt.date(2026, 3, d))
    # The 00:30 task of 03-12 never ran: 03-11 was not closed.
    with time_machine.travel(local(2026, 3, 13, 0, 30), tick=False):
        assert services.unclosed_days(dt.date(2026, 3, 5), dt.date(2026, 3, 11)) == {
            dt.date(2026, 3, 11): [district.projects["p_school"].pk]
        }
        tasks.close_yesterday.call_local()
        assert services.unclosed_days(dt.date(2026, 3, 5), dt.date(2026, 3, 12)) == {}
        tasks.close_yesterday.call_local()  # run twice: nothing more
    assert day_of(pm, dt.date(2026, 3, 11)).status == DayStatus.ABSENT
    assert _streak_events(pm).count() == 2  # lengths 1 and 2, each once (R-ATT-07)
    interview = AttendanceInterview.objects.get(kind=InterviewKind.ABSENCE_STREAK, person=pm.person)
    assert interview.trigger["days"] == ["2026-03-11", "2026-03-12"]


def test_catch_up_looks_back_seven_days_at_most(district, pm):  # R-ATT-07
    from postaward.attendance import tasks

    # Nothing was ever closed; on 03-20 00:30 the task closes 03-12..03-18, then 03-19.
    with time_machine.travel(local(2026, 3, 20, 0, 30), tick=False):
        tasks.close_yesterday.call_local()
    closed = set(AttendanceDay.objects.filter(assignment=pm).values_list("date", flat=True))
    assert closed == {dt.date(2026, 3, 12) + dt.timedelta(days=i) for i in range(8)}
