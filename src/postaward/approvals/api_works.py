"""API of hidden works, supervision notices, the decisions on an extension of
the acceptance period and the record of use before acceptance
(``/api/v1/approvals``, added to the approvals router by ``api.py``).

The steps are the registry's (``steps_works.py``): ``GET/POST
…/{id}/steps[/{name}]`` (``core.steps.mount_api``); the older per-step routes
(``…/photos``, ``…/{action}``, ``…/reply``, ``…/reopen``) are aliases that go
through ``core.steps.take`` and answer as before."""

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictBool

from postaward.core import steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, responses
from postaward.core.bodies import FILES_NOTE, body_doc, parse_body
from postaward.core.errors import ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, Id, Int64, StrictId
from postaward.projects.choices import ParticipantRole
from postaward.projects.models import Project

from . import selectors, services
from . import steps_works as works
from .api import (
    ACTIONS_DOC,
    ApprovalDocumentOut,
    ChangeQuery,
    DeadlineOut,
    ExtensionOut,
    StepIn,
    StepOut,
    _as_named_in_the_body,
    _contractor,
    _deadlines_of,
    _documents,
    _dump,
    _extension_out,
    _request_actor,
    _steps,
    _write,
)
from .choices import HiddenWorkState
from .models import AcceptanceExtension, HiddenWork, RectificationNotice

router = Router(tags=["流程审批"])


def _take(
    request: HttpRequest,
    step: steps.Step,
    obj: Any,
    scope: str,
    answer: Callable[[HttpRequest, Any], dict[str, Any]],
) -> HttpResponse:
    """The old per-step routes: aliases of the registry's step (``core.steps.take``:
    the one check, then the service), under their old idempotency scope."""
    body = parse_body(request, step.schema or StepIn)  # a step without input took an opinion
    data = {**body.data.model_dump(exclude=set(body.files)), **body.files} if step.schema else {}

    def fn() -> dict[str, Any]:
        try:
            steps.take(step, obj, actor(request), data)
        except ValidationFailed as exc:
            _as_named_in_the_body(exc, data)
            raise
        return answer(request, obj)

    return _write(request, scope, body.fingerprint, fn)


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
        "actions": steps.allowed_names(hw, a),
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
        if services.may_apply_hidden_work(a, project, pt)
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


def hidden_answer(request: HttpRequest, hw: HiddenWork) -> dict[str, Any]:
    """The answer of a step on a hidden work (``steps_works.HIDDEN``)."""
    hw.refresh_from_db()
    return _hidden_detail(hw, actor(request))


