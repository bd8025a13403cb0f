"""API of the approval processes (``/api/v1/approvals``): every step a user can
take on the approval pages, through the same services.

- engineering changes and hidden works (raise, read, act on a step, photos);
- personnel changes (initiate with the required documents, agree, review or
  file, the owner's approval form and penalty);
- supervision logs, rectification notices (issue, reply with evidence, review,
  refusal and its handling, the owner's interview), the owner's inspections
  and the evaluation of the contractor;
- completion acceptance (initiate, supervisor review, return as not ready,
  conclusion with opinions and documents), the extension of super-large works,
  village self-acceptance and township re-acceptance, use before acceptance;
- the settlement clock and the submission for audit; the deadlines of every
  process; the supervision office's settings; the documents and photos.

Reads start from the actor's scope (out of scope answers 404); writes call one
service (a refused role 403, a wrong state 409, a rule 422 with its basis) and
accept an ``Idempotency-Key``. Routes that take files accept either JSON with
the files as ``{filename, content_base64}`` or multipart/form-data with the same
field names (ADR 0303)."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictBool

from postaward.core import deadlines, files, steps
from postaward.core.api_base import (
    LimitOffset,
    StrictIn,
    actor,
    responses,
)
from postaward.core.bodies import FILES_NOTE, FileIn, body_doc, parse_body, write_once
from postaward.core.errors import ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, Id, Int64, StrictId, StrictInt64
from postaward.projects import services as project_services
from postaward.projects import workflows as project_workflows
from postaward.projects.choices import ParticipantRole, ProjectStatus
from postaward.projects.models import Participant, Project

from . import exif, selectors, services, workflows
from . import steps as acceptance_steps
from .choices import AcceptanceKind, ExtensionState
from .models import (
    AcceptanceExtension,
    AcceptanceRequest,
    ApprovalDocument,
    ApprovalPolicy,
    ContractorEvaluation,
    HiddenWork,
    HiddenWorkPhoto,
    Inspection,
    RectificationNotice,
    SupervisionLog,
)

router = Router(tags=["流程审批"])


# --- writes, files and the shared parts of every answer ---------------------------------------------


def _write(
    request: HttpRequest, scope: str, payload: Any, fn: Any, status: int = 200
) -> HttpResponse:
    def run() -> Any:
        try:
            return fn()
        except ValidationFailed as exc:
            _as_named_in_the_body(exc, payload)
            raise

    return write_once(request, scope, payload, run, status=status)


def _as_named_in_the_body(exc: ValidationFailed, payload: Any) -> None:
    """The services (shared with the pages) call the step's text ``note``; the
    API's bodies call it ``opinion``: an error names the field the client sent."""
    if not isinstance(payload, dict) or "opinion" not in payload or "note" in payload:
        return
    if exc.field == "note":
        exc.field = "opinion"
    for err in exc.errors:
        if err.get("field") == "note":
            err["field"] = "opinion"


def _dump(schema: type[Schema], obj: Any, request: HttpRequest) -> dict[str, Any]:
    """An answer serialised by its schema (resolvers see the request)."""
    return schema.model_validate(obj, context={"request": request}).model_dump(mode="json")


class DeadlineOut(Schema):
    id: int
    kind: str
    label: str
    requirement: str
    subject_type: str
    subject_id: str
    project_id: int | None
    start: dt.date
    length: int
    unit: str
    unit_label: str
    due_at: dt.datetime
    end_text: str
    roll_note: str = Field("", description="期限届满日逢休息日顺延的说明（无顺延时为空）")
    basis: str
    period: str
    state: str
    state_label: str
    overdue: bool
    paused: bool


def _deadline(d: Any) -> dict[str, Any]:
    s = deadlines.show(d)
    return {
        "id": d.pk,
        "kind": d.kind,
        "label": s.label,
        "requirement": s.requirement,
        "subject_type": d.subject_type,
        "subject_id": d.subject_id,
        "project_id": d.project_id,
        "start": s.start,
        "length": d.length,
        "unit": d.unit,
        "unit_label": s.unit_label,
        "due_at": d.due_at,
        "end_text": s.end_text,
        "roll_note": s.roll_note,
        "basis": d.basis,
        "period": s.period,
        "state": d.state,
        "state_label": s.state_label,
        "overdue": s.overdue,
        "paused": s.paused,
    }


def _deadlines_of(obj: Any, rows: list[Any] | None = None) -> list[dict[str, Any]]:
    return [_deadline(d) for d in (deadlines.deadlines_of(obj) if rows is None else rows)]


def _deadlines_by_subject(objs: list[Any]) -> dict[str, list[Any]]:
    """The deadlines of every object of a list in one query (a list answers in a
    bounded number of queries: core/tests/test_query_bounds.py)."""
    from postaward.core.models import Deadline

    out: dict[str, list[Any]] = {str(o.pk): [] for o in objs}
    if objs:
        for d in Deadline.objects.filter(
            subject_type=objs[0]._meta.label_lower, subject_id__in=list(out)
        ).order_by("started_at", "pk"):
            out[d.subject_id].append(d)
    return out


class StepOut(Schema):
    """One step taken in a process: who, when, for which unit, with what opinion."""

    action: str
    label: str
    opinion: str
    at: dt.datetime
    actor_name: str
    organisation_name: str


class ApprovalDocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by_name: str
    organisation_name: str
    url: str = Field(..., description="下载地址（按数据权限）")


def _steps(obj: Any) -> list[dict[str, Any]]:
    return [StepOut.from_orm(s).model_dump(mode="json") for s in services.steps_of(obj)]


def _documents(obj: Any) -> list[dict[str, Any]]:
    return [
        ApprovalDocumentOut(
            id=d.pk,
            kind=d.kind,
            kind_label=d.get_kind_display(),
            title=d.title,
            original_name=d.original_name,
            content_type=d.content_type,
            size=d.size,
            sha256=d.sha256,
            uploaded_at=d.uploaded_at,
            uploaded_by_name=d.uploaded_by_name,
            organisation_name=d.organisation_name,
            url=f"/api/v1/approvals/documents/{d.pk}",
        ).model_dump(mode="json")
        for d in services.documents_of(obj)
    ]


Allowed = Callable[[Any, Any], bool]


def _transition(name: str) -> Allowed:
    return lambda obj, a: workflows.can(obj, name, a)


def _actions(obj: Any, a: Any, table: dict[str, Allowed]) -> list[str]:
    """The steps this account may take now (by role and state; periods and other
    rules are checked when the step is submitted)."""
    return [name for name, allowed in table.items() if allowed(obj, a)]


