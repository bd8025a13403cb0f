"""The recipient's notifications: read one, read all (audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from postaward.core import audit, clock
from postaward.core.actor import Actor
from postaward.core.errors import NotFound

# --- notifications --------------------------------------------------------------------------------


def mark_read(*, actor: Actor, notification: Any) -> Any:
    """The recipient reads a notification (only their own)."""
    if notification.recipient_id != actor.user_id:
        raise NotFound()
    if notification.read_at is not None:
        return notification
    with transaction.atomic():
        now = clock.now()
        type(notification).objects.filter(pk=notification.pk, read_at=None).update(read_at=now)
        audit.record(
            actor=actor, action="alerts.read_notification", obj=notification, after={"read_at": now}
        )
    notification.read_at = now
    return notification


def mark_all_read(*, actor: Actor) -> int:
    """The recipient marks all their unread notifications read: one audit
    record with the count."""
    from ..models import Notification

    with transaction.atomic():
        now = clock.now()
        count = (
            Notification.objects.filter(recipient_id=actor.user_id, read_at=None)
            .select_for_update()
            .update(read_at=now)
        )
        if count:
            audit.record(
                actor=actor,
                action="alerts.read_all_notifications",
                object_type="alerts.notification",
                object_id=actor.user_id,
                object_repr=f"{count} 条通知标记为已读",
                after={"read_at": now, "count": count},
            )
    return count
