"""Helpers shared by the project services: the audit facts of a project, the
archive node, refusals, value checks, the chain of an owner, the private
document store and the registry-edit guards (the lifecycle steps are
``projects/steps.py``, taken through ``core.steps.write``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from postaward.core import clock, files, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from postaward.core.files import CheckedUpload, check_upload
from postaward.orgs.choices import SUPERIOR_KINDS, Industry, OrgKind, Role
from postaward.orgs.models import Organisation

from ..choices import (
    ACTIVE_STATES,
    LARGE_PROJECT_THRESHOLD,
    DataCompletionState,
    DocumentCategory,
    Position,
    ProjectClass,
    ProjectStatus,
)
from ..models import (
    KeyPersonAssignment,
    Participant,
    Project,
    ProjectDocument,
    TimelineEntry,
)
from ..workflows import OWNER_MANAGERS, Who

S = ProjectStatus


# --- small helpers ---------------------------------------------------------------------------------


def classify(amount: Decimal, *, village: bool = False, super_large: bool = False) -> str:
    """R-PRJ-10: village works; super-large complex works; else by 20,000,000 yuan."""
    if village:
        return ProjectClass.VILLAGE
    if super_large:
        return ProjectClass.SUPER_LARGE
    return ProjectClass.GOV_ABOVE if amount >= LARGE_PROJECT_THRESHOLD else ProjectClass.GOV_BELOW


def _facts(project: Project, actor: Actor) -> dict[str, Any]:
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


def node(
    project: Project,
    key: str,
    title: str,
    *,
    actor: Actor | None = None,
    detail: str = "",
    document: ProjectDocument | None = None,
    at: dt.datetime | None = None,
    actor_name: str | None = None,
    organisation_name: str | None = None,
) -> TimelineEntry:
    """Add one node to the project's archive timeline."""
    return TimelineEntry.objects.create(
        project=project,
        at=at or clock.now(),
        node=key,
        title=title[:200],
        detail=detail,
        actor_name=(actor_name if actor_name is not None else actor.display_name if actor else "")[
            :100
        ],
        organisation_name=(
            organisation_name
            if organisation_name is not None
            else (actor.org_name if actor else "")
        )[:200],
        document=document,
    )


def _always(p: Project) -> str:
    return ""


@dataclass(frozen=True)
class Action:
    """A single action on a project that leaves no state of its own (a
    creation or an edit; ADR 0067, ADR 0072): who may take it and what in the
    project blocks it now. The service checks it (``check_who`` before the
    input, ``check`` on the locked project), the page's link (``may``), the
    page itself and the API (through the service) use the same object."""

    who: Who
    label: str  # 登记标后约谈: the 403 reads "{who.label}方可{label}"
    blocked: Callable[[Project], str] = _always  # the 409 reason, "" when possible now
    code: str = "invalid_state"

    def refusal(self, project: Project, actor: Actor) -> DomainError | None:
        if not self.who(project, actor):
            return Forbidden(f"{self.who.label}方可{self.label}")
        if reason := self.blocked(project):
            return Conflict(reason, code=self.code)
        return None

    def may(self, project: Project, actor: Actor) -> bool:
        return self.refusal(project, actor) is None

    def check_who(self, project: Project, actor: Actor) -> None:
        """The role and scope only (the page before its form, the service before its input)."""
        if not self.who(project, actor):
            raise Forbidden(f"{self.who.label}方可{self.label}")

    def check(self, project: Project, actor: Actor) -> None:
        if (err := self.refusal(project, actor)) is not None:
            raise err

    def write(
        self, project: Project, actor: Actor, action: str
    ) -> AbstractContextManager[writes.Write]:
        """The audited edit of the project (``core.writes.audited``): the
        project locked and this action checked on the locked row."""
        return writes.audited(
            Project, pk=project.pk, actor=actor, action=action, check=lambda p: self.check(p, actor)
        )


def _check_day(
    on: dt.date | None,
    *,
    field: str,
    label: str,
    not_before: dt.date | None = None,
    not_before_label: str = "",
) -> dt.date:
    if on is None:
        raise ValidationFailed(f"请填写{label}", field=field)
    if on > clock.today():
        raise ValidationFailed(f"{label}不能晚于今天", field=field)
    if not_before and on < not_before:
        raise ValidationFailed(
            f"{label}不能早于{not_before_label}（{not_before:%Y-%m-%d}）", field=field
        )
    return on


