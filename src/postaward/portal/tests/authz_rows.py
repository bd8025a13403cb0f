"""Rows of the API authorization table for the portal's routes (collected by
``postaward/orgs/tests/test_api_authorization.py``). ``GET /api/v1/portal/contacts``
is public (no security in the OpenAPI; ``test_contacts.py``)."""

from __future__ import annotations

from postaward.orgs.tests.authz import Call, Route

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
}
