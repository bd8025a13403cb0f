"""Actions an app above offers on another app's record page (ADR 0931).

A record's page (an alert, an inspection's finding, a complaint) lives in an
app low in the import layers; an action on it may belong to an app above
(the reports app's 列入典型案例). The page must not import that app, so the
app above registers a provider here in its ``AppConfig.ready()`` and the page
asks the kernel: ``{% record_actions "alert" alert %}`` (``core/templatetags/pa.py``)
renders whatever buttons the providers give the viewer.

A provider takes the record's kind, the record and the viewer, and returns a
``RecordAction`` or None. It must answer from what it is given (the actor's
roles and organisation, the record's fields): it runs once per row of a
findings table, so it makes no query. The action's page checks everything
again: a button is a convenience, never the permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .actor import Actor

# The record kinds pages ask for (a provider may ignore any of them).
ALERT = "alert"
FINDING = "finding"
COMPLAINT = "complaint"
KINDS = frozenset({ALERT, FINDING, COMPLAINT})


@dataclass(frozen=True)
class RecordAction:
    label: str
    url: str
    icon: str = "bi-flag"
    testid: str = ""


Provider = Callable[[str, Any, Actor], "RecordAction | None"]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register (or replace, on a second ``ready()``) the provider ``name``."""
    _providers[name] = provider


def actions_for(kind: str, obj: Any, actor: Actor) -> list[RecordAction]:
    if kind not in KINDS:  # pragma: no cover - a programming error in a template
        raise ValueError(f"unknown record kind {kind!r}")
    if obj is None or actor.user_id is None:
        return []
    found = []
    for name in sorted(_providers):
        action = _providers[name](kind, obj, actor)
        if action is not None:
            found.append(action)
    return found
