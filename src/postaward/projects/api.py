"""API of the project registry: import, registration, assignment, participants,
key personnel, lifecycle transitions, suspensions, interviews, abnormal award
events, subcontracts, coverage, documents, archive, statistics and map.

Every read starts from the actor's scope (out of scope answers 404, as if
missing); every write calls one service (a refused role answers 403, a wrong
state 409, unmet requirements 422 listing each one) and accepts an
``Idempotency-Key`` header: a retried request takes effect once.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictBool

from postaward.core import clock, files
from postaward.core.api_base import (
    LimitOffset,
    PatchIn,
    StrictIn,
    actor,
    inline_json_schema,
    responses,
)
from postaward.core.bodies import sha256_of, write_once
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.safejson import BadJson, parse_json_body
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, DateTime, GeoPosition, Id, StrictId
from postaward.orgs.choices import Industry
from postaward.orgs.models import Organisation, Person, Qualification

from . import archive, imports, selectors, services, workflows
from .choices import (
    AbnormalAwardKind,
    BanReason,
    DocumentCategory,
    ImportChannel,
    ImportFormat,
    InterviewTopic,
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectClass,
    ProjectStatus,
    SiteKind,
)
from .models import (
    AbnormalAwardEvent,
    AwardImport,
    CheckinStage,
    DataCompletionApplication,
    KeyPersonAssignment,
    Participant,
    Project,
    ProjectDocument,
    Suspension,
)

router = Router(tags=["项目"])


# --- helpers ----------------------------------------------------------------------------------------


def _project(request: HttpRequest, project_id: int) -> Project:
    return get_visible_or_404(
        Project.objects.select_related("owner", "superior_unit", "line", "industry_authority"),
        actor(request),
        pk=project_id,
    )


def _child(request: HttpRequest, model: Any, pk: int) -> Any:
    """A record of a project, loaded through the project's scope."""
    return get_visible_or_404(model.objects.select_related("project"), actor(request), pk=pk)


def _dump(schema: type[Schema], obj: Any) -> dict[str, Any]:
    return schema.from_orm(obj).model_dump(mode="json")


def _doc(project: Project, document_id: int | None, field: str) -> ProjectDocument | None:
    """A document uploaded before to this project (POST /{project_id}/documents)."""
    if document_id is None:
        return None
    doc = ProjectDocument.objects.filter(project=project, pk=document_id).first()
    if doc is None:
        raise ValidationFailed("所引用的资料不存在（请先上传到本项目）", field=field)
    return doc


# --- schemas ---------------------------------------------------------------------------------------


class ProjectOut(Schema):
    id: int
    code: str
    ocid: str | None
    name: str
    project_class: str
    is_small_works: bool
    procurement_method: str
    source: str
    contract_amount: Decimal
    industry: str
    region_code: str
    region_name: str
    owner_id: int | None
    owner_name: str
    superior_unit_id: int | None
    line_id: int | None
    industry_authority_id: int | None
    owner_leader_id: int | None
    status: str
    status_label: str
    award_date: dt.date | None
    planned_start: dt.date | None
    planned_completion: dt.date | None
    actual_start: dt.date | None
    actual_completion: dt.date | None
    accepted_on: dt.date | None
    settlement_submitted_on: dt.date | None
    settled_on: dt.date | None
    funds_paid_on: dt.date | None
    deposit_returned_on: dt.date | None
    terminated_on: dt.date | None
    is_platform_covered: bool
    site_address: str
    site: dict | None

    @staticmethod
    def resolve_owner_name(obj: Project) -> str:
        return obj.owner.name if obj.owner else ""

    @staticmethod
    def resolve_status_label(obj: Project) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_site(obj: Project) -> dict | None:
        site = obj.site
        return site.to_geojson() if site else None


class ProjectQuery(Schema):
    q: str = ""
    project_class: ProjectClass | None = None
    industry: str = ""
    status: ProjectStatus | None = None
    stage: str = ""
    region_code: str = ""
    owner_id: Id | None = None
    contractor_id: Id | None = None


@router.get("", response=responses(list[ProjectOut]), summary="项目列表（按数据权限）")
@paginate(LimitOffset)
def list_projects(request: HttpRequest, f: Query[ProjectQuery]):  # type: ignore[no-untyped-def]
    return selectors.projects(actor(request), filters=f.dict(exclude_none=True))


class DirectProjectIn(StrictIn):
    name: str = Field(..., min_length=4, max_length=200)
    procurement_method: Literal["direct_award", "emergency"]
    industry: Industry
    contract_amount: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2)
    is_small_works: StrictBool = False
    super_large: StrictBool = False
    planned_start: Date | None = None
    planned_completion: Date | None = None
    site_address: str = Field("", max_length=200)
    owner_leader_id: StrictId | None = None


