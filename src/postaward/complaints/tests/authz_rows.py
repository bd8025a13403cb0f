"""Rows of the API authorization table for the complaints routes (collected by
``postaward/orgs/tests/test_api_authorization.py``): anonymous 401, no role
403, wrong role 403, out of scope 404 / absent, in scope 2xx (R-CMP-01,
R-CMP-04, R-ORG-04). The public window's routes (no account) are tested in
``portal/tests/test_public.py``."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories as f


def cases(d: Any) -> None:
    d.ctx["received"] = f.received(d)
    d.ctx["accepted"] = f.accepted(d)


def parts(d: Any) -> None:
    """A complaint split between the housing authority and the school; the
    housing part answered (ADR 0510)."""
    d.ctx["part"] = f.part_replied(d)


def _part(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"assignment_id": d.ctx["part"].pk}
    return lambda d: {"assignment_id": d.ctx["part"].pk, "name": name}


def _id(key: str) -> Any:
    return lambda d: {"complaint_id": d.ctx[key].pk}


INTAKE = {
    "kind": "report",
    "channel": "visit",
    "subject_text": "某监理公司",
    "facts": "监理人员长期不在现场，旁站记录造假",
    "anonymous": True,
}

ROUTES = {
    "GET /api/v1/complaints": Route(
        setup=cases,
        ok=Call("office_staff"),
        any_role=True,
        out=(Hidden("housing_staff", lambda d: {d.ctx["received"].pk, d.ctx["accepted"].pk}),),
        must_list=lambda d: {d.ctx["received"].pk},
    ),
    "GET /api/v1/complaints/statistics": Route(
        setup=cases,
        ok=Call("office_staff"),
        wrong=(Call("contractor_a_admin"), Call("housing_staff")),
        no_scope="counts over the actor's own complaints (selectors.complaints): "
        "out-of-scope complaints are not counted (complaints/tests/test_stats.py)",
    ),
    "POST /api/v1/complaints": Route(
        ok=Call("office_staff", body=lambda d: INTAKE, status=201),
        wrong=(
            Call("office_admin", body=lambda d: INTAKE),
            Call("housing_staff", body=lambda d: INTAKE),
        ),
        no_scope="registered by the office's staff for their own district (the office of the project)",
    ),
    "GET /api/v1/complaints/{complaint_id}": Route(
        setup=cases,
        ok=Call("office_staff", path=_id("received")),
        any_role=True,
        out=(Call("housing_staff", path=_id("received"), status=404),),
    ),
    "POST /api/v1/complaints/{complaint_id}/identity": Route(
        setup=cases,
        ok=Call("office_staff", path=_id("accepted"), body=lambda d: {"reason": "电话核实情况"}),
        wrong=(Call("office_admin", path=_id("accepted"), body=lambda d: {"reason": "核实"}),),
        out=(
            Call(
                "housing_staff",
                path=_id("accepted"),
                body=lambda d: {"reason": "核实"},
                status=404,
            ),
        ),
        write=True,
    ),
    "GET /api/v1/complaints/{complaint_id}/steps": Route(
        setup=cases,
        ok=Call("office_staff", path=_id("received")),
        any_role=True,
        out=(Call("housing_staff", path=_id("received"), status=404),),
    ),
    "POST /api/v1/complaints/{complaint_id}/steps/{name}": Route(
        setup=cases,
        ok=Call(
            "office_staff",
            path=lambda d: {"complaint_id": d.ctx["received"].pk, "name": "accept"},
            body=lambda d: {"note": "受理"},
        ),
        wrong=(
            Call(
                "office_admin",
                path=lambda d: {"complaint_id": d.ctx["received"].pk, "name": "accept"},
                body=lambda d: {"note": "受理"},
            ),
        ),
        out=(
            Call(
                "housing_staff",
                path=lambda d: {"complaint_id": d.ctx["received"].pk, "name": "accept"},
                body=lambda d: {"note": "受理"},
                status=404,
            ),
        ),
    ),
    "GET /api/v1/complaints/assignments/{assignment_id}/steps": Route(
        setup=parts,
        ok=Call("housing_staff", path=_part()),
        any_role=True,
        # another unit of the same split complaint does not see this part
        out=(Call("school_admin", path=_part(), status=404),),
    ),
    "POST /api/v1/complaints/assignments/{assignment_id}/steps/{name}": Route(
        setup=parts,
        ok=Call("office_staff", path=_part("approve_part"), body=lambda d: {"note": "同意"}),
        wrong=(
            Call("office_admin", path=_part("approve_part"), body=lambda d: {"note": "同意"}),
            Call("housing_staff", path=_part("approve_part"), body=lambda d: {"note": "同意"}),
        ),
        out=(
            Call(
                "school_admin",
                path=_part("approve_part"),
                body=lambda d: {"note": "同意"},
                status=404,
            ),
        ),
    ),
}
