"""Step situations of the accountability app, one module per part."""

from __future__ import annotations

from .step_cases_clues import API as _CLUES_API
from .step_cases_clues import CASES as _CLUES

API = {**_CLUES_API}
CASES = {**_CLUES}
