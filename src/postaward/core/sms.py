"""Short messages to a mobile (短信): one interface for every app (ADR 0521).

The alerts app's notification channels (ADR 0403) deliver copies of in-app
messages to accounts; a complainant has no account and the complaints app may
not import alerts. This kernel module is the one way to send a text to a
mobile number: ``send(mobile, text, purpose=…, secrets=…)`` hands it to the
backend named by ``settings.POSTAWARD_SMS["BACKEND"]`` (environment
``POSTAWARD_SMS_BACKEND``):

- ``postaward.core.sms.ConsoleBackend`` (the default): writes the message to
  the log with the number masked and every secret (a query code, a
  verification code) replaced by asterisks, and keeps the full message in the
  process's ``outbox`` (the last ``OUTBOX_SIZE``; tests and the demo read it);
- ``postaward.core.sms.HttpGatewayBackend``: the adapter to an SMS gateway
  (a provider's or the government messaging platform's HTTP interface), set by
  ``POSTAWARD_SMS_URL``, ``POSTAWARD_SMS_TOKEN`` and ``POSTAWARD_SMS_SIGN``.

A backend is a class with ``name`` and ``send(message)``; it raises to report
a failure (``SmsFailed`` for the caller).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .errors import DomainError
from .idcheck import mask_mobile

logger = logging.getLogger("postaward.sms")

OUTBOX_SIZE = 200
DEFAULT_BACKEND = "postaward.core.sms.ConsoleBackend"


class SmsFailed(DomainError):
    status = 503
    code = "sms_failed"


@dataclass(frozen=True)
class Sms:
    mobile: str
    text: str
    purpose: str  # what it is for: "verify", "receipt", "answer" …
    secrets: tuple[str, ...] = ()  # parts never written to a log in clear

    def masked(self) -> str:
        out = self.text
        for s in self.secrets:
            if s:
                out = out.replace(s, "*" * len(s))
        return out


class Backend(Protocol):
    name: str

    def send(self, message: Sms) -> None: ...


outbox: list[Sms] = []


class ConsoleBackend:
    """Development and demo: the log (masked) and the in-process outbox."""

    name = "console"

    def send(self, message: Sms) -> None:
        logger.info(
            "短信 → %s（%s）：%s", mask_mobile(message.mobile), message.purpose, message.masked()
        )
        outbox.append(message)
        del outbox[:-OUTBOX_SIZE]


class HttpGatewayBackend:
    """An SMS gateway over HTTP(S): ``POST {url}`` with a JSON body
    ``{"mobile", "text", "sign"}`` and ``Authorization: Bearer {token}``; any
    answer but 2xx is a failure. A provider with another protocol is one more
    class like this one."""

    name = "gateway"

    def __init__(self) -> None:
        conf: dict[str, Any] = settings.POSTAWARD_SMS
        self.url = str(conf.get("URL") or "")
        self.token = str(conf.get("TOKEN") or "")
        self.sign = str(conf.get("SIGN") or "")
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("POSTAWARD_SMS_URL must be an http(s) URL")

    def send(self, message: Sms) -> None:
        body = json.dumps(
            {"mobile": message.mobile, "text": message.text, "sign": self.sign}
        ).encode()
        req = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            if not 200 <= resp.status < 300:
                raise OSError(f"gateway answered {resp.status}")
        logger.info("短信 → %s（%s）已提交网关", mask_mobile(message.mobile), message.purpose)


@cache
def backend() -> Backend:
    path = str(settings.POSTAWARD_SMS.get("BACKEND") or DEFAULT_BACKEND)
    return import_string(path)()  # type: ignore[no-any-return]


def is_console() -> bool:
    return backend().name == ConsoleBackend.name


def send(mobile: str, text: str, *, purpose: str, secrets: tuple[str, ...] = ()) -> None:
    """Send one message now; ``SmsFailed`` when the backend could not."""
    message = Sms(mobile=mobile, text=text, purpose=purpose, secrets=secrets)
    try:
        backend().send(message)
    except Exception as exc:
        logger.warning(
            "短信发送失败 → %s（%s）：%s", mask_mobile(mobile), purpose, type(exc).__name__
        )
        raise SmsFailed("短信发送失败，请稍后再试或拨打监管办电话") from exc


def send_quietly(mobile: str, text: str, *, purpose: str, secrets: tuple[str, ...] = ()) -> bool:
    """Send after the fact (a receipt, an answer): a failure is logged, never
    undoes the change that caused the message. True when handed over."""
    try:
        send(mobile, text, purpose=purpose, secrets=secrets)
    except SmsFailed:
        return False
    return True
