"""Step situations of the agents and experts part (issue 16)."""

from __future__ import annotations

from typing import Any

API: dict[str, str] = {}
CASES: dict[str, Any] = {}
