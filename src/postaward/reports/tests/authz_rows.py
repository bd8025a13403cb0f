"""The reports app's API authorization rows, gathered from each part's
``authz_rows_<part>.py`` (collected by ``orgs/tests/test_api_authorization.py``)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

ROUTES: dict[str, Any] = {}

for _m in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _m.name.startswith("authz_rows_"):
        ROUTES.update(getattr(importlib.import_module(f"{__package__}.{_m.name}"), "ROUTES", {}))
