"""Bad-conduct proposals made through the services (fixed values)."""

from __future__ import annotations

from typing import Any

from postaward.orgs.choices import Industry, OrgKind, Role
from postaward.testing import District, account, org

from .. import services_proposals as sp
from ..models import Proposal

FACTS = "经月度检查发现，施工单位项目经理连续多日未到岗履职，考勤记录缺失"
CONDUCT = "项目负责人无故缺岗"


def body(d: District, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "department_id": d.orgs["housing"].pk,
        "unit_id": d.orgs["contractor_a"].pk,
        "project_id": d.projects["p_school"].pk,
        "person_ids": [d.users["pm_a"].person.pk],
        "conduct": CONDUCT,
        "facts": FACTS,
    }
    data.update(kw)
    return data


def proposal(d: District, user: str = "office_staff", **kw: Any) -> Proposal:
    """The office proposes to the housing authority that contractor A's
    project manager's absence be recognised as bad conduct."""
    return sp.file_proposal(d.actor(user), **body(d, **kw))


def other_district(d: District) -> None:
    """Another district's office and industry authority (out of scope)."""
    if "other_office" in d.users:
        return
    office = org(None, "另一区监管办", OrgKind.SUPERVISION_OFFICE)
    disc = org(office, "另一区纪委监委", OrgKind.DISCIPLINE)
    auth = org(office, "另一区住建局", OrgKind.INDUSTRY_AUTHORITY, industry=Industry.HOUSING)
    d.orgs["other_office"] = office
    d.users["other_office"] = account(office, "other_office", [Role.OFFICE_STAFF])
    d.users["other_discipline"] = account(disc, "other_discipline", [Role.DISCIPLINE_INSPECTOR])
    d.users["other_authority"] = account(auth, "other_authority", [Role.AUTHORITY_STAFF])
