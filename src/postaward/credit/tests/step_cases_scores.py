"""Step situations of the scoring part 'scores' (issue 16)."""

from __future__ import annotations

from typing import Any

API: dict[str, str] = {}
CASES: dict[str, Any] = {}
