"""The building blocks of the API authorization table (R-ORG-03, R-ORG-04).

``test_api_authorization.py`` runs the four authorization tests for every route
of ``/api/v1/openapi.json``. Rows come from:

- ``postaward/orgs/tests/test_api_authorization.py`` (core and orgs routes),
- any ``postaward/<app>/tests/authz_rows.py`` that defines ``ROUTES`` — each app
  keeps the rows of its own routes next to its own tests,
- ``postaward/orgs/tests/authz_projects.py``: fallback rows for project routes
  (a row of ``projects/tests/authz_rows.py`` for the same route wins).

A row (``Route``) names the in-scope call (``ok``), the calls of a wrong role
(``wrong``, or ``any_role=True``), the calls out of scope (``out``: a ``Call``
answered 404, or a ``Hidden`` listing that must not contain some values; or
``no_scope="why"``), and an optional ``setup(district)`` that creates what the
calls refer to in ``district.ctx``.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.test import Client

from postaward.testing import District, db_fingerprint, prepare

Fn = Callable[[District], Any]


def _none(d: District) -> dict:
    return {}


@dataclass(frozen=True)
class Call:
    """One request: who sends it, the path parameters, query and body.

    ``body`` is sent as JSON; ``raw`` returns ``(bytes, content_type)`` for
    routes that take a whole file; ``form`` returns multipart form data (files
    as ``SimpleUploadedFile``); ``headers`` returns extra request headers (e.g.
    a required ``Idempotency-Key``).
    """

    user: str
    path: Fn = _none
    query: Fn | None = None
    body: Fn | None = None
    raw: Fn | None = None
    form: Fn | None = None
    status: int = 200
    headers: Fn | None = None


@dataclass(frozen=True)
class Hidden:
    """For a list: ``user`` gets 200 and none of ``values`` appears under ``key``."""

    user: str
    values: Fn
    key: str = "id"
    path: Fn = _none
    query: Fn | None = None


@dataclass(frozen=True)
class Route:
    ok: Call
    wrong: tuple[Call, ...] = ()
    any_role: bool = False
    out: tuple[Call | Hidden, ...] = ()
    no_scope: str = ""
    setup: Callable[[District], None] | None = None
    write: bool | None = None  # default: every method but GET
    must_list: Fn | None = None  # values the ok listing must contain (under list_key)
    list_key: str = "id"


def method_of(key: str) -> str:
    return key.split(" ", 1)[0]


def is_write(key: str, route: Route) -> bool:
    return route.write if route.write is not None else method_of(key) != "GET"


def url_of(key: str, d: District, call: Call | Hidden) -> str:
    url = key.split(" ", 1)[1].format(**call.path(d))
    if call.query:
        url += "?" + urlencode(call.query(d))
    return url


def send(client: Client, key: str, d: District, call: Call | Hidden) -> Any:
    fn = getattr(client, method_of(key).lower())
    url = url_of(key, d, call)
    if isinstance(call, Call) and call.headers is not None:
        fn = functools.partial(fn, headers=call.headers(d))
    if isinstance(call, Call):
        if call.body is not None:
            return fn(
                url,
                data=json.dumps(call.body(d), ensure_ascii=False),
                content_type="application/json",
            )
        if call.raw is not None:
            data, content_type = call.raw(d)
            return fn(url, data=data, content_type=content_type)
        if call.form is not None:
            return fn(url, data=call.form(d))
    return fn(url)


def prepared(district: District, route: Route) -> District:
    return prepare(district, f"api:{id(route)}", route.setup)


def items(response: Any) -> list[dict]:
    data = response.json()
    return data["items"] if isinstance(data, dict) and "items" in data else data


def assert_refused(response: Any, status: int) -> None:
    assert response.status_code == status, response.content[:400]
    body = response.json()
    assert set(body) >= {"code", "message", "errors"}, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body


def denied(key: str, route: Route, d: District, client: Client, call: Call, status: int) -> None:
    before = db_fingerprint() if is_write(key, route) else None
    assert_refused(send(client, key, d, call), status)
    if before is not None:
        assert db_fingerprint() == before, f"{key}: a refused call changed the database"


def schema_routes() -> set[str]:
    """Every route that needs an account. The public window's operations (no
    ``security`` in the OpenAPI: ``/api/v1/public/...``, ADR 0501) answer
    anonymous callers by design; their own tests cover them
    (``portal/tests/test_public.py``)."""
    from postaward.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"} and ops[method].get("security")
    }


@dataclass
class Table:
    routes: dict[str, Route] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)

    def add(self, module: str, rows: dict[str, Route]) -> None:
        for key, route in rows.items():
            if key in self.routes:
                self.duplicates.append(f"{key} ({self.source[key]} and {module})")
                continue
            self.routes[key] = route
            self.source[key] = module


def collect(own: dict[str, Route], own_module: str) -> Table:
    """The rows of this module, of every app's ``tests/authz_rows.py``, and the
    fallback project rows of ``authz_projects.py`` (an app's own row for a route
    takes precedence over a fallback row)."""
    from django.apps import apps

    table = Table()
    table.add(own_module, own)
    for cfg in apps.get_app_configs():
        if not cfg.name.startswith("postaward."):
            continue
        module = _optional(f"{cfg.name}.tests.authz_rows")
        if module is not None:
            table.add(module.__name__, module.ROUTES)
    fallback = _optional("postaward.orgs.tests.authz_projects")
    if fallback is not None:
        table.add(
            fallback.__name__,
            {k: v for k, v in fallback.ROUTES.items() if k not in table.routes},
        )
    return table


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # The module itself, or its parent package (an app without tests).
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            return None
        raise


def owner_hint(key: str) -> str:
    """Where a missing row belongs, by the route's first path segment."""
    segment = key.split(" ", 1)[1].removeprefix("/api/v1/").split("/", 1)[0]
    if segment == "projects":
        return (
            "postaward/projects/tests/authz_rows.py (or the fallback orgs/tests/authz_projects.py)"
        )
    if segment in {"me", "calendar", "todos", "audit", "orgs", "people", "accounts"} | {
        "tokens",
        "login-logs",
    }:
        return "postaward/orgs/tests/test_api_authorization.py"
    return f"postaward/{segment}/tests/authz_rows.py"