@router.post(
    "",
    response=responses(ProjectOut, 201),
    summary="录入直接发包、应急工程项目（建设单位项目负责人，R-PRJ-02）",
)
def create_project(request: HttpRequest, payload: DirectProjectIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    data = payload.dict()
    leader_id = data.pop("owner_leader_id")
    leader = (
        Person.objects.filter(pk=leader_id, organisation_id=a.organisation_id).first()
        if leader_id
        else None
    )
    if leader_id and leader is None:
        raise ValidationFailed("项目负责人应为本单位人员", field="owner_leader_id")

    def run() -> dict:
        p = services.register_direct_project(actor=a, owner_leader=leader, **data)
        return _dump(ProjectOut, p)

    return write_once(request, "projects.create", payload.dict(), run, status=201)


class CountItem(Schema):
    key: str
    label: str
    value: int


class CountsOut(Schema):
    stage: list[CountItem]
    project_class: list[CountItem]
    industry: list[CountItem]
    small_works: list[CountItem]


@router.get("/stats", response=responses(CountsOut), summary="项目统计（按阶段、类别、行业）")
def project_stats(request: HttpRequest, f: Query[ProjectQuery]) -> dict:
    return selectors.counts(actor(request), filters=f.dict(exclude_none=True))


class MapQuery(ProjectQuery):
    crs: Literal["wgs84", "gcj02"] = "wgs84"


@router.get("/map", response=responses(dict), summary="项目场地分布（GeoJSON，可选 GCJ-02）")
def project_map(request: HttpRequest, f: Query[MapQuery]) -> dict:
    filters = f.dict(exclude_none=True)
    crs = filters.pop("crs")
    return selectors.site_features(actor(request), filters=filters, crs=crs)


# --- import (R-PRJ-01) --------------------------------------------------------------------------


class ImportErrorOut(Schema):
    row: int
    key: str
    field: str
    reason: str


class ImportOut(Schema):
    id: int
    at: dt.datetime
    channel: str
    format: str
    filename: str
    actor_name: str
    total: int
    created: int
    updated: int
    unchanged: int
    failed: int
    rows: list[dict]
    errors: list[ImportErrorOut]


def _import(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.body
    if not data.strip():
        raise ValidationFailed("请求体为空", field="body")
    filename = request.headers.get("X-Filename", "")[:200]
    if fmt == ImportFormat.OCDS:
        _require_release_package(data)

    def run() -> dict:
        report = imports.import_awards(
            actor=actor(request), data=data, fmt=fmt, channel=ImportChannel.API, filename=filename
        )
        return _dump(ImportOut, report.batch)

    return write_once(
        request,
        f"projects.import.{fmt}",
        {"sha256": hashlib.sha256(data).hexdigest()},
        run,
    )


def _require_release_package(data: bytes) -> None:
    """The OCDS route takes a release package: a JSON object with a non-empty
    ``releases`` array (or one release with its ``ocid``). Anything else is
    refused with 422 before a batch is recorded."""
    try:
        doc = parse_json_body(data)
    except BadJson as exc:
        raise ValidationFailed(exc.message, field=exc.field or "body") from exc
    except ValueError as exc:
        raise ValidationFailed("不是有效的 JSON", field="body") from exc
    if not isinstance(doc, dict):
        raise ValidationFailed("应为 OCDS 发布包（JSON 对象，含 releases 数组）", field="body")
    releases = doc.get("releases")
    if "ocid" not in doc and (not isinstance(releases, list) or not releases):
        raise ValidationFailed("发布包应含非空的 releases 数组", field="releases")


_IMPORT_DOC = (
    "请求体为整个文件（不是 JSON 包装）。逐行导入：有错误的行不写入并逐行报告（行号、字段、原因），"
    "其余行照常导入；同一项目重复导入为更新，数据无变化时不写入。格式见 docs/import-format.md。"
)


@router.post(
    "/imports/ocds",
    response=responses(ImportOut),
    summary="导入中标项目（OCDS 发布包 JSON，招投标系统）",
    description=_IMPORT_DOC,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def import_ocds(request: HttpRequest):  # type: ignore[no-untyped-def]
    return _import(request, ImportFormat.OCDS)


@router.post(
    "/imports/csv",
    response=responses(ImportOut),
    summary="导入中标项目（CSV 模板，UTF-8 或 GBK）",
    description=_IMPORT_DOC,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def import_csv(request: HttpRequest):  # type: ignore[no-untyped-def]
    return _import(request, ImportFormat.CSV)


@router.get("/imports", response=responses(list[ImportOut]), summary="导入记录")
@paginate(LimitOffset)
def list_imports(request: HttpRequest):  # type: ignore[no-untyped-def]
    a = actor(request)
    if not imports._may_import(a):
        raise Forbidden("仅招投标系统对接账号或监管办可以查看导入记录")
    return AwardImport.objects.visible_to(a)


@router.get("/imports/{import_id}", response=responses(ImportOut), summary="导入结果（逐行报告）")
def get_import(request: HttpRequest, import_id: Id) -> AwardImport:
    a = actor(request)
    if not imports._may_import(a):
        raise Forbidden("仅招投标系统对接账号或监管办可以查看导入记录")
    return get_visible_or_404(AwardImport.objects, a, pk=import_id)


# --- personnel bans (R-CHG-04) -----------------------------------------------------------------


class BanCheckQuery(Schema):
    person_id: Id
    position: Position
    on: Date | None = None
    # The target (R-CHG-04 bans only tendered projects of the same district):
    # a project on the platform, or the region and procurement method of a bid.
    project_id: Id | None = None
    region_code: str | None = Field(None, max_length=12)
    procurement_method: ProcurementMethod | None = None


class BanCheckOut(Schema):
    person_id: int
    position: str
    on: dt.date
    project_id: int | None
    region_code: str
    procurement_method: str
    allowed: bool
    reasons: list[str]


@router.get(
    "/personnel-bans/check",
    response=responses(BanCheckOut),
    summary="人员是否可以担任岗位（R-CHG-04，供招投标系统核验）",
)
def check_ban(request: HttpRequest, q: Query[BanCheckQuery]) -> dict:
    a = actor(request)
    person = get_visible_or_404(Person.objects, a, pk=q.person_id)
    on = q.on or clock.today()
    project = None
    if q.project_id is not None:
        if q.region_code is not None or q.procurement_method is not None:
            raise ValidationFailed(
                "指定项目时不再另给区域或发包方式（以项目为准）", field="project_id"
            )
        project = _project(request, q.project_id)
        region = project.region_code
        method = project.procurement_method
    else:
        region = (q.region_code or "").strip()
        method = q.procurement_method or ProcurementMethod.TENDER
    allowed, reasons = services.may_be_named(
        person, q.position, on, project=project, region_code=region, procurement_method=method
    )
    return {
        "person_id": person.pk,
        "position": q.position,
        "on": on,
        "project_id": project.pk if project is not None else None,
        "region_code": region,
        "procurement_method": method,
        "allowed": allowed,
        "reasons": reasons,
    }


class BanIn(StrictIn):
    person_id: StrictId
    source_project_id: StrictId
    reason: BanReason
    position: Position | Literal[""] = ""
    until: Date | None = None
    note: str = Field("", max_length=300)


class BanOut(Schema):
    id: int
    person_id: int
    position: str
    reason: str
    source_project_id: int | None
    until: dt.date | None
    note: str
    created_at: dt.datetime
    created_by_name: str


@router.post(
    "/personnel-bans", response=responses(BanOut, 201), summary="登记人员任职限制（R-CHG-04）"
)
def create_ban(request: HttpRequest, payload: BanIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    project = _project(request, payload.source_project_id)
    person = Person.objects.filter(
        pk=payload.person_id, assignments__project=project
    ).first() or get_visible_or_404(Person.objects, a, pk=payload.person_id)

    def run() -> dict:
        ban = services.record_personnel_ban(
            actor=a,
            person=person,
            reason=payload.reason,
            source_project=project,
            position=payload.position,
            until=payload.until,
            note=payload.note,
        )
        return _dump(BanOut, ban)

    return write_once(request, "projects.ban", payload.dict(), run, status=201)


# --- documents (served through the scope check) ---------------------------------------------------


class DocumentOut(Schema):
    id: int
    category: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by_name: str
    organisation_name: str
    url: str

    @staticmethod
    def resolve_url(obj: ProjectDocument) -> str:
        return f"/api/v1/projects/documents/{obj.pk}"


@router.get(
    "/documents/{document_id}",
    response=responses(None),
    summary="下载项目资料（按数据权限）",
)
def download_document(request: HttpRequest, document_id: Id) -> HttpResponseBase:
    return files.download(ProjectDocument.objects, actor(request), document_id)


# --- one project ------------------------------------------------------------------------------------


@router.get("/{project_id}", response=responses(ProjectOut), summary="项目详情")
def get_project(request: HttpRequest, project_id: Id) -> Project:
    return _project(request, project_id)


class ProjectPatch(PatchIn):
    clearable = frozenset({"planned_start", "planned_completion"})  # null: not planned yet
    name: str | None = Field(None, min_length=4, max_length=200)
    industry: Industry | None = None
    contract_amount: Decimal | None = Field(None, gt=0, max_digits=16, decimal_places=2)
    is_small_works: StrictBool | None = None
    planned_start: Date | None = None
    planned_completion: Date | None = None
    site_address: str | None = Field(None, max_length=200)
    region_name: str | None = Field(None, max_length=60)


@router.patch(
    "/{project_id}", response=responses(ProjectOut), summary="修改项目基本信息（开工前，建设单位）"
)
def update_project(request: HttpRequest, project_id: Id, payload: ProjectPatch):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    changes = payload.dict(exclude_unset=True)
    return write_once(
        request,
        f"projects.update.{p.pk}",
        changes,
        lambda: _dump(
            ProjectOut, services.update_project(actor=actor(request), project=p, **changes)
        ),
    )


class SiteIn(StrictIn):
    site_kind: SiteKind
    lon: float | None = None
    lat: float | None = None
    radius_m: float | None = None
    polygon: list[GeoPosition] | None = Field(
        None, min_length=3, max_length=201, description="顶点 [经度, 纬度]，首尾可相同"
    )
    address: str | None = Field(None, max_length=200)
    crs: Literal["wgs84", "gcj02"] = "wgs84"


@router.put(
    "/{project_id}/site", response=responses(ProjectOut), summary="设置项目场地（圆形或多边形）"
)
def set_site(request: HttpRequest, project_id: Id, payload: SiteIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.site.{p.pk}",
        payload.dict(),
        lambda: _dump(
            ProjectOut, services.set_site(actor=actor(request), project=p, **payload.dict())
        ),
    )


class AssignIn(StrictIn):
    level: Literal["superior_unit", "line", "owner", "owner_leader"]
    target_id: StrictId


@router.post(
    "/{project_id}/assign", response=responses(ProjectOut), summary="逐级分配项目（R-ORG-03）"
)
def assign(request: HttpRequest, project_id: Id, payload: AssignIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    p = _project(request, project_id)

    def run() -> Any:
        done = services.assign(actor=a, project=p, level=payload.level, target_id=payload.target_id)
        return _dump(ProjectOut, done)

    return write_once(request, f"projects.assign.{p.pk}", payload.dict(), run)


class MissingOut(Schema):
    field: str
    message: str


class ReadinessOut(Schema):
    project_id: int
    status: str
    ready: bool
    missing: list[MissingOut]


@router.get(
    "/{project_id}/readiness",
    response=responses(ReadinessOut),
    summary="开工条件检查：尚缺哪些信息、合同和人员（R-PRJ-03）",
)
def readiness(request: HttpRequest, project_id: Id) -> dict:
    p = _project(request, project_id)
    missing = workflows.start_missing(p)
    return {
        "project_id": p.pk,
        "status": p.status,
        "ready": not missing and p.status == ProjectStatus.PREPARING,
        "missing": [m.as_dict() for m in missing],
    }


class TransitionOut(Schema):
    name: str
    label: str
    target: str
    missing: list[MissingOut]


@router.get(
    "/{project_id}/transitions",
    response=responses(list[TransitionOut]),
    summary="当前账号可执行的状态流转及尚缺条件",
)
def transitions(request: HttpRequest, project_id: Id) -> list[dict]:
    return workflows.available(_project(request, project_id), actor(request))


class DateIn(StrictIn):
    on: Date | None = None


class AmountIn(StrictIn):
    on: Date
    amount: Decimal = Field(..., gt=0, max_digits=16, decimal_places=2)
    note: str = Field("", max_length=500)
    document_id: StrictId | None = Field(
        None, description="已上传的结算资料（类别 settlement，可选）"
    )


def _transition(
    request: HttpRequest,
    project_id: int,
    name: str,
    payload: dict,
    fn: Callable[[Project], Project],
) -> HttpResponse:
    p = _project(request, project_id)
    return write_once(request, f"projects.{name}.{p.pk}", payload, lambda: _dump(ProjectOut, fn(p)))


@router.post("/{project_id}/start", response=responses(ProjectOut), summary="开工（R-PRJ-03）")
def start(request: HttpRequest, project_id: Id, payload: DateIn):  # type: ignore[no-untyped-def]
    return _transition(
        request,
        project_id,
        "start",
        payload.dict(),
        lambda p: services.start_works(actor=actor(request), project=p, on=payload.on),
    )


@router.post("/{project_id}/complete", response=responses(ProjectOut), summary="完工")
def complete(request: HttpRequest, project_id: Id, payload: DateIn):  # type: ignore[no-untyped-def]
    return _transition(
        request,
        project_id,
        "complete",
        payload.dict(),
        lambda p: services.complete_works(actor=actor(request), project=p, on=payload.on),
    )


class AcceptIn(StrictIn):
    on: Date
    conclusion: str = Field("", max_length=1000)
    document_id: StrictId = Field(..., description="已上传的竣工验收结论（类别 acceptance）")


@router.post(
    "/{project_id}/accept",
    response=responses(ProjectOut),
    summary="竣工验收（引用已上传的验收结论）",
)
def accept(request: HttpRequest, project_id: Id, payload: AcceptIn):  # type: ignore[no-untyped-def]
    def fn(p: Project) -> Project:
        return services.accept_works(
            actor=actor(request),
            project=p,
            on=payload.on,
            conclusion=payload.conclusion,
            document=_doc(p, payload.document_id, "document_id"),
        )

    return _transition(request, project_id, "accept", payload.dict(), fn)


@router.post(
    "/{project_id}/settlement",
    response=responses(ProjectOut),
    summary="结算送审（未纳入平台监管的项目须先补全资料，R-PRJ-05）",
)
def submit_settlement(request: HttpRequest, project_id: Id, payload: AmountIn):  # type: ignore[no-untyped-def]
    return _transition(
        request,
        project_id,
        "submit_settlement",
        payload.dict(),
        lambda p: services.submit_settlement(
            actor=actor(request),
            project=p,
            on=payload.on,
            amount=payload.amount,
            document=_doc(p, payload.document_id, "document_id"),
        ),
    )


@router.post(
    "/{project_id}/settlement/approve", response=responses(ProjectOut), summary="结算审定（审计局）"
)
def approve_settlement(request: HttpRequest, project_id: Id, payload: AmountIn):  # type: ignore[no-untyped-def]
    return _transition(
        request,
        project_id,
        "approve_settlement",
        payload.dict(),
        lambda p: services.approve_settlement(
            actor=actor(request), project=p, on=payload.on, amount=payload.amount, note=payload.note
        ),
    )


class OnIn(StrictIn):
    on: Date


@router.post("/{project_id}/funds-paid", response=responses(ProjectOut), summary="资金拨付")
def funds_paid(request: HttpRequest, project_id: Id, payload: OnIn):  # type: ignore[no-untyped-def]
    return _transition(
        request,
        project_id,
        "pay_funds",
        payload.dict(),
        lambda p: services.record_fund_payment(actor=actor(request), project=p, on=payload.on),
    )


@router.post("/{project_id}/deposit-returned", response=responses(ProjectOut), summary="退还质保金")
def deposit_returned(request: HttpRequest, project_id: Id, payload: OnIn):  # type: ignore[no-untyped-def]
    return _transition(
        request,
        project_id,
        "return_deposit",
        payload.dict(),
        lambda p: services.return_deposit(actor=actor(request), project=p, on=payload.on),
    )


class TerminateIn(StrictIn):
    reason: str = Field(..., min_length=4, max_length=2000)
    on: Date | None = None
    report_document_id: StrictId = Field(
        ..., description="已上传的终止原因书面报告（类别 termination_report）"
    )


@router.post(
    "/{project_id}/terminate",
    response=responses(ProjectOut),
    summary="终止建设（须有建设单位书面报告，R-PRJ-06）",
)
def terminate(request: HttpRequest, project_id: Id, payload: TerminateIn):  # type: ignore[no-untyped-def]
    def fn(p: Project) -> Project:
        return services.terminate_project(
            actor=actor(request),
            project=p,
            reason=payload.reason,
            on=payload.on,
            document=_doc(p, payload.report_document_id, "report_document_id"),
        )

    return _transition(request, project_id, "terminate", payload.dict(), fn)


# --- suspension (R-PRJ-07) ------------------------------------------------------------------------


class SuspensionOut(Schema):
    id: int
    project_id: int
    state: str
    state_label: str
    started_at: dt.datetime
    reason: str
    declared_at: dt.datetime
    declared_by_name: str
    confirmed_at: dt.datetime | None
    confirmed_by_name: str
    confirmed_by_org: str
    decision_note: str
    ended_at: dt.datetime | None
    resumed_by_name: str
    suspended_days: int

    @staticmethod
    def resolve_state_label(obj: Suspension) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_suspended_days(obj: Suspension) -> int:
        return (
            len(selectors.suspension_days(obj))
            if obj.confirmed_at and obj.state in ("confirmed", "ended")
            else 0
        )


@router.get(
    "/{project_id}/suspensions", response=responses(list[SuspensionOut]), summary="停工记录"
)
def list_suspensions(request: HttpRequest, project_id: Id) -> list[Suspension]:
    return list(_project(request, project_id).suspensions.all())


class SuspensionIn(StrictIn):
    started_at: DateTime
    reason: str = Field(..., min_length=4, max_length=2000)


@router.post(
    "/{project_id}/suspensions",
    response=responses(SuspensionOut, 201),
    summary="申报停工（建设单位，停工当天）",
)
def declare_suspension(request: HttpRequest, project_id: Id, payload: SuspensionIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.suspension.{p.pk}",
        payload.dict(),
        lambda: _dump(
            SuspensionOut,
            services.declare_suspension(
                actor=actor(request),
                project=p,
                started_at=payload.started_at,
                reason=payload.reason,
            ),
        ),
        status=201,
    )


class NoteIn(StrictIn):
    note: str = Field("", max_length=300)


@router.post(
    "/suspensions/{suspension_id}/confirm",
    response=responses(SuspensionOut),
    summary="确认停工（主管单位/条线或监管办）：暂停考勤和计时",
)
def confirm_suspension(request: HttpRequest, suspension_id: Id, payload: NoteIn):  # type: ignore[no-untyped-def]
    s = _child(request, Suspension, suspension_id)
    return write_once(
        request,
        f"projects.suspension_confirm.{s.pk}",
        payload.dict(),
        lambda: _dump(
            SuspensionOut,
            services.confirm_suspension(actor=actor(request), suspension=s, note=payload.note),
        ),
    )


@router.post(
    "/suspensions/{suspension_id}/reject", response=responses(SuspensionOut), summary="不予确认停工"
)
def reject_suspension(request: HttpRequest, suspension_id: Id, payload: NoteIn):  # type: ignore[no-untyped-def]
    s = _child(request, Suspension, suspension_id)
    return write_once(
        request,
        f"projects.suspension_reject.{s.pk}",
        payload.dict(),
        lambda: _dump(
            SuspensionOut,
            services.reject_suspension(actor=actor(request), suspension=s, note=payload.note),
        ),
    )


@router.post(
    "/suspensions/{suspension_id}/withdraw",
    response=responses(SuspensionOut),
    summary="撤回停工申报（建设单位，确认前）",
)
def withdraw_suspension(request: HttpRequest, suspension_id: Id):  # type: ignore[no-untyped-def]
    s = _child(request, Suspension, suspension_id)
    return write_once(
        request,
        f"projects.suspension_withdraw.{s.pk}",
        {},
        lambda: _dump(
            SuspensionOut, services.withdraw_suspension(actor=actor(request), suspension=s)
        ),
    )


@router.post(
    "/{project_id}/resume", response=responses(ProjectOut), summary="复工（建设单位项目负责人）"
)
def resume(request: HttpRequest, project_id: Id, payload: NoteIn):  # type: ignore[no-untyped-def]
    return _transition(
        request,
        project_id,
        "resume",
        payload.dict(),
        lambda p: services.resume_works(actor=actor(request), project=p, note=payload.note),
    )


class PeriodQuery(Schema):
    start: Date
    end: Date


@router.get(
    "/{project_id}/suspended-dates",
    response=responses(list[dt.date]),
    summary="停工日期（不计入考勤率，R-ATT-03）",
)
def suspended_dates(request: HttpRequest, project_id: Id, q: Query[PeriodQuery]) -> list:
    p = _project(request, project_id)
    if q.end < q.start or (q.end - q.start).days > 366:
        raise ValidationFailed("日期范围应在一年以内，且截止日期不早于起始日期", field="end")
    return sorted(selectors.suspended_dates(p, q.start, q.end))


# --- participants and key personnel ---------------------------------------------------------------


class ParticipantOut(Schema):
    id: int
    project_id: int
    organisation_id: int
    organisation_name: str
    role: str
    role_label: str
    contract_number: str
    contract_amount: Decimal | None
    contract_signed_on: dt.date | None
    contract_document: DocumentOut | None
    allows_subcontract: bool
    contract_missing: list[str]

    @staticmethod
    def resolve_organisation_name(obj: Participant) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_role_label(obj: Participant) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_contract_missing(obj: Participant) -> list[str]:
        return obj.contract_missing()


@router.get(
    "/{project_id}/participants", response=responses(list[ParticipantOut]), summary="参建单位及合同"
)
def list_participants(request: HttpRequest, project_id: Id) -> list:
    p = _project(request, project_id)
    return list(
        p.participants.select_related("organisation", "contract_document").order_by("role", "id")
    )


class ParticipantIn(StrictIn):
    organisation_id: StrictId
    role: ParticipantRole
    contract_number: str = Field("", max_length=60)
    contract_amount: Decimal | None = Field(None, gt=0, max_digits=16, decimal_places=2)
    contract_signed_on: Date | None = None
    allows_subcontract: StrictBool = False
    contract_document_id: StrictId | None = Field(
        None, description="已上传的合同文件（类别 contract）"
    )


@router.post(
    "/{project_id}/participants",
    response=responses(ParticipantOut, 201),
    summary="登记参建单位及合同（R-PRJ-03；同一单位同一角色再次提交为更新）",
)
def add_participant(request: HttpRequest, project_id: Id, payload: ParticipantIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    p = _project(request, project_id)
    org = Organisation.objects.filter(
        pk=payload.organisation_id,
        path__startswith=(p.owner or p.industry_authority or Organisation()).district_path or "-",
    ).first()
    if org is None:
        raise ValidationFailed("单位不存在", field="organisation_id")
    fields = payload.dict(exclude={"organisation_id", "role", "contract_document_id"})
    fields = {k: v for k, v in fields.items() if v not in (None, "")}

    def run() -> dict:
        part = services.add_participant(
            actor=a,
            project=p,
            organisation=org,
            role=payload.role,
            contract_document=_doc(p, payload.contract_document_id, "contract_document_id"),
            **fields,
        )
        part.refresh_from_db()
        return _dump(ParticipantOut, part)

    return write_once(request, f"projects.participant.{p.pk}", payload.dict(), run, status=201)


class AssignmentOut(Schema):
    id: int
    project_id: int
    participant_id: int
    person_id: int
    person_name: str
    organisation_name: str
    position: str
    position_label: str
    certificate_id: int | None
    certificate: str
    must_check_in: bool
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str

    @staticmethod
    def resolve_person_name(obj: KeyPersonAssignment) -> str:
        return obj.person.name

    @staticmethod
    def resolve_organisation_name(obj: KeyPersonAssignment) -> str:
        return obj.participant.organisation.name

    @staticmethod
    def resolve_position_label(obj: KeyPersonAssignment) -> str:
        return obj.get_position_display()

    @staticmethod
    def resolve_certificate(obj: KeyPersonAssignment) -> str:
        c = obj.certificate
        return f"{c.get_kind_display()} {c.number}" if c else ""


@router.get(
    "/{project_id}/assignments", response=responses(list[AssignmentOut]), summary="关键岗位人员"
)
def list_assignments(request: HttpRequest, project_id: Id) -> list:
    p = _project(request, project_id)
    return list(
        p.assignments.select_related("person", "participant__organisation", "certificate").order_by(
            "ended_on", "position", "id"
        )
    )


class AssignmentIn(StrictIn):
    participant_id: StrictId
    person_id: StrictId
    position: Position
    started_on: Date
    certificate_id: StrictId | None = None
    must_check_in: StrictBool | None = None


@router.post(
    "/{project_id}/assignments",
    response=responses(AssignmentOut, 201),
    summary="配备关键岗位人员（R-ORG-05；受 R-CHG-04 限制）",
)
def create_assignment(request: HttpRequest, project_id: Id, payload: AssignmentIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    part = p.participants.filter(pk=payload.participant_id).first()
    if part is None:
        raise ValidationFailed("参建单位不存在", field="participant_id")
    person = Person.objects.filter(
        pk=payload.person_id, organisation_id=part.organisation_id
    ).first()
    if person is None:
        raise ValidationFailed("人员不属于该参建单位", field="person_id")
    cert = None
    if payload.certificate_id is not None:
        cert = Qualification.objects.filter(pk=payload.certificate_id, person=person).first()
        if cert is None:
            raise ValidationFailed("该证书不属于所选人员", field="certificate_id")
    return write_once(
        request,
        f"projects.assignment.{p.pk}",
        payload.dict(),
        lambda: _dump(
            AssignmentOut,
            services.assign_key_person(
                actor=actor(request),
                participant=part,
                person=person,
                position=payload.position,
                started_on=payload.started_on,
                certificate=cert,
                must_check_in=payload.must_check_in,
            ),
        ),
        status=201,
    )


class AssignmentPatch(StrictIn):
    must_check_in: StrictBool


@router.patch(
    "/assignments/{assignment_id}",
    response=responses(AssignmentOut),
    summary="设置是否考勤（R-ATT-01、R-PRJ-09）",
)
def patch_assignment(request: HttpRequest, assignment_id: Id, payload: AssignmentPatch):  # type: ignore[no-untyped-def]
    a = _child(request, KeyPersonAssignment, assignment_id)
    return write_once(
        request,
        f"projects.duty.{a.pk}",
        payload.dict(),
        lambda: _dump(
            AssignmentOut,
            services.set_checkin_duty(
                actor=actor(request), assignment=a, must_check_in=payload.must_check_in
            ),
        ),
    )


class EndIn(StrictIn):
    ended_on: Date
    reason: str = Field(..., min_length=1, max_length=200)


@router.post(
    "/assignments/{assignment_id}/end",
    response=responses(AssignmentOut),
    summary="关键岗位人员离岗",
)
def end_assignment(request: HttpRequest, assignment_id: Id, payload: EndIn):  # type: ignore[no-untyped-def]
    a = _child(request, KeyPersonAssignment, assignment_id)
    return write_once(
        request,
        f"projects.end.{a.pk}",
        payload.dict(),
        lambda: _dump(
            AssignmentOut,
            services.end_assignment(
                actor=actor(request), assignment=a, ended_on=payload.ended_on, reason=payload.reason
            ),
        ),
    )


class StageOut(Schema):
    id: int
    project_id: int
    position: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    set_by_name: str


@router.get(
    "/{project_id}/checkin-stages",
    response=responses(list[StageOut]),
    summary="考勤阶段（R-ATT-01）",
)
def list_stages(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).checkin_stages.all())


class StageIn(StrictIn):
    position: Literal["technical_lead", "specialist_engineer"]
    name: str = Field(..., min_length=1, max_length=60)
    starts_on: Date
    ends_on: Date


@router.post(
    "/{project_id}/checkin-stages",
    response=responses(StageOut, 201),
    summary="设置技术负责人、专业监理工程师的考勤阶段（建设单位）",
)
def create_stage(request: HttpRequest, project_id: Id, payload: StageIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.stage.{p.pk}",
        payload.dict(),
        lambda: _dump(
            StageOut, services.set_checkin_stage(actor=actor(request), project=p, **payload.dict())
        ),
        status=201,
    )


@router.delete(
    "/checkin-stages/{stage_id}", response=responses(None, 204), summary="删除尚未开始的考勤阶段"
)
def delete_stage(request: HttpRequest, stage_id: Id):  # type: ignore[no-untyped-def]
    stage = _child(request, CheckinStage, stage_id)
    services.remove_checkin_stage(actor=actor(request), stage=stage)
    return HttpResponse(status=204)


class DutyQuery(Schema):
    on: Date | None = None


class DutyOut(Schema):
    project_id: int
    on: dt.date
    construction_day: bool
    suspended: bool
    assignments: list[AssignmentOut]


@router.get(
    "/{project_id}/checkin-duty",
    response=responses(DutyOut),
    summary="某日须考勤的关键岗位人员（R-ATT-01、R-PRJ-07、R-PRJ-09）",
)
def checkin_duty(request: HttpRequest, project_id: Id, q: Query[DutyQuery]) -> dict:
    p = _project(request, project_id)
    on = q.on or clock.today()
    return {
        "project_id": p.pk,
        "on": on,
        "construction_day": selectors.is_construction_day(p, on),
        "suspended": selectors.is_suspended_on(p, on),
        "assignments": selectors.assignments_due_on(p, on),
    }


# --- interviews, abnormal events, subcontracts -------------------------------------------------


class InterviewOut(Schema):
    id: int
    project_id: int
    held_on: dt.date
    location: str
    attendees: list[dict]
    topics: list[str]
    notes: str
    record_document: DocumentOut
    recorded_by_name: str
    recorded_by_org: str


@router.get(
    "/{project_id}/interviews", response=responses(list[InterviewOut]), summary="标后约谈记录"
)
def list_interviews(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).interviews.select_related("record_document"))


class AttendeeIn(StrictIn):
    organisation_id: StrictId
    name: str = Field(..., min_length=1, max_length=50)
    title: str = Field("", max_length=60)


class InterviewIn(StrictIn):
    held_on: Date
    location: str = Field("", max_length=200)
    topics: list[InterviewTopic]
    attendees: list[AttendeeIn]
    notes: str = Field("", max_length=4000)
    record_document_id: StrictId = Field(
        ..., description="已上传的签字记录（类别 interview_record）"
    )


@router.post(
    "/{project_id}/interviews",
    response=responses(InterviewOut, 201),
    summary="登记标后约谈（履约提醒，R-PRJ-11）",
)
def create_interview(request: HttpRequest, project_id: Id, payload: InterviewIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.interview.{p.pk}",
        payload.dict(),
        lambda: _dump(
            InterviewOut,
            services.record_interview(
                actor=actor(request),
                project=p,
                held_on=payload.held_on,
                attendees=[att.dict() for att in payload.attendees],
                topics=[str(t) for t in payload.topics],
                location=payload.location,
                notes=payload.notes,
                document=_doc(p, payload.record_document_id, "record_document_id"),
            ),
        ),
        status=201,
    )


class AbnormalOut(Schema):
    id: int
    project_id: int
    kind: str
    kind_label: str
    occurred_on: dt.date
    party_name: str
    reason: str
    state: str
    state_label: str
    recorded_by_name: str
    recorded_by_org: str
    reviewed_by_name: str
    review_note: str
    filing_document: DocumentOut | None

    @staticmethod
    def resolve_kind_label(obj: AbnormalAwardEvent) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_state_label(obj: AbnormalAwardEvent) -> str:
        return obj.get_state_display()


@router.get(
    "/{project_id}/abnormal-events",
    response=responses(list[AbnormalOut]),
    summary="标后异常事件（R-PRJ-12）",
)
def list_abnormal(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).abnormal_events.select_related("filing_document"))


class AbnormalIn(StrictIn):
    kind: AbnormalAwardKind
    occurred_on: Date
    party_name: str = Field("", max_length=200)
    reason: str = Field(..., min_length=4, max_length=2000)
    filing_document_id: StrictId | None = Field(
        None, description="已上传的报备材料（类别 abnormal_filing，可选）"
    )


@router.post(
    "/{project_id}/abnormal-events",
    response=responses(AbnormalOut, 201),
    summary="登记弃标、取消采购、拖延签约等异常事件（R-PRJ-12）",
)
def create_abnormal(request: HttpRequest, project_id: Id, payload: AbnormalIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    data = payload.dict(exclude={"filing_document_id"})
    return write_once(
        request,
        f"projects.abnormal.{p.pk}",
        payload.dict(),
        lambda: _dump(
            AbnormalOut,
            services.record_abnormal_event(
                actor=actor(request),
                project=p,
                document=_doc(p, payload.filing_document_id, "filing_document_id"),
                **data,
            ),
        ),
        status=201,
    )


class ReviewIn(StrictIn):
    valid_reason: StrictBool
    note: str = Field("", max_length=2000)


@router.post(
    "/abnormal-events/{event_id}/review",
    response=responses(AbnormalOut),
    summary="审查异常事件：理由正当则备案，否则移交查处（行业主管部门）",
)
def review_abnormal(request: HttpRequest, event_id: Id, payload: ReviewIn):  # type: ignore[no-untyped-def]
    e = _child(request, AbnormalAwardEvent, event_id)
    return write_once(
        request,
        f"projects.abnormal_review.{e.pk}",
        payload.dict(),
        lambda: _dump(
            AbnormalOut,
            services.review_abnormal_event(
                actor=actor(request), event=e, valid_reason=payload.valid_reason, note=payload.note
            ),
        ),
    )


class SubcontractOut(Schema):
    id: int
    project_id: int
    participant_id: int
    subcontractor_name: str
    subcontractor_uscc: str
    scope: str
    amount: Decimal | None
    signed_on: dt.date
    document: DocumentOut
    registered_by_name: str


@router.get(
    "/{project_id}/subcontracts", response=responses(list[SubcontractOut]), summary="分包合同"
)
def list_subcontracts(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).subcontracts.select_related("document"))


class SubcontractIn(StrictIn):
    participant_id: StrictId
    subcontractor_name: str = Field(..., min_length=1, max_length=200)
    subcontractor_uscc: str = Field(..., min_length=18, max_length=18)
    scope: str = Field(..., min_length=4, max_length=2000)
    amount: Decimal | None = Field(None, gt=0, max_digits=16, decimal_places=2)
    signed_on: Date
    document_id: StrictId = Field(..., description="已上传的分包合同（类别 subcontract）")


@router.post(
    "/{project_id}/subcontracts",
    response=responses(SubcontractOut, 201),
    summary="登记分包（施工单位，合同允许分包时，R-PRJ-08）",
)
def create_subcontract(request: HttpRequest, project_id: Id, payload: SubcontractIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    part = p.participants.filter(pk=payload.participant_id).first()
    if part is None:
        raise ValidationFailed("参建单位不存在", field="participant_id")
    data = payload.dict(exclude={"participant_id", "document_id"})
    return write_once(
        request,
        f"projects.subcontract.{p.pk}",
        payload.dict(),
        lambda: _dump(
            SubcontractOut,
            services.register_subcontract(
                actor=actor(request),
                participant=part,
                document=_doc(p, payload.document_id, "document_id"),
                **data,
            ),
        ),
        status=201,
    )


# --- coverage and data completion (R-PRJ-05) -------------------------------------------------------


class CoverageIn(StrictIn):
    note: str = Field(..., min_length=4, max_length=300)


@router.post(
    "/{project_id}/coverage",
    response=responses(ProjectOut),
    summary="认定项目未纳入平台监管（R-PRJ-05）",
)
def mark_uncovered(request: HttpRequest, project_id: Id, payload: CoverageIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.uncovered.{p.pk}",
        payload.dict(),
        lambda: _dump(
            ProjectOut, services.mark_uncovered(actor=actor(request), project=p, note=payload.note)
        ),
    )


class CompletionOut(Schema):
    id: int
    project_id: int
    state: str
    state_label: str
    reason: str
    application_document: DocumentOut
    submitted_at: dt.datetime
    submitted_by_name: str
    decided_at: dt.datetime | None
    decided_by_name: str
    decided_by_org: str
    decision_note: str
    backfilled_at: dt.datetime | None

    @staticmethod
    def resolve_state_label(obj: DataCompletionApplication) -> str:
        return obj.get_state_display()


@router.get(
    "/{project_id}/data-completions",
    response=responses(list[CompletionOut]),
    summary="资料补全申请",
)
def list_completions(request: HttpRequest, project_id: Id) -> list:
    return list(
        _project(request, project_id).data_completions.select_related("application_document")
    )


class CompletionIn(StrictIn):
    reason: str = Field(..., min_length=4, max_length=2000)
    application_document_id: StrictId = Field(
        ..., description="已上传的项目资料补全申请书（类别 data_completion）"
    )


@router.post(
    "/{project_id}/data-completions",
    response=responses(CompletionOut, 201),
    summary="提交项目资料补全申请书（建设单位，R-PRJ-05）",
)
def create_completion(request: HttpRequest, project_id: Id, payload: CompletionIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.completion.{p.pk}",
        payload.dict(),
        lambda: _dump(
            CompletionOut,
            services.apply_data_completion(
                actor=actor(request),
                project=p,
                reason=payload.reason,
                document=_doc(p, payload.application_document_id, "application_document_id"),
            ),
        ),
        status=201,
    )


class DecideIn(StrictIn):
    approve: StrictBool
    note: str = Field("", max_length=300)


@router.post(
    "/data-completions/{application_id}/decide",
    response=responses(CompletionOut),
    summary="审批资料补全申请（主管单位）",
)
def decide_completion(request: HttpRequest, application_id: Id, payload: DecideIn):  # type: ignore[no-untyped-def]
    app = _child(request, DataCompletionApplication, application_id)
    return write_once(
        request,
        f"projects.completion_decide.{app.pk}",
        payload.dict(),
        lambda: _dump(
            CompletionOut,
            services.decide_data_completion(
                actor=actor(request), application=app, approve=payload.approve, note=payload.note
            ),
        ),
    )


@router.post(
    "/data-completions/{application_id}/backfilled",
    response=responses(CompletionOut),
    summary="确认资料已补全（建设单位）",
)
def confirm_backfill(request: HttpRequest, application_id: Id):  # type: ignore[no-untyped-def]
    app = _child(request, DataCompletionApplication, application_id)
    return write_once(
        request,
        f"projects.backfilled.{app.pk}",
        {},
        lambda: _dump(
            CompletionOut, services.confirm_backfill(actor=actor(request), application=app)
        ),
    )


class BackfillDatesIn(StrictIn):
    actual_start: Date
    actual_completion: Date | None = None


@router.put(
    "/{project_id}/backfill-dates",
    response=responses(ProjectOut),
    summary="补录开工、完工日期（未纳入监管的项目，补全申请获批后）",
)
def backfill_dates(request: HttpRequest, project_id: Id, payload: BackfillDatesIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.backfill_dates.{p.pk}",
        payload.dict(),
        lambda: _dump(
            ProjectOut, services.backfill_dates(actor=actor(request), project=p, **payload.dict())
        ),
    )


# --- documents, timeline, archive ----------------------------------------------------------------


@router.get(
    "/{project_id}/documents", response=responses(list[DocumentOut]), summary="项目资料（档案）"
)
def list_documents(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).documents.all())


class DocumentIn(StrictIn):
    category: DocumentCategory
    title: str = Field(..., min_length=1, max_length=200)
    filename: str = Field(..., min_length=1, max_length=200, description="含扩展名，如 合同.pdf")
    content_base64: str = Field(..., description="文件内容（Base64），PDF 或 JPG/PNG，不超过 20 MB")


@router.post(
    "/{project_id}/documents",
    response=responses(DocumentOut, 201),
    summary="上传项目资料（合同、报告、记录等；JSON+Base64 或 multipart）",
    description=(
        "JSON：`{category, title, filename, content_base64}`；或 multipart/form-data："
        "`category`、`title`、`file`。返回资料 id，供登记参建单位、约谈、终止、验收等接口引用。"
        "文件按内容识别类型（PDF、JPEG、PNG），不超过 20 MB。"
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": inline_json_schema(DocumentIn)},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["category", "title", "file"],
                        "properties": {
                            "category": {"type": "string"},
                            "title": {"type": "string"},
                            "file": {"type": "string", "format": "binary"},
                        },
                    }
                },
            },
        }
    },
)
def upload_document(request: HttpRequest, project_id: Id):  # type: ignore[no-untyped-def]
    import base64
    import binascii

    from django.core.files.base import ContentFile

    p = _project(request, project_id)
    upload: Any
    if request.content_type == "multipart/form-data":
        category = request.POST.get("category", "")
        title = request.POST.get("title", "")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed("请上传文件", field="file")
        fingerprint = sha256_of(upload)
    else:
        try:
            payload = DocumentIn(**json.loads(request.body or b"{}"))
        except ValueError as exc:
            raise ValidationFailed(
                "请求数据不符合要求（category、title、filename、content_base64）"
            ) from exc
        try:
            raw = base64.b64decode(payload.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed(
                "content_base64 不是有效的 Base64", field="content_base64"
            ) from exc
        category, title = str(payload.category), payload.title
        upload = ContentFile(raw, name=payload.filename)
        fingerprint = hashlib.sha256(raw).hexdigest()
    return write_once(
        request,
        f"projects.document.{p.pk}",
        {"category": category, "title": title, "sha256": fingerprint},
        lambda: _dump(
            DocumentOut,
            services.upload_document(
                actor=actor(request), project=p, category=category, title=title, upload=upload
            ),
        ),
        status=201,
    )


class TimelineOut(Schema):
    id: int
    at: dt.datetime
    node: str
    title: str
    detail: str
    actor_name: str
    organisation_name: str
    document: DocumentOut | None


@router.get(
    "/{project_id}/timeline",
    response=responses(list[TimelineOut]),
    summary="项目档案时间轴（从招标到退还质保金）",
)
def timeline(request: HttpRequest, project_id: Id) -> list:
    return list(selectors.timeline(_project(request, project_id)))


@router.get(
    "/{project_id}/archive.pdf",
    response=responses(None),
    summary="导出项目档案 PDF（一项目一档案，R-PRJ-04）",
)
def archive_pdf(request: HttpRequest, project_id: Id) -> HttpResponseBase:
    p = _project(request, project_id)
    return archive.pdf_response(p, actor(request))
