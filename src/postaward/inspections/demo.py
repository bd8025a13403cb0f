"""The demo district's inspections: each part seeds its own, in order (the
draw first: the inspections come from its selections)."""

from __future__ import annotations

from typing import Any

from . import demo_contracts, demo_draw, demo_visits


def seed_demo(b: Any) -> None:
    demo_draw.seed_demo(b)
    demo_visits.seed_demo(b)
    demo_contracts.seed_demo(b)
