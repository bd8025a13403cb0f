"""The inspections app's step situations: each part keeps its own
(``step_cases_<part>.py``), gathered here (ADR 0700)."""

from __future__ import annotations

import importlib
from typing import Any

API: dict[str, str] = {}
CASES: dict[str, Any] = {}
for _part in ("draw", "visits", "contracts"):
    try:
        _module = importlib.import_module(f"{__package__}.step_cases_{_part}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.step_cases_{_part}":
            raise
        continue
    API.update(getattr(_module, "API", {}))
    CASES.update(getattr(_module, "CASES", {}))
