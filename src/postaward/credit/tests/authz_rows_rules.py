"""Authorization rows of the rule-set routes (R-SCO-01, R-ORG-04): anonymous
401, no role 403, wrong role 403, out of scope 404 / absent, in scope 2xx.

Reading: the office reads every version, an authority its own drafts and
everyone's versions in force, any other account of the district the
versions in force only (ADR 0632). Writing: the authority's own staff."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories_rules as f


def drafted(d: Any) -> None:
    d.ctx["rs"] = f.draft(d)
    d.ctx["item"] = d.ctx["rs"].items.order_by("pk").first()


def rejected(d: Any) -> None:
    d.ctx["rs"] = f.rejected(d)


def _rs(d: Any) -> dict[str, Any]:
    return {"rule_set_id": d.ctx["rs"].pk}


def _item(d: Any) -> dict[str, Any]:
    return {"rule_set_id": d.ctx["rs"].pk, "item_id": d.ctx["item"].pk}


def _step(name: str) -> Any:
    return lambda d: {"rule_set_id": d.ctx["rs"].pk, "name": name}


ITEM = {
    "code": "X01",
    "description": "未按规定公示项目信息",
    "subject_kind": "owner",
    "points": "-1",
    "cap_per_project": "3",
    "trigger": "manual",
    "basis_document": "上虞区政府投资（国有建设）项目监督管理实施细则（试行）",
    "basis_article": "第四十条",
}
CHANGED = {
    **ITEM,
    "code": "A01",
    "subject_kind": "contractor",
    "points": "-4",
    "cap_per_project": "12",
}
NEW = {"industry": "housing"}

ROUTES = {
    "GET /api/v1/credit/rule-sets": Route(
        setup=drafted,
        ok=Call("office_staff"),
        any_role=True,
        # a draft is not shown to an enterprise nor to another authority
        out=(
            Hidden("contractor_a_admin", lambda d: {d.ctx["rs"].pk}),
            Hidden("transport_staff", lambda d: {d.ctx["rs"].pk}),
        ),
        must_list=lambda d: {d.ctx["rs"].pk},
    ),
    "GET /api/v1/credit/rule-sets/{rule_set_id}": Route(
        setup=drafted,
        ok=Call("housing_staff", path=_rs),
        any_role=True,
        out=(
            Call("contractor_a_admin", path=_rs, status=404),
            Call("transport_staff", path=_rs, status=404),
        ),
    ),
    "POST /api/v1/credit/rule-sets": Route(
        # version 2 rejected: no open draft, a new one may start
        setup=rejected,
        ok=Call("housing_staff", body=lambda d: NEW, status=201),
        wrong=(
            Call("office_staff", body=lambda d: NEW),
            Call("contractor_a_admin", body=lambda d: NEW),
        ),
        # another authority does not see the rejected version to base a draft on
        out=(
            Call(
                "transport_staff",
                body=lambda d: {"industry": "transport", "based_on_id": d.ctx["rs"].pk},
                status=404,
            ),
        ),
    ),
    "PATCH /api/v1/credit/rule-sets/{rule_set_id}": Route(
        setup=drafted,
        ok=Call(
            "housing_staff", path=_rs, body=lambda d: {"title": "房建市政工程评分规则（修订）"}
        ),
        wrong=(Call("office_staff", path=_rs, body=lambda d: {"title": "改名"}),),
        out=(Call("transport_staff", path=_rs, body=lambda d: {"title": "改名"}, status=404),),
    ),
    "POST /api/v1/credit/rule-sets/{rule_set_id}/items": Route(
        setup=drafted,
        ok=Call("housing_staff", path=_rs, body=lambda d: ITEM, status=201),
        wrong=(Call("office_staff", path=_rs, body=lambda d: ITEM),),
        out=(Call("transport_staff", path=_rs, body=lambda d: ITEM, status=404),),
    ),
    "PUT /api/v1/credit/rule-sets/{rule_set_id}/items/{item_id}": Route(
        setup=drafted,
        ok=Call("housing_staff", path=_item, body=lambda d: CHANGED),
        wrong=(Call("office_staff", path=_item, body=lambda d: CHANGED),),
        out=(Call("transport_staff", path=_item, body=lambda d: CHANGED, status=404),),
    ),
    "DELETE /api/v1/credit/rule-sets/{rule_set_id}/items/{item_id}": Route(
        setup=drafted,
        ok=Call("housing_staff", path=_item, status=204),
        wrong=(Call("office_staff", path=_item),),
        out=(Call("transport_staff", path=_item, status=404),),
    ),
    "GET /api/v1/credit/rule-sets/{rule_set_id}/steps": Route(
        setup=drafted,
        ok=Call("housing_staff", path=_rs),
        any_role=True,
        out=(Call("contractor_a_admin", path=_rs, status=404),),
    ),
    "POST /api/v1/credit/rule-sets/{rule_set_id}/steps/{name}": Route(
        setup=drafted,
        ok=Call("housing_staff", path=_step("submit"), body=lambda d: {}),
        wrong=(Call("office_staff", path=_step("submit"), body=lambda d: {}),),
        out=(Call("transport_staff", path=_step("submit"), body=lambda d: {}, status=404),),
    ),
}
