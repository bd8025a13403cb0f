"""What the complaints capability takes from other capabilities' events.

``alerts.clue_transfer_updated`` (ADR 0515): the receiving body of a referred
complaint signed for the clue or fed back its result; it shows on the
referral. Subscribed by name: alerts is a sibling capability, never imported
here (pyproject ``[tool.importlinter]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from postaward.core import events

from . import services


@dataclass(frozen=True)
class _ByName:
    """An event type by its name (``events.subscribe`` reads ``.name``)."""

    name: str


def on_transfer_updated(evt: Any) -> None:
    services.take_transfer_update(evt)


def register() -> None:
    events.subscribe(_ByName("alerts.clue_transfer_updated"))(on_transfer_updated)  # type: ignore[arg-type]
