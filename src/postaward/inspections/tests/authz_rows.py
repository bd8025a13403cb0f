"""The inspections app's rows of the API authorization table: each part
keeps its own (``authz_rows_<part>.py``), gathered here (ADR 0700)."""

from __future__ import annotations

import importlib
from typing import Any

ROUTES: dict[str, Any] = {}
for _part in ("draw", "visits", "contracts"):
    try:
        _module = importlib.import_module(f"{__package__}.authz_rows_{_part}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.authz_rows_{_part}":
            raise
        continue
    ROUTES.update(_module.ROUTES)
