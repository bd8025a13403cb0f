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
    """A fact, published by the daily closing each day an absence streak grows
    (R-ATT-07, SY 42): the consecutive construction days without a valid day,
    from the first. Its length is ``len(days)``; the alert indicator's
    configured ``min_days`` decides whether it is an alert (R-ALR-01). A
    consumer counts a streak once by (assignment_id, first_day)."""

    project_id: int
    person_id: int
    organisation_id: int
    assignment_id: int
    position: str
    first_day: str
    days: list
    reasons: list
    # assignment, first day and length: re-closing a day publishes nothing twice
    dedup_key: str = ""


@event("attendance.monthly_rate")
@dataclass(frozen=True)
class MonthlyRate(DomainEvent):
    """A fact, published for every position by the closing of a complete month
    (R-ATT-03, R-ATT-08, SY 42): its rate with the numerator and denominator.
    The alert indicator's configured threshold decides what is too low."""

    project_id: int
    person_id: int
    organisation_id: int
    assignment_id: int
    position: str
    month: str
    valid_days: int
    construction_days: int
    rate: str


@event("attendance.consequence_withdrawn")
@dataclass(frozen=True)
class AttendanceConsequenceWithdrawn(DomainEvent):
    """Days re-closed after a late confirmation of a suspension (R-PRJ-07, SY 35)
    no longer make an absence streak: the interview was closed and the alert
    raised for the same streak is withdrawn with the same reason."""

    project_id: int
    person_id: int
    assignment_id: int
    kind: str  # "absence_streak"
    first_day: str
    days: list
    reason: str
    interview_id: int | None = None


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
