"""The API authorization table's checks for the ``/api/v1/attendance/…`` routes
(R-ORG-03, R-ORG-04): anonymous 401, no role 403, wrong role 403, out of scope
404 or absent, in scope 2xx by session and by token. The rows are in
``test_api_authorization.TABLE``; the checks in ``authz_checks.py`` (a file per
group of routes so that both test workers share the table, ADR 0081).
"""

from __future__ import annotations

import pytest

from .authz_checks import checks
from .test_api_authorization import TABLE

pytestmark = pytest.mark.django_db

(
    test_anonymous_is_401,
    test_account_without_roles_is_403,
    test_wrong_role_is_403,
    test_right_role_out_of_scope_is_404_or_absent,
    test_right_role_in_scope_succeeds,
    test_bearer_token_in_scope_succeeds,
) = checks(TABLE, "attendance")
