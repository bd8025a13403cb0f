"""Writes of the project registry.

Every function is ``verb_noun(*, actor, ...)``: it checks the role and the rules
before anything changes (refusals raise a DomainError with a Chinese message),
then writes in one transaction together with its audit record, its archive node
(一项目一档案) and its domain event (outbox). Lifecycle transitions go through
``workflows.check`` and the declared django-fsm transition.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q

from postaward.core import audit, clock, deadlines, events, files
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.files import CheckedUpload, check_upload
from postaward.core.idcheck import check_uscc
from postaward.core.models import Deadline
from postaward.core.services import close_todos, open_todo
from postaward.orgs.choices import OWNER_KINDS, SUPERIOR_KINDS, Industry, OrgKind, Role
from postaward.orgs.models import Organisation, Person, Qualification

from .. import workflows
from ..choices import (
    ACCEPTED_CERTIFICATES,
    ACTIVE_STATES,
    CONTRACTOR_POSITIONS,
    EXCLUSIVE_POSITIONS,
    LARGE_PROJECT_THRESHOLD,
    SMALL_WORKS_QUOTA,
    STAGED_POSITIONS,
    SUPERVISOR_POSITIONS,
    AbnormalAwardKind,
    AbnormalAwardState,
    BanReason,
    DataCompletionState,
    DocumentCategory,
    InterviewTopic,
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectClass,
    ProjectSource,
    ProjectStatus,
    SiteKind,
    SuspensionState,
)
from ..events import (
    AbnormalAwardFlagged,
    AbnormalAwardRecorded,
    DataCompletionDecided,
    DepositReturned,
    FundsPaid,
    InterviewRecorded,
    KeyPersonAssigned,
    KeyPersonReleased,
    PersonnelBanRecorded,
    ProjectAccepted,
    ProjectAssigned,
    ProjectCompleted,
    ProjectFoundUncovered,
    ProjectRegistered,
    ProjectResumed,
    ProjectSuspended,
    ProjectTerminated,
    SettlementApproved,
    SettlementSubmitted,
    SubcontractRegistered,
    SuspensionDeclared,
    SuspensionRejected,
    WorksStarted,
)
from ..models import (
    AbnormalAwardEvent,
    CheckinStage,
    DataCompletionApplication,
    Interview,
    KeyPersonAssignment,
    Participant,
    PersonnelBan,
    Project,
    ProjectDocument,
    Subcontract,
    Suspension,
    TimelineEntry,
)
from ..workflows import OWNER_MANAGERS, Who, authority_of, superior_of, supervision_office

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


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


def _require_who(who: Who, project: Project, actor: Actor, what: str) -> None:
    if not who(project, actor):
        raise Forbidden(f"{who.label}方可{what}")


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


def _text(
    value: str | None, *, field: str, label: str, min_len: int = 1, max_len: int = 2000
) -> str:
    text = (value or "").strip()
    if len(text) < min_len:
        raise ValidationFailed(
            f"请填写{label}" if not text else f"{label}过短（至少 {min_len} 个字）", field=field
        )
    if len(text) > max_len:
        raise ValidationFailed(f"{label}过长（最多 {max_len} 个字）", field=field)
    return text


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


# --- documents ------------------------------------------------------------------------------------


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
    audit.record(actor=actor, action="projects.upload_document", obj=doc, after=audit.snapshot(doc))
    return doc


GENERAL_CATEGORIES = (
    DocumentCategory.MANAGEMENT_RULES,
    DocumentCategory.START_REPORT,
    DocumentCategory.OTHER,
)


def may_upload(project: Project, actor: Actor, category: str) -> bool:
    """Who may put a document of ``category`` into the project's archive: the
    owner's managers for the owner's material; the authority and the office for
    interview records and abnormal-event filings; the contractor for its
    subcontracts."""
    if actor.is_system:
        return True
    if category == DocumentCategory.SUBCONTRACT:
        return any(
            _contractor_side(project, pt, actor)
            for pt in project.participants.filter(role=ParticipantRole.CONTRACTOR)
        )
    if OWNER_MANAGERS(project, actor):
        return True
    if category == DocumentCategory.TERMINATION_REPORT and workflows.OWNER_UNIT(project, actor):
        return True
    if category in (DocumentCategory.INTERVIEW_RECORD, DocumentCategory.ABNORMAL_FILING):
        return authority_of(project, actor) or supervision_office(project, actor)
    return False


def upload_document(
    *, actor: Actor, project: Project, category: str, title: str, upload: Any
) -> ProjectDocument:
    """Put a file into the project's archive (R-PRJ-04). Management rules, start
    reports and other material appear on the timeline at once; a contract,
    report or record is then referenced by the step that uses it."""
    if category not in DocumentCategory.values:
        raise ValidationFailed("资料类别不正确", field="category")
    if not may_upload(project, actor, category):
        raise Forbidden("当前账号不能上传该类资料")
    title = _text(title, field="title", label="资料名称", max_len=200)
    checked = check_upload(upload)
    with transaction.atomic():
        doc = _store(actor=actor, project=project, category=category, title=title, checked=checked)
        if category in GENERAL_CATEGORIES:
            node(
                project,
                f"document.{category}",
                f"上传{DocumentCategory(category).label}：{title}",
                actor=actor,
                document=doc,
            )
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


# --- registration (R-PRJ-01, R-PRJ-02) -------------------------------------------------------------


def register_project(
    *,
    actor: Actor,
    code: str,
    name: str,
    owner: Organisation | None,
    industry: str,
    contract_amount: Decimal,
    **fields: Any,
) -> Project:
    """Create a project record (the bidding feed, the owner's manual entry, the
    demo and the test district all come through here)."""
    if Project.objects.filter(code=code).exists():
        raise Conflict("项目编号已存在", field="code")
    if contract_amount < 0:
        raise ValidationFailed("合同金额不能为负数", field="contract_amount")
    fields.setdefault("project_class", classify(contract_amount))
    if owner is not None and "superior_unit" not in fields and "line" not in fields:
        fields["superior_unit"], fields["line"] = chain_of_owner(owner)
    with transaction.atomic():
        project = Project.objects.create(
            code=code,
            name=name,
            owner=owner,
            industry=industry,
            contract_amount=contract_amount,
            created_at=clock.now(),
            updated_at=clock.now(),
            **fields,
        )
        audit.record(
            actor=actor,
            action="projects.register_project",
            obj=project,
            after=audit.snapshot(project),
        )
        node(
            project,
            "registered",
            "项目生成（招投标系统推送）"
            if project.source == ProjectSource.BIDDING_FEED
            else "项目登记（建设单位录入）",
            actor=actor,
            detail=f"{project.get_procurement_method_display()}，{project.get_project_class_display()}",
        )
        events.publish(
            ProjectRegistered(
                **_facts(project, actor),
                source=project.source,
                procurement_method=project.procurement_method,
                project_class=project.project_class,
                contract_amount=str(project.contract_amount),
            )
        )
        if project.owner_id is None and project.industry_authority_id:
            _todo_assign(project, "superior_unit")
        elif project.owner_id and project.owner_leader_id is None and project.is_active:
            _todo_assign(project, "owner_leader")
    return project


def _next_code(prefix: str) -> str:
    year = clock.today().year
    stem = f"{prefix}{year}-"
    last = (
        Project.objects.filter(code__startswith=stem)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[-1]) + 1 if last and last.rsplit("-", 1)[-1].isdigit() else 1
    return f"{stem}{seq:04d}"


def _site_fields(
    *,
    site_kind: str | None,
    lon: float | None = None,
    lat: float | None = None,
    radius_m: float | None = None,
    polygon: list[list[float]] | None = None,
    crs: str = "wgs84",
) -> dict[str, Any]:
    """Validate a site fence (stored WGS-84; a map in GCJ-02 sends GCJ-02)."""
    from postaward.core.geo import Site, gcj02_to_wgs84, out_of_china

    def to_wgs(x: float, y: float) -> tuple[float, float]:
        return gcj02_to_wgs84(x, y) if crs == "gcj02" else (x, y)

    if site_kind == SiteKind.CIRCLE:
        if lon is None or lat is None:
            raise ValidationFailed("请在地图上点选或填写场地中心经纬度", field="site_lon")
        if out_of_china(lon, lat):
            raise ValidationFailed("中心点不在中国境内，请核对经纬度（经度在前）", field="site_lon")
        if radius_m is None or not 20 <= float(radius_m) <= 5000:
            raise ValidationFailed("半径应在 20 至 5000 米之间", field="site_radius_m")
        wlon, wlat = to_wgs(float(lon), float(lat))
        return {
            "site_kind": SiteKind.CIRCLE,
            "site_lon": round(wlon, 7),
            "site_lat": round(wlat, 7),
            "site_radius_m": float(radius_m),
            "site_polygon": None,
        }
    if site_kind == SiteKind.POLYGON:
        points = list(polygon or [])
        if any(not isinstance(pt, list | tuple) or len(pt) not in (2, 3) for pt in points):
            raise ValidationFailed("多边形的每个顶点应为 [经度, 纬度]", field="site_polygon")
        ring = [[float(pt[0]), float(pt[1])] for pt in points]  # an altitude is ignored
        if not all(math.isfinite(c) for pt in ring for c in pt):
            raise ValidationFailed("多边形顶点的经纬度应为有限数字", field="site_polygon")
        if len(ring) >= 2 and ring[0] == ring[-1]:
            ring = ring[:-1]
        if len(ring) < 3:
            raise ValidationFailed("多边形至少需要 3 个顶点", field="site_polygon")
        if len(ring) > 200:
            raise ValidationFailed("多边形顶点不能超过 200 个", field="site_polygon")
        if any(out_of_china(x, y) for x, y in ring):
            raise ValidationFailed("多边形顶点不在中国境内，请核对经纬度", field="site_polygon")
        ring = [[round(c, 7) for c in to_wgs(x, y)] for x, y in ring]
        from shapely.geometry import Polygon

        if not Polygon(ring).is_valid:
            raise ValidationFailed("多边形的边不能自相交", field="site_polygon")
        site = Site.polygon([*ring, ring[0]])
        return {
            "site_kind": SiteKind.POLYGON,
            "site_lon": round(site.center_lon, 7),
            "site_lat": round(site.center_lat, 7),
            "site_radius_m": None,
            "site_polygon": [*ring, ring[0]],
        }
    raise ValidationFailed("请选择场地类型（圆形或多边形）", field="site_kind")


def register_direct_project(
    *,
    actor: Actor,
    name: str,
    procurement_method: str,
    industry: str,
    contract_amount: Decimal,
    planned_start: dt.date | None = None,
    planned_completion: dt.date | None = None,
    is_small_works: bool = False,
    super_large: bool = False,
    site_address: str = "",
    owner_leader: Person | None = None,
    award_date: dt.date | None = None,
) -> Project:
    """R-PRJ-02: a direct-award or emergency project entered by the owner's
    project leader (or the owner's administrator, who names the leader)."""
    owner_kind_ok = actor.org_kind in OWNER_KINDS
    is_leader = Role.OWNER_PROJECT_LEADER in actor.roles
    if not actor.is_system and not (owner_kind_ok and (is_leader or Role.ADMIN in actor.roles)):
        raise Forbidden("建设单位项目负责人方可录入直接发包、应急工程项目")
    if procurement_method not in (ProcurementMethod.DIRECT_AWARD, ProcurementMethod.EMERGENCY):
        raise ValidationFailed(
            "招标项目由招投标系统推送生成；建设单位只录入直接发包和应急工程项目",
            field="procurement_method",
        )
    name = _text(name, field="name", label="项目名称", min_len=4, max_len=200)
    amount = _amount(contract_amount, field="contract_amount", label="合同金额")
    if is_small_works and amount >= SMALL_WORKS_QUOTA:
        raise ValidationFailed(
            f"限额以下小额工程的合同金额应低于 {SMALL_WORKS_QUOTA / 10000:,.0f} 万元",
            field="is_small_works",
        )
    if planned_start and planned_completion and planned_completion < planned_start:
        raise ValidationFailed("计划完工日期不能早于计划开工日期", field="planned_completion")
    owner = Organisation.objects.get(pk=actor.organisation_id)
    village = owner.kind == OrgKind.VILLAGE
    if super_large and village:
        raise ValidationFailed("村级工程不能同时为超大型工程", field="super_large")
    authority = authority_for(industry, owner.district_path)
    if authority is None:
        raise ValidationFailed("本区县尚无该行业的行业主管部门，请联系监管办", field="industry")
    leader: Person | None
    if is_leader and actor.person_id:
        leader = Person.objects.get(pk=actor.person_id)
    else:
        leader = owner_leader
    if leader is not None and leader.organisation_id != owner.pk:
        raise ValidationFailed("项目负责人应为本单位人员", field="owner_leader")
    prefix = "YJ" if procurement_method == ProcurementMethod.EMERGENCY else "ZF"
    with transaction.atomic():
        project = register_project(
            actor=actor,
            code=_next_code(prefix),
            name=name,
            owner=owner,
            industry=industry,
            contract_amount=amount,
            project_class=classify(amount, village=village, super_large=super_large),
            is_small_works=is_small_works,
            procurement_method=procurement_method,
            source=ProjectSource.MANUAL,
            region_code=owner.region_code,
            industry_authority=authority,
            owner_leader=leader,
            planned_start=planned_start,
            planned_completion=planned_completion,
            award_date=award_date or clock.today(),
            site_address=site_address.strip()[:200],
        )
        if leader is not None:
            _fire(project, "begin_preparation", actor, node_key="preparing", title="进入开工准备")
            project.refresh_from_db()
    return project


EDITABLE_FIELDS = (
    "name",
    "industry",
    "contract_amount",
    "is_small_works",
    "planned_start",
    "planned_completion",
    "site_address",
    "region_name",
)


def update_project(*, actor: Actor, project: Project, **changes: Any) -> Project:
    """Basic information, editable by the owner before works start (R-PRJ-03)."""
    _require_who(OWNER_MANAGERS, project, actor, "修改项目信息")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{', '.join(sorted(unknown))}")
    with transaction.atomic():
        p = _lock(project)
        if p.status not in (S.REGISTERED, S.PREPARING):
            raise Conflict(
                "项目已开工，基本信息不能再修改（变更须走变更流程）", code="invalid_state"
            )
        if "name" in changes:
            changes["name"] = _text(
                changes["name"], field="name", label="项目名称", min_len=4, max_len=200
            )
        if "contract_amount" in changes:
            changes["contract_amount"] = _amount(
                changes["contract_amount"], field="contract_amount", label="合同金额"
            )
        amount = changes.get("contract_amount", p.contract_amount)
        small = changes.get("is_small_works", p.is_small_works)
        if small and amount >= SMALL_WORKS_QUOTA:
            raise ValidationFailed(
                f"限额以下小额工程的合同金额应低于 {SMALL_WORKS_QUOTA / 10000:,.0f} 万元",
                field="is_small_works",
            )
        start = changes.get("planned_start", p.planned_start)
        end = changes.get("planned_completion", p.planned_completion)
        if start and end and end < start:
            raise ValidationFailed("计划完工日期不能早于计划开工日期", field="planned_completion")
        before = audit.snapshot(p)
        for key, value in changes.items():
            setattr(p, key, value)
        if "contract_amount" in changes and p.project_class in (
            ProjectClass.GOV_BELOW,
            ProjectClass.GOV_ABOVE,
        ):
            p.project_class = classify(p.contract_amount)
        p.updated_at = clock.now()
        p.save()
        after = audit.snapshot(p)
        if after != before:
            audit.record(
                actor=actor, action="projects.update_project", obj=p, before=before, after=after
            )
    return _synced(project, p)


def set_site(
    *,
    actor: Actor,
    project: Project,
    site_kind: str,
    lon: float | None = None,
    lat: float | None = None,
    radius_m: float | None = None,
    polygon: list[list[float]] | None = None,
    address: str | None = None,
    crs: str = "wgs84",
) -> Project:
    """The site fence used by check-ins: a circle or a polygon (WGS-84 stored)."""
    _require_who(OWNER_MANAGERS, project, actor, "设置项目场地")
    if crs not in ("wgs84", "gcj02"):
        raise ValidationFailed("坐标系应为 wgs84 或 gcj02", field="crs")
    fields = _site_fields(
        site_kind=site_kind, lon=lon, lat=lat, radius_m=radius_m, polygon=polygon, crs=crs
    )
    with transaction.atomic():
        p = _lock(project)
        if p.status not in ACTIVE_STATES:
            raise Conflict("项目已完工或终止，场地不能再修改", code="invalid_state")
        before = audit.snapshot(p)
        for key, value in fields.items():
            setattr(p, key, value)
        if address is not None:
            p.site_address = address.strip()[:200]
        p.updated_at = clock.now()
        p.save()
        audit.record(
            actor=actor, action="projects.set_site", obj=p, before=before, after=audit.snapshot(p)
        )
        desc = (
            f"圆形，中心 {p.site_lon:.6f},{p.site_lat:.6f}，半径 {p.site_radius_m:.0f} 米"
            if p.site_kind == SiteKind.CIRCLE
            else f"多边形，{len(p.site_polygon or []) - 1} 个顶点"
        )
        node(p, "site", "设置项目场地（考勤电子围栏）", actor=actor, detail=desc)
    return _synced(project, p)


# --- assignment down the chain (R-ORG-03) --------------------------------------------------------

ASSIGN_LEVELS = {
    "superior_unit": "主管单位",
    "line": "条线",
    "owner": "建设单位",
    "owner_leader": "建设单位项目负责人",
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


def _assigned(project: Project, actor: Actor, level: str, target: Any, before: dict) -> None:
    audit.record(
        actor=actor,
        action=f"projects.assign_{level}",
        obj=project,
        before=before,
        after=audit.snapshot(project),
    )
    name = getattr(target, "name", str(target))
    node(project, f"assign.{level}", f"分配{ASSIGN_LEVELS[level]}：{name}", actor=actor)
    events.publish(
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
        raise Forbidden("行业主管部门总管或监管办方可分配主管单位")
    if superior_unit.kind not in SUPERIOR_KINDS:
        raise ValidationFailed("所选单位不是主管单位（或乡镇街道）", field="superior_unit")
    with transaction.atomic():
        p = _lock(project)
        _assignable(p)
        if p.owner and not p.owner.path.startswith(superior_unit.path):
            raise ValidationFailed("建设单位不在该主管单位之下", field="superior_unit")
        before = audit.snapshot(p)
        p.superior_unit = superior_unit
        if p.line and not p.line.path.startswith(superior_unit.path):
            p.line = None
        p.updated_at = clock.now()
        p.save()
        _assigned(p, actor, "superior_unit", superior_unit, before)
        if not p.owner_id:
            _todo_assign(
                p, "line" if superior_unit.children.filter(kind=OrgKind.LINE).exists() else "owner"
            )
    return _synced(project, p)


def assign_line(*, actor: Actor, project: Project, line: Organisation) -> Project:
    if not may_assign(project, actor, "line"):
        raise Forbidden("主管单位总管方可把项目分配到条线")
    with transaction.atomic():
        p = _lock(project)
        _assignable(p)
        if p.superior_unit is None:
            raise Conflict("项目尚未分配主管单位", code="invalid_state")
        if line.kind != OrgKind.LINE or not line.path.startswith(p.superior_unit.path):
            raise ValidationFailed("所选单位不是本主管单位的条线", field="line")
        if p.owner and not p.owner.path.startswith(line.path):
            raise ValidationFailed("建设单位不在该条线之下", field="line")
        before = audit.snapshot(p)
        p.line = line
        p.updated_at = clock.now()
        p.save()
        _assigned(p, actor, "line", line, before)
        if not p.owner_id:
            _todo_assign(p, "owner")
    return _synced(project, p)


def assign_owner(*, actor: Actor, project: Project, owner: Organisation) -> Project:
    if not may_assign(project, actor, "owner"):
        raise Forbidden("条线主管（或主管单位）方可把项目分配到建设单位")
    if owner.kind not in OWNER_KINDS:
        raise ValidationFailed("所选单位不是建设单位", field="owner")
    with transaction.atomic():
        p = _lock(project)
        _assignable(p)
        if p.status not in (S.REGISTERED, S.PREPARING):
            raise Conflict("项目已开工，建设单位不能再变更", code="invalid_state")
        parent = p.line or p.superior_unit
        if parent is None or not owner.path.startswith(parent.path):
            raise ValidationFailed(f"所选建设单位不在{parent or '本单位'}之下", field="owner")
        before = audit.snapshot(p)
        changed = p.owner_id != owner.pk
        p.owner = owner
        if changed:
            p.owner_leader = None
        p.updated_at = clock.now()
        p.save()
        _assigned(p, actor, "owner", owner, before)
        if p.owner_leader_id is None:
            _todo_assign(p, "owner_leader")
    return _synced(project, p)


def assign_owner_leader(*, actor: Actor, project: Project, person: Person) -> Project:
    if not may_assign(project, actor, "owner_leader"):
        raise Forbidden("建设单位总管方可指定项目负责人")
    if person.organisation_id != project.owner_id or not person.is_active:
        raise ValidationFailed("项目负责人应为本单位在职人员", field="person")
    with transaction.atomic():
        p = _lock(project)
        _assignable(p)
        before = audit.snapshot(p)
        p.owner_leader = person
        p.updated_at = clock.now()
        p.save()
        _assigned(p, actor, "owner_leader", person, before)
        if p.status == S.REGISTERED:
            _fire(p, "begin_preparation", actor, node_key="preparing", title="进入开工准备")
    project.refresh_from_db()
    return project


# --- participants and contracts (R-PRJ-03) ---------------------------------------------------------


def _registry_editable(p: Project) -> None:
    """Participants and personnel are entered before and during construction; a
    project that was not covered back-fills them after approval (R-PRJ-05)."""
    if p.status in ACTIVE_STATES:
        return
    if (
        not p.is_platform_covered
        and p.data_completions.filter(state=DataCompletionState.APPROVED).exists()
    ):
        return
    raise Conflict("项目已完工或终止，参建信息不能再修改", code="invalid_state")


def _may_edit_registry(project: Project, actor: Actor) -> bool:
    return OWNER_MANAGERS(project, actor)


def add_participant(
    *,
    actor: Actor,
    project: Project,
    organisation: Organisation,
    role: str,
    contract_upload: Any = None,
    contract_document: ProjectDocument | None = None,
    **fields: Any,
) -> Participant:
    """A participating unit with its contract (R-PRJ-03). Idempotent: the same
    unit in the same role is returned (and its contract details updated)."""
    if not _may_edit_registry(project, actor):
        raise Forbidden("建设单位项目负责人方可完善参建单位信息")
    part, _ = upsert_participant(
        actor=actor,
        project=project,
        organisation=organisation,
        role=role,
        contract_upload=contract_upload,
        contract_document=contract_document,
        **fields,
    )
    return part


PARTICIPANT_FIELDS = (
    "contract_number",
    "contract_amount",
    "contract_signed_on",
    "allows_subcontract",
)


def upsert_participant(
    *,
    actor: Actor,
    project: Project,
    organisation: Organisation,
    role: str,
    contract_upload: Any = None,
    contract_document: ProjectDocument | None = None,
    check_state: bool = True,
    **fields: Any,
) -> tuple[Participant, bool]:
    """Create or update a participant; returns (participant, changed). The role
    check is the caller's (the owner on a page, the bidding feed on import)."""
    if role not in ParticipantRole.values:
        raise ValidationFailed("参建角色不正确", field="role")
    if organisation.kind != role:
        raise ValidationFailed(
            f"“{organisation.name}”不是{ParticipantRole(role).label}", field="organisation"
        )
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能设置字段：{', '.join(sorted(unknown))}")
    if fields.get("contract_amount") is not None:
        fields["contract_amount"] = _amount(
            fields["contract_amount"], field="contract_amount", label="合同金额"
        )
    if fields.get("contract_signed_on") and fields["contract_signed_on"] > clock.today():
        raise ValidationFailed("签订日期不能晚于今天", field="contract_signed_on")
    if "contract_number" in fields:
        fields["contract_number"] = (fields["contract_number"] or "").strip()[:60]
    checked = (
        check_upload(contract_upload, field="contract_file")
        if contract_upload is not None
        else None
    )
    if contract_document is not None:
        _document(
            actor=actor,
            project=project,
            category=DocumentCategory.CONTRACT,
            title="",
            document=contract_document,
            field="contract_document_id",
        )
    with transaction.atomic():
        p = _lock(project)
        if check_state:
            _registry_editable(p)
        part = Participant.objects.filter(project=p, organisation=organisation, role=role).first()
        created = part is None
        if created:
            part = Participant(project=p, organisation=organisation, role=role)
            before = None
        else:
            before = audit.snapshot(part)
        before_doc = part.contract_document_id
        for key, value in fields.items():
            setattr(part, key, value)
        if checked is not None:
            part.contract_document = _store(
                actor=actor,
                project=p,
                category=DocumentCategory.CONTRACT,
                title=f"{ParticipantRole(role).label}合同（{organisation.name}）",
                checked=checked,
            )
        elif contract_document is not None:
            part.contract_document = contract_document
        attached = checked is not None or (
            contract_document is not None and contract_document.pk != before_doc
        )
        after = audit.snapshot(part) if not created else None
        if not created and after == before:
            return part, False
        part.updated_at = clock.now()
        part.save()
        after = audit.snapshot(part)
        audit.record(
            actor=actor,
            action="projects.add_participant" if created else "projects.update_participant",
            obj=part,
            before=before,
            after=after,
        )
        node(
            p,
            "participant",
            f"{'登记' if created else '更新'}{part.get_role_display()}：{organisation.name}"
            + ("，上传合同" if attached else ""),
            actor=actor,
            detail=f"合同编号 {part.contract_number or '—'}",
            document=part.contract_document if attached else None,
        )
    return part, True


def upload_contract(
    *,
    actor: Actor,
    participant: Participant,
    upload: Any,
    contract_number: str | None = None,
    contract_signed_on: dt.date | None = None,
    contract_amount: Decimal | None = None,
    allows_subcontract: bool | None = None,
) -> Participant:
    fields: dict[str, Any] = {}
    if contract_number is not None:
        fields["contract_number"] = _text(
            contract_number, field="contract_number", label="合同编号", max_len=60
        )
    if contract_signed_on is not None:
        fields["contract_signed_on"] = contract_signed_on
    if contract_amount is not None:
        fields["contract_amount"] = contract_amount
    if allows_subcontract is not None:
        fields["allows_subcontract"] = allows_subcontract
    return add_participant(
        actor=actor,
        project=participant.project,
        organisation=participant.organisation,
        role=participant.role,
        contract_upload=upload,
        **fields,
    )


def remove_participant(*, actor: Actor, participant: Participant) -> None:
    project = participant.project
    if not _may_edit_registry(project, actor):
        raise Forbidden("建设单位项目负责人方可完善参建单位信息")
    with transaction.atomic():
        p = _lock(project)
        if p.status not in (S.REGISTERED, S.PREPARING):
            raise Conflict("项目已开工，参建单位不能删除", code="invalid_state")
        if participant.assignments.exists() or participant.subcontracts.exists():
            raise Conflict("该单位已有关键岗位人员或分包记录，不能删除")
        before = audit.snapshot(participant)
        name = participant.organisation.name
        role = participant.get_role_display()
        audit.record(
            actor=actor, action="projects.remove_participant", obj=participant, before=before
        )
        participant.delete()
        node(p, "participant", f"删除{role}：{name}", actor=actor)


# --- key personnel (R-ORG-05, R-ATT-01, R-CHG-04, R-PRJ-09) --------------------------------------


def district_of(project: Project) -> tuple[str, str]:
    """The district a project lies in, for R-CHG-04: (county-level region code,
    root of its organisation tree). Either may be empty when unknown."""
    region = (project.region_code or "")[:6]
    root = ""
    for org in (project.owner, project.industry_authority, project.superior_unit, project.line):
        if org is not None and org.path:
            root = org.district_path
            break
    return region, root


def _same_district(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Same district when the region codes agree (both known), else when the
    organisation trees agree (both known); when neither can be compared the ban
    applies (fail closed, ADR 0107)."""
    if a[0] and b[0]:
        return a[0] == b[0]
    if a[1] and b[1]:
        return a[1] == b[1]
    return True


def may_be_named(
    person: Person,
    position: str,
    on: dt.date,
    *,
    project: Project | None = None,
    region_code: str | None = None,
    procurement_method: str | None = None,
) -> tuple[bool, list[str]]:
    """R-CHG-04 (SY 27(二)): may ``person`` be named for ``position`` on ``on``?

    A person replaced on a project may not hold the same position on another
    **tendered** project (procurement method ``tender``) **of the same district**
    until that project is complete; a direct-award or emergency project, or a
    project of another district, is not concerned. A person replaced for illness
    may not be named for any position until the recovery date (ADR 0106).

    The target is ``project`` when known; otherwise ``region_code`` and
    ``procurement_method`` describe it (the bidding system asks before a project
    exists). Without a procurement method the target is taken to be a tender (the
    bidding system's bids are); without a district the ban applies (ADR 0107).
    Returns (allowed, reasons).
    """
    if project is not None:
        target_district = district_of(project)
        tendered = project.procurement_method == ProcurementMethod.TENDER
    else:
        target_district = ((region_code or "").strip()[:6], "")
        tendered = (procurement_method or ProcurementMethod.TENDER) == ProcurementMethod.TENDER
    reasons = []
    bans = PersonnelBan.objects.filter(person=person).select_related(
        "source_project__owner",
        "source_project__industry_authority",
        "source_project__superior_unit",
        "source_project__line",
    )
    for ban in bans:
        if ban.reason == BanReason.ILLNESS:
            if ban.until is None or on <= ban.until:
                until = f"{ban.until:%Y-%m-%d}" if ban.until else "另行通知"
                reasons.append(
                    f"{person.name}因病变更，治疗恢复期（至 {until}）内不得担任任何项目岗位"
                )
            continue
        if ban.position and ban.position != position:
            continue
        if not tendered:
            continue  # the ban concerns tendered projects only (招投标项目)
        src = ban.source_project
        if project is not None and src is not None and src.pk == project.pk:
            continue
        if src is not None and not _same_district(district_of(src), target_district):
            continue  # another district (区内 only)
        if src is not None and src.status in ACTIVE_STATES:
            reasons.append(
                f"{person.name}已从“{src.name}”的{Position(ban.position).label if ban.position else '岗位'}"
                "变更撤换，该工程完工前不得在区内其他招投标项目担任相同岗位"
            )
        elif src is None and ban.until and on <= ban.until:
            reasons.append(f"{person.name}至 {ban.until:%Y-%m-%d} 前不得担任该岗位")
    return (not reasons, reasons)


def _side(position: str) -> frozenset[str]:
    return CONTRACTOR_POSITIONS if position in CONTRACTOR_POSITIONS else SUPERVISOR_POSITIONS


def _check_certificate(
    person: Person, position: str, certificate: Qualification | None, on: dt.date
) -> None:
    if certificate is None:
        return
    if certificate.person_id != person.pk:
        raise ValidationFailed("该证书不属于所选人员", field="certificate")
    if certificate.kind not in ACCEPTED_CERTIFICATES[position]:
        raise ValidationFailed(
            f"{certificate.get_kind_display()}不能作为{Position(position).label}的岗位证书",
            field="certificate",
        )
    if not certificate.is_valid_on(on):
        raise ValidationFailed(
            f"证书已于 {certificate.valid_until:%Y-%m-%d} 过期", field="certificate"
        )


def assign_key_person(
    *,
    actor: Actor,
    participant: Participant,
    person: Person,
    position: str,
    started_on: dt.date,
    must_check_in: bool | None = None,
    certificate: Qualification | None = None,
) -> KeyPersonAssignment:
    """Name a person for a key position (R-ORG-05), with the certificate.

    Refused when the position does not belong to the unit, a ban forbids it
    (R-CHG-04), or the person is already project manager / chief supervising
    engineer on another active project.
    """
    project = participant.project
    if not (
        _may_edit_registry(project, actor)
        or (
            actor.organisation_id == participant.organisation_id
            and bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER})
        )
    ):
        raise Forbidden("建设单位项目负责人或参建单位总管方可配备关键岗位人员")
    if position not in Position.values:
        raise ValidationFailed("岗位不正确", field="position")
    expected_role = (
        ParticipantRole.CONTRACTOR
        if position in CONTRACTOR_POSITIONS
        else ParticipantRole.SUPERVISING_FIRM
    )
    if participant.role != expected_role:
        raise ValidationFailed(
            f"{Position(position).label}应由{ParticipantRole(expected_role).label}委派",
            field="position",
        )
    if person.organisation_id != participant.organisation_id:
        raise ValidationFailed("人员不属于该参建单位", field="person")
    if not person.is_active:
        raise ValidationFailed("该人员已离职", field="person")
    _check_certificate(person, position, certificate, started_on)
    allowed, reasons = may_be_named(person, position, started_on, project=project)
    if not allowed:
        raise ValidationFailed(
            "；".join(reasons),
            field="person",
            code="personnel_banned",
            basis="R-CHG-04（实施细则第二十七条）",
        )
    with transaction.atomic():
        p = _lock(project)
        _registry_editable(p)
        active = KeyPersonAssignment.objects.filter(project=p, ended_on__isnull=True)
        if position in EXCLUSIVE_POSITIONS:
            holder = active.filter(position=position).select_related("person").first()
            if holder is not None:
                raise Conflict(
                    f"本项目已有{Position(position).label}{holder.person.name}，须先办理人员变更",
                    field="position",
                )
            elsewhere = (
                KeyPersonAssignment.objects.filter(
                    person=person,
                    position=position,
                    ended_on__isnull=True,
                    project__status__in=ACTIVE_STATES,
                )
                .exclude(project=p)
                .select_related("project")
                .first()
            )
            if elsewhere is not None:
                raise Conflict(
                    f"{person.name}已在“{elsewhere.project.name}”担任{Position(position).label}，"
                    "在建项目期间不得同时担任",
                    field="person",
                    code="already_serving",
                )
        if active.filter(person=person, position=position).exists():
            raise Conflict(f"{person.name}已在本项目担任{Position(position).label}", field="person")
        side_musts = active.filter(position__in=_side(position), must_check_in=True).exists()
        if must_check_in is None:
            must_check_in = not (p.is_small_works and side_musts)
        elif must_check_in and p.is_small_works and side_musts:
            raise ValidationFailed(
                "限额以下小额工程施工单位和监理单位各只对 1 名执业人员考勤（R-PRJ-09）",
                field="must_check_in",
            )
        assignment = KeyPersonAssignment.objects.create(
            project=p,
            participant=participant,
            person=person,
            position=position,
            certificate=certificate,
            started_on=started_on,
            must_check_in=must_check_in,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="projects.assign_key_person",
            obj=assignment,
            after=audit.snapshot(assignment),
        )
        node(
            p,
            "key_person",
            f"配备{assignment.get_position_display()}：{person.name}（{participant.organisation.name}）",
            actor=actor,
            detail=(
                f"证书 {certificate.get_kind_display()} {certificate.number}；"
                if certificate
                else ""
            )
            + ("须考勤" if must_check_in else "不考勤"),
        )
        events.publish(
            KeyPersonAssigned(
                **_facts(p, actor),
                assignment_id=assignment.pk,
                person_id=person.pk,
                position=position,
                organisation_id=participant.organisation_id,
                must_check_in=must_check_in,
            )
        )
    return assignment


def end_assignment(
    *, actor: Actor, assignment: KeyPersonAssignment, ended_on: dt.date, reason: str
) -> KeyPersonAssignment:
    """A key person leaves the project (the change workflow, R-CHG-03, calls this
    once the change is approved)."""
    project = assignment.project
    _require_who(OWNER_MANAGERS, project, actor, "办理关键岗位人员离岗")
    reason = _text(reason, field="reason", label="离岗原因", max_len=200)
    with transaction.atomic():
        a = KeyPersonAssignment.objects.select_for_update().get(pk=assignment.pk)
        if a.ended_on is not None:
            raise Conflict("该人员已离岗")
        if ended_on < a.started_on:
            raise ValidationFailed("离岗日期不能早于到岗日期", field="ended_on")
        before = audit.snapshot(a)
        a.ended_on = ended_on
        a.end_reason = reason
        a.updated_at = clock.now()
        a.save()
        audit.record(
            actor=actor,
            action="projects.end_assignment",
            obj=a,
            before=before,
            after=audit.snapshot(a),
        )
        node(
            project,
            "key_person",
            f"{a.get_position_display()}{a.person.name}离岗",
            actor=actor,
            detail=reason,
        )
        events.publish(
            KeyPersonReleased(
                **_facts(project, actor),
                assignment_id=a.pk,
                person_id=a.person_id,
                position=a.position,
                ended_on=ended_on.isoformat(),
                reason=reason,
            )
        )
    return a


def set_checkin_duty(
    *, actor: Actor, assignment: KeyPersonAssignment, must_check_in: bool
) -> KeyPersonAssignment:
    """The owner decides which key persons check in (R-ATT-01); small works: one
    person each of contractor and supervisor (R-PRJ-09)."""
    project = assignment.project
    _require_who(OWNER_MANAGERS, project, actor, "设置考勤人员")
    with transaction.atomic():
        p = _lock(project)
        a = KeyPersonAssignment.objects.select_for_update().get(pk=assignment.pk)
        if a.ended_on is not None:
            raise Conflict("该人员已离岗")
        if a.must_check_in == must_check_in:
            return a
        if (
            must_check_in
            and p.is_small_works
            and KeyPersonAssignment.objects.filter(
                project=p, ended_on__isnull=True, must_check_in=True, position__in=_side(a.position)
            )
            .exclude(pk=a.pk)
            .exists()
        ):
            raise ValidationFailed(
                "限额以下小额工程施工单位和监理单位各只对 1 名执业人员考勤（R-PRJ-09），请先取消另一人的考勤",
                field="must_check_in",
            )
        before = audit.snapshot(a)
        a.must_check_in = must_check_in
        a.updated_at = clock.now()
        a.save()
        audit.record(
            actor=actor,
            action="projects.set_checkin_duty",
            obj=a,
            before=before,
            after=audit.snapshot(a),
        )
        node(
            p,
            "checkin_duty",
            f"{a.get_position_display()}{a.person.name}{'须考勤' if must_check_in else '不再考勤'}",
            actor=actor,
        )
    return a


def set_checkin_stage(
    *,
    actor: Actor,
    project: Project,
    position: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> CheckinStage:
    """R-ATT-01 (SY 26): the owner sets in which stages the technical lead and the
    specialist engineer check in."""
    _require_who(OWNER_MANAGERS, project, actor, "设置考勤阶段")
    if position not in STAGED_POSITIONS:
        raise ValidationFailed("只有技术负责人和专业监理工程师按阶段考勤", field="position")
    name = _text(name, field="name", label="施工阶段名称", max_len=60)
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    with transaction.atomic():
        p = _lock(project)
        if p.status not in ACTIVE_STATES:
            raise Conflict("项目已完工或终止", code="invalid_state")
        overlap = CheckinStage.objects.filter(
            project=p, position=position, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).first()
        if overlap:
            raise ValidationFailed(
                f"与已设置的阶段“{overlap.name}”（{overlap.starts_on:%Y-%m-%d} 至 {overlap.ends_on:%Y-%m-%d}）重叠",
                field="starts_on",
            )
        stage = CheckinStage.objects.create(
            project=p,
            position=position,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            set_by_name=actor.display_name[:100],
            set_at=clock.now(),
        )
        audit.record(
            actor=actor, action="projects.set_checkin_stage", obj=stage, after=audit.snapshot(stage)
        )
        node(
            p,
            "checkin_stage",
            f"设置{stage.get_position_display()}考勤阶段：{name}",
            actor=actor,
            detail=f"{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}",
        )
    return stage


def remove_checkin_stage(*, actor: Actor, stage: CheckinStage) -> None:
    project = stage.project
    _require_who(OWNER_MANAGERS, project, actor, "设置考勤阶段")
    with transaction.atomic():
        if stage.starts_on <= clock.today():
            raise Conflict("已开始的考勤阶段不能删除（可设置新的阶段）")
        audit.record(
            actor=actor,
            action="projects.remove_checkin_stage",
            obj=stage,
            before=audit.snapshot(stage),
        )
        node(
            project,
            "checkin_stage",
            f"删除{stage.get_position_display()}考勤阶段：{stage.name}",
            actor=actor,
        )
        stage.delete()


# --- personnel bans (R-CHG-04) ----------------------------------------------------------------


BAN_RECORDERS = Who(
    "行业主管部门、主管单位或监管办",
    (authority_of, superior_of, supervision_office),
)


def record_personnel_ban(
    *,
    actor: Actor,
    person: Person,
    reason: str,
    source_project: Project,
    position: str = "",
    until: dt.date | None = None,
    note: str = "",
) -> PersonnelBan:
    """Keep a ban that the personnel-change workflow decides (R-CHG-04)."""
    _require_who(BAN_RECORDERS, source_project, actor, "登记人员任职限制")
    if reason not in BanReason.values:
        raise ValidationFailed("限制原因不正确", field="reason")
    if position and position not in Position.values:
        raise ValidationFailed("岗位不正确", field="position")
    if reason == BanReason.REPLACED and not position:
        raise ValidationFailed("变更撤换的限制须指明岗位", field="position")
    if reason == BanReason.ILLNESS:
        if until is None:
            raise ValidationFailed("因病变更须明确治疗恢复时间", field="until")
        position = ""
    with transaction.atomic():
        ban = PersonnelBan.objects.create(
            person=person,
            position=position,
            reason=reason,
            source_project=source_project,
            until=until,
            note=note.strip()[:300],
            created_at=clock.now(),
            created_by_name=actor.display_name[:100],
            organisation_name=actor.org_name[:200],
        )
        audit.record(
            actor=actor,
            action="projects.record_personnel_ban",
            obj=ban,
            after=audit.snapshot(ban),
            project_id=source_project.pk,
        )
        node(
            source_project,
            "personnel_ban",
            f"登记人员任职限制：{person.name}（{ban.get_reason_display().split('（')[0]}）",
            actor=actor,
            detail=note,
        )
        events.publish(
            PersonnelBanRecorded(
                **_facts(source_project, actor),
                ban_id=ban.pk,
                person_id=person.pk,
                position=position,
                reason=reason,
                until=until.isoformat() if until else None,
            )
        )
    return ban


# --- subcontracts (R-PRJ-08) -----------------------------------------------------------------------


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


def register_subcontract(
    *,
    actor: Actor,
    participant: Participant,
    subcontractor_name: str,
    subcontractor_uscc: str,
    scope: str,
    signed_on: dt.date,
    upload: Any = None,
    document: ProjectDocument | None = None,
    amount: Decimal | None = None,
) -> Subcontract:
    """SY 36: where the construction contract allows it, the contractor uploads the
    subcontract and fills in its content and the subcontractor."""
    project = participant.project
    if participant.role != ParticipantRole.CONTRACTOR:
        raise ValidationFailed("只有施工单位可以分包", field="participant")
    if not _contractor_side(project, participant, actor):
        raise Forbidden("施工单位（总管或本项目项目经理）方可登记分包")
    if not participant.allows_subcontract:
        raise ValidationFailed(
            "施工合同未约定允许分包，不能登记分包（R-PRJ-08）",
            field="participant",
            code="subcontract_not_allowed",
        )
    name = _text(subcontractor_name, field="subcontractor_name", label="分包单位名称", max_len=200)
    checked_uscc = check_uscc(subcontractor_uscc)
    if not checked_uscc.ok:
        raise ValidationFailed(checked_uscc.error, field="subcontractor_uscc")
    if participant.organisation.uscc and checked_uscc.value == participant.organisation.uscc:
        raise ValidationFailed("分包单位不能是总承包单位本身", field="subcontractor_uscc")
    scope = _text(scope, field="scope", label="分包内容", min_len=4, max_len=2000)
    signed_on = _check_day(signed_on, field="signed_on", label="签订日期")
    if amount is not None:
        amount = _amount(amount, field="amount", label="分包金额")
    if upload is not None:
        check_upload(upload)
    with transaction.atomic():
        p = _lock(project)
        if p.status not in (S.PREPARING, S.UNDER_CONSTRUCTION, S.SUSPENDED):
            raise Conflict("只有开工准备和在建项目可以登记分包", code="invalid_state")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.SUBCONTRACT,
            title=f"分包合同（{name}）",
            upload=upload,
            document=document,
            field="document_id" if upload is None else "file",
        )
        assert doc is not None
        sub = Subcontract.objects.create(
            project=p,
            participant=participant,
            subcontractor_name=name,
            subcontractor_uscc=checked_uscc.value,
            scope=scope,
            amount=amount,
            signed_on=signed_on,
            document=doc,
            registered_by_name=actor.display_name[:100],
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        audit.record(
            actor=actor, action="projects.register_subcontract", obj=sub, after=audit.snapshot(sub)
        )
        node(p, "subcontract", f"登记分包：{name}", actor=actor, detail=scope[:200], document=doc)
        events.publish(
            SubcontractRegistered(
                **_facts(p, actor),
                subcontract_id=sub.pk,
                subcontractor_name=name,
                subcontractor_uscc=checked_uscc.value,
                scope=scope,
                amount=str(amount) if amount is not None else None,
            )
        )
    return sub


# --- lifecycle transitions ---------------------------------------------------------------------------


def _fire(
    project: Project,
    name: str,
    actor: Actor,
    *,
    node_key: str,
    title: str,
    detail: str = "",
    document: ProjectDocument | None = None,
    event: Callable[[Project], events.DomainEvent] | None = None,
    **kwargs: Any,
) -> Project:
    """Check and fire one declared transition, in the caller's transaction:
    permission (403), state (409), requirements (422); then save, audit, archive
    node, event."""
    workflows.check(project, name, actor)
    before = audit.snapshot(project)
    getattr(project, name)(**kwargs)
    project.updated_at = clock.now()
    project.save()
    audit.record(
        actor=actor,
        action=f"projects.{name}",
        obj=project,
        before=before,
        after=audit.snapshot(project),
    )
    node(project, node_key, title, actor=actor, detail=detail, document=document)
    if event is not None:
        events.publish(event(project))
    return project


def transition(*, actor: Actor, project: Project, name: str, **kwargs: Any) -> Project:
    """Dispatch a transition by name (for the API's generic endpoint)."""
    handlers: dict[str, Callable[..., Project]] = {
        "start_works": start_works,
        "complete": complete_works,
        "accept": accept_works,
        "submit_settlement": submit_settlement,
        "approve_settlement": approve_settlement,
        "pay_funds": record_fund_payment,
        "return_deposit": return_deposit,
        "terminate": terminate_project,
        "resume": resume_works,
    }
    if name not in handlers:
        raise NotFound("没有该流转操作")
    return handlers[name](actor=actor, project=project, **kwargs)


def start_works(*, actor: Actor, project: Project, on: dt.date | None = None) -> Project:
    """开工 (R-PRJ-03): refused until the required information, contracts and key
    personnel are complete; the error lists exactly what is missing."""
    with transaction.atomic():
        p = _lock(project)
        day = on or clock.today()
        workflows.check(p, "start_works", actor)
        _check_day(
            day, field="on", label="开工日期", not_before=p.award_date, not_before_label="中标日期"
        )

        def evt(pr: Project) -> WorksStarted:
            parts = pr.participants.values_list("role", "organisation_id")
            return WorksStarted(
                **_facts(pr, actor),
                actual_start=day.isoformat(),
                is_small_works=pr.is_small_works,
                contractor_ids=[o for r, o in parts if r == ParticipantRole.CONTRACTOR],
                supervising_firm_ids=[o for r, o in parts if r == ParticipantRole.SUPERVISING_FIRM],
            )

        _fire(
            p,
            "start_works",
            actor,
            node_key="works_started",
            title="开工",
            detail=f"实际开工日期 {day:%Y-%m-%d}",
            event=evt,
            on=day,
        )
    return _synced(project, p)


def complete_works(*, actor: Actor, project: Project, on: dt.date | None = None) -> Project:
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "complete", actor)
        day = _check_day(
            on or clock.today(),
            field="on",
            label="完工日期",
            not_before=p.actual_start,
            not_before_label="开工日期",
        )
        _fire(
            p,
            "complete",
            actor,
            node_key="completed",
            title="完工",
            detail=f"实际完工日期 {day:%Y-%m-%d}",
            event=lambda pr: ProjectCompleted(
                **_facts(pr, actor),
                actual_completion=day.isoformat(),
                project_class=pr.project_class,
                contract_amount=str(pr.contract_amount),
            ),
            on=day,
        )
    return _synced(project, p)


def accept_works(
    *,
    actor: Actor,
    project: Project,
    on: dt.date | None = None,
    upload: Any = None,
    document: ProjectDocument | None = None,
    conclusion: str = "",
) -> Project:
    """竣工验收: the acceptance date (today by default) and the conclusion document."""
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "accept", actor)
        day = _check_day(
            on or clock.today(),
            field="on",
            label="验收日期",
            not_before=p.actual_completion,
            not_before_label="完工日期",
        )
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.ACCEPTANCE,
            title="竣工验收结论",
            upload=upload,
            document=document,
            field="document_id" if upload is None else "file",
        )
        assert doc is not None
        _fire(
            p,
            "accept",
            actor,
            node_key="accepted",
            title="竣工验收",
            detail=(conclusion or "").strip()[:1000] or f"验收日期 {day:%Y-%m-%d}",
            document=doc,
            event=lambda pr: ProjectAccepted(
                **_facts(pr, actor), accepted_on=day.isoformat(), document_id=doc.pk
            ),
            on=day,
        )
    return _synced(project, p)


def submit_settlement(
    *,
    actor: Actor,
    project: Project,
    on: dt.date,
    amount: Decimal,
    upload: Any = None,
    document: ProjectDocument | None = None,
) -> Project:
    """结算送审. R-PRJ-05: an uncovered project needs an approved data-completion
    application and the back-filled data first."""
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "submit_settlement", actor)
        day = _check_day(
            on,
            field="on",
            label="送审日期",
            not_before=p.accepted_on,
            not_before_label="竣工验收日期",
        )
        value = _amount(amount, field="amount", label="送审金额")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.SETTLEMENT,
            title="结算送审资料",
            upload=upload,
            document=document,
            required=False,
            field="document_id" if upload is None else "file",
        )
        _fire(
            p,
            "submit_settlement",
            actor,
            node_key="settlement_submitted",
            title="结算送审",
            detail=f"送审金额 {value:,.2f} 元",
            document=doc,
            event=lambda pr: SettlementSubmitted(
                **_facts(pr, actor), submitted_on=day.isoformat(), amount=str(value)
            ),
            on=day,
            amount=value,
        )
    return _synced(project, p)


def approve_settlement(
    *, actor: Actor, project: Project, on: dt.date, amount: Decimal, note: str = ""
) -> Project:
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "approve_settlement", actor)
        day = _check_day(
            on,
            field="on",
            label="审定日期",
            not_before=p.settlement_submitted_on,
            not_before_label="送审日期",
        )
        value = _amount(amount, field="amount", label="审定金额")
        _fire(
            p,
            "approve_settlement",
            actor,
            node_key="settled",
            title="结算审定",
            detail=f"审定金额 {value:,.2f} 元"
            + (f"；{note.strip()[:500]}" if note.strip() else ""),
            event=lambda pr: SettlementApproved(
                **_facts(pr, actor), settled_on=day.isoformat(), amount=str(value)
            ),
            on=day,
            amount=value,
        )
    return _synced(project, p)


