"""The outbound adapter of the monthly reports (R-REP-02): a submitted report
is delivered to its receivers (a department's to the coordinating body; the
district summary to the city DRC and the district discipline commission).

Modelled on ``core.sms`` and ``credit.push``: the setting
``POSTAWARD_REPORTS_DELIVERY["BACKEND"]`` (environment
``POSTAWARD_REPORTS_DELIVERY_BACKEND``) names the backend:

- ``postaward.reports.delivery.LogBackend`` (the default): writes the
  delivery to the log and keeps it in the process's ``outbox`` (the last
  ``OUTBOX_SIZE``; tests and the demo read it);
- ``postaward.reports.delivery.HttpBackend``: ``POST {URL}`` with the JSON
  payload and ``Authorization: Bearer {TOKEN}``; any answer but 2xx fails.

Inside the platform the receivers read the report on its page; the adapter
is for the bodies outside it (the city's system, an exchange platform).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("postaward.reports.delivery")

OUTBOX_SIZE = 200
DEFAULT_BACKEND = "postaward.reports.delivery.LogBackend"

outbox: list[dict[str, Any]] = []


class Backend(Protocol):
    name: str

    def send(self, payload: dict[str, Any]) -> None: ...


def _conf() -> dict[str, Any]:
    default = {
        "BACKEND": os.environ.get("POSTAWARD_REPORTS_DELIVERY_BACKEND", DEFAULT_BACKEND),
        "URL": os.environ.get("POSTAWARD_REPORTS_DELIVERY_URL", ""),
        "TOKEN": os.environ.get("POSTAWARD_REPORTS_DELIVERY_TOKEN", ""),
    }
    return dict(getattr(settings, "POSTAWARD_REPORTS_DELIVERY", default))


class LogBackend:
    name = "log"

    def send(self, payload: dict[str, Any]) -> None:
        logger.info("monthly report delivered: %s", json.dumps(payload, ensure_ascii=False))
        outbox.append(payload)
        del outbox[:-OUTBOX_SIZE]


class HttpBackend:  # pragma: no cover - needs the receiving system
    name = "http"

    def send(self, payload: dict[str, Any]) -> None:
        conf = _conf()
        req = urllib.request.Request(  # noqa: S310 - the configured https endpoint
            conf["URL"],
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {conf['TOKEN']}",
            },
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=20) as resp:  # noqa: S310
            if not 200 <= resp.status < 300:
                raise RuntimeError(f"delivery answered {resp.status}")


@cache
def backend() -> Backend:
    return import_string(_conf().get("BACKEND") or DEFAULT_BACKEND)()  # type: ignore[no-any-return]


def deliver(payload: dict[str, Any]) -> bool:
    """Hand one delivery to the backend; a failure is logged and returned
    (the report stays submitted; the receivers read it on the platform)."""
    try:
        backend().send(payload)
    except Exception:  # any backend failure
        logger.exception("monthly report delivery failed")
        return False
    return True
