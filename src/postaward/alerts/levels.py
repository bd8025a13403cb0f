"""The four-level chain (四级联动, R-ORG-02): which organisation handles an alert
at each level, who reviews it, and who may act.

For a project, the handling organisation at each level is:

- ``owner``: the project's owner (建设单位);
- ``superior_unit``: the project's line (条线) if it has one, else its superior
  unit (主管单位) — the superior unit, above its line in the tree, may act too;
- ``industry_authority``: the project's industry authority (行业主管部门);
- ``leading_group``: the root of the district (监管办 / 双查双保领导小组).

A level the project lacks (no line or superior unit, no authority yet) passes
the alert up to the next level that exists. An alert without a project (an
enterprise-level indicator) is handled by the leading group of the district:
no lower level has jurisdiction over an enterprise as such (ADR 0401).

The reviewer of a disposal is the next level up; the leading group reviews its
own disposals.
"""

from __future__ import annotations

from typing import Any

from postaward.core.actor import Actor
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation

from .choices import LEVEL_RANK, LEVELS_UP

K = OrgKind

KIND_LEVEL: dict[str, str] = {
    K.OWNER: "owner",
    K.VILLAGE: "owner",
    K.SUPERIOR_UNIT: "superior_unit",
    K.LINE: "superior_unit",
    K.TOWNSHIP: "superior_unit",
    K.INDUSTRY_AUTHORITY: "industry_authority",
    K.SUPERVISION_OFFICE: "leading_group",
}

# Roles that act for their organisation on alerts; an owner's project leader
# acts only on the projects assigned to them.
ACTING_ROLES = frozenset(
    {Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF, Role.AUTHORITY_STAFF, Role.LINE_SUPERVISOR}
)


def level_of_kind(kind: str) -> str | None:
    return KIND_LEVEL.get(kind)


def levels_at_or_below(level: str) -> list[str]:
    return [lv for lv in LEVELS_UP if LEVEL_RANK[lv] <= LEVEL_RANK[level]]


def level_above(level: str) -> str | None:
    i = LEVEL_RANK[level]
    return LEVELS_UP[i + 1] if i + 1 < len(LEVELS_UP) else None


def district_root(org: Organisation | None, roots: Roots | None = None) -> Organisation | None:
    if org is None:
        return None
    if not org.parent_id:
        return org
    if roots is not None:
        return roots.by_path.get(org.district_path)
    return Organisation.objects.filter(path=org.district_path).first()


class Roots:
    """The district roots of many organisations in one query, for routing a
    batch of alerts (ADR 0517): ``route(..., roots=Roots(orgs))`` gives what
    ``route`` gives without it."""

    def __init__(self, orgs: Any) -> None:
        paths = {o.district_path for o in orgs if o is not None and o.parent_id}
        self.by_path: dict[str, Organisation] = (
            {o.path: o for o in Organisation.objects.filter(path__in=paths)} if paths else {}
        )
        self._any: list[Organisation | None] = []

    def any_root(self) -> Organisation | None:
        if not self._any:
            self._any.append(any_root())
        return self._any[0]


def any_root() -> Organisation | None:
    """The supervision office of the (single) district: the fallback for an
    alert that names no organisation at all."""
    return (
        Organisation.objects.filter(parent__isnull=True, kind=K.SUPERVISION_OFFICE)
        .order_by("id")
        .first()
    )


def org_at_level(project: Any, level: str, roots: Roots | None = None) -> Organisation | None:
    if level == "owner":
        return project.owner
    if level == "superior_unit":
        return project.line or project.superior_unit
    if level == "industry_authority":
        return project.industry_authority
    for org in (project.owner, project.industry_authority, project.superior_unit, project.line):
        if org is not None:
            return district_root(org, roots)
    return roots.any_root() if roots is not None else any_root()


def route(
    project: Any,
    level: str,
    *,
    subject_org: Organisation | None = None,
    roots: Roots | None = None,
) -> tuple[str, Organisation]:
    """The level and organisation that handle an alert of ``level``: the
    project's organisation at that level, or the next one up that exists."""
    if project is None:
        root = district_root(subject_org, roots) or (
            roots.any_root() if roots is not None else any_root()
        )
        if root is None:  # pragma: no cover - a platform without a district
            raise LookupError("no district root to route the alert to")
        return "leading_group", root
    for lv in LEVELS_UP[LEVEL_RANK[level] :]:
        org = org_at_level(project, lv, roots)
        if org is not None:
            return lv, org
    raise LookupError("no organisation to route the alert to")  # pragma: no cover


def reviewer(
    project: Any, level: str, handling_org: Organisation, roots: Roots | None = None
) -> tuple[str, Organisation]:
    """Who reviews a disposal at ``level``: the next level up that exists; the
    leading group reviews its own."""
    above = level_above(level)
    if above is None or project is None:
        return level, handling_org
    return route(project, above, roots=roots)


def may_act_at(actor: Actor, level: str, org: Organisation, project: Any = None) -> bool:
    """The actor acts for ``org`` at ``level``: its own organisation is ``org``
    or above it in the tree at the same level (a superior unit over its line),
    with an acting role."""
    if actor.is_system:
        return True
    if not actor.org_path or level_of_kind(actor.org_kind) != level:
        return False
    if not org.path.startswith(actor.org_path):
        return False
    if actor.roles & ACTING_ROLES:
        return True
    return (
        Role.OWNER_PROJECT_LEADER in actor.roles
        and project is not None
        and actor.person_id is not None
        and project.owner_leader_id == actor.person_id
    )