def record_fund_payment(*, actor: Actor, project: Project, on: dt.date) -> Project:
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "pay_funds", actor)
        day = _check_day(
            on, field="on", label="拨付日期", not_before=p.settled_on, not_before_label="审定日期"
        )
        _fire(
            p,
            "pay_funds",
            actor,
            node_key="funds_paid",
            title="资金拨付",
            detail=f"拨付日期 {day:%Y-%m-%d}",
            event=lambda pr: FundsPaid(**_facts(pr, actor), paid_on=day.isoformat()),
            on=day,
        )
    return _synced(project, p)


def return_deposit(*, actor: Actor, project: Project, on: dt.date) -> Project:
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "return_deposit", actor)
        day = _check_day(
            on,
            field="on",
            label="退还日期",
            not_before=p.funds_paid_on,
            not_before_label="拨付日期",
        )
        _fire(
            p,
            "return_deposit",
            actor,
            node_key="deposit_returned",
            title="退还质保金",
            detail=f"退还日期 {day:%Y-%m-%d}",
            event=lambda pr: DepositReturned(**_facts(pr, actor), returned_on=day.isoformat()),
            on=day,
        )
    return _synced(project, p)


def terminate_project(
    *,
    actor: Actor,
    project: Project,
    reason: str,
    upload: Any = None,
    document: ProjectDocument | None = None,
    on: dt.date | None = None,
) -> Project:
    """R-PRJ-06 (SY 34): termination requires the owner's written reason report.
    Open suspensions end, key persons leave, open deadlines are cancelled."""
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "terminate", actor)
        reason = _text(reason, field="reason", label="终止原因", min_len=4, max_len=2000)
        day = _check_day(on or clock.today(), field="on", label="终止日期")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.TERMINATION_REPORT,
            title="终止建设书面报告",
            upload=upload,
            document=document,
            field="report_document_id" if upload is None else "report",
        )
        assert doc is not None
        previous = p.status
        now = clock.now()
        for s in Suspension.objects.select_for_update().filter(
            project=p, state__in=(SuspensionState.DECLARED, SuspensionState.CONFIRMED)
        ):
            s.state = (
                SuspensionState.ENDED
                if s.state == SuspensionState.CONFIRMED
                else SuspensionState.WITHDRAWN
            )
            s.ended_at = now if s.state == SuspensionState.ENDED else None
            s.resume_note = "项目终止"
            s.save()
        KeyPersonAssignment.objects.filter(project=p, ended_on__isnull=True).update(
            ended_on=day, end_reason="项目终止", updated_at=now
        )
        # The deadline engine has no per-project cancel yet: the project's open
        # clocks end with it.
        Deadline.objects.filter(project_id=p.pk, state=Deadline.State.OPEN).update(
            state=Deadline.State.CANCELLED, closed_at=now
        )
        _fire(
            p,
            "terminate",
            actor,
            node_key="terminated",
            title="终止建设",
            detail=reason,
            document=doc,
            event=lambda pr: ProjectTerminated(
                **_facts(pr, actor),
                terminated_on=day.isoformat(),
                previous_status=previous,
                reason=reason,
                report_document_id=doc.pk,
            ),
            on=day,
            reason=reason,
        )
    return _synced(project, p)


