"""Rows of the API authorization table for the visits routes (gathered by
``authz_rows.py``, collected by ``orgs/tests/test_api_authorization.py``):
anonymous 401, no role 403, wrong role 403, out of scope 404 / absent, in
scope 2xx (R-INS-05, R-INS-06, R-INS-08, R-ORG-04)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories_visits as f


def _scheduled(d: Any) -> None:
    d.ctx["visit"] = f.scheduled(d)


def _two(d: Any) -> None:
    d.ctx["visit"] = f.scheduled(d)
    d.ctx["other"] = f.scheduled(
        d, dept="transport", team=("transport_staff", "office_staff"), items=f.ITEMS[:1]
    )


def _order(d: Any) -> None:
    d.ctx["order"] = f.order(d)


def _staff(d: Any) -> None:
    f.staff(d)


def _visit(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"inspection_id": d.ctx["visit"].pk}
    return lambda d: {"inspection_id": d.ctx["visit"].pk, "name": name}


def _ord(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"rectification_id": d.ctx["order"].pk}
    return lambda d: {"rectification_id": d.ctx["order"].pk, "name": name}


def _new(d: Any) -> dict[str, Any]:
    from postaward.cases.models import EnforcementCertificate

    certs = EnforcementCertificate.objects.filter(
        person__in=[d.users["housing_staff"].person, d.users["office_staff"].person]
    )
    return {
        "project_id": d.projects["p_school"].pk,
        "department_id": d.orgs["housing"].pk,
        "inspector_ids": sorted(c.pk for c in certs),
        "common_items": ["key_staff"],
        "period_start": dt.date(2026, 3, 10).isoformat(),
        "period_end": dt.date(2026, 3, 20).isoformat(),
        "announced": True,
        "kind": "routine",
    }


def _key(d: Any) -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": "authz-visit-1"}


def _merge(d: Any) -> dict[str, Any]:
    return {"lead_id": d.ctx["visit"].pk, "other_ids": [d.ctx["other"].pk]}


P = "/api/v1/inspections"
ROUTES = {
    f"GET {P}/visits": Route(
        setup=_scheduled,
        ok=Call("office_staff"),
        wrong=(Call("contractor_a_admin"), Call("school_admin")),
        out=(Hidden("transport_staff", lambda d: {d.ctx["visit"].pk}),),
        must_list=lambda d: {d.ctx["visit"].pk},
    ),
    f"POST {P}/visits": Route(
        setup=_staff,
        ok=Call("office_staff", body=_new, headers=_key, status=201),
        wrong=(
            Call("contractor_a_admin", body=_new, headers=_key),
            Call("school_admin", body=_new, headers=_key),
        ),
        no_scope="registration names its project and department: one outside the caller's "
        "scope is refused as input (422, test_visits_pages.py::test_r_ins_05_registration_scope)",
    ),
    f"GET {P}/visits/merge-candidates": Route(
        setup=_two,
        ok=Call("office_staff"),
        wrong=(Call("housing_staff"), Call("contractor_a_admin")),
        no_scope="the candidates are read through the office's own scope (visible_to)",
    ),
    f"POST {P}/visits/merge": Route(
        setup=_two,
        ok=Call("office_staff", body=_merge),
        wrong=(Call("housing_staff", body=_merge), Call("transport_staff", body=_merge)),
        no_scope="inspections outside the office's scope are refused as input (422)",
    ),
    f"GET {P}/visits/statistics": Route(
        setup=_scheduled,
        ok=Call("office_staff"),
        wrong=(Call("contractor_a_admin"), Call("school_admin")),
        no_scope="counts only what the caller's scope holds (visible_to)",
    ),
    f"GET {P}/visits/{{inspection_id}}": Route(
        setup=_scheduled,
        ok=Call("housing_staff", path=_visit()),
        any_role=True,
        out=(
            Call("transport_staff", path=_visit(), status=404),
            Call("contractor_a_admin", path=_visit(), status=404),
        ),
    ),
    f"GET {P}/visits/{{inspection_id}}/steps": Route(
        setup=_scheduled,
        ok=Call("office_staff", path=_visit()),
        any_role=True,
        out=(Call("transport_staff", path=_visit(), status=404),),
    ),
    f"POST {P}/visits/{{inspection_id}}/steps/{{name}}": Route(
        setup=_scheduled,
        ok=Call("housing_staff", path=_visit("notify"), body=lambda d: {}),
        wrong=(Call("housing_admin", path=_visit("notify"), body=lambda d: {}),),
        out=(Call("transport_staff", path=_visit("notify"), body=lambda d: {}, status=404),),
    ),
    f"GET {P}/rectifications": Route(
        setup=_order,
        ok=Call("contractor_a_admin"),
        wrong=(Call("discipline"),),
        out=(Hidden("contractor_b_admin", lambda d: {d.ctx["order"].pk}),),
        must_list=lambda d: {d.ctx["order"].pk},
    ),
    f"GET {P}/rectifications/{{rectification_id}}": Route(
        setup=_order,
        ok=Call("contractor_a_admin", path=_ord()),
        any_role=True,
        out=(Call("contractor_b_admin", path=_ord(), status=404),),
    ),
    f"GET {P}/rectifications/{{rectification_id}}/steps": Route(
        setup=_order,
        ok=Call("housing_staff", path=_ord()),
        any_role=True,
        out=(Call("contractor_b_admin", path=_ord(), status=404),),
    ),
    f"POST {P}/rectifications/{{rectification_id}}/steps/{{name}}": Route(
        setup=_order,
        ok=Call("contractor_a_admin", path=_ord("reply"), body=lambda d: {"text": "已整改"}),
        wrong=(Call("housing_admin", path=_ord("reply"), body=lambda d: {"text": "已整改"}),),
        out=(
            Call(
                "contractor_b_admin",
                path=_ord("reply"),
                body=lambda d: {"text": "已整改"},
                status=404,
            ),
        ),
    ),
}
