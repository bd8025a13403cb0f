"""Rows of the API authorization table for the draw part's routes (collected
through ``authz_rows.py`` by ``orgs/tests/test_api_authorization.py``):
anonymous 401, no role 403, wrong role 403, out of scope 404 / absent, in
scope 2xx (R-INS-01, R-INS-02, R-ORG-04)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from ..models import RoundKind
from . import factories_draw as f

ITEM = {
    "year": 2026,
    "name": "施工许可执行情况检查",
    "basis_document": "衢州市政府投资工程建设项目标后监管实施细则",
    "basis_article": "第五条",
    "ratio_pct": "10",
    "frequency": "每季度",
    "method": "documents",
    "stage": "during",
    "unannounced": False,
}


def _item(d: Any) -> None:
    f.case_f.staff(d)
    d.ctx["item"] = f.item(d, "housing_staff")


def _plan(d: Any) -> None:
    d.ctx["plan"] = f.plan(d, state="draft")
    d.ctx["item"] = d.ctx["plan"].rounds.first().items.first()


def _approved(d: Any) -> None:
    d.ctx["plan"] = p = f.plan(d)
    d.ctx["round"] = p.rounds.get(kind=RoundKind.ROUTINE)


def _drawn(d: Any) -> None:
    d.ctx["draw"] = f.drawn(d)


def _key(d: Any) -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": "authz-inspections-1"}


def _round_body(d: Any) -> dict[str, Any]:
    return {
        "quarter": 4,
        "kind": "special",
        "title": "年底专项检查",
        "item_ids": [d.ctx["item"].pk],
    }


_item_path = lambda d: {"item_id": d.ctx["item"].pk}  # noqa: E731
_plan_path = lambda d: {"plan_id": d.ctx["plan"].pk}  # noqa: E731
_draw_path = lambda d: {"draw_id": d.ctx["draw"].pk}  # noqa: E731

ROUTES = {
    "GET /api/v1/inspections/items": Route(
        setup=_item,
        ok=Call("office_staff"),
        wrong=(Call("pm_a"), Call("school_admin")),
        out=(Hidden("transport_staff", lambda d: {d.ctx["item"].pk}),),
        must_list=lambda d: {d.ctx["item"].pk},
    ),
    "POST /api/v1/inspections/items": Route(
        setup=_item,
        ok=Call("transport_staff", body=lambda d: ITEM, headers=_key, status=201),
        wrong=(Call("pm_a", body=lambda d: ITEM, headers=_key),),
        no_scope="an item is always created in the caller's own unit's list",
    ),
    "PUT /api/v1/inspections/items/{item_id}": Route(
        setup=_item,
        ok=Call("housing_staff", path=_item_path, body=lambda d: ITEM, headers=_key),
        wrong=(Call("office_staff", path=_item_path, body=lambda d: ITEM, headers=_key),),
        out=(
            Call("transport_staff", path=_item_path, body=lambda d: ITEM, headers=_key, status=404),
        ),
    ),
    "GET /api/v1/inspections/plans": Route(
        setup=_plan,
        ok=Call("office_staff"),
        wrong=(Call("pm_a"),),
        out=(Hidden("housing_staff", lambda d: {d.ctx["plan"].pk}),),
        must_list=lambda d: {d.ctx["plan"].pk},
    ),
    "POST /api/v1/inspections/plans": Route(
        setup=_item,
        ok=Call(
            "housing_staff",
            body=lambda d: {"year": 2026, "title": "住建局2026年抽查计划"},
            headers=_key,
            status=201,
        ),
        wrong=(Call("school_admin", body=lambda d: {"year": 2026, "title": "x"}, headers=_key),),
        no_scope="a plan is always the caller's own unit's",
    ),
    "GET /api/v1/inspections/plans/{plan_id}": Route(
        setup=_plan,
        ok=Call("office_staff", path=_plan_path),
        any_role=True,
        out=(Call("housing_staff", path=_plan_path, status=404),),
    ),
    "POST /api/v1/inspections/plans/{plan_id}/rounds": Route(
        setup=_plan,
        ok=Call("office_staff", path=_plan_path, body=_round_body, headers=_key, status=201),
        wrong=(Call("office_admin", path=_plan_path, body=_round_body, headers=_key),),
        out=(Call("housing_staff", path=_plan_path, body=_round_body, headers=_key, status=404),),
    ),
    "GET /api/v1/inspections/plans/{plan_id}/steps": Route(
        setup=_plan,
        ok=Call("office_staff", path=_plan_path),
        any_role=True,
        out=(Call("transport_staff", path=_plan_path, status=404),),
    ),
    "POST /api/v1/inspections/plans/{plan_id}/steps/{name}": Route(
        setup=_plan,
        ok=Call("office_staff", path=lambda d: {"plan_id": d.ctx["plan"].pk, "name": "submit"}),
        wrong=(
            Call("office_admin", path=lambda d: {"plan_id": d.ctx["plan"].pk, "name": "submit"}),
        ),
        out=(
            Call(
                "housing_staff",
                path=lambda d: {"plan_id": d.ctx["plan"].pk, "name": "submit"},
                status=404,
            ),
        ),
    ),
    "POST /api/v1/inspections/rounds/{round_id}/draws": Route(
        setup=_approved,
        ok=Call(
            "office_staff",
            path=lambda d: {"round_id": d.ctx["round"].pk},
            body=lambda d: {},
            headers=_key,
            status=201,
        ),
        wrong=(
            Call(
                "office_admin",
                path=lambda d: {"round_id": d.ctx["round"].pk},
                body=lambda d: {},
                headers=_key,
            ),
        ),
        out=(
            Call(
                "housing_staff",
                path=lambda d: {"round_id": d.ctx["round"].pk},
                body=lambda d: {},
                headers=_key,
                status=404,
            ),
        ),
    ),
    "GET /api/v1/inspections/draws": Route(
        setup=_drawn,
        ok=Call("office_staff"),
        wrong=(Call("pm_a"),),
        out=(Hidden("housing_staff", lambda d: {d.ctx["draw"].pk}),),
        must_list=lambda d: {d.ctx["draw"].pk},
    ),
    "GET /api/v1/inspections/draws/coverage": Route(
        setup=_drawn,
        ok=Call("office_staff"),
        wrong=(Call("pm_a"),),
        no_scope="industry totals over the caller's visible draws (the draw scope)",
    ),
    "GET /api/v1/inspections/draws/{draw_id}": Route(
        setup=_drawn,
        ok=Call("office_staff", path=_draw_path),
        any_role=True,
        out=(Call("housing_staff", path=_draw_path, status=404),),
    ),
    "GET /api/v1/inspections/draws/{draw_id}/verify": Route(
        setup=_drawn,
        ok=Call("office_staff", path=_draw_path),
        any_role=True,
        out=(Call("transport_staff", path=_draw_path, status=404),),
    ),
    "GET /api/v1/inspections/draws/{draw_id}/steps": Route(
        setup=_drawn,
        ok=Call("office_staff", path=_draw_path),
        any_role=True,
        out=(Call("housing_staff", path=_draw_path, status=404),),
    ),
    "POST /api/v1/inspections/draws/{draw_id}/steps/{name}": Route(
        setup=_drawn,
        ok=Call("office_staff", path=lambda d: {"draw_id": d.ctx["draw"].pk, "name": "reveal"}),
        wrong=(
            Call("office_admin", path=lambda d: {"draw_id": d.ctx["draw"].pk, "name": "reveal"}),
        ),
        out=(
            Call(
                "housing_staff",
                path=lambda d: {"draw_id": d.ctx["draw"].pk, "name": "reveal"},
                status=404,
            ),
        ),
    ),
}