# --- suspension (R-PRJ-07) ----------------------------------------------------------------------


def _confirming_org(project: Project) -> int | None:
    if project.line_id:
        return project.line_id
    if project.superior_unit_id:
        return project.superior_unit_id
    office = Organisation.objects.filter(
        kind=OrgKind.SUPERVISION_OFFICE,
        path=project.owner.district_path if project.owner else "",
    ).first()
    return office.pk if office else None


def declare_suspension(
    *, actor: Actor, project: Project, started_at: dt.datetime, reason: str
) -> Suspension:
    """SY 35: declared online by the owner on the day it starts, with the time and
    the reason; back-dating is refused."""
    _require_who(OWNER_MANAGERS, project, actor, "申报停工")
    reason = _text(reason, field="reason", label="停工原因", min_len=4, max_len=2000)
    now = clock.now()
    if started_at.tzinfo is None:
        started_at = started_at.replace(tzinfo=clock.LOCAL_TZ)
    if clock.local_date(started_at) != clock.today():
        raise ValidationFailed(
            "停工须在停工当天申报：停工时间应为今天（不能补报或预报）",
            field="started_at",
            basis="R-PRJ-07（实施细则第三十五条）",
        )
    if started_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed("停工时间不能晚于当前时间", field="started_at")
    with transaction.atomic():
        p = _lock(project)
        if p.status != S.UNDER_CONSTRUCTION:
            raise Conflict(
                f"项目当前状态为“{p.get_status_display()}”，不能申报停工", code="invalid_state"
            )
        if Suspension.objects.filter(
            project=p, state__in=(SuspensionState.DECLARED, SuspensionState.CONFIRMED)
        ).exists():
            raise Conflict("已有待确认或进行中的停工")
        try:
            with transaction.atomic():
                s = Suspension.objects.create(
                    project=p,
                    started_at=started_at,
                    reason=reason,
                    declared_at=now,
                    declared_by_id=actor.user_id,
                    declared_by_name=actor.display_name[:100],
                )
        except IntegrityError as exc:
            raise Conflict("已有待确认或进行中的停工") from exc
        audit.record(
            actor=actor, action="projects.declare_suspension", obj=s, after=audit.snapshot(s)
        )
        node(
            p,
            "suspension_declared",
            "申报停工",
            actor=actor,
            detail=f"停工时间 {clock.localtime(started_at):%Y-%m-%d %H:%M}；原因：{reason}",
        )
        events.publish(
            SuspensionDeclared(
                **_facts(p, actor),
                suspension_id=s.pk,
                started_at=started_at.isoformat(),
                reason=reason,
            )
        )
        org_id = _confirming_org(p)
        if org_id:
            open_todo(
                key=f"projects.suspension.{s.pk}",
                kind="projects.suspension_confirm",
                title=f"确认停工：{p.name}",
                organisation_id=org_id,
                project_id=p.pk,
                subject=s,
                url=f"/projects/{p.pk}/#suspensions",
                basis="R-PRJ-07（实施细则第三十五条）",
                detail=reason,
            )
    return s


