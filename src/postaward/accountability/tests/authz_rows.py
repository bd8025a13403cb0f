"""Rows of the API authorization table for the accountability routes, one
module per part (collected by ``orgs/tests/test_api_authorization.py``)."""

from __future__ import annotations

from .authz_rows_clues import ROUTES as _CLUES

ROUTES = {**_CLUES}
