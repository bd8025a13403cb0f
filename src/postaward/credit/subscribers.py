"""What the credit capability takes from other capabilities' events.

``cases.penalty_decided`` (R-CAS-04, docs: the contract of issue #14): a
penalty or handling decision entered by the cases capability becomes a credit
record (once per case). Subscribed by name: cases is a sibling capability,
never imported here (pyproject ``[tool.importlinter]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from postaward.core import events

PENALTY_DECIDED = "cases.penalty_decided"


@dataclass(frozen=True)
class _ByName:
    """An event type by its name (``events.subscribe`` reads ``.name``)."""

    name: str


def on_penalty_decided(evt: Any) -> None:
    from . import services

    services.record_from_penalty(evt)


def register() -> None:
    events.subscribe(_ByName(PENALTY_DECIDED))(on_penalty_decided)  # type: ignore[arg-type]
