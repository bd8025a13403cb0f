"""The accountability app's step situations, gathered from its parts
(``step_cases_<part>.py``; a part not built yet is skipped)."""

from __future__ import annotations

import importlib
from typing import Any

API: dict[str, str] = {}
CASES: dict[str, Any] = {}

for _part in ("clues", "matters", "interference"):
    try:
        _module = importlib.import_module(f"{__package__}.step_cases_{_part}")
    except ModuleNotFoundError:
        continue
    API.update(getattr(_module, "API", {}))
    CASES.update(getattr(_module, "CASES", {}))
