"""Authorization rows of the typical cases (R-REP-06)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories as f

P = "/api/v1/reports"


def _setup(d: Any) -> None:
    d.ctx["case"] = f.case(d)


def _cid(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"typical_case_id": d.ctx["case"].pk}
    return lambda d: {"typical_case_id": d.ctx["case"].pk, "name": name}


def _new(d: Any) -> dict[str, Any]:
    return {
        "project_id": d.projects["p_hospital"].pk,
        "problem": f.PROBLEM,
        "measures": f.MEASURES,
        "days": 10,
        "source": "complaint",
        "source_ref": "TS20260310-0001",
    }


PROGRESS = {"text": "已更换项目经理，新项目经理已到岗"}

ROUTES = {
    f"GET {P}/typical-cases": Route(
        setup=_setup,
        ok=Call("office_staff"),
        wrong=(Call("contractor_a_admin"),),
        out=(Hidden("transport_staff", lambda d: {d.ctx["case"].pk}),),
        must_list=lambda d: {d.ctx["case"].pk},
    ),
    f"GET {P}/typical-cases/{{typical_case_id}}": Route(
        setup=_setup,
        ok=Call("school_admin", path=_cid()),
        wrong=(Call("contractor_a_admin", path=_cid()),),
        out=(Call("transport_staff", path=_cid(), status=404),),
    ),
    f"POST {P}/typical-cases": Route(
        ok=Call("office_staff", body=_new, status=201),
        wrong=(Call("housing_staff", body=_new), Call("school_admin", body=_new)),
        no_scope="the supervision office sees every project of its district and the test "
        "district has one office; a project not visible answers 404 (test_cases.py)",
    ),
    f"GET {P}/typical-cases/{{typical_case_id}}/steps": Route(
        setup=_setup,
        ok=Call("school_admin", path=_cid()),
        wrong=(Call("contractor_a_admin", path=_cid()),),
        out=(Call("transport_staff", path=_cid(), status=404),),
    ),
    f"POST {P}/typical-cases/{{typical_case_id}}/steps/{{name}}": Route(
        setup=_setup,
        ok=Call("school_admin", path=_cid("progress"), body=lambda d: PROGRESS),
        wrong=(Call("housing_staff", path=_cid("progress"), body=lambda d: PROGRESS),),
        out=(Call("transport_staff", path=_cid("progress"), body=lambda d: PROGRESS, status=404),),
    ),
}