@router.post(
    "/hidden-works/{hidden_work_id}/photos",
    response=responses(HiddenWorkDetailOut),
    summary="上传隐蔽工程影像（旁站验收时或之后；EXIF 时间和位置核验，R-HID-02）",
    description=FILES_NOTE,
    openapi_extra=body_doc(works.PhotosIn),
)
def upload_hidden_photos(request: HttpRequest, hidden_work_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/standby`` (on the day of the works) and of
    ``POST …/steps/photos`` (after standing by)."""
    hw = works.load_hidden_work(actor(request), hidden_work_id)
    step = works.STANDBY if hw.state == HiddenWorkState.APPLIED else works.PHOTOS
    return _take(request, step, hw, f"approvals.hidden.{hw.pk}.photos", hidden_answer)


steps.mount_api(router, works.HIDDEN_WF, "hidden_work_id", prefix="/hidden-works")


@router.post(
    "/hidden-works/{hidden_work_id}/{action}",
    response=responses(HiddenWorkDetailOut),
    summary="隐蔽工程环节：owner-standby、approve、return、resubmit、withdraw、important",
    openapi_extra=body_doc(StepIn),
)
def act_on_hidden_work(
    request: HttpRequest,
    hidden_work_id: Id,
    action: Literal["owner-standby", "approve", "return", "resubmit", "withdraw", "important"],
) -> HttpResponse:
    """Aliases of ``POST …/steps/{action}``."""
    hw = works.load_hidden_work(actor(request), hidden_work_id)
    step = steps.get(works.HIDDEN_WF, action)
    return _take(request, step, hw, f"approvals.hidden.{hw.pk}.{action}", hidden_answer)


# --- rectification notices (R-SUP-01, R-SUP-02) -------------------------------------------------------


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
        return steps.allowed_names(obj, _request_actor(context))


def _notice(request: HttpRequest, pk: int) -> RectificationNotice:
    return works.load_notice(actor(request), pk)


def notice_answer(request: HttpRequest, n: RectificationNotice) -> dict[str, Any]:
    """The answer of a step on a notice (``steps_works.NOTICE``)."""
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


@router.post(
    "/notices/{notice_id}/reply",
    response=responses(NoticeDetailOut),
    summary="施工单位整改回复（附佐证资料，R-SUP-01）",
    description=FILES_NOTE,
    openapi_extra=body_doc(works.ReplyIn),
)
def reply_notice(request: HttpRequest, notice_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/reply``."""
    n = _notice(request, notice_id)
    scope = f"approvals.notice.{n.pk}.reply.{n.round}"
    return _take(request, works.REPLY, n, scope, notice_answer)


@router.post(
    "/notices/{notice_id}/reopen",
    response=responses(NoticeDetailOut),
    summary="监理复查不合格，重新整改（新的整改期限，R-SUP-01）",
    openapi_extra=body_doc(works.NoticeReopenIn),
)
def reopen_notice(request: HttpRequest, notice_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/reopen``."""
    n = _notice(request, notice_id)
    scope = f"approvals.notice.{n.pk}.reopen.{n.round}"
    return _take(request, works.REOPEN, n, scope, notice_answer)


steps.mount_api(router, works.NOTICE_WF, "notice_id", prefix="/notices")


@router.post(
    "/notices/{notice_id}/{action}",
    response=responses(NoticeDetailOut),
    summary="监理通知单环节：close（监理复查合格）、interview（逾期，建设单位登记约谈）、refuse（登记拒不整改，报行业主管部门）、handle（行业主管部门调查处理）；opinion 为意见或情况说明",
    openapi_extra=body_doc(StepIn),
)
def act_on_notice(
    request: HttpRequest,
    notice_id: Id,
    action: Literal["close", "interview", "refuse", "handle"],
) -> HttpResponse:
    """Aliases of ``POST …/steps/{action}``."""
    n = _notice(request, notice_id)
    scope = f"approvals.notice.{n.pk}.{action}.{n.round}"
    return _take(request, steps.get(works.NOTICE_WF, action), n, scope, notice_answer)


# --- the decisions on an extension of the acceptance period (R-ACC-04) ------------------------


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
    return works.load_extension(actor(request), pk)


def extension_answer(request: HttpRequest, ext: AcceptanceExtension) -> dict[str, Any]:
    """The answer of a decision on an extension (``steps_works.EXTENSION``)."""
    ext.refresh_from_db()
    return _extension_out(ext, actor(request))


@router.get("/extensions/{extension_id}", response=responses(ExtensionOut), summary="延长申请详情")
def get_extension(request: HttpRequest, extension_id: Id) -> dict:
    return _extension_out(_extension(request, extension_id), actor(request))


steps.mount_api(router, works.EXTENSION_WF, "extension_id", prefix="/extensions")


@router.post(
    "/extensions/{extension_id}/{action}",
    response=responses(ExtensionOut),
    summary="审批延长验收时间：approve（当前环节同意：主管单位 → 行业主管部门 → 领导小组）、reject（不同意，须填理由，R-ACC-04）",
    openapi_extra=body_doc(StepIn),
)
def decide_extension(
    request: HttpRequest,
    extension_id: Id,
    action: Literal["approve", "reject"],
) -> HttpResponse:
    """Aliases of ``POST …/steps/{approve,reject}``."""
    ext = _extension(request, extension_id)
    scope = f"approvals.extension.{ext.pk}.{ext.state}.{action}"
    return _take(request, steps.get(works.EXTENSION_WF, action), ext, scope, extension_answer)


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
