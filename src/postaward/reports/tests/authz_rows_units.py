"""Authorization rows of the monthly reports' directory (ADR 0933): the
office reads its district's units; only its administrator writes; the other
district's units answer 404."""

from __future__ import annotations

from typing import Any

from postaward.orgs.tests.authz import Call, Hidden, Route

P = "/api/v1/reports"


def _setup(d: Any) -> None:
    from postaward.orgs.choices import OrgKind
    from postaward.testing import org

    from .. import services_units as su
    from ..models import ReportingUnit

    su.ensure(d.orgs["office"])
    d.ctx["unit"] = ReportingUnit.objects.filter(office=d.orgs["office"]).order_by("pk").first()
    other = org(None, "邻区监管办（报送单位）", OrgKind.SUPERVISION_OFFICE)
    su.ensure(other)
    d.ctx["other_unit"] = ReportingUnit.objects.filter(office=other).first()


def _uid(key: str = "unit") -> Any:
    return lambda d: {"reporting_unit_id": d.ctx[key].pk}


def _new(d: Any) -> dict[str, Any]:
    return {"organisation_id": d.orgs["discipline"].pk, "role": "department"}


def _patch(d: Any) -> dict[str, Any]:
    return {"note": "本月起报送"}


ROUTES = {
    f"GET {P}/monthly-units": Route(
        setup=_setup,
        ok=Call("office_staff"),
        wrong=(Call("housing_admin"), Call("school_admin"), Call("contractor_a_admin")),
        out=(Hidden("office_admin", lambda d: {d.ctx["other_unit"].pk}),),
        must_list=lambda d: {d.ctx["unit"].pk},
    ),
    f"GET {P}/monthly-units/{{reporting_unit_id}}": Route(
        setup=_setup,
        ok=Call("office_staff", path=_uid()),
        wrong=(Call("housing_admin", path=_uid()),),
        out=(Call("office_admin", path=_uid("other_unit"), status=404),),
    ),
    f"POST {P}/monthly-units": Route(
        setup=_setup,
        ok=Call("office_admin", body=_new, status=201),
        wrong=(Call("office_staff", body=_new), Call("housing_admin", body=_new)),
        no_scope="the administrator adds units of its own district only; another "
        "district's unit is refused with 422 (test_monthly_units.py)",
    ),
    f"PATCH {P}/monthly-units/{{reporting_unit_id}}": Route(
        setup=_setup,
        ok=Call("office_admin", path=_uid(), body=_patch),
        wrong=(Call("office_staff", path=_uid(), body=_patch),),
        out=(Call("office_admin", path=_uid("other_unit"), body=_patch, status=404),),
    ),
}
