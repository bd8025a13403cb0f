"""The inspections app's step situations: each part keeps its own
(``step_cases_<part>.py``), gathered here (ADR 0700)."""

from __future__ import annotations

from .step_cases_contracts import API as _CONTRACTS_API
from .step_cases_contracts import CASES as _CONTRACTS_CASES
from .step_cases_draw import API as _DRAW_API
from .step_cases_draw import CASES as _DRAW_CASES
from .step_cases_visits import API as _VISITS_API
from .step_cases_visits import CASES as _VISITS_CASES

API = {**_DRAW_API, **_VISITS_API, **_CONTRACTS_API}
CASES = {**_DRAW_CASES, **_VISITS_CASES, **_CONTRACTS_CASES}
