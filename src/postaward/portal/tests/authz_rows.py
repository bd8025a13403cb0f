"""Rows of the API authorization table for the portal's routes (collected by
``postaward/orgs/tests/test_api_authorization.py``). ``GET /api/v1/portal/contacts``
is public (no security in the OpenAPI; ``test_contacts.py``)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import pub_factories as pf


def pending(d: Any) -> None:
    d.ctx["publication"] = pf.pending(d)


def _pub(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"publication_id": d.ctx["publication"].pk}
    return lambda d: {"publication_id": d.ctx["publication"].pk, "name": name}


BODY = {"contacts": [{"name": "测试区监管办", "complaint_phone": "0575-8800 0001"}]}

ROUTES = {
    "PUT /api/v1/portal/contacts": Route(
        ok=Call("office_staff", body=lambda d: BODY),
        wrong=(
            Call("office_admin", body=lambda d: BODY),
            Call("housing_staff", body=lambda d: BODY),
        ),
        no_scope="replaces the list of the actor's own supervision office only (no other "
        "office can be named); another district's office edits its own (test_contacts.py)",
    ),
    # results published on the public site (R-CAS-05): the office's worklist
    "GET /api/v1/portal/publications": Route(
        setup=pending,
        ok=Call("office_staff"),
        any_role=True,
        out=(Hidden("housing_staff", lambda d: {d.ctx["publication"].pk}),),
        must_list=lambda d: {d.ctx["publication"].pk},
    ),
    "GET /api/v1/portal/publications/{publication_id}": Route(
        setup=pending,
        ok=Call("office_staff", path=_pub()),
        any_role=True,
        out=(Call("housing_staff", path=_pub(), status=404),),
    ),
    "GET /api/v1/portal/publications/{publication_id}/steps": Route(
        setup=pending,
        ok=Call("office_staff", path=_pub()),
        any_role=True,
        out=(Call("contractor_a_admin", path=_pub(), status=404),),
    ),
    "POST /api/v1/portal/publications/{publication_id}/steps/{name}": Route(
        setup=pending,
        ok=Call("office_staff", path=_pub("publish"), body=lambda d: {"masked_text": ""}),
        wrong=(Call("office_admin", path=_pub("publish"), body=lambda d: {"masked_text": ""}),),
        out=(
            Call(
                "housing_staff",
                path=_pub("publish"),
                body=lambda d: {"masked_text": ""},
                status=404,
            ),
        ),
    ),
}
