"""The outbound adapter to the credit platforms (R-CAS-04, HC 附件 三(五):
"在湖北省公共资源招标投标信用信息平台上集中公示，同步推送到信用湖北").

Modelled on ``core.sms``: ``settings.POSTAWARD_CREDIT_PUSH["BACKEND"]``
(environment ``POSTAWARD_CREDIT_PUSH_BACKEND``) names the backend:

- ``postaward.credit.push.LogBackend`` (the default): writes the change to the
  log and keeps it in the process's ``outbox`` (the last ``OUTBOX_SIZE``);
- ``postaward.credit.push.HttpBackend``: ``POST {URL}`` with the JSON payload
  and ``Authorization: Bearer {TOKEN}`` (``POSTAWARD_CREDIT_PUSH_URL``,
  ``POSTAWARD_CREDIT_PUSH_TOKEN``); any answer but 2xx is a failure. The real
  endpoints of the platforms are configuration.

A change of a record is a ``CreditPush`` row (``queue``) written in the
transaction of the change; ``send_due`` (the worker, ``tasks.py``) hands each
due row to the backend, records the attempt, the error or the time sent, and
retries a failure later (backoff doubling from one minute, at most six hours).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from postaward.core import clock

from .choices import PushAction, PushState
from .models import CreditPush, CreditRecord

logger = logging.getLogger("postaward.credit.push")

OUTBOX_SIZE = 200
DEFAULT_BACKEND = "postaward.credit.push.LogBackend"
MAX_BACKOFF = dt.timedelta(hours=6)


class Backend(Protocol):
    name: str

    def send(self, payload: dict[str, Any]) -> None: ...


outbox: list[dict[str, Any]] = []


def _conf() -> dict[str, Any]:
    return dict(getattr(settings, "POSTAWARD_CREDIT_PUSH", {}) or {})


class LogBackend:
    """Development and demo: the log and the in-process outbox."""

    name = "log"

    def send(self, payload: dict[str, Any]) -> None:
        logger.info(
            "信用推送（%s）：%s %s 记分%s",
            payload.get("action"),
            payload.get("subject_name"),
            payload.get("decision_number"),
            payload.get("points"),
        )
        outbox.append(payload)
        del outbox[:-OUTBOX_SIZE]


class HttpBackend:
    """A credit platform's HTTP interface: POST the JSON payload."""

    name = "http"

    def __init__(self) -> None:
        conf = _conf()
        self.url = str(conf.get("URL") or "")
        self.token = str(conf.get("TOKEN") or "")
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("POSTAWARD_CREDIT_PUSH_URL must be an http(s) URL")

    def send(self, payload: dict[str, Any]) -> None:
        req = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            if not 200 <= resp.status < 300:
                raise OSError(f"信用平台返回 {resp.status}")


def backend() -> Backend:
    path = str(_conf().get("BACKEND") or DEFAULT_BACKEND)
    return import_string(path)()  # type: ignore[no-any-return]


def platforms() -> list[str]:
    return list(_conf().get("PLATFORMS") or [])


def payload_of(record: CreditRecord, action: str) -> dict[str, Any]:
    """What the platforms receive: the decision, the party, the points and the
    record's state (an organisation's unified code when it has one)."""
    uscc = record.subject_org.uscc if record.subject_org is not None else ""
    return {
        "action": action,
        "record_key": f"{record.case_number}",
        "subject_name": record.subject_name,
        "subject_kind": "organisation" if record.subject_org_id else "person",
        "subject_code": uscc or "",
        "measure": record.measure,
        "fine_yuan": str(record.fine_yuan),
        "points": record.points if record.state not in ("withdrawn", "repaired") else 0,
        "basis": record.basis,
        "decision_number": record.decision_number,
        "decided_on": record.decided_on.isoformat(),
        "valid_until": record.valid_until.isoformat(),
        "state": record.state,
        "department": record.department.name,
        "platforms": platforms(),
    }


def queue(record: CreditRecord, action: str = PushAction.CREATE) -> CreditPush:
    """Queue the record's current content for the platforms (in the caller's
    transaction); the worker sends it."""
    now = clock.now()
    row = CreditPush.objects.create(
        record=record,
        action=action,
        payload=payload_of(record, action),
        created_at=now,
        next_try_at=now,
    )
    transaction.on_commit(_enqueue)
    return row


def _enqueue() -> None:
    from .tasks import send_credit_pushes_now

    try:
        send_credit_pushes_now()
    except Exception:  # the periodic task will pick it up
        logger.exception("could not enqueue the credit push")


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send_one(row_id: int) -> bool:
    """Try one queued row (locked); True when sent."""
    with transaction.atomic():
        row = (
            CreditPush.objects.select_for_update(skip_locked=True)
            .filter(pk=row_id)
            .exclude(state=PushState.SENT)
            .first()
        )
        if row is None:
            return False
        now = clock.now()
        row.attempts += 1
        try:
            backend().send(row.payload)
        except Exception as exc:  # recorded on the row, retried later
            logger.warning("信用推送失败 #%s：%s", row.pk, type(exc).__name__)
            row.state = PushState.FAILED
            row.last_error = f"{type(exc).__name__}: {exc}"[:500]
            row.next_try_at = now + backoff(row.attempts)
        else:
            row.state = PushState.SENT
            row.sent_at = now
            row.last_error = ""
        row.save(update_fields=["attempts", "state", "last_error", "next_try_at", "sent_at"])
        return row.state == PushState.SENT


def send_due(limit: int = 200) -> int:
    """Send every row whose time has come, oldest first; returns how many were
    sent."""
    ids = list(
        CreditPush.objects.exclude(state=PushState.SENT)
        .filter(next_try_at__lte=clock.now())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if send_one(pk))
