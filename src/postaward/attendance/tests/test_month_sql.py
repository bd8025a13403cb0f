"""The monthly closing computed by the database in one statement gives the
rows the reference computation (``month_rows``, on bitmasks in Python) gives
(ADR 0518; R-ATT-02, R-ATT-03, R-ATT-08, R-PRJ-07, R-ATT-05, R-ATT-01).

On PostgreSQL ``close_month`` runs ``month_sql``; this test builds a month
with every kind of excluded day overlapping (a confirmed suspension, an
unrecorded one, declared non-construction days, stages of a staged position,
approved leave, a position ending mid-month, check-ins valid, too short and
across midnight) and compares the written rows with ``month_rows``. The
suite runs it on PostgreSQL (``DATABASE_URL``); on SQLite both sides are the
Python computation.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.attendance import services
from postaward.attendance.models import MonthlyAttendance, NonConstructionPeriod
from postaward.core import clock
from postaward.projects.choices import Position
from postaward.projects.models import CheckinStage, KeyPersonAssignment
from postaward.testing_factories import LeaveRequestFactory, SuspensionFactory

from .conftest import local

pytestmark = pytest.mark.django_db
APRIL = dt.date(2026, 4, 1)


def _rows() -> set[tuple]:
    return {
        (
            r.assignment_id,
            r.person_id,
            r.project_id,
            r.organisation_id,
            r.month,
            r.valid_days,
            r.construction_days,
            tuple(sorted(r.excluded.items())),
            r.rate,
            r.below_threshold,
        )
        for r in MonthlyAttendance.objects.all()
    }


def _month(district, checkin) -> None:
    school, hospital = district.projects["p_school"], district.projects["p_hospital"]
    pm = KeyPersonAssignment.objects.get(person=district.users["pm_a"].person)
    chief = KeyPersonAssignment.objects.get(person=district.users["chief_a"].person)
    SuspensionFactory(
        project=school,
        state="ended",
        started_at=local(2026, 4, 6, 9),
        reason="雨",
        ended_at=local(2026, 4, 9, 8),
    )
    SuspensionFactory(  # rejected: suspends nothing
        project=school, state="rejected", started_at=local(2026, 4, 22, 9), reason="x"
    )
    hospital.status = "suspended"  # no suspension record: the days up to today
    hospital.save(update_fields=["status"])
    LeaveRequestFactory(
        assignment=pm, project=school, starts_on=dt.date(2026, 4, 7), ends_on=dt.date(2026, 4, 16)
    )
    NonConstructionPeriod.objects.create(
        project=school,
        starts_on=dt.date(2026, 3, 28),
        ends_on=dt.date(2026, 4, 3),
        reason="停电",
        declared_at=clock.now(),
        declared_by_name="o",
    )
    chief.position = Position.TECHNICAL_LEAD  # a staged position
    chief.ended_on = dt.date(2026, 4, 26)
    chief.save(update_fields=["position", "ended_on"])
    for lo, hi in (
        (dt.date(2026, 3, 20), dt.date(2026, 4, 4)),
        (dt.date(2026, 4, 2), dt.date(2026, 4, 12)),
    ):
        CheckinStage.objects.create(
            project=school,
            position=Position.TECHNICAL_LEAD,
            name="主体结构",
            starts_on=lo,
            ends_on=hi,
            set_by_name="o",
            set_at=clock.now(),
        )
    for day in range(1, 31):
        if day % 4:
            checkin("pm_a", local(2026, 4, day, 8))
            checkin("pm_a", local(2026, 4, day, 12, 0 if day % 7 else 1))
        if day % 3 == 0 and day < 26:  # the technical lead left on 04-26
            checkin("chief_a", local(2026, 4, day, 9))
            checkin("chief_a", local(2026, 4, day, 13, 30))
    checkin("pm_a", local(2026, 4, 30, 23, 0))  # across midnight: neither day valid
    checkin("pm_a", local(2026, 5, 1, 4, 0))


def test_the_database_closing_gives_the_reference_rows(district, checkin):
    """R-ATT-03, R-ATT-08, R-PRJ-07, R-ATT-05, R-ATT-01: valid days only on
    construction days, excluded days by status in their order of precedence,
    the rate half up to four places and the threshold; the same rows."""
    _month(district, checkin)
    first, last = services.month_bounds(APRIL)
    with time_machine.travel(local(2026, 4, 20, 2), tick=False):  # month to date
        _, reference = services.month_rows(first, dt.date(2026, 4, 19), parallel=False)
        services.close_month(APRIL, detect=False)
    expected = {
        (
            r.assignment_id,
            r.person_id,
            r.project_id,
            r.organisation_id,
            r.month,
            r.valid_days,
            r.construction_days,
            tuple(sorted(r.excluded.items())),
            r.rate,
            r.below_threshold,
        )
        for r in reference
    }
    assert _rows() == expected
    with time_machine.travel(local(2026, 5, 2, 2), tick=False):  # the whole month
        _, reference = services.month_rows(first, last, parallel=False)
        written = services.close_month(APRIL, detect=False)
    expected = {
        (
            r.assignment_id,
            r.person_id,
            r.project_id,
            r.organisation_id,
            r.month,
            r.valid_days,
            r.construction_days,
            tuple(sorted(r.excluded.items())),
            r.rate,
            r.below_threshold,
        )
        for r in reference
    }
    assert _rows() == expected and written == len(reference) == MonthlyAttendance.objects.count()
    excluded = {k for r in reference for k in r.excluded}
    assert {"suspended", "leave", "non_construction", "outside_stage"} <= excluded
    assert any(r.below_threshold for r in reference) and any(r.valid_days for r in reference)
