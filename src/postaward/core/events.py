"""Domain events through a transactional outbox.

A service calls ``publish(SomethingHappened(...))`` inside its transaction: the
event is stored as an ``EventRecord`` row in that same transaction, so it exists
if and only if the change does. After commit the worker is asked to dispatch it;
a periodic task also picks up anything left pending (a crashed worker, a lost
enqueue). Subscribers must therefore be idempotent (they use dedup keys); an
event whose subscriber fails stays pending and is retried.

No Django signals carry business logic (STYLE.md).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.db import transaction

from . import clock

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    """Base class: subclasses are frozen dataclasses of JSON-able fields."""

    name: ClassVar[str] = ""

    def to_payload(self) -> dict[str, Any]:
        from .audit import normalise

        return normalise(dataclasses.asdict(self))


_registry: dict[str, type[DomainEvent]] = {}
_subscribers: dict[str, list[Callable[[DomainEvent], None]]] = defaultdict(list)

E = TypeVar("E", bound=type[DomainEvent])


def event(name: str) -> Callable[[E], E]:
    """Class decorator that names and registers an event type."""

    def wrap(cls: E) -> E:
        cls.name = name
        _registry[name] = cls
        return cls

    return wrap


def subscribe(
    *event_types: type[DomainEvent],
) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    def wrap(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        for et in event_types:
            if fn not in _subscribers[et.name]:
                _subscribers[et.name].append(fn)
        return fn

    return wrap


def unsubscribe(fn: Callable[[Any], None], *event_types: type[DomainEvent]) -> None:
    """Remove a subscriber (tests register temporary ones)."""
    for et in event_types:
        if fn in _subscribers.get(et.name, []):
            _subscribers[et.name].remove(fn)


def subscribers_of(name: str) -> list[Callable[[DomainEvent], None]]:
    return list(_subscribers.get(name, []))


# The set-wise forms of subscribers (ADR 0517): ``single`` → ``many``.
_batch_forms: dict[Callable[..., None], Callable[[list[Any]], None]] = {}


def batch_form(
    single: Callable[[Any], None],
) -> Callable[[Callable[[list[Any]], None]], Callable[[list[Any]], None]]:
    """Declare the decorated function as the set-wise form of subscriber
    ``single``: given many facts of one name, in order, it must leave exactly
    what calling ``single`` on each in turn would (the same rows, audit records
    and notifications), in fewer statements. Only a batch's delivery uses it
    (``deliver_many``: a sweep's missed deadlines); an event dispatched on its
    own, and a retry, still goes to ``single``, so the subscriber stays
    idempotent as before."""

    def wrap(many: Callable[[list[Any]], None]) -> Callable[[list[Any]], None]:
        _batch_forms[single] = many
        return many

    return wrap


def deliver_many(evts: list[DomainEvent]) -> None:
    """Hand facts of one name to their subscribers, subscriber by subscriber:
    a subscriber with a set-wise form (``batch_form``) gets them all at once,
    any other one each in turn. The caller holds the transaction (and decides
    what a failure undoes)."""
    if not evts:
        return
    for fn in subscribers_of(evts[0].name):
        many = _batch_forms.get(fn)
        if many is not None:
            many(list(evts))
        else:
            for evt in evts:
                fn(evt)


def publish(evt: DomainEvent) -> Any:
    """Store the event in the current transaction; dispatch after commit."""
    from .models import EventRecord

    if not evt.name:
        raise TypeError(f"{type(evt).__name__} is not registered with @event")
    rec = EventRecord.objects.create(
        name=evt.name, payload=evt.to_payload(), created_at=clock.now()
    )
    _dispatch_after_commit()
    return rec


def publish_many(evts: list[DomainEvent]) -> int:
    """Store many events in one insert (a closing's facts); dispatch after commit."""
    from .models import EventRecord

    if not evts:
        return 0
    for evt in evts:
        if not evt.name:
            raise TypeError(f"{type(evt).__name__} is not registered with @event")
    now = clock.now()
    EventRecord.objects.bulk_create(
        [EventRecord(name=e.name, payload=e.to_payload(), created_at=now) for e in evts],
        batch_size=1000,
    )
    _dispatch_after_commit()
    return len(evts)


def _dispatch_after_commit() -> None:
    """Ask the worker once per transaction, however many events it stored: one
    dispatch run delivers them all in order. (Asking once per event queued one task
    per event: the demo's 9,600 events became 9,600 tasks contending for SQLite's
    write lock while people tried to log in.)"""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(entry[1] is _enqueue_dispatch for entry in conn.run_on_commit):
        return
    transaction.on_commit(_enqueue_dispatch)


def _enqueue_dispatch() -> None:
    from .tasks import dispatch_pending_events

    try:
        dispatch_pending_events()
    except Exception:  # the periodic task will pick it up
        log.exception("could not enqueue event dispatch")


def load(name: str, payload: dict[str, Any]) -> DomainEvent:
    cls = _registry[name]
    fields = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in payload.items() if k in fields})


MAX_ATTEMPTS = 10


def dispatch_pending(limit: int = 500) -> int:
    """Deliver pending events in order, one transaction per event.

    Rows are claimed with ``SKIP LOCKED`` on PostgreSQL so that several workers
    can share the queue; on SQLite the IMMEDIATE transaction serialises them.
    All subscribers of an event run in one savepoint: if one fails, the
    others' writes are undone too, the event stays pending with ``last_error``
    and is retried by a later run (up to ``MAX_ATTEMPTS``). A failing event is
    tried at most once per run and does not hold up the events behind it.
    Returns how many were delivered (at most ``limit`` events are tried).
    """
    from .models import EventRecord

    delivered = 0
    failed: list[int] = []
    for _ in range(limit):
        with transaction.atomic():
            rec = (
                EventRecord.objects.select_for_update(skip_locked=True)
                .filter(dispatched_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .exclude(pk__in=failed)
                .order_by("id")
                .first()
            )
            if rec is None:
                break
            try:
                with transaction.atomic():
                    evt = load(rec.name, rec.payload) if rec.name in _registry else None
                    if evt is not None:
                        for fn in subscribers_of(rec.name):
                            fn(evt)
                rec.dispatched_at = clock.now()
                rec.last_error = ""
            except Exception as exc:  # keep it pending, record why
                log.exception("event %s #%s failed", rec.name, rec.pk)
                rec.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            rec.attempts += 1
            rec.save(update_fields=["dispatched_at", "attempts", "last_error"])
        if rec.dispatched_at is None:
            failed.append(rec.pk)  # not again in this run; the periodic task retries
        else:
            delivered += 1
    return delivered


def drain(batch: int = 5000) -> int:
    """Deliver every pending event now, in this process (used after a bulk load such
    as the demo district, so that the web server does not start behind a backlog).
    Stops when a run delivers nothing (what is left is failing and retried later)."""
    total = 0
    while delivered := dispatch_pending(limit=batch):
        total += delivered
    return total
