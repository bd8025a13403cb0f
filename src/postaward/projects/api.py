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
from postaward.core.types import Date, GeoPosition, Id, StrictId
from postaward.orgs.choices import Industry
from postaward.orgs.models import Person

from . import archive, imports, selectors, services
from .choices import (
    BanReason,
    DocumentCategory,
    ImportChannel,
    ImportFormat,
    Position,
    ProcurementMethod,
    ProjectClass,
    ProjectStatus,
    SiteKind,
)
from .models import (
    AwardImport,
    Project,
    ProjectDocument,
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


# The routes of the sub-domains, on this router after the ones above.
from . import api_agreements, api_lifecycle, api_registry  # noqa: E402, F401
