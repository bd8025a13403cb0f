"""The demo district's accountability data: each part seeds its own."""

from __future__ import annotations

from typing import Any

from . import demo_clues, demo_interference, demo_matters, demo_proposals


def seed_demo(b: Any) -> None:
    """Called by ``postaward.demo`` once the other capabilities' demo data
    (and the field work the platform raises its clues from) exist."""
    # before the clues: its overdue proposal is one of the missed deadlines they raise
    demo_proposals.seed_demo(b)
    demo_clues.seed_demo(b)
    demo_matters.seed_demo(b)
    demo_interference.seed_demo(b)