def _request_actor(context: Any) -> Any:
    return actor(context["request"])


ACTIONS_DOC = "当前账号现在可办理的环节（按角色和状态；期限等规则在提交时核验）"


# --- engineering changes (R-CHG-01, 02, 05): api_changes.py ------------------------------------------


class StepIn(StrictIn):
    opinion: str = Field("", max_length=2000)


class ChangeQuery(Schema):
    project: Int64 | None = None
    state: str = ""


# --- hidden works (R-HID-01..03) ---------------------------------------------------------------------


class PhotoOut(Schema):
    id: int
    kind: str
    taken_at: dt.datetime | None
    lon: float | None
    lat: float | None
    distance_m: float | None
    warnings: list[str]


class HiddenWorkOut(Schema):
    id: int
    number: str
    project_id: int
    part_name: str
    description: str
    work_date: dt.date
    is_important: bool
    state: str
    state_label: str
    standby_at: dt.datetime | None
    owner_standby_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    photos: list[PhotoOut]
    deadlines: list[DeadlineOut]


class HiddenWorkDetailOut(HiddenWorkOut):
    participant_id: int
    applied_at: dt.datetime
    applied_by_name: str
    standby_by_name: str
    supervisor_opinion: str
    owner_standby_by_name: str
    owner_standby_opinion: str
    reviewed_by_name: str
    review_opinion: str
    photo_urls: dict[str, str] = Field(..., description="照片 id → 下载地址")
    steps: list[StepOut]
    documents: list[ApprovalDocumentOut]
    actions: list[str] = Field(..., description=ACTIONS_DOC)


def _hidden(hw: HiddenWork) -> dict[str, Any]:
    data = {
        "id": hw.pk,
        "number": hw.number,
        "project_id": hw.project_id,
        "part_name": hw.part_name,
        "description": hw.description,
        "work_date": hw.work_date,
        "is_important": hw.is_important,
        "state": hw.state,
        "state_label": hw.get_state_display(),
        "standby_at": hw.standby_at,
        "owner_standby_at": hw.owner_standby_at,
        "reviewed_at": hw.reviewed_at,
        "photos": [
            {
                "id": p.pk,
                "kind": p.kind,
                "taken_at": p.taken_at,
                "lon": p.lon,
                "lat": p.lat,
                "distance_m": p.distance_m,
                "warnings": p.warnings,
            }
            for p in services.current_photos(hw)
        ],
        "deadlines": _deadlines_of(hw),
    }
    return HiddenWorkOut(**data).model_dump(mode="json")


HIDDEN_STEPS: dict[str, Allowed] = {
    "photos": lambda hw, a: (
        workflows.can(hw, "record_standby", a)
        or (hw.state in ("accepted", "returned") and workflows.SUPERVISOR(hw, a))
    ),
    "owner-standby": lambda hw, a: (
        hw.is_important and hw.owner_standby_at is None and workflows.OWNER_STAFF(hw, a)
    ),
    "approve": _transition("approve_review"),
    "return": _transition("return_photos"),
    "resubmit": _transition("resubmit"),
    "withdraw": _transition("withdraw"),
    "important": lambda hw, a: (
        not hw.is_important and hw.state == "applied" and workflows.OWNER_STAFF(hw, a)
    ),
}


def _hidden_detail(hw: HiddenWork, a: Any) -> dict[str, Any]:
    base = _hidden(hw)
    data = {
        **base,
        "participant_id": hw.participant_id,
        "applied_at": hw.applied_at,
        "applied_by_name": hw.applied_by_name,
        "standby_by_name": hw.standby_by_name,
        "supervisor_opinion": hw.supervisor_opinion,
        "owner_standby_by_name": hw.owner_standby_by_name,
        "owner_standby_opinion": hw.owner_standby_opinion,
        "reviewed_by_name": hw.reviewed_by_name,
        "review_opinion": hw.review_opinion,
        "photo_urls": {str(p["id"]): f"/api/v1/approvals/photos/{p['id']}" for p in base["photos"]},
        "steps": _steps(hw),
        "documents": _documents(hw),
        "actions": _actions(hw, a, HIDDEN_STEPS),
    }
    return HiddenWorkDetailOut(**data).model_dump(mode="json")


class HiddenWorkIn(StrictIn):
    project_id: StrictId
    part_name: str = Field(..., max_length=200)
    description: str = Field(..., max_length=4000)
    work_date: Date
    is_important: StrictBool = False