def withdraw_suspension(*, actor: Actor, suspension: Suspension) -> Suspension:
    _require_who(OWNER_MANAGERS, suspension.project, actor, "撤回停工申报")
    with transaction.atomic():
        s = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if s.state != SuspensionState.DECLARED:
            raise Conflict("只有待确认的停工申报可以撤回")
        before = audit.snapshot(s)
        s.state = SuspensionState.WITHDRAWN
        s.save()
        audit.record(
            actor=actor,
            action="projects.withdraw_suspension",
            obj=s,
            before=before,
            after=audit.snapshot(s),
        )
        node(s.project, "suspension_withdrawn", "撤回停工申报", actor=actor)
        close_todos(key=f"projects.suspension.{s.pk}", state="cancelled")
    return s


def _tell_suspension_decision(s: Suspension, p: Project, actor: Actor) -> None:
    """The one who declared the suspension and the owner leader are told."""
    from postaward.core import notices
    from postaward.orgs.selectors import owner_leader_account_id

    decision = s.get_state_display()
    notices.tell(
        [s.declared_by_id, owner_leader_account_id(p)],
        key=f"projects.suspension:{s.pk}:{s.state}",
        kind="decision",
        title=f"停工申报{decision}：{p.name}",
        body=f"{actor.org_name} {actor.display_name}：{decision}"
        + (f"。意见：{s.decision_note}" if s.decision_note else ""),
        url=f"/projects/{p.pk}/#suspensions",
        project=p,
        actor=actor,
    )


