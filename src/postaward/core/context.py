"""Per-request (or per-task) context that the audit trail records."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
client_ip: contextvars.ContextVar[str] = contextvars.ContextVar("client_ip", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def task_context(name: str) -> Iterator[str]:
    """Give a background task its own request id, e.g. ``task:sweep:…``."""
    rid = f"task:{name}:{uuid.uuid4().hex[:12]}"
    token = request_id.set(rid)
    try:
        yield rid
    finally:
        request_id.reset(token)