@router.get(
    "/hidden-works", response=responses(list[HiddenWorkOut]), summary="隐蔽工程（按数据权限）"
)
@paginate(LimitOffset)
def list_hidden_works(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    return [_hidden(h) for h in selectors.hidden_works(actor(request), q.dict())[:500]]


@router.post(
    "/hidden-works",
    response=responses(HiddenWorkDetailOut, 201),
    summary="申请隐蔽工程验收（施工日前2天内，R-HID-01）",
)
def create_hidden_work(request: HttpRequest, payload: HiddenWorkIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)
    pts = [
        pt
        for pt in project.participants.filter(role=ParticipantRole.CONTRACTOR)
        if a.is_system or workflows.contractor(HiddenWork(project=project, participant=pt), a)
    ]
    participant = (
        pts[0] if pts else project.participants.filter(role=ParticipantRole.CONTRACTOR).first()
    )
    if participant is None:
        raise ValidationFailed("该项目没有施工单位", field="project_id")

    def fn() -> dict[str, Any]:
        return _hidden_detail(
            services.apply_hidden_work(
                actor=a,
                project=project,
                participant=participant,
                part_name=payload.part_name,
                description=payload.description,
                work_date=payload.work_date,
                is_important=payload.is_important,
            ),
            a,
        )

    return _write(request, f"approvals.hidden.{project.pk}", payload.dict(), fn, status=201)


@router.get(
    "/hidden-works/{hidden_work_id}",
    response=responses(HiddenWorkDetailOut),
    summary="隐蔽工程详情（影像及核验提示、期限、环节记录）",
)
def get_hidden_work(request: HttpRequest, hidden_work_id: Id) -> dict:
    a = actor(request)
    return _hidden_detail(get_visible_or_404(HiddenWork.objects, a, pk=hidden_work_id), a)


CAPTURE_NOTE = (
    '拍照时客户端记录的时间和位置（可选，JSON：{"t": "ISO 8601 时间", "lon": 经度, "lat": 纬度}）；'
    "照片有 EXIF 时一并核验，没有时以此为准"
)


class PhotosIn(StrictIn):
    opinion: str = Field("", max_length=2000, description="旁站验收意见（旁站验收时必填）")
    before: FileIn | None = Field(None, description="施工前照片")
    after: FileIn | None = Field(None, description="施工后照片")
    scale: FileIn | None = Field(None, description="验收带标尺照片")
    before_capture: str = Field("", max_length=500, description=CAPTURE_NOTE)
    after_capture: str = Field("", max_length=500, description=CAPTURE_NOTE)
    scale_capture: str = Field("", max_length=500, description=CAPTURE_NOTE)


@router.post(
    "/hidden-works/{hidden_work_id}/photos",
    response=responses(HiddenWorkDetailOut),
    summary="上传隐蔽工程影像（旁站验收时或之后；EXIF 时间和位置核验，R-HID-02）",
    description=FILES_NOTE,
    openapi_extra=body_doc(PhotosIn),
)
def upload_hidden_photos(request: HttpRequest, hidden_work_id: Id) -> HttpResponse:
    a = actor(request)
    hw = get_visible_or_404(HiddenWork.objects.select_related("project"), a, pk=hidden_work_id)
    body = parse_body(request, PhotosIn)
    photos = {k: v for k, v in body.files.items() if v is not None}
    captures = {
        k: exif.parse_capture(getattr(body.data, f"{k}_capture"))
        for k in ("before", "after", "scale")
    }

    def fn() -> dict[str, Any]:
        if hw.state == "applied":
            services.record_standby(
                actor=a,
                hidden_work=hw,
                opinion=body.data.opinion,
                photos=photos,
                captures=captures,
            )
        else:
            services.upload_photos(actor=a, hidden_work=hw, photos=photos, captures=captures)
        hw.refresh_from_db()
        return _hidden_detail(hw, a)

    return _write(request, f"approvals.hidden.{hw.pk}.photos", body.fingerprint, fn)


HIDDEN_ACTIONS = {
    "owner-standby": lambda a, hw, o: services.record_owner_standby(
        actor=a, hidden_work=hw, opinion=o
    ),
    "approve": lambda a, hw, o: services.approve_review(actor=a, hidden_work=hw, opinion=o),
    "return": lambda a, hw, o: services.return_photos(actor=a, hidden_work=hw, opinion=o),
    "resubmit": lambda a, hw, o: services.resubmit(actor=a, hidden_work=hw),
    "withdraw": lambda a, hw, o: services.withdraw_hidden_work(actor=a, hidden_work=hw),
    "important": lambda a, hw, o: services.mark_important(actor=a, hidden_work=hw, note=o),
}


@router.post(
    "/hidden-works/{hidden_work_id}/{action}",
    response=responses(HiddenWorkDetailOut),
    summary="隐蔽工程环节：owner-standby、approve、return、resubmit、withdraw、important",
)
def act_on_hidden_work(
    request: HttpRequest,
    hidden_work_id: Id,
    action: Literal["owner-standby", "approve", "return", "resubmit", "withdraw", "important"],
    payload: StepIn,
) -> HttpResponse:
    a = actor(request)
    hw = get_visible_or_404(HiddenWork.objects.select_related("project"), a, pk=hidden_work_id)

    def fn() -> dict[str, Any]:
        HIDDEN_ACTIONS[action](a, hw, payload.opinion)
        hw.refresh_from_db()
        return _hidden_detail(hw, a)

    return _write(request, f"approvals.hidden.{hw.pk}.{action}", payload.dict(), fn)


# --- deadlines ---------------------------------------------------------------------------------------


class DeadlineQuery(Schema):
    project: Int64 | None = None
    state: str = ""
    kind: str = ""


@router.get(
    "/deadlines",
    response=responses(list[DeadlineOut]),
    summary="流程审批的办理期限（起算、长度、单位、届满、依据）",
)
@paginate(LimitOffset)
def list_deadlines(request: HttpRequest, q: Query[DeadlineQuery]) -> list:  # type: ignore[type-arg]
    return [_deadline(d) for d in selectors.deadline_rows(actor(request), q.dict())[:1000]]


# --- engineering and personnel changes (R-CHG-01..06): api_changes.py, on the helpers above ---------

from .api_changes import router as changes_router  # noqa: E402

router.add_router("", changes_router)


# --- supervision logs (R-SUP-01, R-SUP-03) ----------------------------------------------------------


class LogOut(Schema):
    id: int
    project_id: int
    log_date: dt.date
    state: str
    state_label: str
    weather: str
    progress: str
    issues: str
    recorded_at: dt.datetime | None
    recorded_by_name: str
    recorded_by_org: str
    late: bool = Field(..., description="当日 24:00 后补填")
    deadlines: list[DeadlineOut]

    @staticmethod
    def resolve_state_label(obj: SupervisionLog) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_deadlines(obj: SupervisionLog) -> list[dict[str, Any]]:
        return _deadlines_of(obj)


@router.get(
    "/logs",
    response=responses(list[LogOut]),
    summary="监理日志（按数据权限；每个施工日一条，当日 24:00 前填写）",
)
@paginate(LimitOffset)
def list_logs(request: HttpRequest, q: Query[ChangeQuery]):  # type: ignore[no-untyped-def]
    return selectors.logs(actor(request), q.dict())


class LogIn(StrictIn):
    project_id: StrictId
    log_date: Date
    weather: str = Field("", max_length=40)
    progress: str = Field(..., max_length=4000, description="施工进展")
    issues: str = Field("", max_length=4000, description="质量安全问题及处理")


@router.post(
    "/logs",
    response=responses(LogOut, 201),
    summary="填写监理日志（本项目监理单位，R-SUP-01）",
)
def create_log(request: HttpRequest, payload: LogIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        log = services.record_log(
            actor=a,
            project=project,
            log_date=payload.log_date,
            weather=payload.weather,
            progress=payload.progress,
            issues=payload.issues,
        )
        return _dump(LogOut, log, request)

    return _write(request, f"approvals.log.{project.pk}", payload.dict(), fn, status=201)


@router.get("/logs/{log_id}", response=responses(LogOut), summary="监理日志详情")
def get_log(request: HttpRequest, log_id: Id) -> SupervisionLog:
    return get_visible_or_404(SupervisionLog.objects, actor(request), pk=log_id)


# --- rectification notices (R-SUP-01, R-SUP-02) -------------------------------------------------------


NOTICE_STEPS: dict[str, Allowed] = {
    "reply": _transition("answer"),
    "close": _transition("close"),
    "reopen": _transition("reopen"),
    "interview": lambda n, a: n.overdue and n.interview_at is None and workflows.OWNER(n, a),
    "refuse": _transition("refuse"),
    "handle": _transition("handle"),
}


class NoticeOut(Schema):
    id: int
    number: str
    project_id: int
    participant_id: int
    contractor_name: str
    title: str
    content: str
    required_by: dt.date
    state: str
    state_label: str
    round: int
    issued_at: dt.datetime
    issued_by_name: str
    issued_by_org: str
    reply: str
    replied_at: dt.datetime | None
    review_opinion: str
    closed_at: dt.datetime | None
    overdue: bool
    interview_at: dt.datetime | None
    interview_note: str
    refused_at: dt.datetime | None
    refusal_note: str
    handled_at: dt.datetime | None
    handling_note: str
    deadlines: list[DeadlineOut]

    @staticmethod
    def resolve_contractor_name(obj: RectificationNotice) -> str:
        org = obj.participant.organisation
        return org.name if org else ""

    @staticmethod
    def resolve_state_label(obj: RectificationNotice) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_deadlines(obj: RectificationNotice) -> list[dict[str, Any]]:
        return _deadlines_of(obj)


class NoticeDetailOut(NoticeOut):
    steps: list[StepOut]
    documents: list[ApprovalDocumentOut]
    actions: list[str] = Field(..., description=ACTIONS_DOC)

    @staticmethod
    def resolve_steps(obj: RectificationNotice) -> list[dict[str, Any]]:
        return _steps(obj)

    @staticmethod
    def resolve_documents(obj: RectificationNotice) -> list[dict[str, Any]]:
        return _documents(obj)

    @staticmethod
    def resolve_actions(obj: RectificationNotice, context: Any) -> list[str]:
        return _actions(obj, _request_actor(context), NOTICE_STEPS)


def _notice(request: HttpRequest, pk: int) -> RectificationNotice:
    return get_visible_or_404(
        RectificationNotice.objects.select_related("project", "participant__organisation"),
        actor(request),
        pk=pk,
    )


def _notice_answer(request: HttpRequest, n: RectificationNotice) -> dict[str, Any]:
    n.refresh_from_db()
    return _dump(NoticeDetailOut, n, request)


@router.get(
    "/notices",
    response=responses(list[NoticeOut]),
    summary="监理通知单（按数据权限）",
)
@paginate(LimitOffset)
def list_notices(request: HttpRequest, q: Query[ChangeQuery]):  # type: ignore[no-untyped-def]
    return selectors.notices(actor(request), q.dict())


def _contractor(project: Project, participant_id: int | None) -> Participant:
    """The named participant of the project, or its (first) contractor when none
    is named; the service checks that it is a contractor."""
    qs = project.participants.all()
    participant = (
        qs.filter(role=ParticipantRole.CONTRACTOR).order_by("id").first()
        if participant_id is None
        else qs.filter(pk=participant_id).first()
    )
    if participant is None:
        raise ValidationFailed("请选择本项目的施工单位", field="participant_id")
    return participant


class NoticeIn(StrictIn):
    project_id: StrictId
    participant_id: StrictId | None = Field(
        None, description="整改的施工单位（参建记录）；不填为本项目的施工单位"
    )
    title: str = Field(..., max_length=200, description="事由")
    content: str = Field(..., max_length=4000, description="问题及整改要求")
    required_by: Date = Field(..., description="整改期限（当日 24:00 前）")


@router.post(
    "/notices",
    response=responses(NoticeDetailOut, 201),
    summary="签发监理通知单（本项目监理单位，R-SUP-01）",
)
def create_notice(request: HttpRequest, payload: NoticeIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)
    participant = _contractor(project, payload.participant_id)

    def fn() -> dict[str, Any]:
        n = services.issue_notice(
            actor=a,
            project=project,
            participant=participant,
            title=payload.title,
            content=payload.content,
            required_by=payload.required_by,
        )
        return _dump(NoticeDetailOut, n, request)

    return _write(request, f"approvals.notice.{project.pk}", payload.dict(), fn, status=201)


@router.get(
    "/notices/{notice_id}",
    response=responses(NoticeDetailOut),
    summary="监理通知单详情（整改佐证、环节记录、当前可办理的环节）",
)
def get_notice(request: HttpRequest, notice_id: Id) -> RectificationNotice:
    return _notice(request, notice_id)


class ReplyIn(StrictIn):
    reply: str = Field(..., max_length=4000, description="整改情况")
    evidence: list[FileIn] = Field([], description="整改佐证（照片或文件，至少一份）")


@router.post(
    "/notices/{notice_id}/reply",
    response=responses(NoticeDetailOut),
    summary="施工单位整改回复（附佐证资料，R-SUP-01）",
    description=FILES_NOTE,
    openapi_extra=body_doc(ReplyIn),
)
def reply_notice(request: HttpRequest, notice_id: Id) -> HttpResponse:
    a = actor(request)
    n = _notice(request, notice_id)
    body = parse_body(request, ReplyIn)

    def fn() -> dict[str, Any]:
        services.reply_notice(
            actor=a, notice=n, reply=body.data.reply, evidence=body.files["evidence"]
        )
        return _notice_answer(request, n)

    return _write(request, f"approvals.notice.{n.pk}.reply.{n.round}", body.fingerprint, fn)


class NoticeReopenIn(StrictIn):
    opinion: str = Field(..., max_length=2000, description="复查意见")
    required_by: Date = Field(..., description="新的整改期限")


@router.post(
    "/notices/{notice_id}/reopen",
    response=responses(NoticeDetailOut),
    summary="监理复查不合格，重新整改（新的整改期限，R-SUP-01）",
)
def reopen_notice(request: HttpRequest, notice_id: Id, payload: NoticeReopenIn) -> HttpResponse:
    a = actor(request)
    n = _notice(request, notice_id)

    def fn() -> dict[str, Any]:
        services.reopen_notice(
            actor=a, notice=n, opinion=payload.opinion, required_by=payload.required_by
        )
        return _notice_answer(request, n)

    return _write(request, f"approvals.notice.{n.pk}.reopen.{n.round}", payload.dict(), fn)


NOTICE_ACTIONS = {
    "close": lambda a, n, o: services.close_notice(actor=a, notice=n, opinion=o),
    "interview": lambda a, n, o: services.record_interview(actor=a, notice=n, note=o),
    "refuse": lambda a, n, o: services.record_refusal(actor=a, notice=n, note=o),
    "handle": lambda a, n, o: services.handle_refusal(actor=a, notice=n, note=o),
}


@router.post(
    "/notices/{notice_id}/{action}",
    response=responses(NoticeDetailOut),
    summary="监理通知单环节：close（监理复查合格）、interview（逾期，建设单位登记约谈）、refuse（登记拒不整改，报行业主管部门）、handle（行业主管部门调查处理）；opinion 为意见或情况说明",
)
def act_on_notice(
    request: HttpRequest,
    notice_id: Id,
    action: Literal["close", "interview", "refuse", "handle"],
    payload: StepIn,
) -> HttpResponse:
    a = actor(request)
    n = _notice(request, notice_id)

    def fn() -> dict[str, Any]:
        NOTICE_ACTIONS[action](a, n, payload.opinion)
        return _notice_answer(request, n)

    return _write(request, f"approvals.notice.{n.pk}.{action}.{n.round}", payload.dict(), fn)


# --- the owner's inspections and the evaluation of the contractor (R-SUP-04) -------------------------


class InspectionOut(Schema):
    id: int
    project_id: int
    inspected_on: dt.date
    inspectors: str
    aspects: list[str]
    aspect_labels: list[str]
    findings: str
    result: str
    result_label: str
    recorded_at: dt.datetime
    recorded_by_name: str
    recorded_by_org: str
    documents: list[ApprovalDocumentOut]

    @staticmethod
    def resolve_aspect_labels(obj: Inspection) -> list[str]:
        from .choices import InspectionAspect

        labels = dict(InspectionAspect.choices)
        return [str(labels.get(x, x)) for x in obj.aspects]

    @staticmethod
    def resolve_result_label(obj: Inspection) -> str:
        return obj.get_result_display()

    @staticmethod
    def resolve_documents(obj: Inspection) -> list[dict[str, Any]]:
        return _documents(obj)


@router.get(
    "/inspections",
    response=responses(list[InspectionOut]),
    summary="建设单位施工期间检查（按数据权限）",
)
@paginate(LimitOffset)
def list_inspections(request: HttpRequest, q: Query[ChangeQuery]):  # type: ignore[no-untyped-def]
    return selectors.inspections(actor(request), q.dict())


class InspectionIn(StrictIn):
    project_id: StrictId
    inspected_on: Date
    inspectors: str = Field(..., max_length=200, description="检查人员")
    aspects: list[Literal["quality", "safety", "progress", "civilised", "personnel"]] = Field(
        [], description="检查内容（至少一项）"
    )
    findings: str = Field(..., max_length=4000, description="检查情况")
    result: Literal["ok", "rectify"] = Field(..., description="ok 符合要求；rectify 责令整改")
    record: FileIn | None = Field(None, description="检查记录（可选）")


@router.post(
    "/inspections",
    response=responses(InspectionOut, 201),
    summary="登记施工期间检查（建设单位，R-SUP-04）",
    description=FILES_NOTE,
    openapi_extra=body_doc(InspectionIn),
)
def create_inspection(request: HttpRequest) -> HttpResponse:
    a = actor(request)
    body = parse_body(request, InspectionIn)
    payload: InspectionIn = body.data
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        ins = services.record_inspection(
            actor=a,
            project=project,
            inspected_on=payload.inspected_on,
            inspectors=payload.inspectors,
            aspects=list(payload.aspects),
            findings=payload.findings,
            result=payload.result,
            record=body.files["record"],
        )
        return _dump(InspectionOut, ins, request)

    return _write(request, f"approvals.inspection.{project.pk}", body.fingerprint, fn, status=201)


@router.get(
    "/inspections/{inspection_id}", response=responses(InspectionOut), summary="检查记录详情"
)
def get_inspection(request: HttpRequest, inspection_id: Id) -> Inspection:
    return get_visible_or_404(Inspection.objects, actor(request), pk=inspection_id)


class EvaluationOut(Schema):
    id: int
    project_id: int
    participant_id: int
    contractor_name: str
    construction_score: int
    management_score: int
    quality_score: int
    contract_score: int
    total: Decimal
    grade: str
    grade_label: str
    comment: str
    evaluated_at: dt.datetime
    evaluated_by_name: str
    evaluated_by_org: str

    @staticmethod
    def resolve_contractor_name(obj: ContractorEvaluation) -> str:
        org = obj.participant.organisation
        return org.name if org else ""

    @staticmethod
    def resolve_grade_label(obj: ContractorEvaluation) -> str:
        return obj.get_grade_display()


@router.get(
    "/evaluations",
    response=responses(list[EvaluationOut]),
    summary="施工单位综合评价（按数据权限）",
)
@paginate(LimitOffset)
def list_evaluations(request: HttpRequest, q: Query[ChangeQuery]):  # type: ignore[no-untyped-def]
    return selectors.evaluations(actor(request), q.dict())


class EvaluationIn(StrictIn):
    project_id: StrictId
    participant_id: StrictId | None = Field(
        None, description="被评价的施工单位（参建记录）；不填为本项目的施工单位"
    )
    construction_score: StrictInt64 = Field(..., description="施工组织（0-100）")
    management_score: StrictInt64 = Field(..., description="现场管理（0-100）")
    quality_score: StrictInt64 = Field(..., description="工程质量（0-100）")
    contract_score: StrictInt64 = Field(..., description="合同履约（0-100）")
    comment: str = Field(..., max_length=4000)


@router.post(
    "/evaluations",
    response=responses(EvaluationOut, 201),
    summary="完工后对施工单位作出综合评价（建设单位，R-SUP-04）",
)
def create_evaluation(request: HttpRequest, payload: EvaluationIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)
    participant = _contractor(project, payload.participant_id)

    def fn() -> dict[str, Any]:
        ev = services.evaluate_contractor(
            actor=a,
            project=project,
            participant=participant,
            construction_score=payload.construction_score,
            management_score=payload.management_score,
            quality_score=payload.quality_score,
            contract_score=payload.contract_score,
            comment=payload.comment,
        )
        return _dump(EvaluationOut, ev, request)

    return _write(request, f"approvals.evaluation.{project.pk}", payload.dict(), fn, status=201)


@router.get(
    "/evaluations/{evaluation_id}", response=responses(EvaluationOut), summary="综合评价详情"
)
def get_evaluation(request: HttpRequest, evaluation_id: Id) -> ContractorEvaluation:
    return get_visible_or_404(
        ContractorEvaluation.objects.select_related("participant__organisation"),
        actor(request),
        pk=evaluation_id,
    )


# --- completion acceptance (R-ACC-01..05) ------------------------------------------------------------


class AcceptanceOut(Schema):
    id: int
    number: str
    project_id: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    completed_on: dt.date
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    accepted_on: dt.date | None
    conclusion: str
    return_reason: str
    deadlines: list[DeadlineOut]


def _acceptance(r: Any) -> dict[str, Any]:
    data = {
        "id": r.pk,
        "number": r.number,
        "project_id": r.project_id,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "state": r.state,
        "state_label": r.get_state_display(),
        "completed_on": r.completed_on,
        "submitted_at": r.submitted_at,
        "received_at": r.received_at,
        "accepted_on": r.accepted_on,
        "conclusion": r.conclusion,
        "return_reason": r.return_reason,
        "deadlines": _deadlines_of(r),
    }
    return AcceptanceOut(**data).model_dump(mode="json")


EXTENSION_STEPS: dict[str, Allowed] = {
    "approve": lambda e, a: workflows.extension_decider(e, a),
    "reject": _transition("reject"),
}


class ExtensionOut(Schema):
    id: int
    project_id: int
    acceptance_id: int
    days: int
    reason: str
    state: str
    state_label: str
    applied_at: dt.datetime
    applied_by_name: str
    decided_at: dt.datetime | None
    steps: list[StepOut]
    documents: list[ApprovalDocumentOut]
    actions: list[str] = Field(..., description=ACTIONS_DOC)


def _extension_out(e: AcceptanceExtension, a: Any) -> dict[str, Any]:
    data = {
        "id": e.pk,
        "project_id": e.project_id,
        "acceptance_id": e.request_id,
        "days": e.days,
        "reason": e.reason,
        "state": e.state,
        "state_label": e.get_state_display(),
        "applied_at": e.applied_at,
        "applied_by_name": e.applied_by_name,
        "decided_at": e.decided_at,
        "steps": _steps(e),
        "documents": _documents(e),
        "actions": _actions(e, a, EXTENSION_STEPS),
    }
    return ExtensionOut(**data).model_dump(mode="json")


class AcceptanceDetailOut(AcceptanceOut):
    participant_id: int | None
    description: str
    submitted_by_name: str
    submitted_by_org: str
    return_until: dt.date | None = Field(
        ..., description="建设单位可退回至该日 24:00（受理后3个自然日，R-ACC-03）"
    )
    returned_at: dt.datetime | None
    attendees: str
    villager_representatives: str = Field(
        ..., description="村级自验：参加验收的村民代表（R-ACC-05）"
    )
    supervisor_attendee: str = Field(..., description="村级自验：参加验收的监理人员（R-ACC-05）")
    rectification_opinions: str
    conclusion_document_id: int | None
    concluded_at: dt.datetime | None
    concluded_by_name: str
    decision_note: str
    extensions: list[ExtensionOut]
    steps: list[StepOut]
    documents: list[ApprovalDocumentOut]
    actions: list[str] = Field(..., description=ACTIONS_DOC)


def _acceptance_detail(request: HttpRequest, r: AcceptanceRequest) -> dict[str, Any]:
    a = actor(request)
    data = {
        **_acceptance(r),
        "participant_id": r.participant_id,
        "description": r.description,
        "submitted_by_name": r.submitted_by_name,
        "submitted_by_org": r.submitted_by_org,
        "return_until": services.return_window_end(r)
        if r.kind != AcceptanceKind.TOWNSHIP
        else None,
        "returned_at": r.returned_at,
        "attendees": r.attendees,
        "villager_representatives": r.villager_representatives,
        "supervisor_attendee": r.supervisor_attendee,
        "rectification_opinions": r.rectification_opinions,
        "conclusion_document_id": r.conclusion_document_id,
        "concluded_at": r.concluded_at,
        "concluded_by_name": r.concluded_by_name,
        "decision_note": r.decision_note,
        "extensions": [_extension_out(e, a) for e in r.extensions.order_by("applied_at", "id")],
        "steps": _steps(r),
        "documents": _documents(r),
        "actions": steps.allowed_names(r, a),
    }
    return AcceptanceDetailOut(**data).model_dump(mode="json")


def _acceptance_request(request: HttpRequest, pk: int) -> AcceptanceRequest:
    return get_visible_or_404(
        AcceptanceRequest.objects.select_related("project", "participant"),
        actor(request),
        pk=pk,
    )


def _acceptance_answer(request: HttpRequest, r: AcceptanceRequest) -> dict[str, Any]:
    r.refresh_from_db()
    return _acceptance_detail(request, r)


@router.get(
    "/acceptance",
    response=responses(list[AcceptanceOut]),
    summary="竣工验收申请（按数据权限，含期限）",
)
@paginate(LimitOffset)
def list_acceptance(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    return [_acceptance(r) for r in selectors.acceptance_requests(actor(request), q.dict())[:500]]


class AcceptanceIn(StrictIn):
    project_id: StrictId
    completed_on: Date = Field(..., description="完工日期")
    description: str = Field(..., max_length=4000, description="完成情况")


@router.post(
    "/acceptance",
    response=responses(AcceptanceDetailOut, 201),
    summary="施工单位发起竣工验收（政府投资项目报监理审核；村级工程为村级自验，R-ACC-01、R-ACC-05）",
)
def create_acceptance(request: HttpRequest, payload: AcceptanceIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        r = services.request_acceptance(
            actor=a,
            project=project,
            completed_on=payload.completed_on,
            description=payload.description,
        )
        return _acceptance_detail(request, r)

    return _write(request, f"approvals.acceptance.{project.pk}", payload.dict(), fn, status=201)


class TownshipIn(StrictIn):
    project_id: StrictId
    description: str = Field(..., max_length=4000, description="自验及整改情况")


@router.post(
    "/acceptance/township",
    response=responses(AcceptanceDetailOut, 201),
    summary="行政村发起乡镇（街道）复验（村级自验合格后，R-ACC-05）",
)
def create_township_acceptance(request: HttpRequest, payload: TownshipIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        r = services.request_township(actor=a, project=project, description=payload.description)
        return _acceptance_detail(request, r)

    return _write(request, f"approvals.township.{project.pk}", payload.dict(), fn, status=201)


@router.get(
    "/acceptance/{acceptance_id}",
    response=responses(AcceptanceDetailOut),
    summary="竣工验收详情（期限、可退回期限、延长申请、资料、当前可办理的环节）",
)
def get_acceptance(request: HttpRequest, acceptance_id: Id) -> dict:
    return _acceptance_detail(request, _acceptance_request(request, acceptance_id))


@router.post(
    "/acceptance/{acceptance_id}/return",
    response=responses(AcceptanceDetailOut),
    summary="不满足验收条件，退回重新发起（受理后3天内，须说明延期理由，R-ACC-03）",
    description=FILES_NOTE,
    openapi_extra=body_doc(acceptance_steps.ReturnIn),
)
def return_acceptance(request: HttpRequest, acceptance_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/return``."""
    return _take(request, acceptance_steps.RETURN, acceptance_id)


def _take(request: HttpRequest, step: Any, acceptance_id: int, status: int = 200) -> HttpResponse:
    """The old per-step endpoints of an acceptance request: aliases of the
    registry's step (``core.steps.take``: the one check, then the service)."""
    a = actor(request)
    r = _acceptance_request(request, acceptance_id)
    # a step without input still accepted the old routes' optional opinion
    body = parse_body(request, step.schema or acceptance_steps.OpinionIn)
    data = {**body.data.model_dump(exclude=set(body.files)), **body.files} if step.schema else {}

    def fn() -> dict[str, Any]:
        try:
            taken = steps.take(step, r, a, data)
        except ValidationFailed as exc:
            _as_named_in_the_body(exc, data)
            raise
        if step is acceptance_steps.EXTEND:
            return _extension_out(taken.result, a)
        return _acceptance_answer(request, r)

    return _write(
        request,
        f"approvals.acceptance.{r.pk}.{step.name}",
        body.fingerprint,
        fn,
        status=status,
    )


@router.post(
    "/acceptance/{acceptance_id}/conclude",
    response=responses(AcceptanceDetailOut),
    summary="组织验收并上传整改意见和验收结论（建设单位；乡镇复验为乡镇，R-ACC-01、R-ACC-05）",
    description=FILES_NOTE,
    openapi_extra=body_doc(acceptance_steps.ConcludeIn),
)
def conclude_acceptance(request: HttpRequest, acceptance_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/conclude``."""
    return _take(request, acceptance_steps.CONCLUDE, acceptance_id)


@router.post(
    "/acceptance/{acceptance_id}/extensions",
    response=responses(ExtensionOut, 201),
    summary="超大型工程申请延长验收时间（60天内，建设单位；主管单位、行业主管部门、领导小组依次审批，R-ACC-04）",
    description=FILES_NOTE,
    openapi_extra=body_doc(acceptance_steps.ExtensionIn),
)
def apply_extension(request: HttpRequest, acceptance_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/extension`` (answers the new extension, 201)."""
    return _take(request, acceptance_steps.EXTEND, acceptance_id, status=201)


steps.mount_api(router, acceptance_steps.ACCEPTANCE_WF, "acceptance_id", prefix="/acceptance")


@router.post(
    "/acceptance/{acceptance_id}/{action}",
    response=responses(AcceptanceDetailOut),
    summary="竣工验收环节：review（监理审核通过，建设单位期限起算）、reject（监理审核不通过，须填意见）、withdraw（撤回）",
    openapi_extra=body_doc(acceptance_steps.OpinionIn),
)
def act_on_acceptance(
    request: HttpRequest,
    acceptance_id: Id,
    action: Literal["review", "reject", "withdraw"],
) -> HttpResponse:
    """Aliases of ``POST …/steps/{review,reject,withdraw}``."""
    return _take(request, steps.get(acceptance_steps.ACCEPTANCE_WF, action), acceptance_id)


class ExtensionQuery(Schema):
    project: Int64 | None = None
    state: str = ""


@router.get(
    "/extensions",
    response=responses(list[ExtensionOut]),
    summary="超大型工程延长验收时间申请（按数据权限）",
)
@paginate(LimitOffset)
def list_extensions(request: HttpRequest, q: Query[ExtensionQuery]) -> list:  # type: ignore[type-arg]
    a = actor(request)
    return [_extension_out(e, a) for e in selectors.extensions(a, q.dict())[:500]]


def _extension(request: HttpRequest, pk: int) -> AcceptanceExtension:
    return get_visible_or_404(
        AcceptanceExtension.objects.select_related("project", "request"), actor(request), pk=pk
    )


@router.get("/extensions/{extension_id}", response=responses(ExtensionOut), summary="延长申请详情")
def get_extension(request: HttpRequest, extension_id: Id) -> dict:
    return _extension_out(_extension(request, extension_id), actor(request))


@router.post(
    "/extensions/{extension_id}/{action}",
    response=responses(ExtensionOut),
    summary="审批延长验收时间：approve（当前环节同意：主管单位 → 行业主管部门 → 领导小组）、reject（不同意，须填理由，R-ACC-04）",
)
def decide_extension(
    request: HttpRequest,
    extension_id: Id,
    action: Literal["approve", "reject"],
    payload: StepIn,
) -> HttpResponse:
    a = actor(request)
    ext = _extension(request, extension_id)
    step = ext.state if ext.state in ExtensionState.values else ""

    def fn() -> dict[str, Any]:
        services.decide_extension(
            actor=a, extension=ext, approve=action == "approve", opinion=payload.opinion
        )
        ext.refresh_from_db()
        return _extension_out(ext, a)

    return _write(request, f"approvals.extension.{ext.pk}.{step}.{action}", payload.dict(), fn)


# --- use before acceptance (R-ACC-06) ---------------------------------------------------------------


class UsageOut(Schema):
    id: int
    project_id: int
    used_since: dt.date
    description: str
    industry_exception: bool
    exception_reason: str
    recorded_at: dt.datetime
    recorded_by_name: str
    recorded_by_org: str


@router.get(
    "/usage-before-acceptance",
    response=responses(list[UsageOut]),
    summary="未验先用登记（按数据权限，R-ACC-06）",
)
@paginate(LimitOffset)
def list_usages(request: HttpRequest, q: Query[ChangeQuery]):  # type: ignore[no-untyped-def]
    return selectors.usages(actor(request), q.dict())


class UsageIn(StrictIn):
    project_id: StrictId
    used_since: Date = Field(..., description="投入使用日期")
    description: str = Field(..., max_length=4000, description="使用情况")
    industry_exception: StrictBool = Field(False, description="属行业特殊要求（例外）")
    exception_reason: str = Field("", max_length=2000, description="例外依据（例外时必填）")


@router.post(
    "/usage-before-acceptance",
    response=responses(UsageOut, 201),
    summary="登记未经竣工验收投入使用（建设单位、主管单位、行业主管部门或监管办，R-ACC-06）",
)
def create_usage(request: HttpRequest, payload: UsageIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        u = services.record_usage_before_acceptance(
            actor=a,
            project=project,
            used_since=payload.used_since,
            description=payload.description,
            industry_exception=payload.industry_exception,
            exception_reason=payload.exception_reason,
        )
        return _dump(UsageOut, u, request)

    return _write(request, f"approvals.usage.{project.pk}", payload.dict(), fn, status=201)


# --- settlement (R-SET-01, R-PRJ-05) ----------------------------------------------------------------


SETTLEMENT_KINDS = ("approvals.settlement_below", "approvals.settlement_above")


class ApprovalMissingOut(Schema):
    field: str
    message: str


class SettlementOut(Schema):
    project_id: int
    project_code: str
    project_name: str
    project_status: str
    project_status_label: str
    contract_amount: Decimal
    deadline: DeadlineOut | None = Field(
        ..., description="结算送审期限（完工日起 60 / 180 个自然日；送审后由事件停止计时）"
    )
    missing: list[ApprovalMissingOut] = Field(..., description="送审前尚缺的条件（R-PRJ-05）")
    can_submit: bool = Field(..., description="当前账号现在可以送审")


def _settlement(p: Project, dl: Any, a: Any) -> dict[str, Any]:
    data = {
        "project_id": p.pk,
        "project_code": p.code,
        "project_name": p.name,
        "project_status": p.status,
        "project_status_label": p.get_status_display(),
        "contract_amount": p.contract_amount,
        "deadline": _deadline(dl) if dl is not None else None,
        "missing": [m.as_dict() for m in project_workflows.settlement_missing(p)],
        "can_submit": p.status == ProjectStatus.ACCEPTED and project_workflows.OWNER_MANAGERS(p, a),
    }
    return SettlementOut(**data).model_dump(mode="json")


def _settlement_of(p: Project, a: Any) -> dict[str, Any]:
    dl = (
        selectors.deadline_rows(a, {"project": p.pk})
        .filter(kind__in=SETTLEMENT_KINDS)
        .order_by("-started_at", "-pk")
        .first()
    )
    return _settlement(p, dl, a)


@router.get(
    "/settlement",
    response=responses(list[SettlementOut]),
    summary="结算送审期限（按数据权限，R-SET-01）",
)
@paginate(LimitOffset)
def list_settlement(request: HttpRequest, q: Query[DeadlineQuery]) -> list:  # type: ignore[type-arg]
    a = actor(request)
    rows = list(
        selectors.deadline_rows(a, {"project": q.project, "state": q.state}).filter(
            kind__in=SETTLEMENT_KINDS
        )[:500]
    )
    projects = {p.pk: p for p in Project.objects.filter(pk__in=[d.project_id for d in rows])}
    return [_settlement(projects[d.project_id], d, a) for d in rows if d.project_id in projects]


def _project(request: HttpRequest, project_id: int) -> Project:
    return get_visible_or_404(Project.objects, actor(request), pk=project_id)


@router.get(
    "/settlement/{project_id}",
    response=responses(SettlementOut),
    summary="一个项目的结算送审期限和尚缺条件（R-SET-01、R-PRJ-05）",
)
def get_settlement(request: HttpRequest, project_id: Id) -> dict:
    return _settlement_of(_project(request, project_id), actor(request))


class SettlementIn(StrictIn):
    on: Date = Field(..., description="送审日期（不早于竣工验收日期）")
    amount: Decimal = Field(..., max_digits=16, decimal_places=2, description="送审金额（元）")
    document: FileIn | None = Field(None, description="结算送审资料（可选）")


@router.post(
    "/settlement/{project_id}",
    response=responses(SettlementOut),
    summary="建设单位提交结算审计（与 POST /projects/{id}/settlement 同一服务；未纳入平台监管的项目须先补全资料，R-SET-01、R-PRJ-05）",
    description=FILES_NOTE,
    openapi_extra=body_doc(SettlementIn),
)
def submit_settlement(request: HttpRequest, project_id: Id) -> HttpResponse:
    a = actor(request)
    p = _project(request, project_id)
    body = parse_body(request, SettlementIn)

    def fn() -> dict[str, Any]:
        done = project_services.submit_settlement(
            actor=a,
            project=p,
            on=body.data.on,
            amount=body.data.amount,
            upload=body.files["document"],
        )
        return _settlement_of(done, a)

    return _write(request, f"approvals.settlement.{p.pk}", body.fingerprint, fn)


# --- the supervision office's settings (R-CHG-05, R-HID-03, R-ALR-01) ---------------------------------


class PolicyOut(Schema):
    major_change_amount: Decimal = Field(..., description="重大设计变更金额标准（元）")
    major_change_ratio: Decimal = Field(..., description="重大设计变更比例标准（占合同金额%）")
    hidden_review_days: int = Field(..., description="隐蔽工程影像审核期限")
    hidden_review_unit: str = Field(..., description="working_days 工作日 / calendar_days 自然日")
    updated_at: dt.datetime
    updated_by_name: str


@router.get(
    "/policy",
    response=responses(PolicyOut),
    summary="流程审批参数（重大设计变更标准、隐蔽工程影像审核期限）",
)
def get_policy(request: HttpRequest) -> ApprovalPolicy:
    # as stored (a row just created still holds its Python defaults, e.g. no decimals)
    return ApprovalPolicy.objects.get(pk=ApprovalPolicy.current().pk)


class PolicyIn(StrictIn):
    major_change_amount: Decimal = Field(..., max_digits=16, decimal_places=2)
    major_change_ratio: Decimal = Field(..., max_digits=5, decimal_places=2)
    hidden_review_days: StrictInt64
    hidden_review_unit: Literal["working_days", "calendar_days"]


@router.put(
    "/policy",
    response=responses(PolicyOut),
    summary="设置流程审批参数（监管办总管，R-CHG-05、R-HID-03）",
)
def update_policy(request: HttpRequest, payload: PolicyIn) -> HttpResponse:
    a = actor(request)

    def fn() -> dict[str, Any]:
        policy = services.update_policy(actor=a, **payload.dict())
        return _dump(PolicyOut, policy, request)

    return _write(request, "approvals.policy", payload.dict(), fn)


# --- documents and photos (served through the scope check, ADR 0104) ---------------------------------


@router.get(
    "/documents/{document_id}",
    response=responses(None),
    summary="下载流程资料（证明、审批表、验收结论、整改佐证等；按数据权限）",
)
def download_document(request: HttpRequest, document_id: Id) -> HttpResponseBase:
    return files.download(ApprovalDocument.objects, actor(request), document_id)


@router.get(
    "/photos/{photo_id}",
    response=responses(None),
    summary="下载隐蔽工程照片（按数据权限）",
)
def download_photo(request: HttpRequest, photo_id: Id) -> HttpResponseBase:
    return files.download(HiddenWorkPhoto.objects, actor(request), photo_id)
