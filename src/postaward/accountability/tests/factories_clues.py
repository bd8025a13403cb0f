"""Clues and the catalogue, made through the services (fixed values)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.choices import OrgKind, Role
from postaward.testing import District, account, org

from .. import services_catalogue as cat
from .. import services_clues
from ..models import AccountableAct, Clue

FACTS = "中标公示后未对中标单位进行约谈，经群众举报核实"


def act(d: District, code: str) -> AccountableAct:
    cat.ensure_catalogue(d.orgs["office"])
    found = cat.act_by_code(d.orgs["office"], code)
    assert found is not None
    return found


def clue(d: District, **kw: Any) -> Clue:
    """The office registers a complaint-sourced clue on the school (owner, 5(一))."""
    data: dict[str, Any] = {
        "source": "complaint",
        "unit_id": d.orgs["school"].pk,
        "act_id": act(d, "5-1").pk,
        "facts": FACTS,
        "project_id": d.projects["p_school"].pk,
        "person_ids": [d.users["school_leader"].person.pk],
    }
    data.update(kw)
    return services_clues.file_clue(d.actor("office_staff"), **data)


def body(d: District) -> dict[str, Any]:
    return {
        "source": "media",
        "unit_id": d.orgs["housing"].pk,
        "act_id": act(d, "6-8").pk,
        "facts": "新闻媒体报道住建局对变更审核推诿扯皮，影响工程建设",
        "occurred_on": "2026-03-01",
    }


def other_district(d: District) -> None:
    """Another district's office and discipline inspection (out of scope)."""
    if "other_office" in d.users:
        return
    office = org(None, "另一区监管办", OrgKind.SUPERVISION_OFFICE)
    disc = org(office, "另一区纪委监委", OrgKind.DISCIPLINE)
    d.orgs["other_office"] = office
    d.users["other_office"] = account(office, "other_office", [Role.OFFICE_STAFF])
    d.users["other_discipline"] = account(disc, "other_discipline", [Role.DISCIPLINE_INSPECTOR])
