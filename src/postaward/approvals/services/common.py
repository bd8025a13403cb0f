"""Shared pieces of the approval services: facts for events, the step log,
documents, numbering, to-dos and deadlines with their rule text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from postaward.core import clock, deadlines, files, todos, writes
from postaward.core.actor import Actor
from postaward.core.errors import ValidationFailed
from postaward.core.files import check_upload
from postaward.core.models import Deadline
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation
from postaward.projects import services as project_services
from postaward.projects.choices import ParticipantRole, Position
from postaward.projects.models import Participant, Project

from .. import workflows
from ..models import ApprovalDocument, ProcessStep


def facts(project: Project, actor: Actor) -> dict[str, Any]:
    return {
        "project_id": project.pk,
        "project_code": project.code,
        "project_name": project.name,
        "owner_id": project.owner_id,
        "industry_authority_id": project.industry_authority_id,
        "actor_user_id": actor.user_id,
        "actor_name": actor.display_name,
        "at": clock.now().isoformat(),
    }


def step(obj: Any, actor: Actor, action: str, label: str, opinion: str = "") -> ProcessStep:
    return ProcessStep.objects.create(
        project_id=obj.project_id,
        subject_type=obj._meta.label_lower,
        subject_id=str(obj.pk),
        action=action,
        label=label[:100],
        opinion=opinion,
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_name=actor.display_name[:100],
        organisation_name=actor.org_name[:200],
    )


def steps_of(obj: Any) -> list[ProcessStep]:
    return list(
        ProcessStep.objects.filter(
            subject_type=obj._meta.label_lower, subject_id=str(obj.pk)
        ).order_by("at", "id")
    )


def logged(obj: Any, actor: Actor, name: str, opinion: str = "") -> None:
    """After a step's write (``core.steps.write``): the process log and the
    requester's notice of the decision."""
    label = workflows.label(obj, name)
    step(obj, actor, name, label, opinion)
    from ..inbox import tell_decision

    tell_decision(obj, actor, name, label, opinion)


def created(obj: Any, actor: Actor, action: str, label: str, opinion: str = "") -> None:
    writes.created(obj, actor=actor, action=f"approvals.{action}", project_id=obj.project_id)
    step(obj, actor, action, label, opinion)


def text(
    value: str | None, *, field: str, label: str, min_len: int = 1, max_len: int = 4000
) -> str:
    """``core.writes.text`` with the approvals' longer default (4,000 characters)."""
    return writes.text(value, field=field, label=label, min_len=min_len, max_len=max_len)


