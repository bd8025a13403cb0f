"""The business calendar: working days under the Chinese statutory calendar
(REQUIREMENTS: "working day" = weekends off, public holidays off, make-up
working days on). Real dates of the State Council notice for 2026."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postaward.core import business_calendar as bc
from postaward.core import clock, services
from postaward.core.actor import SYSTEM
from postaward.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date
WD = bc.Unit.WORKING_DAYS
CD = bc.Unit.CALENDAR_DAYS
SHANGHAI = clock.LOCAL_TZ


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# --- the 2026 calendar, seeded from chinesecalendar ---------------------------------------------


def test_national_day_2026_third_working_day_is_the_makeup_saturday():  # R-CAL-01
    # Received Wednesday 2026-09-30; 10-01..10-07 are off; 10-08 and 10-09 are
    # days 1 and 2; Saturday 10-10 is a make-up working day.
    assert bc.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert D(2026, 10, 10).weekday() == 5
    assert bc.is_working_day(D(2026, 10, 10))
    assert not any(bc.is_working_day(d) for d in days(D(2026, 10, 1), D(2026, 10, 7)))
    assert bc.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert bc.add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 9)
    # Sunday 10-11 is an ordinary weekend day again
    assert bc.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_spring_festival_2026_makeup_saturday_is_a_working_day():
    assert D(2026, 2, 14).weekday() == 5
    assert bc.is_working_day(D(2026, 2, 14))
    assert bc.describe_day(D(2026, 2, 14)).startswith("调休上班")
    assert not any(bc.is_working_day(d) for d in days(D(2026, 2, 15), D(2026, 2, 23)))
    assert bc.is_working_day(D(2026, 2, 28))  # the second make-up Saturday


def test_labour_day_2026_off_and_makeup_saturday():
    assert not any(bc.is_working_day(d) for d in days(D(2026, 5, 1), D(2026, 5, 5)))
    assert D(2026, 5, 9).weekday() == 5
    assert bc.is_working_day(D(2026, 5, 9))
    assert bc.describe_day(D(2026, 5, 1)) == "劳动节（休）"
    # Thursday 04-30 received: 5 working days are 05-06, 05-07, 05-08, 05-09, 05-11
    assert bc.add_working_days(D(2026, 4, 30), 5) == D(2026, 5, 11)


def test_ordinary_days_are_labelled():
    assert bc.describe_day(D(2026, 3, 4)) == "工作日"
    assert bc.describe_day(D(2026, 3, 7)) == "周末"
    assert bc.describe_day(D(2026, 10, 1)) == "国庆节（休）"


def test_working_days_between_does_not_count_the_start_day():
    assert bc.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert bc.working_days_between(D(2026, 9, 30), D(2026, 10, 7)) == 0
    assert bc.working_days_between(D(2026, 3, 2), D(2026, 3, 9)) == 5  # Mon -> next Mon
    assert bc.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert bc.working_days_between(D(2026, 3, 9), D(2026, 3, 2)) == 0


def test_add_days_counts_calendar_days_across_a_holiday():
    # holidays count as calendar days: 10 days from 09-30 end on 10-10
    assert bc.add_days(D(2026, 9, 30), 10) == D(2026, 10, 10)
    assert bc.add_days(D(2026, 9, 30), 0) == D(2026, 9, 30)
    assert bc.add_days(D(2026, 12, 25), 20) == D(2027, 1, 14)
    assert bc.period_end(D(2026, 9, 30), 10, CD) == D(2026, 10, 10)
    # 10-08, 10-09, 10-10 (make-up), 10-12..10-16, 10-19, 10-20
    assert bc.period_end(D(2026, 9, 30), 10, WD) == D(2026, 10, 20)


def test_negative_lengths_and_unknown_units_are_refused():
    with pytest.raises(ValueError):
        bc.add_days(D(2026, 1, 1), -1)
    with pytest.raises(ValueError):
        bc.add_working_days(D(2026, 1, 1), -1)
    with pytest.raises(ValueError):
        bc.period_end(D(2026, 1, 1), 3, "weeks")


def test_due_at_is_24_00_local_of_the_last_day():
    due = bc.due_at(D(2026, 9, 30), 3, WD)
    assert due == dt.datetime(2026, 10, 11, 0, 0, tzinfo=SHANGHAI)
    assert due == dt.datetime(2026, 10, 10, 16, 0, tzinfo=dt.UTC)
    # R-CAL-01: 20 days from 03-01 end on Saturday 03-21, a rest day: rolled to Monday
    assert bc.due_at(D(2026, 3, 1), 20, CD) == dt.datetime(2026, 3, 24, tzinfo=SHANGHAI)
    assert bc.due_at(D(2026, 3, 3), 20, CD) == dt.datetime(2026, 3, 24, tzinfo=SHANGHAI)


def test_due_at_from_a_datetime_counts_from_its_local_date():
    # 2026-09-29 17:30 UTC is already 2026-09-30 01:30 in Shanghai
    start = dt.datetime(2026, 9, 29, 17, 30, tzinfo=dt.UTC)
    assert bc.due_at(start, 3, WD) == dt.datetime(2026, 10, 11, tzinfo=SHANGHAI)
    # 2026-09-30 15:59 UTC is 23:59 in Shanghai: still the 30th
    late = dt.datetime(2026, 9, 30, 15, 59, tzinfo=dt.UTC)
    assert bc.due_at(late, 3, WD) == dt.datetime(2026, 10, 11, tzinfo=SHANGHAI)


def test_describe_period_shows_start_length_unit_end_and_basis():
    text = bc.describe_period(D(2026, 9, 30), 3, WD, basis="汉川联合执法方案")
    assert text == "自 2026-09-30 起 3 个工作日，至 2026-10-10 24:00（依据：汉川联合执法方案）"
    assert (
        bc.describe_period(D(2026, 9, 14), 3, CD)
        == "自 2026-09-14 起 3 个自然日，至 2026-09-17 24:00"
    )
    # R-CAL-01: a calendar-day period ending in a holiday says how it rolled
    assert bc.describe_period(D(2026, 9, 30), 3, CD) == (
        "自 2026-09-30 起 3 个自然日，至 2026-10-08 24:00（原届满 10-03 为法定节假日，顺延至 10-08）"
    )


def test_describe_period_of_the_same_day_reads_naturally():  # R-SUP-01: the daily log
    for unit in (CD, WD):
        assert bc.describe_period(D(2026, 6, 15), 0, unit) == "当日（2026-06-15）24:00 前"
    text = bc.describe_period(D(2026, 10, 1), 0, WD, basis="R-SUP-01")
    assert text == "当日（2026-10-01）24:00 前（依据：R-SUP-01）"
    assert "0 个" not in text
    # the end agrees with the deadline itself: 24:00 of the day it starts
    assert bc.due_at(D(2026, 6, 15), 0, CD) == dt.datetime(2026, 6, 16, tzinfo=SHANGHAI)


# --- years the package does not cover --------------------------------------------------------


def test_2027_is_not_covered_and_falls_back_to_weekends():
    assert bc.is_covered(2026)
    assert not bc.is_covered(2027)
    assert bc.uncovered_years(2025, 2027) == [2027]
    assert bc.uncovered_years(2026, 2026) == []
    # New Year's Day 2027 is a Friday: without the notice it counts as working
    assert D(2027, 1, 1).weekday() == 4
    assert bc.is_working_day(D(2027, 1, 1))
    assert not bc.is_working_day(D(2027, 1, 2))  # Saturday
    assert bc.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)


def test_an_administrator_entering_2027_changes_results_and_removes_the_gap(district):
    admin = district.actor("office_admin")
    services.set_calendar_day(actor=admin, date=D(2027, 1, 1), kind="holiday", name="元旦")
    assert not bc.is_working_day(D(2027, 1, 1))
    assert bc.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert bc.uncovered_years(2026, 2027) == [2027]  # still a warning until confirmed
    services.set_calendar_day(actor=admin, date=D(2027, 1, 9), kind="makeup_workday", name="元旦")
    assert bc.is_working_day(D(2027, 1, 9))
    services.confirm_calendar_year(actor=admin, year=2027, notice="国办发明电〔2026〕X号")
    assert bc.is_covered(2027)
    assert bc.uncovered_years(2026, 2027) == []
    row = CalendarYear.objects.get(year=2027)
    assert (row.source, row.updated_by) == ("manual", "office_admin")
    # and back to the default
    services.set_calendar_day(actor=admin, date=D(2027, 1, 1), kind=None)
    assert bc.is_working_day(D(2027, 1, 1))
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()


def test_a_makeup_working_day_must_be_a_weekend_day(district):
    from postaward.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="周六或周日"):
        services.set_calendar_day(
            actor=district.actor("office_admin"), date=D(2027, 1, 5), kind="makeup_workday"
        )


def test_confirming_a_year_needs_a_notice_and_a_sane_year(district):
    from postaward.core.errors import ValidationFailed

    admin = district.actor("office_admin")
    with pytest.raises(ValidationFailed, match="依据"):
        services.confirm_calendar_year(actor=admin, year=2027, notice="  ")
    with pytest.raises(ValidationFailed, match="年份"):
        services.confirm_calendar_year(actor=admin, year=1999, notice="x")
    assert not bc.is_covered(2027)


def test_only_the_supervision_office_admin_edits_the_calendar(district):
    from postaward.core.errors import Forbidden

    for username in ("office_staff", "housing_admin", "school_admin", "discipline"):
        with pytest.raises(Forbidden, match="监管办总管"):
            services.set_calendar_day(
                actor=district.actor(username), date=D(2027, 1, 1), kind="holiday"
            )
        with pytest.raises(Forbidden):
            services.confirm_calendar_year(actor=district.actor(username), year=2027, notice="x")
    assert bc.is_working_day(D(2027, 1, 1))
    # the platform itself (imports, the simulator) may
    services.set_calendar_day(actor=SYSTEM, date=D(2027, 1, 1), kind="holiday")
    assert not bc.is_working_day(D(2027, 1, 1))


def test_edits_are_audited(district):  # R-REP-04
    from postaward.core.models import AuditRecord

    admin = district.actor("office_admin")
    services.set_calendar_day(actor=admin, date=D(2026, 10, 10), kind=None)
    rec = AuditRecord.objects.order_by("-seq").first()
    assert (rec.action, rec.object_id, rec.actor_name) == (
        "core.set_calendar_day",
        "2026-10-10",
        "office_admin",
    )
    assert rec.before["kind"] == "makeup_workday"
    assert rec.after is None
    assert not bc.is_working_day(D(2026, 10, 10))  # a plain Saturday now
    assert bc.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 12)


# --- seeding ---------------------------------------------------------------------------------


def test_seeding_is_idempotent_and_never_overwrites_an_edit(district):
    services.set_calendar_day(
        actor=district.actor("office_admin"), date=D(2026, 10, 8), kind="holiday", name="调整"
    )
    assert bc.seed_from_chinesecalendar() == 0
    assert CalendarDay.objects.get(date=D(2026, 10, 8)).source == "manual"
    assert not bc.is_working_day(D(2026, 10, 8))


def test_seeding_a_removed_year_restores_it():
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    bc.invalidate()
    assert not bc.is_covered(2025)
    assert bc.seed_from_chinesecalendar(range(2025, 2028)) == 1  # 2027 is unknown: skipped
    assert bc.is_covered(2025)
    assert not bc.is_covered(2027)
    assert not bc.is_working_day(D(2025, 10, 1))
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"


def test_every_seeded_year_agrees_with_chinesecalendar_day_by_day():
    start, end = D(2004, 1, 1), D(2026, 12, 31)
    mismatches = [
        d for d in days(start, end) if bc.is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert mismatches == []


# --- properties ------------------------------------------------------------------------------

any_day = st.dates(min_value=D(2004, 1, 1), max_value=D(2027, 12, 31))
lengths = st.integers(min_value=0, max_value=60)
HYPOTHESIS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(start=any_day, n=lengths)
def test_add_working_days_lands_on_the_nth_working_day(start, n):
    end = bc.add_working_days(start, n)
    assert end >= start
    assert bc.working_days_between(start, end) == n
    if n > 0:
        assert bc.is_working_day(end)
        # and it is the first such day: the day before holds only n - 1
        assert bc.working_days_between(start, end - dt.timedelta(days=1)) == n - 1
    else:
        assert end == start


@HYPOTHESIS
@given(start=any_day, n=lengths)
def test_add_days_counts_every_calendar_day_then_rolls_off_rest_days(start, n):  # R-CAL-01
    nominal, end = bc.calendar_period(start, n)
    assert (nominal - start).days == n
    assert bc.add_days(start, n) == end
    if n == 0 or bc.is_working_day(nominal):
        assert end == nominal
    else:
        # the first working day after the nominal last day; every day between is a rest day
        assert end > nominal and bc.is_working_day(end)
        assert not any(bc.is_working_day(d) for d in days(nominal, end - dt.timedelta(days=1)))


@HYPOTHESIS
@given(a=any_day, b=any_day, c=any_day)
def test_working_days_between_adds_up(a, b, c):
    a, b, c = sorted((a, b, c))
    assert bc.working_days_between(a, b) + bc.working_days_between(b, c) == (
        bc.working_days_between(a, c)
    )


@HYPOTHESIS
@given(start=any_day, n=lengths)
def test_due_at_is_midnight_after_the_last_day(start, n):
    for unit in (WD, CD):
        due = bc.due_at(start, n, unit).astimezone(SHANGHAI)
        assert (due.hour, due.minute, due.second, due.microsecond) == (0, 0, 0, 0)
        assert due.date() == bc.period_end(start, n, unit) + dt.timedelta(days=1)


@HYPOTHESIS
@given(day=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 12, 31)))
def test_covered_years_agree_with_chinesecalendar(day):
    assert bc.is_working_day(day) == chinese_calendar.is_workday(day)
