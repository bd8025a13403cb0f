"""Authorization rows of the data meeting (R-REP-03): the office's staff and
leaders read and write their district's packs; another district's office
sees none (404); everybody else is refused (403)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories_meeting as fm

P = "/api/v1/reports"


def _setup(d: Any) -> None:
    fm.other_district(d)
    d.ctx["pack"] = fm.generated(d)


def _pid(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"meeting_pack_id": d.ctx["pack"].pk}
    return lambda d: {"meeting_pack_id": d.ctx["pack"].pk, "name": name}


def _new(d: Any) -> dict[str, Any]:
    y, m = fm.last_month()
    return {"year": y, "month": m}


ROUTES = {
    f"GET {P}/meetings": Route(
        setup=_setup,
        ok=Call("office_staff"),
        wrong=(Call("housing_staff"), Call("school_admin")),
        out=(Hidden("other_office", lambda d: {d.ctx["pack"].pk}),),
        must_list=lambda d: {d.ctx["pack"].pk},
    ),
    f"GET {P}/meetings/{{meeting_pack_id}}": Route(
        setup=_setup,
        ok=Call("office_staff", path=_pid()),
        wrong=(Call("housing_staff", path=_pid()), Call("school_admin", path=_pid())),
        out=(Call("other_office", path=_pid(), status=404),),
    ),
    f"POST {P}/meetings": Route(
        ok=Call("office_staff", body=_new, status=201),
        wrong=(Call("housing_staff", body=_new), Call("office_admin", body=_new)),
        no_scope="an office generates only its own district's pack (the actor's "
        "organisation): reports/tests/test_meeting.py",
    ),
    f"GET {P}/meetings/{{meeting_pack_id}}/steps": Route(
        setup=_setup,
        ok=Call("office_staff", path=_pid()),
        wrong=(Call("housing_staff", path=_pid()),),
        out=(Call("other_office", path=_pid(), status=404),),
    ),
    f"POST {P}/meetings/{{meeting_pack_id}}/steps/{{name}}": Route(
        setup=_setup,
        ok=Call("office_staff", path=_pid("decide"), body=fm.decision),
        wrong=(Call("housing_staff", path=_pid("decide"), body=fm.decision),),
        out=(Call("other_office", path=_pid("decide"), body=fm.decision, status=404),),
    ),
}
