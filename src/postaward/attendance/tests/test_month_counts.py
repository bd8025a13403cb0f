"""The monthly computation on intervals and sets gives exactly what asking the
duty calendar day by day gives (R-ATT-03): valid days only on construction
days; suspended, non-construction, outside-stage and leave days excluded, in
that order of precedence."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postaward.attendance import duty as duty_mod
from postaward.attendance import services
from postaward.attendance.choices import DayStatus
from postaward.attendance.services import DayMask, PositionRow, month_counts
from postaward.projects.choices import Position
from postaward.projects.models import KeyPersonAssignment, Project

from .conftest import local

FIRST = dt.date(2026, 2, 1)
LAST = dt.date(2026, 2, 28)
DAYS = list(duty_mod.daterange(FIRST - dt.timedelta(days=5), LAST + dt.timedelta(days=5)))

day = st.sampled_from(DAYS)
maybe_day = st.none() | day
day_set = st.sets(day, max_size=12)


def by_day(duty, a: KeyPersonAssignment, valid: set[dt.date]) -> tuple[int, int, dict]:
    construction = valid_count = 0
    excluded: dict[str, int] = {}
    for d in duty_mod.daterange(duty.first, duty.last):
        status, _ = duty.status(a, d)
        if status is None:
            construction += 1
            valid_count += d in valid
        elif status != DayStatus.NOT_ON_DUTY:
            excluded[str(status)] = excluded.get(str(status), 0) + 1
    return valid_count, construction, excluded


@settings(max_examples=400, deadline=None)
@given(
    actual_start=maybe_day,
    completion=maybe_day,
    terminated=maybe_day,
    started_on=day,
    ended_on=maybe_day,
    position=st.sampled_from(list(Position.values)),
    suspended=day_set,
    non_construction=day_set,
    stages=st.lists(st.tuples(day, day), max_size=3),
    leave=day_set,
    valid=day_set,
)
def test_interval_computation_equals_day_by_day(  # R-ATT-03
    actual_start,
    completion,
    terminated,
    started_on,
    ended_on,
    position,
    suspended,
    non_construction,
    stages,
    leave,
    valid,
):
    project = Project(
        pk=1,
        actual_start=actual_start,
        actual_completion=completion,
        terminated_on=terminated,
        status="under_construction",
    )
    a = KeyPersonAssignment(
        pk=7,
        project_id=1,
        person_id=3,
        position=position,
        started_on=started_on,
        ended_on=ended_on,
        must_check_in=True,
    )
    duty = duty_mod.ProjectDuty(project=project, first=FIRST, last=LAST)
    duty.suspended = {d for d in suspended if FIRST <= d <= LAST}
    duty.non_construction = {d: "春节" for d in non_construction if FIRST <= d <= LAST}
    for s_first, s_last in stages:
        lo, hi = min(s_first, s_last), max(s_first, s_last)
        duty.stages[position].append((lo, hi, "主体结构"))
    duty.leave[7] = {d for d in leave if FIRST <= d <= LAST}
    valid = {d for d in valid if FIRST <= d <= LAST}
    row = PositionRow(7, 1, 3, position, started_on, ended_on, 9)
    expected = by_day(duty, a, valid)
    assert month_counts(duty, row, valid) == expected
    # The closing's form: the valid days as a bitmask from the aggregate query.
    mask = DayMask(FIRST, sum(1 << (d - FIRST).days for d in valid))
    assert set(mask) == valid
    assert month_counts(duty, row, mask) == expected


@pytest.mark.django_db
def test_the_closing_query_finds_the_same_valid_days_as_the_baseline(checkin):  # R-ATT-02
    for day in (2, 3, 15, 31):
        checkin("pm_a", local(2026, 3, day, 8))
        checkin("pm_a", local(2026, 3, day, 12, 0 if day != 15 else 1))
    checkin("chief_a", local(2026, 3, 3, 8))
    checkin("chief_a", local(2026, 3, 3, 11, 59, 59))  # 3:59:59: not valid
    checkin("chief_a", local(2026, 3, 31, 23, 0))
    checkin("chief_a", local(2026, 4, 1, 4, 0))  # across midnight: two days, neither valid
    first, last = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    pairs = services.valid_days(first, last)
    masks = services.valid_masks(first, last)
    assert {a: set(m) for a, m in masks.items()} == pairs
    assert [len(v) for v in pairs.values()] == [4]


@pytest.mark.django_db(transaction=True)
def test_month_closing_on_its_own_connection_gives_the_same_rows(district, checkin):  # R-ATT-03
    """On PostgreSQL outside a transaction the aggregate runs on a second
    connection while the duty calendar loads; the rows are the same."""
    import time_machine

    from postaward.attendance.models import MonthlyAttendance

    checkin("pm_a", local(2026, 3, 10, 8))
    checkin("pm_a", local(2026, 3, 10, 13))
    with time_machine.travel(local(2026, 4, 2, 3), tick=False):
        services.close_month(dt.date(2026, 3, 1), detect=False)
    rows = {
        (r.person.name, r.valid_days, r.construction_days)
        for r in MonthlyAttendance.objects.select_related("person")
    }
    assert rows == {("pm_a", 1, 30), ("chief_a", 0, 30)}


def test_the_rate_is_rounded_half_up_to_four_places():  # R-ATT-03
    from decimal import ROUND_HALF_UP, Decimal

    for construction in range(1, 32):
        for valid in range(construction + 1):
            expected = (Decimal(valid) / Decimal(construction)).quantize(
                Decimal("0.0001"), ROUND_HALF_UP
            )
            assert services._rate(valid, construction) == expected
    assert services._rate(0, 0) is None
    assert str(services._rate(19, 23)) == "0.8261"
