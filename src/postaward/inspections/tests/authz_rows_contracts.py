"""Rows of the API authorization table for the contract-check routes
(collected through ``authz_rows.py`` by
``postaward/orgs/tests/test_api_authorization.py``): anonymous 401, no role
403, wrong role 403, out of scope 404 / absent, in scope 2xx (R-INS-07,
R-ORG-04)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories_contracts as f

BASE = "/api/v1/inspections/contract-checks"


def _opened(d: Any) -> None:
    d.ctx["check"] = f.opened(d)


def _ready(d: Any) -> None:
    f.contract(d)
    f.team(d)


def _check(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"contract_check_id": d.ctx["check"].pk}
    return lambda d: {"contract_check_id": d.ctx["check"].pk, "name": name}


def _new(d: Any) -> dict[str, Any]:
    return {
        "project_id": d.projects["p_school"].pk,
        "reason": "季度合同履约抽查",
        **f.team(d),
    }


def _key(d: Any) -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": "authz-contract-check-1"}


ROUTES = {
    f"GET {BASE}": Route(
        setup=_opened,
        ok=Call("office_staff"),
        wrong=(Call("contractor_a_admin"), Call("school_admin")),
        out=(Hidden("transport_staff", lambda d: {d.ctx["check"].pk}),),
        must_list=lambda d: {d.ctx["check"].pk},
    ),
    f"POST {BASE}": Route(
        setup=_ready,
        ok=Call("office_staff", body=_new, headers=_key, status=201),
        wrong=(
            Call("contractor_a_admin", body=_new, headers=_key),
            Call("school_admin", body=_new, headers=_key),
        ),
        no_scope="opening names its project and inspectors: a project or a certificate outside "
        "the caller's scope is refused as input (422, test_r_ins_07_project_out_of_scope_refused)",
    ),
    f"GET {BASE}/{{contract_check_id}}": Route(
        setup=_opened,
        ok=Call("housing_staff", path=_check()),
        any_role=True,
        out=(
            Call("contractor_a_admin", path=_check(), status=404),
            Call("transport_staff", path=_check(), status=404),
        ),
    ),
    f"GET {BASE}/{{contract_check_id}}/steps": Route(
        setup=_opened,
        ok=Call("office_staff", path=_check()),
        any_role=True,
        out=(Call("transport_staff", path=_check(), status=404),),
    ),
    f"POST {BASE}/{{contract_check_id}}/steps/{{name}}": Route(
        setup=_opened,
        ok=Call("housing_staff", path=_check("compare"), body=lambda d: {}),
        wrong=(Call("housing_admin", path=_check("compare"), body=lambda d: {}),),
        out=(Call("transport_staff", path=_check("compare"), body=lambda d: {}, status=404),),
    ),
}
