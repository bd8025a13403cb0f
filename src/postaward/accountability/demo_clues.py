"""The demo district's data of the clues part."""

from __future__ import annotations

from typing import Any


def seed_demo(b: Any) -> None:
    """Seeded by the clues part."""