def confirm_suspension(*, actor: Actor, suspension: Suspension, note: str = "") -> Suspension:
    """Confirmed by the superior unit (line) or the supervision office (ADR 0101):
    the project is suspended from the declared time; every open deadline of the
    project pauses (core.deadlines.pause_project), attendance duty stops."""
    with transaction.atomic():
        p = _lock(suspension.project)
        s = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if not workflows.may(p, "suspend", actor):
            raise Forbidden("主管单位（条线）或监管办方可确认停工")
        if s.state != SuspensionState.DECLARED:
            raise Conflict("该停工申报已处理")
        workflows.check(p, "suspend", actor)
        before = audit.snapshot(s)
        s.confirmed_at = clock.now()
        s.confirmed_by_id = actor.user_id
        s.confirmed_by_name = actor.display_name[:100]
        s.confirmed_by_org = actor.org_name[:200]
        s.decision_note = note.strip()[:300]
        _fire(
            p,
            "suspend",
            actor,
            node_key="suspended",
            title="停工（已确认）",
            detail=f"自 {clock.localtime(s.started_at):%Y-%m-%d %H:%M} 起停工；{s.reason}",
            event=lambda pr: ProjectSuspended(
                **_facts(pr, actor),
                suspension_id=s.pk,
                started_at=s.started_at.isoformat(),
                reason=s.reason,
                declared_by=s.declared_by_name,
                confirmed_by=s.confirmed_by_name,
            ),
        )
        s.state = SuspensionState.CONFIRMED
        s.save()
        audit.record(
            actor=actor,
            action="projects.confirm_suspension",
            obj=s,
            before=before,
            after=audit.snapshot(s),
        )
        deadlines.pause_project(p.pk, s.started_at)
        close_todos(key=f"projects.suspension.{s.pk}")
        _tell_suspension_decision(s, p, actor)
    return s