def money(value: Any, *, field: str, label: str, signed: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception as exc:
        raise ValidationFailed(f"{label}应为数字", field=field) from exc
    if not signed and amount < 0:
        raise ValidationFailed(f"{label}不能为负数", field=field)
    if abs(amount) >= Decimal("1e14"):
        raise ValidationFailed(f"{label}过大", field=field)
    return amount


def number(prefix: str, project: Project, model: Any) -> str:
    """``BG-T-0001-003``: the n-th record of its kind in the project (the caller
    holds the project lock)."""
    n = model.objects.filter(project=project).count() + 1
    return f"{prefix}-{project.code}-{n:03d}"[:40]


def lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def store(
    *,
    actor: Actor,
    obj: Any,
    kind: str,
    title: str,
    upload: Any,
    field: str = "file",
    project: Project | None = None,
) -> ApprovalDocument:
    """Keep a file of a process (PDF/JPEG/PNG checked by content)."""
    checked = check_upload(upload, field=field)
    doc = ApprovalDocument(
        project_id=project.pk if project is not None else obj.project_id,
        subject_type=obj._meta.label_lower,
        subject_id=str(obj.pk),
        kind=kind,
        title=title[:200],
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=clock.now(),
        uploaded_by_name=actor.display_name[:100],
        organisation_name=actor.org_name[:200],
    )
    files.save(doc.file, checked)
    doc.save()
    writes.created(doc, actor=actor, action="approvals.upload_document", project_id=doc.project_id)
    return doc


def documents_of(obj: Any) -> list[ApprovalDocument]:
    return list(
        ApprovalDocument.objects.filter(
            subject_type=obj._meta.label_lower, subject_id=str(obj.pk)
        ).order_by("uploaded_at", "id")
    )


# --- who acts: organisations -----------------------------------------------------------------


def supervising_firm_id(project: Project) -> int | None:
    pt = (
        Participant.objects.filter(project=project, role=ParticipantRole.SUPERVISING_FIRM)
        .order_by("id")
        .first()
    )
    return pt.organisation_id if pt else None


def superior_id(project: Project) -> int | None:
    return project.line_id or project.superior_unit_id


def district_org_id(project: Project, kind: str) -> int | None:
    path = project.owner.district_path if project.owner is not None else ""
    if not path:
        return None
    org = (
        Organisation.objects.filter(kind=kind, path__startswith=path, is_active=True)
        .order_by("path")
        .first()
    )
    return org.pk if org else None


def office_id(project: Project) -> int | None:
    return district_org_id(project, OrgKind.SUPERVISION_OFFICE)


def drc_id(project: Project) -> int | None:
    return district_org_id(project, OrgKind.DRC)


# --- to-dos and deadlines ------------------------------------------------------------------------


ADMIN_COPY = "@admin"


def _account_id(person_id: int | None, organisation_id: int | None) -> int | None:
    """The active account of a person acting for the organisation, if any."""
    from postaward.orgs.selectors import account_id_of

    return account_id_of(person_id, organisation_id)


def _key_person(
    project: Project, organisation_id: int | None, positions: tuple[str, ...]
) -> tuple[str, int] | None:
    """(position, person) of the organisation's first key person on the project,
    in the order of ``positions`` (the project manager before the technical lead)."""
    from postaward.projects.models import KeyPersonAssignment

    if organisation_id is None:
        return None
    rows = (
        KeyPersonAssignment.objects.filter(
            project_id=project.pk,
            participant__organisation_id=organisation_id,
            position__in=positions,
            ended_on__isnull=True,
        )
        .order_by("started_on", "id")
        .values_list("position", "person_id")
    )
    found = dict(rows)  # the latest in each position
    return next(((pos, found[pos]) for pos in positions if pos in found), None)


def to_org(organisation_id: int | None, role: str, person_id: int | None = None) -> dict[str, Any]:
    """Who a to-do is for (the keyword arguments of ``todo``): the one known
    person (``person_id``, through their account), else everyone of the
    organisation holding ``role``. A person without an account there leaves
    it to the organisation's administrator, who may act on every step."""
    if person_id is None:
        return {"organisation_id": organisation_id, "role": role, "assignee_id": None}
    assignee = _account_id(person_id, organisation_id)
    if assignee is None:
        return {
            "organisation_id": organisation_id,
            "role": Role.ADMIN,
            "assignee_id": None,
            "person_id": person_id,
        }
    from postaward.orgs.models import UserRole

    held = UserRole.objects.filter(user_id=assignee, role=role).exists()
    # the inbox shows a to-do to the holders of its role: keep it only if the person holds it
    return {
        "organisation_id": organisation_id,
        "role": role if held else "",
        "assignee_id": assignee,
    }


def owner_to(project: Project) -> dict[str, Any]:
    """The owner's project leader of the project (``workflows.owner``)."""
    if project.owner_leader_id is None:
        return to_org(project.owner_id, Role.ADMIN)
    return to_org(project.owner_id, Role.OWNER_PROJECT_LEADER, project.owner_leader_id)


def supervisor_to(project: Project) -> dict[str, Any]:
    """The project's chief supervising engineer, else its other supervising
    engineer on the project (``workflows.supervisor``)."""
    firm = supervising_firm_id(project)
    found = _key_person(
        project,
        firm,
        (Position.CHIEF_SUPERVISING_ENGINEER, Position.SPECIALIST_ENGINEER, Position.SUPERVISOR),
    )
    return to_org(firm, *found) if found else to_org(firm, Role.ADMIN)


def contractor_to(project: Project, organisation_id: int | None) -> dict[str, Any]:
    """The contractor's project manager on the project, else its technical lead
    (``workflows.contractor``)."""
    found = _key_person(
        project, organisation_id, (Position.PROJECT_MANAGER, Position.TECHNICAL_LEAD)
    )
    return to_org(organisation_id, *found) if found else to_org(organisation_id, Role.ADMIN)


def superior_to(project: Project) -> dict[str, Any]:
    """The superior unit or its line (``workflows.superior``: line supervisor)."""
    return to_org(superior_id(project), Role.LINE_SUPERVISOR)


def authority_to(project: Project) -> dict[str, Any]:
    """The industry authority (``workflows.authority``: supervising staff)."""
    return to_org(project.industry_authority_id, Role.AUTHORITY_STAFF)


def office_to(project: Project) -> dict[str, Any]:
    """The supervision office (``workflows.office``: office staff)."""
    return to_org(office_id(project), Role.OFFICE_STAFF)


def drc_to(project: Project) -> dict[str, Any]:
    """The development and reform commission (``workflows.drc``: its officers)."""
    return to_org(drc_id(project), Role.DRC_OFFICER)


def todo(
    obj: Any,
    step_key: str,
    *,
    title: str,
    organisation_id: int | None,
    url: str,
    basis: str,
    due_at: dt.datetime | None = None,
    detail: str = "",
    role: str = "",
    assignee_id: int | None = None,
    person_id: int | None = None,
) -> None:
    """Open the to-do of the people who must act (``workflows.py``): those of
    the organisation holding ``role``, or the one ``assignee``. The
    organisation's administrator may act on every step, so a to-do addressed
    to another role or person is also opened for the administrator (key
    suffix ``@admin``); both close together."""
    open_addressed(
        key=_todo_key(obj, step_key),
        kind=f"approvals.{obj._meta.model_name}.{step_key}",
        title=title,
        organisation_id=organisation_id,
        project_id=obj.project_id,
        subject=obj,
        url=url,
        basis=basis,
        due_at=due_at,
        detail=detail,
        role=role,
        assignee_id=assignee_id,
        person_id=person_id,
    )


def open_addressed(
    *,
    key: str,
    kind: str,
    title: str,
    organisation_id: int | None,
    project_id: int | None,
    subject: Any,
    url: str,
    basis: str,
    due_at: dt.datetime | None = None,
    detail: str = "",
    role: str = "",
    assignee_id: int | None = None,
    person_id: int | None = None,
) -> None:
    """``todo`` under a key of one's own: the to-do of ``role`` or ``assignee``
    and, for another role or person, the administrator's copy (``key@admin``);
    ``close_addressed`` closes both."""
    if organisation_id is None:
        return
    common = {
        "kind": kind,
        "title": title,
        "organisation_id": organisation_id,
        "project_id": project_id,
        "subject": subject,
        "url": url,
        "due_at": due_at,
        "basis": basis,
        "detail": detail,
    }
    todos.open_for(key=key, role=role, assignee_id=assignee_id, person_id=person_id, **common)
    if role == Role.ADMIN or not (role or assignee_id):
        return
    from postaward.orgs.models import UserRole

    if (
        assignee_id is not None
        and UserRole.objects.filter(user_id=assignee_id, role=Role.ADMIN).exists()
    ):
        return  # the person is the administrator: one to-do
    todos.open_for(key=key + ADMIN_COPY, role=Role.ADMIN, **common)


def close_addressed(key: str, *, state: str = "done") -> None:
    """Close the to-do of ``open_addressed`` and the administrator's copy."""
    for k in (key, key + ADMIN_COPY):
        todos.close_for(key=k, state=state)


def _todo_key(obj: Any, step_key: str) -> str:
    return f"approvals.{obj._meta.model_name}.{obj.pk}.{step_key}"


def todo_keys(obj: Any, step_key: str) -> list[str]:
    """The keys of a step's to-do and of the administrator's copy."""
    key = _todo_key(obj, step_key)
    return [key, key + ADMIN_COPY]


def done(obj: Any, step_key: str | None = None, *, cancelled: bool = False) -> None:
    state = "cancelled" if cancelled else "done"
    if step_key:
        close_addressed(_todo_key(obj, step_key), state=state)
    else:
        todos.close_for(subject=obj, state=state)


def open_clock(
    obj: Any,
    kind: Any,
    *,
    length: int,
    unit: str,
    organisation_id: int | None,
    start: dt.datetime | None = None,
    reminder_after: int | None = None,
    roll: bool = True,
) -> Deadline:
    """``roll=False`` for a deadline fixed by a date of fact (the day of the
    work, a rectification date), not a period counted in days (R-CAL-01)."""
    return deadlines.open_deadline(
        kind=kind.kind,
        subject=obj,
        length=length,
        unit=unit,
        basis=kind.basis,
        organisation_id=organisation_id,
        project_id=obj.project_id if hasattr(obj, "project_id") else obj.pk,
        start=start,
        reminder_after=reminder_after,
        roll=roll,
    )


def rule_text(d: Deadline) -> str:
    """ "自 … 起 N 个自然日，至 … 24:00（依据：…）" for a to-do's basis."""
    return deadlines.describe(d)


def node(project: Project, key: str, title: str, actor: Actor, detail: str = "") -> None:
    """A node of the project's archive timeline (一项目一档案)."""
    project_services.node(project, f"approvals.{key}", title, actor=actor, detail=detail)
