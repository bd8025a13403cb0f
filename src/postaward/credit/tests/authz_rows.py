"""Rows of the API authorization table for the credit routes (collected by
``postaward/orgs/tests/test_api_authorization.py``): anonymous 401, no role
403, wrong role 403, out of scope 404 / absent, in scope 2xx (R-CAS-04,
R-ORG-04)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories as f


def records(d: Any) -> None:
    d.ctx["record"] = f.record(d)
    d.ctx["objection"] = f.objection(d)


def _rec(d: Any) -> dict[str, Any]:
    return {"record_id": d.ctx["record"].pk}


def _req(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"request_id": d.ctx["objection"].pk}
    return lambda d: {"request_id": d.ctx["objection"].pk, "name": name}


FILING = {"kind": "repair", "reason": "已缴清罚款并整改到位，申请信用修复"}
OPINION = {"recommendation": "uphold", "opinion": "经核查属实"}

ROUTES = {
    "GET /api/v1/credit/records": Route(
        setup=records,
        ok=Call("office_staff"),
        any_role=True,
        out=(Hidden("contractor_b_admin", lambda d: {d.ctx["record"].pk}),),
        must_list=lambda d: {d.ctx["record"].pk},
    ),
    "GET /api/v1/credit/records/{record_id}": Route(
        setup=records,
        ok=Call("contractor_a_admin", path=_rec),
        any_role=True,
        out=(Call("contractor_b_admin", path=_rec, status=404),),
    ),
    "POST /api/v1/credit/records/{record_id}/requests": Route(
        setup=records,
        ok=Call("contractor_a_admin", path=_rec, body=lambda d: FILING, status=201),
        # the deciding department reads the record but files nothing for the party
        wrong=(Call("housing_staff", path=_rec, body=lambda d: FILING),),
        out=(Call("contractor_b_admin", path=_rec, body=lambda d: FILING, status=404),),
    ),
    "GET /api/v1/credit/requests/{request_id}": Route(
        setup=records,
        ok=Call("housing_staff", path=_req()),
        any_role=True,
        out=(Call("school_admin", path=_req(), status=404),),
    ),
    "GET /api/v1/credit/requests/{request_id}/steps": Route(
        setup=records,
        ok=Call("housing_staff", path=_req()),
        any_role=True,
        out=(Call("contractor_b_admin", path=_req(), status=404),),
    ),
    "POST /api/v1/credit/requests/{request_id}/steps/{name}": Route(
        setup=records,
        ok=Call("housing_staff", path=_req("give_opinion"), body=lambda d: OPINION),
        wrong=(
            Call("contractor_a_admin", path=_req("give_opinion"), body=lambda d: OPINION),
            Call("office_staff", path=_req("give_opinion"), body=lambda d: OPINION),
        ),
        out=(Call("school_admin", path=_req("give_opinion"), body=lambda d: OPINION, status=404),),
    ),
}

# The scoring parts (issue 16), each in its own module.
from .authz_rows_agents import ROUTES as _AGENTS  # noqa: E402
from .authz_rows_enterprises import ROUTES as _ENTERPRISES  # noqa: E402
from .authz_rows_rules import ROUTES as _RULES  # noqa: E402
from .authz_rows_sanctions import ROUTES as _SANCTIONS  # noqa: E402
from .authz_rows_scores import ROUTES as _SCORES  # noqa: E402

ROUTES.update(_RULES)
ROUTES.update(_SCORES)
ROUTES.update(_ENTERPRISES)
ROUTES.update(_SANCTIONS)
ROUTES.update(_AGENTS)
