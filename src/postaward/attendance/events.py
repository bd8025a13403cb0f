"""Attendance events, for the alerts and credit capabilities (R-ATT-04, 07, 08).

R-ATT-09: attendance feeds the automatic scoring through these events; each
carries the person, the enterprise, the project and the numbers that explain it,
so that the scoring capability can consume them without reading attendance
tables."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core.events import DomainEvent, event


@event("attendance.cheat_confirmed")
@dataclass(frozen=True)
class CheatConfirmed(DomainEvent):
    """The owner confirmed a suspicious check-in as cheating (R-ATT-04, SY 47)."""

    checkin_id: int
    project_id: int
    person_id: int
    organisation_id: int
    position: str
    at: str
    signals: list
    confirmed_by: str
    note: str


@event("attendance.absence_streak")
@dataclass(frozen=True)
class AbsenceStreak(DomainEvent):
    """Two or more consecutive construction days without a valid day (R-ATT-07, SY 42)."""

    project_id: int
    person_id: int
    organisation_id: int
    assignment_id: int
    position: str
    first_day: str
    days: list
    reasons: list


@event("attendance.monthly_rate_below_threshold")
@dataclass(frozen=True)
class MonthlyRateBelowThreshold(DomainEvent):
    """A month's rate below 80 % (R-ATT-08, SY 42), with its numerator and denominator."""

    project_id: int
    person_id: int
    organisation_id: int
    assignment_id: int
    position: str
    month: str
    valid_days: int
    construction_days: int
    rate: str
    threshold: str


@event("attendance.patrol_overdue")
@dataclass(frozen=True)
class PatrolOverdue(DomainEvent):
    """No valid patrol by the owner's project leader within 7 days (R-ATT-06)."""

    project_id: int
    person_id: int | None
    owner_id: int | None
    last_valid_patrol: str | None
    days_without: int
    # project, last valid patrol (or start of works) and 7-day period: one event each
    dedup_key: str = ""
