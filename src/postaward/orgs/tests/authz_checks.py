"""The six checks of the API authorization table, for one share of its routes
(R-ORG-03, R-ORG-04).

The table (``test_api_authorization.TABLE``: one row per route of
``/api/v1/openapi.json``) is checked by several test files, one per group of
routes (``test_api_authorization.py`` for core and orgs,
``test_api_authorization_<group>.py`` for the others), so that ``pytest -n 2
--dist loadfile`` spreads its ~1,200 tests over both workers instead of running
them all on one (ADR 0081). Every route is in exactly one group
(``test_every_route_is_checked_once``). Each file does::

    (test_anonymous_is_401, ...) = checks(routes_of("projects"))

The checks (see ``test_api_authorization.py``): anonymous → 401; an account
without any role → 403; a wrong role → 403; the right role out of scope → 404
or absent from the list; the right role in scope → 2xx, by session and by
bearer token. Each denied write leaves ``db_fingerprint()`` unchanged, and the
allowed call is shown to change it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from postaward.core.actor import SYSTEM
from postaward.orgs import services as org_services
from postaward.testing import db_fingerprint

from .authz import Hidden, Route, Table, denied, is_write, items, prepared, send

# The route groups that have a test file of their own (the first path segment
# after /api/v1/); every other route is checked by test_api_authorization.py.
GROUPS = ("projects", "approvals", "alerts", "attendance")


def group_of(key: str) -> str:
    segment = key.split(" ", 1)[1].removeprefix("/api/v1/").split("/", 1)[0]
    return segment if segment in GROUPS else "core"


def checks(table: Table, group: str) -> tuple[Callable[..., Any], ...]:
    """The six test functions, parametrized over the routes of ``group``."""
    keys = sorted(k for k in table.routes if group_of(k) == group)
    wrong = [k for k in keys if table.routes[k].wrong]
    out = [k for k in keys if table.routes[k].out]
    # An empty parameter list would turn a check into a skip: every group has all six.
    assert keys and wrong and out, f"the group {group!r} lacks routes of some check"

    def row(key: str) -> Route:
        return table.routes[key]

    @pytest.mark.parametrize("key", keys)
    def test_anonymous_is_401(district, key):
        route = row(key)
        d = prepared(district, route)
        denied(key, route, d, Client(), route.ok, 401)
        # A bearer token that is not a token is no better.
        forged = Client(HTTP_AUTHORIZATION="Bearer pa_000000000000_forged")
        denied(key, route, d, forged, route.ok, 401)

    @pytest.mark.parametrize("key", keys)
    def test_account_without_roles_is_403(district, key):
        route = row(key)
        d = prepared(district, route)
        denied(key, route, d, d.client("roleless"), route.ok, 403)

    @pytest.mark.parametrize("key", wrong)
    def test_wrong_role_is_403(district, key):
        route = row(key)
        d = prepared(district, route)
        for call in route.wrong:
            denied(key, route, d, d.client(call.user), call, 403)

    @pytest.mark.parametrize("key", out)
    def test_right_role_out_of_scope_is_404_or_absent(district, key):
        route = row(key)
        d = prepared(district, route)
        for out in route.out:
            if isinstance(out, Hidden):
                r = send(d.client(out.user), key, d, out)
                assert r.status_code == 200, r.content[:400]
                listed = {item[out.key] for item in items(r)}
                assert not (listed & out.values(d)), (
                    f"{key}: {out.user} sees {listed & out.values(d)}"
                )
            else:
                denied(key, route, d, d.client(out.user), out, 404)
                body = send(d.client(out.user), key, d, out).json()
                assert body["code"] == "not_found"
                assert body["message"] == "对象不存在或无权访问"

    @pytest.mark.parametrize("key", keys)
    def test_right_role_in_scope_succeeds(district, key):
        route = row(key)
        d = prepared(district, route)
        before = db_fingerprint()
        r = send(d.client(route.ok.user), key, d, route.ok)
        assert r.status_code == route.ok.status, r.content[:400]
        if is_write(key, route):
            # The denied-call checks above are meaningful: this call does change it.
            assert db_fingerprint() != before
        if route.must_list:
            listed = {item[route.list_key] for item in items(r)}
            assert route.must_list(d) <= listed

    @pytest.mark.parametrize("key", keys)
    def test_bearer_token_in_scope_succeeds(district, key):
        """The same in-scope call through ``Authorization: Bearer`` (phones, integrators)."""
        route = row(key)
        d = prepared(district, route)
        _, plain = org_services.create_api_token(
            actor=SYSTEM, user=d.users[route.ok.user], name="授权测试"
        )
        r = send(Client(HTTP_AUTHORIZATION=f"Bearer {plain}"), key, d, route.ok)
        assert r.status_code == route.ok.status, r.content[:400]

    return (
        test_anonymous_is_401,
        test_account_without_roles_is_403,
        test_wrong_role_is_403,
        test_right_role_out_of_scope_is_404_or_absent,
        test_right_role_in_scope_succeeds,
        test_bearer_token_in_scope_succeeds,
    )
