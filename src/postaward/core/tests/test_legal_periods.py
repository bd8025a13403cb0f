"""Legal periods under the Civil Code, arts. 201-203 (R-CAL-01): a period counted
in calendar days starts the day after the event, ends at 24:00 of its last day,
and if that day is a rest day (a statutory holiday, or a Saturday or Sunday that
is not a make-up working day) it ends at 24:00 of the next working day. Real
dates of the State Council notice for 2026 (National Day 10-01..10-07, make-up
working days Sunday 09-20 and Saturday 10-10)."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import business_calendar as bc
from postaward.core import clock

pytestmark = pytest.mark.django_db

D = dt.date
CD = bc.Unit.CALENDAR_DAYS
WD = bc.Unit.WORKING_DAYS


def test_r_cal_01_report_received_0930_with_5_days_is_due_1008_not_the_holiday_1005():
    assert bc.calendar_period(D(2026, 9, 30), 5) == (D(2026, 10, 5), D(2026, 10, 8))
    assert bc.due_at(D(2026, 9, 30), 5, CD) == dt.datetime(2026, 10, 9, tzinfo=clock.LOCAL_TZ)
    assert bc.roll_note(D(2026, 10, 5), D(2026, 10, 8)) == "原届满 10-05 为法定节假日，顺延至 10-08"


def test_r_cal_01_a_saturday_last_day_rolls_to_monday():
    # 2026-03-14 + 7 = Saturday 03-21: ends Monday 03-23 at 24:00
    assert bc.add_days(D(2026, 3, 14), 7) == D(2026, 3, 23)
    assert bc.roll_note(D(2026, 3, 21), D(2026, 3, 23)) == "原届满 03-21 为周六，顺延至 03-23"
    # Sunday 03-22 rolls one day
    assert bc.add_days(D(2026, 3, 15), 7) == D(2026, 3, 23)
    assert bc.roll_note(D(2026, 3, 22), D(2026, 3, 23)) == "原届满 03-22 为周日，顺延至 03-23"


def test_r_cal_01_a_make_up_working_day_is_not_rolled():
    # Saturday 2026-10-10 is a make-up working day: a period ending on it ends on it
    assert bc.is_working_day(D(2026, 10, 10))
    assert bc.add_days(D(2026, 9, 30), 10) == D(2026, 10, 10)
    # Sunday 2026-09-20 is one too
    assert bc.add_days(D(2026, 9, 13), 7) == D(2026, 9, 20)
    assert "原届满" not in bc.describe_period(D(2026, 9, 13), 7, CD)


def test_r_cal_01_a_holiday_ending_next_to_a_weekend_rolls_past_both():
    # 2026 Dragon Boat: 06-19 (Friday) holiday, then the weekend: 06-18 + 1 → Monday 06-22
    assert not bc.is_working_day(D(2026, 6, 19))
    assert bc.add_days(D(2026, 6, 18), 1) == D(2026, 6, 22)


def test_r_cal_01_days_inside_the_period_still_count_and_working_day_periods_do_not_roll():
    # a holiday inside the period is counted: 09-30 + 10 = 10-10, not later
    assert bc.add_days(D(2026, 9, 30), 10) == D(2026, 10, 10)
    # working-day periods end on a working day by construction
    nominal, end = bc.period_ends(D(2026, 9, 30), 3, WD)
    assert nominal == end == D(2026, 10, 10)
    # a same-day period ("当日") is never rolled
    assert bc.add_days(D(2026, 10, 3), 0) == D(2026, 10, 3)


def test_r_cal_01_the_api_shows_the_roll(district):
    r = district.client("school_admin").get(
        "/api/v1/calendar/period", {"start": "2026-09-30", "length": 5, "unit": "calendar_days"}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["last_day"] == "2026-10-08"
    assert "原届满 10-05 为法定节假日，顺延至 10-08" in body["description"]
