"""The inspections app's step situations, gathered from its parts (ADR 0700)."""

from __future__ import annotations

from .step_cases_contracts import API as _CONTRACTS_API
from .step_cases_contracts import CASES as _CONTRACTS_CASES

API = {**_CONTRACTS_API}
CASES = {**_CONTRACTS_CASES}
