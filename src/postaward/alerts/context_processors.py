"""The unread-notification count for the shell's top bar (a separate context
processor, so the core shell stays as it is)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def unread_count(actor: Any) -> int:
    """The envelope's count: the actor's unread messages (消息通知)."""
    from .models import Notification

    return Notification.objects.filter(recipient_id=actor.user_id, read_at=None).count()


def notifications(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None or not actor.user_id:
        return {}
    return {"notifications_unread": unread_count(actor)}
