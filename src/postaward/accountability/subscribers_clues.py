"""What the clues part takes from other capabilities' events, by name (never
by import; ADR 0801): the facts that are clues of accountable acts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from postaward.core import events

CHANGE_AFTER = "approvals.change_after_the_fact"
USED_BEFORE = "approvals.used_before_acceptance"
SELF_ENTRUSTED = "projects.settlement_self_entrusted"


@dataclass(frozen=True)
class _ByName:
    """An event type by its name (``events.subscribe`` reads ``.name``)."""

    name: str


def on_change_after(evt: Any) -> None:
    from . import findings_clues

    findings_clues.on_change_after_the_fact(evt)


def on_used_before(evt: Any) -> None:
    from . import findings_clues

    findings_clues.on_used_before_acceptance(evt)


def on_self_entrusted(evt: Any) -> None:
    from . import findings_clues

    findings_clues.on_settlement_self_entrusted(evt)


def on_deadline_missed(evt: Any) -> None:
    """One missed deadline (a ``deadline.missed`` fact): the kind is checked
    first against a small set, so any other kind costs one dict lookup. Not
    subscribed to the sweep's events (a flood of missed deadlines stays the
    alerts' set-wise work, ADR 0517): the daily detector hands it the day's
    missed rows (``findings_clues.missed_deadlines``, ADR 0801)."""
    if evt.kind not in _KINDS:
        return
    from . import findings_clues

    findings_clues.on_deadline_missed(evt)


_KINDS: frozenset[str] = frozenset()


def register() -> None:
    global _KINDS
    from .findings_clues import MISSED

    _KINDS = frozenset(MISSED)
    events.subscribe(_ByName(CHANGE_AFTER))(on_change_after)  # type: ignore[arg-type]
    events.subscribe(_ByName(USED_BEFORE))(on_used_before)  # type: ignore[arg-type]
    events.subscribe(_ByName(SELF_ENTRUSTED))(on_self_entrusted)  # type: ignore[arg-type]
