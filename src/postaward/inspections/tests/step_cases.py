"""The inspections app's step situations: each part's, gathered (ADR 0700)."""

from __future__ import annotations

from .step_cases_draw import API as DRAW_API
from .step_cases_draw import CASES as DRAW_CASES

API = {**DRAW_API}
CASES = {**DRAW_CASES}
