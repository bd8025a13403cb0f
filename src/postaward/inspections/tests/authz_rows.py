"""The inspections app's API authorization rows: each part keeps its own
(``authz_rows_<part>.py``), gathered here (ADR 0700; collected by
``orgs/tests/test_api_authorization.py``)."""

from __future__ import annotations

from .authz_rows_contracts import ROUTES as _CONTRACTS
from .authz_rows_draw import ROUTES as _DRAW
from .authz_rows_visits import ROUTES as _VISITS

ROUTES = {**_DRAW, **_VISITS, **_CONTRACTS}
