"""The deadline engine: open, close, extend, pause/resume by project, sweep.

A period starts with an event (the start day is not counted) and ends at 24:00
of its last day, computed by the business calendar in working or calendar days.

The sweep is set-based (ADR 0301). It reads only open, unpaused rows whose due
(or reminder) time has come, through the partial indexes, and records what it
found as one outbox event per batch of deadlines (``deadline.missed_batch`` /
``deadline.reminder_batch``: the time of the sweep and the ids). It writes no
deadline row, so its cost is that of reading the due rows from the index plus
one small insert per batch. Dispatching a batch claims its rows with one
conditional UPDATE (open → missed, or reminded_at set) and hands every claimed
deadline to the subscribers as its own ``DeadlineMissed`` / ``DeadlineReminder``
fact: subscribers never see the batch. The claim repeats the selection's
conditions, so a deadline is reported exactly once whatever happens: two
sweepers (serialised by a lock, and a duplicate batch claims nothing), a sweep
killed half-way (its transaction published nothing), a batch dispatched twice,
a deadline closed, cancelled or paused between the sweep and the dispatch.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from . import business_calendar, clock, events
from .models import Deadline

log = logging.getLogger(__name__)


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
    roll: bool = True,
) -> Deadline:
    """Start the clock for ``subject``. ``reminder_after``: days (same unit) after
    the start at which a reminder is due (e.g. 7 of 15 for township re-acceptance).
    ``roll=False`` for a deadline fixed by a date of fact ("approved before the
    work on D"): it ends on D even if D is a rest day (R-CAL-01 rolls periods).

    If the project is suspended right now, the deadline starts paused.
    """
    paused = bool(project_id) and _project_paused(project_id)  # type: ignore[arg-type]
    d = _new_deadline(
        kind=kind,
        subject=subject,
        length=length,
        unit=unit,
        basis=basis,
        organisation_id=organisation_id,
        project_id=project_id,
        start=start,
        reminder_after=reminder_after,
        roll=roll,
        paused=paused,
    )
    d.save(force_insert=True)
    return d


def open_deadlines(items: list[dict[str, Any]], *, paused_projects: set[int]) -> list[Deadline]:
    """``open_deadline`` for many subjects in one insert (a batch of alerts,
    ADR 0517): each item holds ``open_deadline``'s keyword arguments. The
    caller says which of the projects concerned are suspended right now
    (it has them loaded); their deadlines start paused, as one by one."""
    rows = [
        _new_deadline(
            **item, paused=bool(item.get("project_id")) and item["project_id"] in paused_projects
        )
        for item in items
    ]
    return Deadline.objects.bulk_create(rows, batch_size=2000) if rows else []


def _new_deadline(
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
    roll: bool = True,
    paused: bool = False,
) -> Deadline:
    """The row ``open_deadline`` writes, not saved."""
    start = start or clock.now()
    start_day = clock.local_date(start)
    nominal, last_day = business_calendar.period_ends(start_day, length, unit, roll=roll)
    due_at = clock.end_of_day(last_day)
    # A reminder is a point inside the period, not its end: it is not rolled.
    reminder_at = (
        clock.end_of_day(business_calendar.period_ends(start_day, reminder_after, unit)[0])
        if reminder_after
        else None
    )
    return Deadline(
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
        nominal_end=nominal,
        rolls=roll,
        reminder_at=reminder_at,
        paused_at=start if paused else None,
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


def close_as_met(deadline_id: int, *, at: dt.datetime | None = None) -> int:
    """Close one open deadline as met, when its owner judged it done in time by a
    date of fact rather than by the clock (a settlement submitted on or before
    its last day, the event dispatched later). Returns 1, or 0 if it was no
    longer open. The apps stop clocks through this module, never by updating
    the table themselves (ADR 0055)."""
    return Deadline.objects.filter(pk=deadline_id, state=Deadline.State.OPEN).update(
        state=Deadline.State.MET, closed_at=at or clock.now()
    )


def cancel_for_project(project_id: int, *, at: dt.datetime | None = None) -> int:
    """The project has ended (terminated, R-PRJ-06): every open clock of it ends
    with it, cancelled (neither met nor missed: nothing is reported). Returns
    how many were cancelled."""
    return Deadline.objects.filter(project_id=project_id, state=Deadline.State.OPEN).update(
        state=Deadline.State.CANCELLED, closed_at=at or clock.now()
    )


def _project_paused(project_id: int) -> bool:
    """The projects app answers (a registry, ADR 0055): the core does not import it."""
    from . import registries

    return registries.projects().is_paused(project_id)


def pause_project(project_id: int, at: dt.datetime) -> int:
    """Suspension confirmed: every open clock of the project stops at ``at``.

    A deadline that had already run out at ``at`` is not paused: it was
    missed before the suspension, and the sweep reports it.
    """
    return Deadline.objects.filter(
        project_id=project_id, state=Deadline.State.OPEN, paused_at__isnull=True, due_at__gt=at
    ).update(paused_at=at)


def last_day(d: Deadline) -> dt.date:
    """The local last day of a deadline (it runs out at 24:00 of that day)."""
    return clock.local_date(d.due_at - dt.timedelta(seconds=1))


def nominal_last_day(d: Deadline) -> dt.date:
    """The last day before any roll off a rest day (R-CAL-01)."""
    return d.nominal_end or last_day(d)


def _remaining(unit: str, paused_on: dt.date, last: dt.date) -> int:
    """Days of the clock's own unit left after the day it was paused on."""
    if unit == business_calendar.Unit.WORKING_DAYS:
        return business_calendar.working_days_between(paused_on, last)
    return max(0, (last - paused_on).days)


def _restart(
    unit: str, resumed_on: dt.date, remaining: int, roll: bool = True
) -> tuple[dt.date, dt.date]:
    """(nominal, actual) last day of what is left of a period, counted again
    from the day of resumption in its own unit; it ends at 24:00 and rolls off
    a rest day like any period (R-CAL-01). Nothing left: it ends at 24:00 of
    the day of resumption (or of the next working day)."""
    if remaining == 0:
        return resumed_on, (business_calendar.next_working_day(resumed_on) if roll else resumed_on)
    return business_calendar.period_ends(resumed_on, remaining, unit, roll=roll)


def resume_project(project_id: int, at: dt.datetime) -> int:
    """Resumption: each paused clock restarts with what was left of it.

    The days left are counted in the clock's own unit (working days or calendar
    days) after the day it was paused on, up to its nominal last day; they are
    counted again from the day of resumption, so the period still ends at 24:00
    of a day, rolled off a rest day for a calendar-day period (R-CAL-01). The
    reminder moves the same way."""
    count = 0
    resumed_on = clock.local_date(at)
    with transaction.atomic():
        for d in Deadline.objects.select_for_update().filter(
            project_id=project_id, state=Deadline.State.OPEN, paused_at__isnull=False
        ):
            paused = max(dt.timedelta(0), at - d.paused_at)  # type: ignore[operator]
            paused_on = clock.local_date(d.paused_at)  # type: ignore[arg-type]
            left = _remaining(d.unit, paused_on, nominal_last_day(d))
            nominal, last = _restart(d.unit, resumed_on, left, d.rolls)
            d.due_at = clock.end_of_day(last)
            d.nominal_end = nominal
            if d.reminder_at and d.reminded_at is None:
                reminder_day = clock.local_date(d.reminder_at - dt.timedelta(seconds=1))
                r_left = _remaining(d.unit, paused_on, reminder_day)
                d.reminder_at = clock.end_of_day(_restart(d.unit, resumed_on, r_left)[0])
            d.paused_seconds += paused.total_seconds()
            d.paused_at = None
            d.save(
                update_fields=[
                    "due_at",
                    "nominal_end",
                    "reminder_at",
                    "paused_seconds",
                    "paused_at",
                ]
            )
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
    same transaction. Returns 1 if this caller claimed the row (close_deadline
    finding a deadline that ran out before the sweep reached it)."""
    with transaction.atomic():
        if not qs.filter(pk=pk).update(state=Deadline.State.MISSED, closed_at=now):
            return 0
        d = Deadline.objects.get(pk=pk)
        events.publish(DeadlineMissed(**_payload(d)))
        return 1


# --- the sweep: batches in the outbox, expanded into per-deadline facts at dispatch --------------


@events.event("deadline.missed_batch")
@dataclass(frozen=True)
class DeadlinesMissedBatch(events.DomainEvent):
    """What one sweep found run out: expanded into ``DeadlineMissed`` facts."""

    at: str
    deadline_ids: list[int]

    def to_payload(self) -> dict[str, Any]:
        # JSON-ready already; skips the deep copy of ``asdict`` (most of the
        # cost of publishing a batch of 1,000 ids).
        return {"at": self.at, "deadline_ids": [int(i) for i in self.deadline_ids]}


@events.event("deadline.reminder_batch")
@dataclass(frozen=True)
class DeadlineRemindersBatch(events.DomainEvent):
    """What one sweep found due for a reminder: expanded into ``DeadlineReminder``."""

    at: str
    deadline_ids: list[int]

    def to_payload(self) -> dict[str, Any]:
        return {"at": self.at, "deadline_ids": [int(i) for i in self.deadline_ids]}


# pg_advisory_xact_lock key of the sweep (any constant; "PAdl" in ASCII).
SWEEP_LOCK_KEY = 0x5041_646C


def _sweep_lock() -> None:
    """Serialise sweepers (the caller is in a transaction). On SQLite every
    write transaction is IMMEDIATE, so sweepers are serial already."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])


def _pending_ids(name: str) -> set[int]:
    """Deadlines already published in a batch that is still waiting for
    dispatch (a batch that failed for good does not count: it is published
    again rather than lost)."""
    from .models import EventRecord

    pending: set[int] = set()
    for payload in EventRecord.objects.filter(
        name=name, dispatched_at__isnull=True, attempts__lt=events.MAX_ATTEMPTS
    ).values_list("payload", flat=True):
        pending.update(payload.get("deadline_ids", ()))
    return pending


def _publish_due(qs: Any, order: str, batch_type: Any, now: dt.datetime, batch: int) -> int:
    """Read the due ids from the partial index, leave out those already
    waiting in a batch, publish the rest in batches (the caller holds the
    sweep lock, in its transaction)."""
    pending = _pending_ids(batch_type.name)
    ids = [pk for pk in qs.order_by(order, "pk").values_list("pk", flat=True) if pk not in pending]
    for i in range(0, len(ids), batch):
        events.publish(batch_type(at=now.isoformat(), deadline_ids=ids[i : i + batch]))
    return len(ids)


def sweep(now: dt.datetime | None = None, batch: int = 2000) -> tuple[int, int]:
    """Find the deadlines due for a reminder and those that ran out, and publish
    them in batches; returns (reminders, missed) newly published.

    The rows are marked (``reminded_at``, ``state=missed``) when the batches
    are dispatched (``events.dispatch_pending``: the worker, or the simulator
    at the end of each day), in the same transaction that hands each deadline
    to the subscribers. A deadline already waiting in an undispatched batch is
    not published twice.
    """
    now = now or clock.now()
    with transaction.atomic():  # one transaction: a sweep killed half-way published nothing
        _sweep_lock()
        reminded = _publish_due(
            _due_reminders(now), "reminder_at", DeadlineRemindersBatch, now, batch
        )
        missed = _publish_due(_due_missed(now), "due_at", DeadlinesMissedBatch, now, batch)
    return reminded, missed


def _deliver(evt: events.DomainEvent) -> None:
    """Hand one per-deadline fact to its subscribers, isolated in a savepoint:
    if one of them fails, their work on this deadline is undone and the fact
    is published on its own, to be retried like any event, while the rest of
    the batch goes on."""
    subscribers = events.subscribers_of(evt.name)
    if not subscribers:
        return
    try:
        with transaction.atomic():
            for fn in subscribers:
                fn(evt)
    except Exception:
        log.exception("subscriber of %s failed; published on its own for retry", evt.name)
        events.publish(evt)


def _deliver_all(evts: list[events.DomainEvent]) -> None:
    """Hand a batch's per-deadline facts to their subscribers in one savepoint
    (the common case: nobody fails, two round trips for the whole batch); a
    subscriber with a set-wise form gets the whole batch at once
    (``events.deliver_many``, ADR 0517). If a
    subscriber fails, the batch's subscriber work is undone (with the
    on-commit work it queued) and the facts are delivered again one by one,
    each in its own savepoint (``_deliver``), so only the failing one is
    retried on its own."""
    if not evts:
        return
    subscribers = events.subscribers_of(evts[0].name)
    if not subscribers:
        return
    try:
        with transaction.atomic():
            events.deliver_many(evts)  # set-wise where a subscriber can (ADR 0517)
        return
    except Exception:
        log.warning("a subscriber of %s failed in a batch; delivering one by one", evts[0].name)
    for evt in evts:
        _deliver(evt)


@events.subscribe(DeadlinesMissedBatch)
def expand_missed_batch(batch: DeadlinesMissedBatch) -> None:
    """Claim the batch's deadlines that still ran out as of the sweep (open,
    running, due) and deliver a ``DeadlineMissed`` for each claimed one."""
    at = dt.datetime.fromisoformat(batch.at)
    rows = list(
        Deadline.objects.select_for_update()
        .filter(
            pk__in=batch.deadline_ids,
            state=Deadline.State.OPEN,
            paused_at__isnull=True,
            due_at__lte=at,
        )
        .order_by("due_at", "pk")
    )
    if not rows:
        return
    Deadline.objects.filter(pk__in=[d.pk for d in rows]).update(
        state=Deadline.State.MISSED, closed_at=at
    )
    _deliver_all([DeadlineMissed(**_payload(d)) for d in rows])


@events.subscribe(DeadlineRemindersBatch)
def expand_reminder_batch(batch: DeadlineRemindersBatch) -> None:
    """Claim the batch's deadlines still due for their reminder and deliver a
    ``DeadlineReminder`` for each."""
    at = dt.datetime.fromisoformat(batch.at)
    rows = list(
        Deadline.objects.select_for_update()
        .filter(
            pk__in=batch.deadline_ids,
            state=Deadline.State.OPEN,
            paused_at__isnull=True,
            reminded_at__isnull=True,
            reminder_at__lte=at,
        )
        .order_by("reminder_at", "pk")
    )
    if not rows:
        return
    Deadline.objects.filter(pk__in=[d.pk for d in rows]).update(reminded_at=at)
    _deliver_all([DeadlineReminder(**_payload(d)) for d in rows])


# --- reading a deadline for people ---------------------------------------------------------------


def extend_deadline(*, kind: str, subject: Any, extra: int, note: str = "") -> int:
    """Lengthen a running period by ``extra`` days of its own unit (an approved
    extension, R-ACC-04). A deadline that has already run out is not rescued.
    Returns how many open deadlines were extended."""
    if extra <= 0:
        raise ValueError("extra must be > 0")
    now = clock.now()
    count = 0
    with transaction.atomic():
        for d in Deadline.objects.select_for_update().filter(
            kind=kind,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            state=Deadline.State.OPEN,
        ):
            if d.paused_at is None and d.due_at <= now:
                continue
            # counted on from the nominal last day (a roll off a rest day is
            # not part of the period, R-CAL-01)
            nominal, new_last = business_calendar.period_ends(
                nominal_last_day(d), extra, d.unit, roll=d.rolls
            )
            new_due = clock.end_of_day(new_last)
            shift = new_due - d.due_at
            d.due_at = new_due
            d.nominal_end = nominal
            if d.reminder_at:
                d.reminder_at += shift
            d.length += extra
            if note:
                d.basis = f"{d.basis}；{note}"[:300]
            d.save(update_fields=["due_at", "nominal_end", "reminder_at", "length", "basis"])
            count += 1
    return count


def reassign_deadline(*, kind: str, subject: Any, organisation_id: int | None) -> int:
    """The organisation that must act changed (the next step of a process)."""
    return Deadline.objects.filter(
        kind=kind,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        state=Deadline.State.OPEN,
    ).update(organisation_id=organisation_id)


def deadlines_of(subject: Any) -> list[Deadline]:
    """Every deadline of ``subject``, oldest first."""
    return list(
        Deadline.objects.filter(
            subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
        ).order_by("started_at", "pk")
    )


@dataclass(frozen=True)
class Shown:
    """A deadline as a person reads it: start, length, unit, end, basis."""

    deadline: Deadline
    label: str
    requirement: str
    period: str  # business_calendar.describe_period(...)
    start: dt.date
    length: int
    unit_label: str
    end: dt.datetime
    end_text: str  # "2026-07-05 24:00": a period ends at 24:00 of its last day
    roll_note: str  # "原届满 10-05 为法定节假日，顺延至 10-08" (R-CAL-01), or ""
    basis: str
    state: str
    state_label: str
    overdue: bool
    paused: bool
    extended_by_pause_days: float


def end_text(due_at: dt.datetime) -> str:
    local = clock.localtime(due_at)
    if local.time() == dt.time(0, 0):
        return f"{local.date() - dt.timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


def describe(d: Deadline, basis: str | None = None) -> str:
    """Start, length, unit, end (with its roll, R-CAL-01) and basis of a
    deadline as opened; ``basis`` replaces the stored one when given."""
    return business_calendar.describe_period(
        clock.local_date(d.started_at),
        d.length,
        d.unit,
        d.basis if basis is None else basis,
        roll=d.rolls,
    )


def roll_note(d: Deadline) -> str:
    """How the deadline rolled off a rest day (R-CAL-01), or ""."""
    return business_calendar.roll_note(d.nominal_end, last_day(d))


def show(d: Deadline, now: dt.datetime | None = None) -> Shown:
    now = now or clock.now()
    kind = kind_of(d.kind)
    start = clock.local_date(d.started_at)
    period = describe(d)
    overdue = d.state == Deadline.State.MISSED or (
        d.state == Deadline.State.OPEN and d.paused_at is None and d.due_at <= now
    )
    state_label = d.get_state_display()
    if d.state == Deadline.State.OPEN and d.paused_at is not None:
        state_label = "停工暂停"
    elif d.state == Deadline.State.OPEN and overdue:
        state_label = "已超期"
    return Shown(
        deadline=d,
        label=kind.label if kind else d.kind,
        requirement=kind.requirement if kind else "",
        period=period,
        start=start,
        length=d.length,
        unit_label=business_calendar.Unit.LABELS.get(d.unit, d.unit),
        end=d.due_at,
        end_text=end_text(d.due_at),
        roll_note=roll_note(d),
        basis=d.basis,
        state=d.state,
        state_label=state_label,
        overdue=overdue,
        paused=d.paused_at is not None,
        extended_by_pause_days=round(d.paused_seconds / 86400, 1),
    )


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


def calendar_gap(shown: Shown) -> str:
    """A note for a deadline whose period spans a year without its holiday
    schedule (the calendar falls back to Monday-Friday there): its end may move
    once the supervision office enters the State Council notice."""
    if shown.state != Deadline.State.OPEN:
        return ""
    last = clock.local_date(shown.end).year
    years = business_calendar.uncovered_years(shown.start.year, last)
    if not years:
        return ""
    names = "、".join(str(y) for y in years)
    return f"{names} 年节假日安排尚未录入，届满日暂按周一至周五推算，录入后可能调整"


def missed(subject_type: str, *, ref: str = "pk", **filters: Any) -> Any:
    """An ``Exists`` over the missed deadlines of the outer row (``ref``: its
    key field) whose subject is of ``subject_type``; ``filters`` narrow the
    kinds. Deadlines keep their subject's id as text: the outer key is cast."""
    from django.db.models import CharField, Exists, OuterRef
    from django.db.models.functions import Cast

    return Exists(
        Deadline.objects.filter(
            subject_type=subject_type, state=Deadline.State.MISSED, **filters
        ).filter(subject_id=Cast(OuterRef(ref), CharField()))
    )