def reject_suspension(*, actor: Actor, suspension: Suspension, note: str) -> Suspension:
    p = suspension.project
    if not workflows.may(p, "suspend", actor):
        raise Forbidden("主管单位（条线）或监管办方可确认停工")
    note = _text(note, field="note", label="不予确认的理由", min_len=2, max_len=300)
    with transaction.atomic():
        s = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if s.state != SuspensionState.DECLARED:
            raise Conflict("该停工申报已处理")
        before = audit.snapshot(s)
        s.state = SuspensionState.REJECTED
        s.confirmed_at = clock.now()
        s.confirmed_by_id = actor.user_id
        s.confirmed_by_name = actor.display_name[:100]
        s.confirmed_by_org = actor.org_name[:200]
        s.decision_note = note
        s.save()
        audit.record(
            actor=actor,
            action="projects.reject_suspension",
            obj=s,
            before=before,
            after=audit.snapshot(s),
        )
        node(p, "suspension_rejected", "停工申报未予确认", actor=actor, detail=note)
        events.publish(SuspensionRejected(**_facts(p, actor), suspension_id=s.pk, note=note))
        close_todos(key=f"projects.suspension.{s.pk}")
        _tell_suspension_decision(s, p, actor)
    return s


def resume_works(*, actor: Actor, project: Project, note: str = "") -> Project:
    """SY 35: resumption is switched on by the owner's project leader; the
    paused clocks restart, extended by the suspended time."""
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "resume", actor)
        s = Suspension.objects.select_for_update().get(project=p, state=SuspensionState.CONFIRMED)
        now = clock.now()
        before = audit.snapshot(s)
        s.ended_at = now
        s.resumed_by_id = actor.user_id
        s.resumed_by_name = actor.display_name[:100]
        s.resume_note = note.strip()[:300]
        from ..selectors import suspension_days

        days = len(suspension_days(s))
        _fire(
            p,
            "resume",
            actor,
            node_key="resumed",
            title="复工",
            detail=f"停工 {days} 天" + (f"；{s.resume_note}" if s.resume_note else ""),
            event=lambda pr: ProjectResumed(
                **_facts(pr, actor),
                suspension_id=s.pk,
                started_at=s.started_at.isoformat(),
                ended_at=now.isoformat(),
                suspended_days=days,
            ),
        )
        s.state = SuspensionState.ENDED
        s.save()
        audit.record(
            actor=actor,
            action="projects.end_suspension",
            obj=s,
            before=before,
            after=audit.snapshot(s),
        )
        deadlines.resume_project(p.pk, now)
    return _synced(project, p)


