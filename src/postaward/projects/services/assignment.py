"""Assignment down the chain (R-ORG-03): superior unit, line, owner, owner's leader."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from postaward.core import clock, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.services import close_todos, open_todo
from postaward.orgs.choices import OWNER_KINDS, SUPERIOR_KINDS, OrgKind, Role
from postaward.orgs.models import Organisation, Person

from ..choices import (
    ACTIVE_STATES,
)
from ..events import (
    ProjectAssigned,
)
from ..models import (
    Project,
)
from .common import S, _facts, _synced, node
from .lifecycle import begin_preparation

# --- assignment down the chain (R-ORG-03) --------------------------------------------------------

ASSIGN_LEVELS = {
    "superior_unit": "主管单位",
    "line": "条线",
    "owner": "建设单位",
    "owner_leader": "建设单位项目负责人",
}


# Who takes each level, as the refusal reads (``may_assign`` decides).
ASSIGN_REFUSALS = {
    "superior_unit": "行业主管部门总管或监管办方可分配主管单位",
    "line": "主管单位总管方可把项目分配到条线",
    "owner": "条线主管（或主管单位）方可把项目分配到建设单位",
    "owner_leader": "建设单位总管方可指定项目负责人",
}


def _todo_assign(project: Project, level: str) -> None:
    """Put the next step of the chain into the inbox of the unit that takes it."""
    role: str
    if level == "superior_unit":
        org_id, role, title = project.industry_authority_id, Role.ADMIN, "分配项目到主管单位"
    elif level == "line":
        org_id, role, title = project.superior_unit_id, Role.ADMIN, "分配项目到条线"
    elif level == "owner":
        org_id = project.line_id or project.superior_unit_id
        role, title = "", "分配项目到建设单位"
    else:
        org_id, role, title = project.owner_id, Role.ADMIN, "指定建设单位项目负责人"
    if not org_id:
        return
    open_todo(
        key=f"projects.assign.{project.pk}.{level}",
        kind="projects.assign",
        title=f"{title}：{project.name}",
        organisation_id=org_id,
        role=role,
        project_id=project.pk,
        subject=project,
        url=f"/projects/{project.pk}/assign/",
        basis="R-ORG-03（实施细则第十七至二十条）",
    )


@contextmanager
def _assigning(project: Project, actor: Actor, level: str) -> Iterator[writes.Write]:
    """The audited write of one assignment: the project locked and still
    assignable (``projects.assign_<level>``)."""
    with writes.audited(
        Project, pk=project.pk, actor=actor, action=f"projects.assign_{level}", check=_assignable
    ) as w:
        yield w


def _assigned(w: writes.Write, actor: Actor, level: str, target: Any) -> None:
    project = w.obj
    project.updated_at = clock.now()
    name = getattr(target, "name", str(target))
    node(project, f"assign.{level}", f"分配{ASSIGN_LEVELS[level]}：{name}", actor=actor)
    w.publish(
        ProjectAssigned(
            **_facts(project, actor), level=level, assignee_id=target.pk, assignee_name=name
        )
    )
    close_todos(key=f"projects.assign.{project.pk}.{level}")


def may_assign(project: Project, actor: Actor, level: str) -> bool:
    """Who takes each step: the authority's (or the office's) administrator
    assigns the superior unit; the superior unit's administrator the line; the
    line the owner, or the superior unit only when the project has no line
    (townships and superior units without lines); the owner's administrator the
    project leader (SY 17-20).

    At the owner step the line's administrator *and* its line supervisor count:
    SY 19 gives the assignment to the line's 主管 (the line supervisor), while
    R-ORG-03 gives it to each organisation's 总管 (the administrator). A superior
    unit without lines acts as its own line, so the same two roles of the
    superior unit take the step there; once a line is set, only the line does."""
    if actor.is_system:
        return True
    admin = Role.ADMIN in actor.roles
    if level == "superior_unit":
        return (admin and actor.organisation_id == project.industry_authority_id) or (
            actor.org_kind == OrgKind.SUPERVISION_OFFICE
            and bool(actor.roles & {Role.ADMIN, Role.OFFICE_STAFF})
        )
    if level == "line":
        return admin and actor.organisation_id == project.superior_unit_id
    if level == "owner":
        return (
            project.line_id is not None
            and actor.organisation_id == project.line_id
            and bool(actor.roles & {Role.ADMIN, Role.LINE_SUPERVISOR})
        ) or (
            project.line_id is None
            and actor.organisation_id == project.superior_unit_id
            and bool(actor.roles & {Role.ADMIN, Role.LINE_SUPERVISOR})
        )
    if level == "owner_leader":
        return admin and project.owner_id is not None and actor.organisation_id == project.owner_id
    return False


def _assignable(p: Project) -> None:
    if p.status not in ACTIVE_STATES:
        raise Conflict("项目已完工或终止，不能再分配", code="invalid_state")


def assign_superior_unit(*, actor: Actor, project: Project, superior_unit: Organisation) -> Project:
    if not may_assign(project, actor, "superior_unit"):
        raise Forbidden(ASSIGN_REFUSALS["superior_unit"])
    if superior_unit.kind not in SUPERIOR_KINDS:
        raise ValidationFailed("所选单位不是主管单位（或乡镇街道）", field="superior_unit")
    with _assigning(project, actor, "superior_unit") as w:
        p = w.obj
        if p.owner and not p.owner.path.startswith(superior_unit.path):
            raise ValidationFailed("建设单位不在该主管单位之下", field="superior_unit")
        p.superior_unit = superior_unit
        if p.line and not p.line.path.startswith(superior_unit.path):
            p.line = None
        _assigned(w, actor, "superior_unit", superior_unit)
        if not p.owner_id:
            _todo_assign(
                p, "line" if superior_unit.children.filter(kind=OrgKind.LINE).exists() else "owner"
            )
    return _synced(project, p)


def assign_line(*, actor: Actor, project: Project, line: Organisation) -> Project:
    if not may_assign(project, actor, "line"):
        raise Forbidden(ASSIGN_REFUSALS["line"])
    with _assigning(project, actor, "line") as w:
        p = w.obj
        if p.superior_unit is None:
            raise Conflict("项目尚未分配主管单位", code="invalid_state")
        if line.kind != OrgKind.LINE or not line.path.startswith(p.superior_unit.path):
            raise ValidationFailed("所选单位不是本主管单位的条线", field="line")
        if p.owner and not p.owner.path.startswith(line.path):
            raise ValidationFailed("建设单位不在该条线之下", field="line")
        p.line = line
        _assigned(w, actor, "line", line)
        if not p.owner_id:
            _todo_assign(p, "owner")
    return _synced(project, p)


def assign_owner(*, actor: Actor, project: Project, owner: Organisation) -> Project:
    if not may_assign(project, actor, "owner"):
        raise Forbidden(ASSIGN_REFUSALS["owner"])
    if owner.kind not in OWNER_KINDS:
        raise ValidationFailed("所选单位不是建设单位", field="owner")
    with _assigning(project, actor, "owner") as w:
        p = w.obj
        if p.status not in (S.REGISTERED, S.PREPARING):
            raise Conflict("项目已开工，建设单位不能再变更", code="invalid_state")
        parent = p.line or p.superior_unit
        if parent is None or not owner.path.startswith(parent.path):
            raise ValidationFailed(f"所选建设单位不在{parent or '本单位'}之下", field="owner")
        changed = p.owner_id != owner.pk
        p.owner = owner
        if changed:
            p.owner_leader = None
        _assigned(w, actor, "owner", owner)
        if p.owner_leader_id is None:
            _todo_assign(p, "owner_leader")
    return _synced(project, p)


def assign_owner_leader(*, actor: Actor, project: Project, person: Person) -> Project:
    if not may_assign(project, actor, "owner_leader"):
        raise Forbidden(ASSIGN_REFUSALS["owner_leader"])
    if person.organisation_id != project.owner_id or not person.is_active:
        raise ValidationFailed("项目负责人应为本单位在职人员", field="person")
    with transaction.atomic():
        with _assigning(project, actor, "owner_leader") as w:
            p = w.obj
            p.owner_leader = person
            _assigned(w, actor, "owner_leader", person)
        if p.status == S.REGISTERED:
            begin_preparation(actor=actor, project=p)
    project.refresh_from_db()
    return project


def _district_of(project: Project, actor: Actor) -> str:
    authority = project.industry_authority
    return authority.district_path if authority else actor.district_path


def assign_choices(project: Project, actor: Actor, level: str) -> list[tuple[int, str]]:
    """What a page offers at ``level``: the units (or, for the project leader,
    the active people of the owner) the step may go to."""
    district = _district_of(project, actor)
    if level == "superior_unit":
        orgs = Organisation.objects.filter(kind__in=SUPERIOR_KINDS, path__startswith=district)
    elif level == "line":
        if project.superior_unit is None:
            return []
        orgs = Organisation.objects.filter(
            kind=OrgKind.LINE, path__startswith=project.superior_unit.path
        )
    elif level == "owner":
        parent = project.line or project.superior_unit
        if parent is None:
            return []
        orgs = Organisation.objects.filter(kind__in=OWNER_KINDS, path__startswith=parent.path)
    else:
        return [
            (p.pk, f"{p.name}（{p.title}）" if p.title else p.name)
            for p in Person.objects.filter(organisation_id=project.owner_id, is_active=True)
        ]
    return [(o.pk, o.name) for o in orgs]


def assign(*, actor: Actor, project: Project, level: str, target_id: int) -> Project:
    """The one dispatcher of an assignment (pages and API): find the target
    (a unit of the project's district, or a person of the owner), then take
    the level's step, which checks the kind and the place in the chain."""
    if level not in ASSIGN_LEVELS:
        raise ValidationFailed("分配层级不正确", field="level")
    target: Any
    if level == "owner_leader":
        target = Person.objects.filter(pk=target_id, organisation_id=project.owner_id).first()
    else:
        target = Organisation.objects.filter(
            pk=target_id, path__startswith=_district_of(project, actor)
        ).first()
    if target is None:
        if not may_assign(project, actor, level):
            raise Forbidden(ASSIGN_REFUSALS[level])
        raise ValidationFailed("分配对象不存在", field="target_id")
    if level == "superior_unit":
        return assign_superior_unit(actor=actor, project=project, superior_unit=target)
    if level == "line":
        return assign_line(actor=actor, project=project, line=target)
    if level == "owner":
        return assign_owner(actor=actor, project=project, owner=target)
    return assign_owner_leader(actor=actor, project=project, person=target)
