"""Authorization rows of the agents and experts part (issue 16)."""

from __future__ import annotations

from typing import Any

ROUTES: dict[str, Any] = {}
