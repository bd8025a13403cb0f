"""Authorization rows of the ledgers (R-REP-01): anonymous 401, no role 403,
an enterprise 403, out of scope absent, in scope 200."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories as f

P = "/api/v1/reports"


def _setup(d: Any) -> None:
    from postaward.alerts.models import Alert

    f.known(d)
    d.ctx["school_alert"] = Alert.objects.get(project=d.projects["p_school"]).pk


def _kind(kind: str = "in-process") -> Any:
    return lambda d: {"kind": kind}


ROUTES = {
    f"GET {P}/ledgers/{{kind}}": Route(
        setup=_setup,
        ok=Call("office_staff", path=_kind()),
        wrong=(Call("contractor_a_admin", path=_kind()), Call("pm_a", path=_kind())),
        out=(
            Hidden("hospital_admin", lambda d: {d.ctx["school_alert"]}, path=_kind()),
            Hidden("transport_staff", lambda d: {d.ctx["school_alert"]}, path=_kind()),
        ),
        must_list=lambda d: {d.ctx["school_alert"]},
    ),
    f"GET {P}/ledgers/{{kind}}/info": Route(
        setup=_setup,
        ok=Call("office_staff", path=_kind()),
        wrong=(Call("contractor_a_admin", path=_kind()),),
        no_scope="counts of the same scoped rows as GET /ledgers/{kind}: an owner's and an "
        "authority's counts are checked in test_ledgers.py",
    ),
    f"GET {P}/ledgers/{{kind}}/export": Route(
        setup=_setup,
        ok=Call("office_staff", path=_kind("post-award")),
        wrong=(Call("supervisor_a_admin", path=_kind("post-award")),),
        no_scope="a workbook of the same scoped rows as GET /ledgers/{kind}: an owner's "
        "workbook is checked in test_ledgers.py",
    ),
}
