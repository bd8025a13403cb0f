"""Authorization rows of the dashboard API (ADR 0913): anonymous 401, no
role 403, an enterprise 403, a unit or project out of scope 404, in scope 200."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Route

P = "/api/v1/reports"


def _school(d: Any) -> dict[str, Any]:
    return {"project": d.projects["p_school"].pk}


ROUTES = {
    f"GET {P}/dashboard": Route(
        ok=Call("office_staff", query=_school),
        wrong=(Call("contractor_a_admin"), Call("pm_a"), Call("chief_a")),
        out=(
            Call("hospital_admin", query=_school, status=404),
            Call("transport_staff", query=_school, status=404),
            Call("housing_staff", query=lambda d: {"unit": d.orgs["hospital"].pk}, status=404),
        ),
    ),
}
