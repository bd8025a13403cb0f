"""The inspections app's API authorization rows: each part's, gathered (ADR 0700)."""

from __future__ import annotations

from .authz_rows_draw import ROUTES as DRAW_ROUTES

ROUTES = {**DRAW_ROUTES}
