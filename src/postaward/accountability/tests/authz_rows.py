"""The accountability app's API authorization rows, gathered from its parts
(``authz_rows_<part>.py``; a part not built yet is skipped)."""

from __future__ import annotations

import importlib
from typing import Any

ROUTES: dict[str, Any] = {}

for _part in ("clues", "matters", "interference"):
    try:
        _module = importlib.import_module(f"{__package__}.authz_rows_{_part}")
    except ModuleNotFoundError:
        continue
    ROUTES.update(getattr(_module, "ROUTES", {}))