def _amount(value: Any, *, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception as exc:
        raise ValidationFailed(f"{label}应为数字", field=field) from exc
    if amount <= 0:
        raise ValidationFailed(f"{label}应大于零", field=field)
    if amount >= Decimal("1e14"):
        raise ValidationFailed(f"{label}过大", field=field)
    return amount


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _synced(project: Project, fresh: Project) -> Project:
    """Bring the caller's instance up to date with what the service wrote."""
    if project is not fresh:
        project.refresh_from_db()
    return fresh


def _district_root(org: Organisation) -> str:
    return org.district_path


def _ancestors(org: Organisation) -> list[Organisation]:
    """Ancestors of ``org``, nearest first."""
    from postaward.orgs.models import ancestor_paths

    paths = ancestor_paths(org.path)[:-1]
    return sorted(Organisation.objects.filter(path__in=paths), key=lambda o: -o.depth)


def chain_of_owner(owner: Organisation) -> tuple[Organisation | None, Organisation | None]:
    """(superior unit, line) of an owner from the organisation tree (R-ORG-02)."""
    line = superior = None
    for anc in _ancestors(owner):
        if anc.kind == OrgKind.LINE and line is None and superior is None:
            line = anc
        if anc.kind in SUPERIOR_KINDS and superior is None:
            superior = anc
    return superior, line


class AmbiguousAuthority(Conflict):
    """Two active industry authorities claim one (district, industry): the
    platform refuses to guess where a project belongs (R-ORG-03)."""

    code = "ambiguous_authority"


def authority_for(industry: str, district_path: str) -> Organisation | None:
    """The one active industry authority of ``industry`` in the district, or
    None. Two of them is an error of the organisation data (the orgs services
    refuse to create it); it is reported, never resolved by picking one."""
    found = list(
        Organisation.objects.filter(
            kind=OrgKind.INDUSTRY_AUTHORITY,
            industry=industry,
            path__startswith=district_path,
            is_active=True,
        ).order_by("path")[:3]
    )
    if len(found) > 1:
        names = "、".join(o.name for o in found)
        raise AmbiguousAuthority(
            f"本区县有多个“{dict(Industry.choices).get(industry, industry)}”行业主管部门（{names}），"
            "无法确定项目归属，请监管办先改正单位设置",
            field="industry",
        )
    return found[0] if found else None


def _store(
    *,
    actor: Actor,
    project: Project,
    category: str,
    title: str,
    checked: CheckedUpload,
) -> ProjectDocument:
    doc = ProjectDocument(
        project=project,
        category=category,
        title=title[:200],
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=clock.now(),
        uploaded_by_id=actor.user_id,
        uploaded_by_name=actor.display_name[:100],
        organisation_name=actor.org_name[:200],
    )
    files.save(doc.file, checked)
    doc.save()
    writes.created(doc, actor=actor, action="projects.upload_document")
    return doc


def _document(
    *,
    actor: Actor,
    project: Project,
    category: str,
    title: str,
    upload: Any = None,
    document: ProjectDocument | None = None,
    field: str = "file",
    required: bool = True,
) -> ProjectDocument | None:
    """The document a step needs: an upload stored now, or one uploaded before
    (through the API's document upload) to this project with the right category."""
    if document is not None:
        if document.project_id != project.pk:
            raise ValidationFailed("所引用的资料不属于本项目", field=field)
        if document.category != category:
            raise ValidationFailed(
                f"所引用的资料类别应为“{DocumentCategory(category).label}”", field=field
            )
        return document
    if upload is None:
        if required:
            raise ValidationFailed(f"请上传{DocumentCategory(category).label}", field=field)
        return None
    checked = check_upload(upload, field=field)
    return _store(actor=actor, project=project, category=category, title=title, checked=checked)


def registry_closed(p: Project) -> str:
    """Participants and personnel are entered before and during construction; a
    project that was not covered back-fills them after approval (R-PRJ-05).
    The reason they cannot be edited now, "" when they can."""
    if p.status in ACTIVE_STATES:
        return ""
    if (
        not p.is_platform_covered
        and p.data_completions.filter(state=DataCompletionState.APPROVED).exists()
    ):
        return ""
    return "项目已完工或终止，参建信息不能再修改"


def _registry_editable(p: Project) -> None:
    if reason := registry_closed(p):
        raise Conflict(reason, code="invalid_state")


def _may_edit_registry(project: Project, actor: Actor) -> bool:
    return OWNER_MANAGERS(project, actor)


def _contractor_side(project: Project, participant: Participant, actor: Actor) -> bool:
    if actor.is_system:
        return True
    if actor.organisation_id != participant.organisation_id:
        return False
    if actor.roles & {Role.ADMIN, Role.UNIT_LEADER}:
        return True
    return (
        Role.PROJECT_MANAGER in actor.roles
        and actor.person_id is not None
        and KeyPersonAssignment.objects.filter(
            project=project,
            person_id=actor.person_id,
            position=Position.PROJECT_MANAGER,
            ended_on__isnull=True,
        ).exists()
    )


# --- demo / fixtures ---------------------------------------------------------------------------------


def content_file(data: bytes, name: str) -> ContentFile:
    """A named in-memory file (for the demo, the simulator and tests)."""
    return ContentFile(data, name=name)