# --- post-award interview (R-PRJ-11) -----------------------------------------------------------

INTERVIEW_RECORDERS = Who(
    "建设单位项目负责人、总管或行业主管部门",
    (workflows.owner_leader, workflows.owner_admin, authority_of, supervision_office),
)


def record_interview(
    *,
    actor: Actor,
    project: Project,
    held_on: dt.date,
    attendees: Iterable[dict[str, Any]],
    topics: Iterable[str],
    upload: Any = None,
    document: ProjectDocument | None = None,
    location: str = "",
    notes: str = "",
) -> Interview:
    """Before start (HC) the owner with the authority reminds the winner of honest
    performance; recorded with the attendees by organisation, the topics and the
    signed record."""
    _require_who(INTERVIEW_RECORDERS, project, actor, "登记标后约谈")
    held_on = _check_day(held_on, field="held_on", label="约谈日期")
    topic_set = [t for t in InterviewTopic.values if t in set(topics)]
    unknown = set(topics) - set(InterviewTopic.values)
    if unknown:
        raise ValidationFailed("提醒事项不正确", field="topics")
    missing_topics = [InterviewTopic(t).label for t in InterviewTopic.values if t not in topic_set]
    if missing_topics:
        raise ValidationFailed(
            f"履约提醒须涵盖：{'、'.join(missing_topics)}",
            field="topics",
            basis="R-PRJ-11（HC 二(四)4）",
        )
    allowed_orgs = {
        o.pk: o
        for o in Organisation.objects.filter(
            Q(
                pk__in=[
                    project.owner_id,
                    project.industry_authority_id,
                    project.superior_unit_id,
                    project.line_id,
                ]
            )
            | Q(pk__in=project.participants.values("organisation_id"))
            | Q(
                kind=OrgKind.SUPERVISION_OFFICE,
                path=project.owner.district_path if project.owner else "-",
            )
        )
    }
    clean = []
    for i, att in enumerate(attendees):
        org_id = att.get("organisation_id")
        person_name = (att.get("name") or "").strip()
        if not person_name:
            continue
        if org_id not in allowed_orgs:
            raise ValidationFailed(
                f"第 {i + 1} 位参加人员的单位不是本项目的相关单位", field="attendees"
            )
        clean.append(
            {
                "organisation_id": org_id,
                "organisation": allowed_orgs[org_id].name,
                "name": person_name[:50],
                "title": (att.get("title") or "").strip()[:60],
            }
        )
    orgs_present = {a["organisation_id"] for a in clean}
    contractor_ids = set(
        project.participants.filter(role=ParticipantRole.CONTRACTOR).values_list(
            "organisation_id", flat=True
        )
    )
    if project.owner_id not in orgs_present:
        raise ValidationFailed("参加人员须包括建设单位负责人或项目负责人", field="attendees")
    if not contractor_ids:
        raise ValidationFailed("请先登记中标施工单位", field="attendees")
    if not orgs_present & contractor_ids:
        raise ValidationFailed("参加人员须包括中标施工单位的负责人及项目经理", field="attendees")
    if upload is not None:
        check_upload(upload, field="record")
    with transaction.atomic():
        p = _lock(project)
        if p.status not in (S.REGISTERED, S.PREPARING):
            raise Conflict("标后约谈应在开工前进行", code="invalid_state")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.INTERVIEW_RECORD,
            title=f"标后约谈签字记录（{held_on:%Y-%m-%d}）",
            upload=upload,
            document=document,
            field="record_document_id" if upload is None else "record",
        )
        assert doc is not None
        interview = Interview.objects.create(
            project=p,
            held_on=held_on,
            location=location.strip()[:200],
            attendees=clean,
            topics=topic_set,
            notes=notes.strip()[:4000],
            record_document=doc,
            recorded_at=clock.now(),
            recorded_by_name=actor.display_name[:100],
            recorded_by_org=actor.org_name[:200],
        )
        audit.record(
            actor=actor,
            action="projects.record_interview",
            obj=interview,
            after=audit.snapshot(interview),
        )
        node(
            p,
            "interview",
            "标后约谈（履约提醒）",
            actor=actor,
            detail=f"{held_on:%Y-%m-%d}，参加人员："
            + "、".join(f"{a['organisation']}{a['name']}" for a in clean),
            document=doc,
        )
        events.publish(
            InterviewRecorded(
                **_facts(p, actor),
                interview_id=interview.pk,
                held_on=held_on.isoformat(),
                topics=topic_set,
            )
        )
    return interview


# --- abnormal award events (R-PRJ-12) ----------------------------------------------------------

ABNORMAL_RECORDERS = Who(
    "建设单位或行业主管部门", (workflows.owner_leader, workflows.owner_admin, authority_of)
)
ABNORMAL_REVIEWERS = Who("行业主管部门或监管办", (authority_of, supervision_office))


def record_abnormal_event(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    occurred_on: dt.date,
    reason: str,
    party_name: str = "",
    upload: Any = None,
    document: ProjectDocument | None = None,
) -> AbnormalAwardEvent:
    """LC 五: abandonment, cancellation or delayed signing after award, with the
    reason, filed with the industry authority."""
    _require_who(ABNORMAL_RECORDERS, project, actor, "登记标后异常事件")
    if kind not in AbnormalAwardKind.values:
        raise ValidationFailed("事件类型不正确", field="kind")
    occurred_on = _check_day(occurred_on, field="occurred_on", label="发生日期")
    reason = _text(reason, field="reason", label="原因说明", min_len=4, max_len=2000)
    if upload is not None:
        check_upload(upload, field="filing")
    with transaction.atomic():
        p = _lock(project)
        if p.status not in (S.REGISTERED, S.PREPARING, S.TERMINATED):
            raise Conflict("标后异常事件应在开工前登记", code="invalid_state")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.ABNORMAL_FILING,
            title=f"{AbnormalAwardKind(kind).label}报备材料",
            upload=upload,
            document=document,
            required=False,
            field="filing_document_id" if upload is None else "filing",
        )
        evt = AbnormalAwardEvent.objects.create(
            project=p,
            kind=kind,
            occurred_on=occurred_on,
            party_name=party_name.strip()[:200],
            reason=reason,
            filing_document=doc,
            recorded_at=clock.now(),
            recorded_by_name=actor.display_name[:100],
            recorded_by_org=actor.org_name[:200],
        )
        audit.record(
            actor=actor, action="projects.record_abnormal_event", obj=evt, after=audit.snapshot(evt)
        )
        node(
            p,
            "abnormal_award",
            f"标后异常事件：{evt.get_kind_display()}",
            actor=actor,
            detail=reason,
            document=doc,
        )
        events.publish(
            AbnormalAwardRecorded(
                **_facts(p, actor),
                event_id=evt.pk,
                kind=kind,
                occurred_on=occurred_on.isoformat(),
                party_name=evt.party_name,
                reason=reason,
            )
        )
        if p.industry_authority_id:
            open_todo(
                key=f"projects.abnormal.{evt.pk}",
                kind="projects.abnormal_review",
                title=f"标后异常事件备案审查：{p.name}",
                organisation_id=p.industry_authority_id,
                project_id=p.pk,
                subject=evt,
                url=f"/projects/{p.pk}/#abnormal",
                basis="R-PRJ-12",
                detail=reason,
            )
    return evt


