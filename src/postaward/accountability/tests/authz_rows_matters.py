"""Authorization rows of the matters part (R-ACT-03..05): anonymous 401, no
role 403, wrong role 403, out of scope 404 / absent, in scope 2xx."""

from __future__ import annotations

from typing import Any

from postaward.core import clock
from postaward.orgs.tests.authz import Call, Hidden, Route

from . import factories_matters as f

P = "/api/v1/accountability"


def _setup(d: Any) -> None:
    d.ctx["matter"] = f.matter(d)
    d.ctx["decision"] = d.ctx["matter"].persons.get()
    # a second matter, transferred to discipline inspection: not the education
    # bureau's
    d.ctx["other"] = f.matter(d, body="discipline", who=("school_admin",))


def _confirmed(d: Any) -> None:
    d.ctx["clue"] = f.clue(d)


def _mid(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"matter_id": d.ctx["matter"].pk}
    return lambda d: {"matter_id": d.ctx["matter"].pk, "name": name}


def _did(name: str | None = None) -> Any:
    if name is None:
        return lambda d: {"decision_id": d.ctx["decision"].pk}
    return lambda d: {"decision_id": d.ctx["decision"].pk, "name": name}


def _transfer(d: Any) -> dict[str, Any]:
    return {
        "clue_id": d.ctx["clue"].pk,
        "body_id": d.orgs["edu"].pk,
        "transfer_note": "经核实，建议按干部管理权限问责",
    }


REFER = {"reason": "涉嫌违纪，移送纪检监察机关依纪处理"}


def _decide(d: Any) -> dict[str, Any]:
    return {
        "measures": ["circulated"],
        "decided_on": clock.today().isoformat(),
        "decision_document": "教党〔2026〕12号",
    }


def _eligibility(d: Any) -> dict[str, Any]:
    return {"person": f.person(d).pk, "year": clock.today().year}


ROUTES = {
    f"GET {P}/matters": Route(
        setup=_setup,
        ok=Call("office_staff"),
        wrong=(Call("school_admin"), Call("contractor_a_admin")),
        out=(Hidden("edu_admin", lambda d: {d.ctx["other"].pk}),),
        must_list=lambda d: {d.ctx["matter"].pk, d.ctx["other"].pk},
    ),
    f"GET {P}/matters/{{matter_id}}": Route(
        setup=_setup,
        ok=Call("edu_admin", path=_mid()),
        any_role=True,
        out=(Call("housing_admin", path=_mid(), status=404),),
    ),
    f"POST {P}/matters": Route(
        setup=_confirmed,
        ok=Call("office_staff", body=_transfer, status=201),
        wrong=(Call("edu_admin", body=_transfer), Call("discipline", body=_transfer)),
        no_scope="the supervision office reads every clue of its district and the test "
        "district has one; a clue not visible answers 404 (test_matters.py)",
    ),
    f"GET {P}/matters/{{matter_id}}/steps": Route(
        setup=_setup,
        ok=Call("edu_admin", path=_mid()),
        any_role=True,
        out=(Call("housing_admin", path=_mid(), status=404),),
    ),
    f"POST {P}/matters/{{matter_id}}/steps/{{name}}": Route(
        setup=_setup,
        ok=Call("edu_admin", path=_mid("refer"), body=lambda d: REFER),
        wrong=(Call("discipline", path=_mid("refer"), body=lambda d: REFER),),
        out=(Call("housing_admin", path=_mid("refer"), body=lambda d: REFER, status=404),),
    ),
    f"GET {P}/decisions/{{decision_id}}/steps": Route(
        setup=_setup,
        ok=Call("edu_admin", path=_did()),
        any_role=True,
        out=(Call("housing_admin", path=_did(), status=404),),
    ),
    f"POST {P}/decisions/{{decision_id}}/steps/{{name}}": Route(
        setup=_setup,
        ok=Call("edu_admin", path=_did("decide"), body=_decide),
        wrong=(Call("office_staff", path=_did("decide"), body=_decide),),
        out=(Call("housing_admin", path=_did("decide"), body=_decide, status=404),),
    ),
    f"GET {P}/award-eligibility": Route(
        ok=Call("office_staff", query=_eligibility),
        wrong=(
            Call("contractor_a_admin", query=_eligibility),
            Call("school_leader", query=_eligibility),
        ),
        out=(Call("hospital_admin", query=_eligibility, status=404),),
    ),
}
