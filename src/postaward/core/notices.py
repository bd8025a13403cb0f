"""Telling people (消息通知) from any app without importing the app that
stores the messages: the alerts capability registers the sender at start-up
(``set_sender``); apps call ``tell``. Without a sender (a deployment without
alerts) nothing is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Sender = Callable[..., int]
_sender: Sender | None = None


def set_sender(fn: Sender) -> None:
    global _sender
    _sender = fn


def tell(
    user_ids: Iterable[int | None],
    *,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    project: Any = None,
    actor: Any = None,
) -> int:
    """One message to each distinct account in ``user_ids`` (None skipped),
    once per ``key``; never to ``actor`` (who took the decision). Returns how
    many were created."""
    skip = getattr(actor, "user_id", None)
    ids = list(dict.fromkeys(u for u in user_ids if u and u != skip))
    if _sender is None or not ids:
        return 0
    return _sender(ids, key=key, kind=kind, title=title, body=body, url=url, project=project)