def review_abnormal_event(
    *, actor: Actor, event: AbnormalAwardEvent, valid_reason: bool, note: str = ""
) -> AbnormalAwardEvent:
    """The authority files the event when the reason is valid; otherwise it is
    flagged for investigation (an event for the alerts capability)."""
    p = event.project
    _require_who(ABNORMAL_REVIEWERS, p, actor, "审查标后异常事件")
    if not valid_reason:
        note = _text(
            note, field="note", label="审查意见（无正当理由的认定）", min_len=4, max_len=2000
        )
    with transaction.atomic():
        e = AbnormalAwardEvent.objects.select_for_update().get(pk=event.pk)
        if e.state != AbnormalAwardState.REPORTED:
            raise Conflict("该事件已审查")
        before = audit.snapshot(e)
        e.state = AbnormalAwardState.FILED if valid_reason else AbnormalAwardState.FLAGGED
        e.reviewed_at = clock.now()
        e.reviewed_by_name = actor.display_name[:100]
        e.reviewed_by_org = actor.org_name[:200]
        e.review_note = note.strip()[:2000]
        e.save()
        audit.record(
            actor=actor,
            action="projects.review_abnormal_event",
            obj=e,
            before=before,
            after=audit.snapshot(e),
        )
        node(
            p,
            "abnormal_award_review",
            f"{e.get_kind_display()}：{e.get_state_display()}",
            actor=actor,
            detail=e.review_note,
        )
        if not valid_reason:
            events.publish(
                AbnormalAwardFlagged(
                    **_facts(p, actor),
                    event_id=e.pk,
                    kind=e.kind,
                    occurred_on=e.occurred_on.isoformat(),
                    party_name=e.party_name,
                    reason=e.reason,
                    review_note=e.review_note,
                    reviewed_by_org=e.reviewed_by_org,
                )
            )
        close_todos(key=f"projects.abnormal.{e.pk}")
    return e


# --- coverage rule (R-PRJ-05) ---------------------------------------------------------------------

COVERAGE_MARKERS = Who(
    "监管办、行业主管部门或主管单位", (supervision_office, authority_of, superior_of)
)


def mark_uncovered(*, actor: Actor, project: Project, note: str) -> Project:
    """A project found not supervised on the platform: settlement is blocked
    until data completion (SY 33); the people responsible may be held accountable."""
    _require_who(COVERAGE_MARKERS, project, actor, "认定项目未纳入平台监管")
    note = _text(note, field="note", label="认定说明", min_len=4, max_len=300)
    with transaction.atomic():
        p = _lock(project)
        if not p.is_platform_covered:
            raise Conflict("项目已认定为未纳入平台监管")
        before = audit.snapshot(p)
        p.is_platform_covered = False
        p.uncovered_note = note
        p.updated_at = clock.now()
        p.save()
        audit.record(
            actor=actor,
            action="projects.mark_uncovered",
            obj=p,
            before=before,
            after=audit.snapshot(p),
        )
        node(p, "uncovered", "认定未纳入平台监管", actor=actor, detail=note)
        events.publish(ProjectFoundUncovered(**_facts(p, actor), note=note, status=p.status))
    return _synced(project, p)


def apply_data_completion(
    *,
    actor: Actor,
    project: Project,
    reason: str,
    upload: Any = None,
    document: ProjectDocument | None = None,
) -> DataCompletionApplication:
    """The owner files the 项目资料补全申请书 (SY 33)."""
    _require_who(OWNER_MANAGERS, project, actor, "提交资料补全申请")
    reason = _text(reason, field="reason", label="未纳入平台监管的原因", min_len=4, max_len=2000)
    if upload is not None:
        check_upload(upload, field="application")
    with transaction.atomic():
        p = _lock(project)
        if p.is_platform_covered:
            raise Conflict("项目已纳入平台监管，无需补全申请")
        if p.data_completions.filter(
            state__in=(
                DataCompletionState.SUBMITTED,
                DataCompletionState.APPROVED,
                DataCompletionState.BACKFILLED,
            )
        ).exists():
            raise Conflict("已有待审批或已同意的补全申请")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.DATA_COMPLETION,
            title="项目资料补全申请书",
            upload=upload,
            document=document,
            field="application_document_id" if upload is None else "application",
        )
        assert doc is not None
        app = DataCompletionApplication.objects.create(
            project=p,
            reason=reason,
            application_document=doc,
            submitted_at=clock.now(),
            submitted_by_name=actor.display_name[:100],
        )
        audit.record(
            actor=actor, action="projects.apply_data_completion", obj=app, after=audit.snapshot(app)
        )
        node(p, "data_completion", "提交项目资料补全申请", actor=actor, detail=reason, document=doc)
        org_id = p.line_id or p.superior_unit_id
        if org_id:
            open_todo(
                key=f"projects.data_completion.{app.pk}",
                kind="projects.data_completion",
                title=f"审批资料补全申请：{p.name}",
                organisation_id=org_id,
                project_id=p.pk,
                subject=app,
                url=f"/projects/{p.pk}/#coverage",
                basis="R-PRJ-05（实施细则第三十三条）",
            )
    return app


def decide_data_completion(
    *, actor: Actor, application: DataCompletionApplication, approve: bool, note: str = ""
) -> DataCompletionApplication:
    """Approved (or not) by the superior unit (SY 33: 经主管单位同意)."""
    p = application.project
    if not (actor.is_system or superior_of(p, actor)):
        raise Forbidden("主管单位方可审批资料补全申请")
    if not approve:
        note = _text(note, field="note", label="不同意的理由", min_len=2, max_len=300)
    with transaction.atomic():
        app = DataCompletionApplication.objects.select_for_update().get(pk=application.pk)
        if app.state != DataCompletionState.SUBMITTED:
            raise Conflict("该申请已审批")
        before = audit.snapshot(app)
        app.state = DataCompletionState.APPROVED if approve else DataCompletionState.REJECTED
        app.decided_at = clock.now()
        app.decided_by_name = actor.display_name[:100]
        app.decided_by_org = actor.org_name[:200]
        app.decision_note = note.strip()[:300]
        app.save()
        audit.record(
            actor=actor,
            action="projects.decide_data_completion",
            obj=app,
            before=before,
            after=audit.snapshot(app),
        )
        node(
            p,
            "data_completion",
            f"资料补全申请：{'同意' if approve else '不同意'}",
            actor=actor,
            detail=app.decision_note,
        )
        events.publish(
            DataCompletionDecided(
                **_facts(p, actor), application_id=app.pk, approved=approve, note=app.decision_note
            )
        )
        close_todos(key=f"projects.data_completion.{app.pk}")
        from postaward.core import notices
        from postaward.orgs.models import User
        from postaward.orgs.selectors import owner_leader_account_id

        # the owner applied (its project leader, or its accounts when none is named)
        applicants: list[int | None] = [owner_leader_account_id(p)]
        if not applicants[0] and p.owner_id:
            applicants = list(
                User.objects.filter(organisation_id=p.owner_id, is_active=True).values_list(
                    "pk", flat=True
                )[:20]
            )
        notices.tell(
            applicants,
            key=f"projects.data_completion:{app.pk}:{app.state}",
            kind="decision",
            title=f"资料补全申请{app.get_state_display()}：{p.name}",
            body=f"{actor.org_name} {actor.display_name}："
            + ("同意" if approve else "不同意")
            + (f"。意见：{app.decision_note}" if app.decision_note else ""),
            url=f"/projects/{p.pk}/#coverage",
            project=p,
            actor=actor,
        )
    return app


def backfill_dates(
    *, actor: Actor, project: Project, actual_start: dt.date, actual_completion: dt.date | None
) -> Project:
    """Back-fill the dates of an uncovered project after approval (R-PRJ-05)."""
    _require_who(OWNER_MANAGERS, project, actor, "补录项目资料")
    with transaction.atomic():
        p = _lock(project)
        _registry_editable(p)
        if p.is_platform_covered:
            raise Conflict("项目已纳入平台监管，开工、完工日期由流程记录")
        _check_day(actual_start, field="actual_start", label="实际开工日期")
        if actual_completion is not None:
            _check_day(
                actual_completion,
                field="actual_completion",
                label="实际完工日期",
                not_before=actual_start,
                not_before_label="开工日期",
            )
        before = audit.snapshot(p)
        p.actual_start = actual_start
        p.actual_completion = actual_completion
        p.updated_at = clock.now()
        p.save()
        audit.record(
            actor=actor,
            action="projects.backfill_dates",
            obj=p,
            before=before,
            after=audit.snapshot(p),
        )
        node(p, "backfill", "补录开工、完工日期", actor=actor)
    return _synced(project, p)


def confirm_backfill(
    *, actor: Actor, application: DataCompletionApplication
) -> DataCompletionApplication:
    """The owner declares the data back-filled; refused while anything is missing."""
    _require_who(OWNER_MANAGERS, application.project, actor, "确认资料补全")
    with transaction.atomic():
        p = _lock(application.project)
        app = DataCompletionApplication.objects.select_for_update().get(pk=application.pk)
        if app.state != DataCompletionState.APPROVED:
            raise Conflict("补全申请尚未获主管单位同意")
        missing = workflows.backfill_missing(p)
        if missing:
            raise ValidationFailed(
                "资料尚未补全：" + "；".join(m.message for m in missing),
                errors=[m.as_dict() for m in missing],
                code="requirements_not_met",
            )
        before = audit.snapshot(app)
        app.state = DataCompletionState.BACKFILLED
        app.backfilled_at = clock.now()
        app.backfilled_by_name = actor.display_name[:100]
        app.save()
        audit.record(
            actor=actor,
            action="projects.confirm_backfill",
            obj=app,
            before=before,
            after=audit.snapshot(app),
        )
        node(p, "backfill", "项目资料已补全", actor=actor)
    return app


# --- demo / fixtures ---------------------------------------------------------------------------------


def content_file(data: bytes, name: str) -> ContentFile:
    """A named in-memory file (for the demo, the simulator and tests)."""
    return ContentFile(data, name=name)
