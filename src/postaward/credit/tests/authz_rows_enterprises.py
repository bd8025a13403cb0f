"""Authorization rows of the scoring part 'enterprises' (issue 16)."""

from __future__ import annotations

from typing import Any

ROUTES: dict[str, Any] = {}
