"""The skeleton of every write (ADR 0060): lock → check → snapshot → change →
save → audit → publish, in one transaction.

    with writes.audited(Alert.objects.select_related("project"), pk=alert.pk,
                        actor=actor, action="alerts.dispose_alert",
                        check=lambda a: ...) as w:
        w.obj.finding = finding          # the locked row
        w.after["note"] = note           # extra facts for the audit record
        w.publish(SomethingHappened(...))

- the row is read ``select_for_update`` (``of=("self",)``: joined rows are not
  locked), so two writes of one object queue instead of overwriting each other;
- ``check(obj)`` runs on the locked row (a state that changed under the request
  is refused there, not before the lock);
- the snapshot before the change and the one after go into the audit record
  (``core.audit``), in the same transaction;
- events are stored in the outbox in the same transaction and dispatched after
  commit (``core.events``);
- an exception anywhere rolls everything back: a refused write changes nothing;
- ``w.nothing_changed()`` ends an idempotent repeat (or an edit to the same
  values) without a save, an audit record or an event.

``created()`` and ``deleted()`` are the same audit record for a row a service
has just created (no before) or is removing (no after), in the service's
transaction.

``text()`` is the one text-cleaning helper of services: strip, then refuse an
empty or too long text with the field's Chinese label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from . import audit, events
from .actor import Actor
from .errors import NotFound, ValidationFailed
from .events import DomainEvent

Snapshot = Callable[[Any], dict[str, Any]]


@dataclass
class Write:
    """The write in progress: the locked row, its snapshot before, and what the
    service adds to the audit record and the outbox."""

    obj: Any
    before: dict[str, Any]
    after: dict[str, Any] = field(default_factory=dict)
    action: str = ""
    events: list[DomainEvent] = field(default_factory=list)
    save: bool = True
    unchanged: bool = False  # set by ``nothing_changed()``: no save, no audit, no event

    def publish(self, evt: DomainEvent) -> None:
        self.events.append(evt)

    def nothing_changed(self) -> None:
        """The write turned out to change nothing (an idempotent repeat, an
        edit to the same values): leave the block without saving, auditing or
        publishing. The service returns right after calling this."""
        self.unchanged = True


def lock(queryset: Any, pk: Any) -> Any:
    """The row ``pk`` of ``queryset`` (a model or a queryset), locked for this
    transaction; NotFound if it is gone."""
    qs: Any = queryset._default_manager.all() if isinstance(queryset, type) else queryset  # type: ignore[attr-defined]
    obj = qs.select_for_update(of=("self",)).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


@contextmanager
def audited(
    queryset: Any,
    *,
    pk: Any,
    actor: Actor,
    action: str,
    check: Callable[[Any], None] | None = None,
    snapshot: Snapshot = audit.snapshot,
    project_id: int | None = None,
) -> Iterator[Write]:
    """Lock the row, check it, snapshot it; after the block: save it, audit the
    change (before/after) and store the events, all in one transaction."""
    with transaction.atomic():
        obj = lock(queryset, pk)
        if check is not None:
            check(obj)
        w = Write(obj=obj, before=snapshot(obj), action=action)
        yield w
        if w.unchanged:
            return
        if w.save:
            obj.save()
        audit.record(
            actor=actor,
            action=w.action,
            obj=obj,
            before=w.before,
            after={**snapshot(obj), **w.after},
            project_id=project_id,
        )
        for evt in w.events:
            events.publish(evt)


def created(
    obj: Any,
    *,
    actor: Actor,
    action: str,
    snapshot: Snapshot = audit.snapshot,
    after: dict[str, Any] | None = None,
    project_id: int | None = None,
) -> Any:
    """Audit a row the service has just created, in the caller's transaction:
    its snapshot (with the ``after`` extras) as the record's after, no before.
    Returns the row."""
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        after={**snapshot(obj), **(after or {})},
        project_id=project_id,
    )
    return obj


def deleted(
    obj: Any,
    *,
    actor: Actor,
    action: str,
    snapshot: Snapshot = audit.snapshot,
    project_id: int | None = None,
) -> None:
    """Audit a row's removal (its snapshot as the record's before), then delete
    it, in the caller's transaction."""
    audit.record(actor=actor, action=action, obj=obj, before=snapshot(obj), project_id=project_id)
    obj.delete()


def text(
    value: str | None, *, field: str, label: str, min_len: int = 1, max_len: int = 2000
) -> str:
    """A text input, stripped; refused (422, on ``field``) when empty, shorter
    than ``min_len`` or longer than ``max_len`` characters."""
    out = (value or "").strip()
    if len(out) < min_len:
        raise ValidationFailed(
            f"请填写{label}" if not out else f"{label}过短（至少 {min_len} 个字）", field=field
        )
    if len(out) > max_len:
        raise ValidationFailed(f"{label}过长（最多 {max_len} 个字）", field=field)
    return out


__all__ = ["Write", "audited", "created", "deleted", "lock", "text"]
