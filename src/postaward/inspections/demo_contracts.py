"""Demo data of the contracts part."""

from __future__ import annotations

from typing import Any


def seed_demo(b: Any) -> None:
    return None
