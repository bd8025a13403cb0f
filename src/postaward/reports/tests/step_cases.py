"""The reports app's step situations, gathered from each part's
``step_cases_<part>.py`` (collected by ``core/tests/test_steps_authz.py``)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

API: dict[str, str] = {}
CASES: dict[str, Any] = {}

for _m in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _m.name.startswith("step_cases_"):
        _mod = importlib.import_module(f"{__package__}.{_m.name}")
        API.update(getattr(_mod, "API", {}))
        CASES.update(getattr(_mod, "CASES", {}))
