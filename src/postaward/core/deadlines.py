"""The deadline engine: open, close, pause/resume by project, sweep.

A period starts with an event (the start day is not counted) and ends at 24:00
of its last day, computed by the business calendar in working or calendar days.
The sweep reads only open, unpaused rows whose due (or reminder) time has come,
through partial indexes, so its cost follows what is due, not what exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from . import business_calendar, clock, events
from .models import Deadline


@events.event("deadline.reminder")
@dataclass(frozen=True)
class DeadlineReminder(events.DomainEvent):
    deadline_id: int
    kind: str
    subject_type: str
    subject_id: str
    project_id: int | None
    organisation_id: int | None
    due_at: str
    basis: str


@events.event("deadline.missed")
@dataclass(frozen=True)
class DeadlineMissed(events.DomainEvent):
    deadline_id: int
    kind: str
    subject_type: str
    subject_id: str
    project_id: int | None
    organisation_id: int | None
    due_at: str
    basis: str


@dataclass(frozen=True)
class DeadlineKind:
    """What a kind of deadline means: shown with every deadline and used by the
    alerts capability to map missed deadlines to indicators."""

    kind: str
    label: str  # 中文, e.g. "竣工验收组织期限"
    requirement: str  # e.g. "R-ACC-01"
    basis: str  # e.g. "SY 第31条(一)：建设单位应在20天内组织验收"
    handling_level: str = (
        "owner"  # four-level chain: owner / superior_unit / industry_authority / leading_group
    )


_kinds: dict[str, DeadlineKind] = {}


def register_kind(
    kind: str, label: str, requirement: str, basis: str, handling_level: str = "owner"
) -> DeadlineKind:
    """Declare a kind of deadline (apps do this at import time)."""
    dk = DeadlineKind(kind, label, requirement, basis, handling_level)
    _kinds[kind] = dk
    return dk


def kinds() -> dict[str, DeadlineKind]:
    return dict(_kinds)


def kind_of(kind: str) -> DeadlineKind | None:
    return _kinds.get(kind)


def open_deadline(
    *,
    kind: str,
    subject: Any,
    length: int,
    unit: str,
    basis: str,
    organisation_id: int | None,
    project_id: int | None = None,
    start: dt.datetime | None = None,
    reminder_after: int | None = None,
) -> Deadline:
    """Start the clock for ``subject``. ``reminder_after``: days (same unit) after
    the start at which a reminder is due (e.g. 7 of 15 for township re-acceptance).

    If the project is suspended right now, the deadline starts paused.
    """
    start = start or clock.now()
    start_day = clock.local_date(start)
    due_at = business_calendar.due_at(start_day, length, unit)
    reminder_at = (
        business_calendar.due_at(start_day, reminder_after, unit) if reminder_after else None
    )
    paused_at = start if project_id and _project_paused(project_id) else None
    return Deadline.objects.create(
        kind=kind,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        project_id=project_id,
        organisation_id=organisation_id,
        started_at=start,
        length=length,
        unit=unit,
        basis=basis[:300],
        due_at=due_at,
        reminder_at=reminder_at,
        paused_at=paused_at,
    )


def close_deadline(*, kind: str, subject: Any, state: str = Deadline.State.MET) -> int:
    """Stop the clock. Returns how many open deadlines were closed.

    Closing as met is judged against the clock: a deadline closed after it ran
    out (the sweep had not reached it yet) is closed as missed and emits
    ``DeadlineMissed``, exactly as the sweep would have. A paused deadline is
    on time if it was paused before it ran out. Any other ``state`` (cancelled)
    is applied as given.
    """
    now = clock.now()
    qs = Deadline.objects.filter(
        kind=kind,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        state=Deadline.State.OPEN,
    )
    if state != Deadline.State.MET:
        return qs.update(state=state, closed_at=now)
    on_time = Q(paused_at__isnull=True, due_at__gt=now) | Q(
        paused_at__isnull=False, due_at__gt=F("paused_at")
    )
    with transaction.atomic():
        closed = qs.filter(on_time).update(state=Deadline.State.MET, closed_at=now)
        # What is still open ran out before it was closed.
        for pk in list(qs.values_list("pk", flat=True)):
            closed += _claim_missed(qs, pk, now)
    return closed


def _project_paused(project_id: int) -> bool:
    from postaward.projects.models import Project

    return Project.objects.filter(pk=project_id, status="suspended").exists()


def pause_project(project_id: int, at: dt.datetime) -> int:
    """Suspension confirmed: every open clock of the project stops at ``at``.

    A deadline that had already run out at ``at`` is not paused: it was
    missed before the suspension, and the sweep reports it.
    """
    return Deadline.objects.filter(
        project_id=project_id, state=Deadline.State.OPEN, paused_at__isnull=True, due_at__gt=at
    ).update(paused_at=at)


def resume_project(project_id: int, at: dt.datetime) -> int:
    """Resumption: each paused clock restarts, its due and reminder times moved
    later by the time it was paused."""
    count = 0
    with transaction.atomic():
        for d in Deadline.objects.select_for_update().filter(
            project_id=project_id, state=Deadline.State.OPEN, paused_at__isnull=False
        ):
            paused = max(dt.timedelta(0), at - d.paused_at)  # type: ignore[operator]
            d.due_at += paused
            if d.reminder_at:
                d.reminder_at += paused
            d.paused_seconds += paused.total_seconds()
            d.paused_at = None
            d.save(update_fields=["due_at", "reminder_at", "paused_seconds", "paused_at"])
            count += 1
    return count


def _due_reminders(now: dt.datetime) -> Any:
    """Open, running deadlines whose reminder time has come and that have not
    run out yet (a late sweep sends the missed event, not a stale reminder).
    Served by the partial index ``deadline_open_remind_idx``."""
    return Deadline.objects.filter(
        state=Deadline.State.OPEN,
        paused_at__isnull=True,
        reminded_at__isnull=True,
        reminder_at__lte=now,
        due_at__gt=now,
    )


def _due_missed(now: dt.datetime) -> Any:
    """Open, running deadlines that have run out. Served by the partial index
    ``deadline_open_due_idx``."""
    return Deadline.objects.filter(
        state=Deadline.State.OPEN, paused_at__isnull=True, due_at__lte=now
    )


def _claim_missed(qs: Any, pk: int, now: dt.datetime) -> int:
    """Mark row ``pk`` missed if it still matches ``qs``; emit the event in the
    same transaction. Returns 1 if this caller claimed the row."""
    with transaction.atomic():
        if not qs.filter(pk=pk).update(state=Deadline.State.MISSED, closed_at=now):
            return 0
        d = Deadline.objects.get(pk=pk)
        events.publish(DeadlineMissed(**_payload(d)))
        return 1


def sweep(now: dt.datetime | None = None, batch: int = 1000) -> tuple[int, int]:
    """Emit reminders and mark missed deadlines; returns (reminded, missed).

    Each row is claimed with a conditional UPDATE that repeats the selection
    conditions, so two sweepers (or a sweep re-run after a crash) never emit
    the same event twice: an event is stored in the same transaction that
    claims its row (outbox). The cost follows what is due: the selections only
    read the partial indexes of open, running rows.
    """
    now = now or clock.now()
    reminded = missed = 0
    while True:
        ids = list(_due_reminders(now).values_list("pk", flat=True)[:batch])
        if not ids:
            break
        for pk in ids:
            with transaction.atomic():
                if _due_reminders(now).filter(pk=pk).update(reminded_at=now):
                    d = Deadline.objects.get(pk=pk)
                    events.publish(DeadlineReminder(**_payload(d)))
                    reminded += 1
    while True:
        ids = list(_due_missed(now).values_list("pk", flat=True)[:batch])
        if not ids:
            break
        for pk in ids:
            missed += _claim_missed(_due_missed(now), pk, now)
    return reminded, missed


def _payload(d: Deadline) -> dict[str, Any]:
    return {
        "deadline_id": d.pk,
        "kind": d.kind,
        "subject_type": d.subject_type,
        "subject_id": d.subject_id,
        "project_id": d.project_id,
        "organisation_id": d.organisation_id,
        "due_at": d.due_at.isoformat(),
        "basis": d.basis,
    }
