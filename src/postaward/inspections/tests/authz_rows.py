"""The inspections app's API authorization rows, gathered from its parts
(ADR 0700; collected by ``orgs/tests/test_api_authorization.py``)."""

from __future__ import annotations

from .authz_rows_contracts import ROUTES as _CONTRACTS

ROUTES = {**_CONTRACTS}
