"""Authorization rows of the monthly reports (R-REP-02): a department reads
and writes its own report; the office (the coordinating body of the test
district) reads all; enterprises and owners read none."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories_monthly as fm

P = "/api/v1/reports"


def _setup(d: Any) -> None:
    d.ctx["report"] = fm.drafted(d)


def _rid(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"monthly_report_id": d.ctx["report"].pk}
    return lambda d: {"monthly_report_id": d.ctx["report"].pk, "name": name}


def _new(d: Any) -> dict[str, Any]:
    y, m = fm.this_month()
    return {"year": y, "month": m}


def _patch(d: Any) -> dict[str, Any]:
    return {"plan": "下月继续开展专项检查"}


ROUTES = {
    f"GET {P}/monthly": Route(
        setup=_setup,
        ok=Call("office_staff"),
        wrong=(Call("contractor_a_admin"), Call("school_admin")),
        out=(Hidden("transport_staff", lambda d: {d.ctx["report"].pk}),),
        must_list=lambda d: {d.ctx["report"].pk},
    ),
    f"GET {P}/monthly/{{monthly_report_id}}": Route(
        setup=_setup,
        ok=Call("housing_staff", path=_rid()),
        wrong=(Call("contractor_a_admin", path=_rid()),),
        out=(Call("transport_staff", path=_rid(), status=404),),
    ),
    f"POST {P}/monthly": Route(
        ok=Call("housing_staff", body=_new, status=201),
        wrong=(Call("contractor_a_admin", body=_new), Call("school_admin", body=_new)),
        no_scope="a unit drafts only its own report (the actor's organisation); "
        "a unit that is no reporting department is refused (test_monthly.py)",
    ),
    f"PATCH {P}/monthly/{{monthly_report_id}}": Route(
        setup=_setup,
        ok=Call("housing_staff", path=_rid(), body=_patch),
        wrong=(Call("office_staff", path=_rid(), body=_patch),),
        out=(Call("transport_staff", path=_rid(), body=_patch, status=404),),
    ),
    f"GET {P}/monthly/{{monthly_report_id}}/steps": Route(
        setup=_setup,
        ok=Call("housing_staff", path=_rid()),
        wrong=(Call("contractor_a_admin", path=_rid()),),
        out=(Call("transport_staff", path=_rid(), status=404),),
    ),
    f"POST {P}/monthly/{{monthly_report_id}}/steps/{{name}}": Route(
        setup=_setup,
        ok=Call("housing_staff", path=_rid("submit"), body=lambda d: {}),
        wrong=(Call("office_staff", path=_rid("submit"), body=lambda d: {}),),
        out=(Call("transport_staff", path=_rid("submit"), body=lambda d: {}, status=404),),
    ),
}
