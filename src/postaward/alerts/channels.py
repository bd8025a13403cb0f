"""Notification channels: how a notification leaves the platform.

Every notification is an in-app message (a ``Notification`` row, counted in the
top bar). External channels deliver copies; each is a class with

    name: str                      # stable key, stored on each delivery
    label: str                     # 中文 name for pages
    def accepts(self, notification) -> bool   # e.g. the recipient has an email address
    def send(self, notification) -> None      # raise to have the delivery retried

and is listed by dotted path in ``settings.POSTAWARD_NOTIFICATION_CHANNELS``
(environment ``POSTAWARD_NOTIFICATION_CHANNELS``, comma-separated). An SMS or a
government-messaging (浙政钉) adapter is one more class in any module and one
more entry in that setting: the alert code never changes. Deliveries are rows
(``NotificationDelivery``) sent by the worker after commit, retried up to
``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

MAX_ATTEMPTS = 5
DEFAULT_CHANNELS = ("postaward.alerts.channels.EmailChannel",)


class Channel(Protocol):
    name: str
    label: str

    def accepts(self, notification: Any) -> bool: ...

    def send(self, notification: Any) -> None: ...


class EmailChannel:
    """Email through Django's email backend. SMTP settings come from the
    environment (``POSTAWARD_EMAIL_HOST`` …, see settings); tests use the
    locmem backend, development the console backend."""

    name = "email"
    label = "电子邮件"

    def accepts(self, notification: Any) -> bool:
        return bool(getattr(notification.recipient, "email", ""))

    def send(self, notification: Any) -> None:
        body = notification.body
        if notification.url:
            base = getattr(settings, "POSTAWARD_BASE_URL", "").rstrip("/")
            body += f"\n\n办理地址：{base}{notification.url}"
        send_mail(
            subject=f"【标后监管平台】{notification.title}",
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
            fail_silently=False,
        )


@cache
def configured() -> tuple[Channel, ...]:
    paths = getattr(settings, "POSTAWARD_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    return tuple(import_string(p)() for p in paths if p)


def by_name(name: str) -> Channel | None:
    return next((c for c in configured() if c.name == name), None)
