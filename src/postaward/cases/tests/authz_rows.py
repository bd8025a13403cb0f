"""Rows of the API authorization table for the case routes (collected by
``postaward/orgs/tests/test_api_authorization.py``): anonymous 401, no role
403, wrong role 403, out of scope 404 / absent, in scope 2xx (R-CAS-01,
R-CAS-03, R-ORG-04)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from ..choices import State
from . import factories as f


def _registered(d: Any) -> None:
    d.ctx["case"] = f.registered(d)


def _delivered(d: Any) -> None:
    d.ctx["case"] = c = f.at(d, State.DELIVERED)
    d.ctx["docs"] = set(c.documents.filter(delivered_to_party=True).values_list("pk", flat=True))


def _case(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"case_id": d.ctx["case"].pk}
    return lambda d: {"case_id": d.ctx["case"].pk, "name": name}


def _staff(d: Any) -> None:
    f.staff(d)


def _new_case(d: Any) -> dict[str, Any]:
    return {
        "source": "assigned",
        "source_ref": "市监管办交办〔2026〕5号",
        "department_id": d.orgs["housing"].pk,
        "project_id": d.projects["p_school"].pk,
        "title": "擅自变更施工方案",
        "party_name": "甲建设有限公司",
        "party_org_id": d.orgs["contractor_a"].pk,
        "facts": "未经批准擅自变更施工方案",
    }


def _team(d: Any) -> dict[str, Any]:
    return {"leader_id": f.cert(d, "housing_staff"), "member_ids": [f.cert(d, "office_staff")]}


def _key(d: Any) -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": "authz-case-1"}


ROUTES = {
    "GET /api/v1/cases": Route(
        setup=_registered,
        ok=Call("office_staff"),
        any_role=True,
        out=(
            Hidden("contractor_b_admin", lambda d: {d.ctx["case"].pk}),
            Hidden("transport_staff", lambda d: {d.ctx["case"].pk}),
        ),
        must_list=lambda d: {d.ctx["case"].pk},
    ),
    "GET /api/v1/cases/{case_id}": Route(
        setup=_registered,
        ok=Call("housing_staff", path=_case()),
        any_role=True,
        out=(
            Call("contractor_a_admin", path=_case(), status=404),
            Call("transport_staff", path=_case(), status=404),
        ),
    ),
    "GET /api/v1/cases/delivered-documents": Route(
        setup=_delivered,
        ok=Call("contractor_a_admin"),
        any_role=True,
        out=(Hidden("contractor_b_admin", lambda d: d.ctx["docs"]),),
        must_list=lambda d: d.ctx["docs"],
    ),
    "GET /api/v1/cases/{case_id}/steps": Route(
        setup=_registered,
        ok=Call("office_staff", path=_case()),
        any_role=True,
        out=(Call("contractor_b_admin", path=_case(), status=404),),
    ),
    "POST /api/v1/cases": Route(
        setup=_staff,
        ok=Call("office_staff", body=_new_case, headers=_key, status=201),
        wrong=(
            Call("housing_staff", body=_new_case, headers=_key),
            Call("contractor_a_admin", body=_new_case, headers=_key),
        ),
        no_scope="registration names its department: one outside the office's district is "
        "refused as input (422, test_r_cas_01_registration_by_hand_through_the_api_and_the_page)",
    ),
    "POST /api/v1/cases/{case_id}/steps/{name}": Route(
        setup=_registered,
        ok=Call("office_head", path=_case("assign_team"), body=_team),
        wrong=(Call("housing_staff", path=_case("assign_team"), body=_team),),
        out=(Call("contractor_b_admin", path=_case("assign_team"), body=_team, status=404),),
    ),
}
