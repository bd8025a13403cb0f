"""API of attendance under /api/v1/attendance: check-in for phones (bearer
token) and the check-in page (session), the person's duties, reviews, days and
monthly rates, leave, non-construction days, patrols, interviews, re-closing.

Every route: declared errors (``responses``), strict input (``StrictIn``), data
scope through ``visible_to`` / ``get_visible_or_404`` (out of scope is 404)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StrictBool

from postaward.core import steps
from postaward.core.api_base import (
    ERRORS,
    LimitOffset,
    StrictIn,
    actor,
    idempotency_key,
    responses,
)
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.middleware import client_ip
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, DateTime, Id, StrictId
from postaward.projects.models import KeyPersonAssignment, Project

from . import ingest, selectors, services
from . import steps as leave_steps
from .choices import (
    STATUS_COLOURS,
    DayStatus,
    InterviewKind,
    InterviewState,
    LeaveState,
    Refusal,
    Review,
)
from .models import (
    AttendanceDay,
    AttendanceInterview,
    CheckIn,
    LeaveRequest,
    MonthlyAttendance,
    NonConstructionPeriod,
    Patrol,
)
from .permissions import can_view_stats, has_checkin_duty, is_owner_user

router = Router(tags=["现场考勤"])

# Optional multipart files (the services say which are required and why).
_OPTIONAL_FILE = {name: File(None) for name in ("approval_form", "evidence", "record")}


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


# --- check-in (R-ATT-01, R-ATT-04) -----------------------------------------------------------------


class CheckInIn(StrictIn):
    project_id: StrictId
    lon: float = Field(..., ge=-180, le=180, description="经度（WGS-84）")
    lat: float = Field(..., ge=-90, le=90, description="纬度（WGS-84）")
    accuracy_m: float = Field(
        ..., ge=0, le=100_000, description="定位精度（米，浏览器 coords.accuracy）"
    )
    client_at: DateTime | None = Field(None, description="手机时间：仅作记录，以服务器时间为准")
    device_id: str = Field("", max_length=100, description="设备标识（同一设备多人打卡为可疑信号）")
    mock_location: StrictBool = Field(False, description="原生客户端检测到模拟定位时为 true")
    queued: StrictBool = Field(
        False,
        description="离线时打卡、网络恢复后补传时为 true：照常判定，记“延迟补传”信号，不拒绝",
    )


class SignalOut(Schema):
    code: str
    score: int
    explanation: str


class CheckInResultOut(Schema):
    """The answer to a check-in: accepted, or refused with the reason (never dropped)."""

    id: int
    replayed: bool
    accepted: bool
    message: str
    refusal: str
    refusal_label: str
    refusal_detail: str
    at: dt.datetime
    local_date: dt.date
    project_id: int
    lon: float
    lat: float
    accuracy_m: float
    distance_m: float | None
    tolerance_m: float
    suspicion_score: int
    signals: list[SignalOut]
    review: str


@router.post(
    "/checkins",
    response={200: CheckInResultOut, 201: CheckInResultOut, **ERRORS},
    summary="现场打卡（须带 Idempotency-Key；201 新打卡，200 重试返回原结果）",
)
def post_checkin(request: HttpRequest, payload: CheckInIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    _require(has_checkin_duty(a), "仅施工、监理单位关键岗位人员可以现场打卡")
    key = idempotency_key(request)
    if not key:
        raise ValidationFailed(
            "缺少 Idempotency-Key 请求头：每次点击打卡生成一个，重试时沿用", field="Idempotency-Key"
        )
    r = services.check_in(
        actor=a,
        project_id=payload.project_id,
        lon=payload.lon,
        lat=payload.lat,
        accuracy_m=payload.accuracy_m,
        idempotency_key=key,
        client_at=payload.client_at,
        device_id=payload.device_id,
        mock_location=payload.mock_location,
        user_agent=request.headers.get("User-Agent", ""),
        ip=client_ip(request),
        delayed=payload.queued,
    )
    return Status(200 if r.replayed else 201, ingest.answer(r.checkin, r.replayed))


class CheckInBrief(Schema):
    id: int
    at: dt.datetime
    accepted: bool
    refusal_label: str
    refusal_detail: str
    distance_m: float | None
    accuracy_m: float
    review: str


def _brief(c: CheckIn) -> dict[str, Any]:
    return {
        "id": c.pk,
        "at": c.at,
        "accepted": c.accepted,
        "refusal_label": Refusal(c.refusal).label if c.refusal else "",
        "refusal_detail": c.refusal_detail,
        "distance_m": c.distance_m,
        "accuracy_m": c.accuracy_m,
        "review": c.review,
    }


class CheckInDutyOut(Schema):
    project_id: int
    project_code: str
    project_name: str
    project_status: str
    site_address: str
    position: str
    position_label: str
    required: bool
    refusal: str
    reason: str
    site: dict | None = Field(
        None, description="场地范围（GeoJSON Feature；圆形时 properties.radius 为米）"
    )
    fence_rule: str
    checkins: list[CheckInBrief]
    valid_today: bool
    day_reason: str
    next_valid_at: dt.datetime | None


@router.get(
    "/duties/today",
    response=responses(list[CheckInDutyOut]),
    summary="我今天的考勤岗位（项目、场地范围、今日打卡）",
)
def duties_today(request: HttpRequest) -> list[dict]:
    a = actor(request)
    _require(has_checkin_duty(a), "仅施工、监理单位关键岗位人员有现场考勤")
    rule = selectors.fence_rule_text()
    out = []
    for t in selectors.positions_today(a):
        day = t.day
        out.append(
            {
                "project_id": t.project.pk,
                "project_code": t.project.code,
                "project_name": t.project.name,
                "project_status": t.project.status,
                "site_address": t.project.site_address,
                "position": t.assignment.position,
                "position_label": t.assignment.get_position_display(),
                "required": t.required,
                "refusal": t.refusal,
                "reason": t.reason,
                "site": t.site_geojson,
                "fence_rule": rule,
                "checkins": [_brief(c) for c in t.checkins],
                "valid_today": day.valid,
                "day_reason": day.reason,
                "next_valid_at": t.next_valid_at,
            }
        )
    return out


class CheckInOut(CheckInBrief):
    person_id: int
    person_name: str
    project_id: int
    project_name: str
    local_date: dt.date
    client_at: dt.datetime | None
    lon: float
    lat: float
    refusal: str
    device_id: str
    mock_location: bool
    suspicion_score: int
    signals: list[SignalOut]
    review_label: str
    review_note: str
    reviewed_by_name: str

    @staticmethod
    def resolve_person_name(obj: CheckIn) -> str:
        return obj.person.name

    @staticmethod
    def resolve_project_name(obj: CheckIn) -> str:
        return obj.project.name

    @staticmethod
    def resolve_refusal_label(obj: CheckIn) -> str:
        return Refusal(obj.refusal).label if obj.refusal else ""

    @staticmethod
    def resolve_review_label(obj: CheckIn) -> str:
        return obj.get_review_display()


class CheckInQuery(Schema):
    project_id: Id | None = None
    person_id: Id | None = None
    date_from: Date | None = None
    date_to: Date | None = None
    accepted: bool | None = None
    review: Review | None = None


@router.get("/checkins", response=responses(list[CheckInOut]), summary="打卡记录（按数据权限）")
@paginate(LimitOffset)
def list_checkins(request: HttpRequest, f: Query[CheckInQuery]):  # type: ignore[no-untyped-def]
    return selectors.checkins(actor(request), f.dict(exclude_none=True))


class CheckInReviewIn(StrictIn):
    decision: Literal["confirm", "clear"] = Field(
        ..., description="confirm 确认作弊；clear 核查无异常"
    )
    note: str = Field("", max_length=300)


def checkin_out(pk: int) -> dict[str, Any]:
    """The answer of a review step (``POST /checkins/{checkin_id}/steps/{name}``)."""
    c = CheckIn.objects.select_related("person", "project").get(pk=pk)
    return CheckInOut.from_orm(c).model_dump(mode="json")


@router.post(
    "/checkins/{checkin_id}/review",
    response=responses(CheckInOut),
    summary=(
        "核查可疑打卡（建设单位）：确认作弊或核查无异常"
        "（同 POST /checkins/{checkin_id}/steps/confirm 或 clear）"
    ),
)
def review_checkin(request: HttpRequest, checkin_id: Id, payload: CheckInReviewIn) -> CheckIn:
    a = actor(request)
    c = leave_steps.load_checkin(a, checkin_id)
    step = leave_steps.CONFIRM_CHEAT if payload.decision == "confirm" else leave_steps.CLEAR_CHECKIN
    steps.take(step, c, a, {"note": payload.note})
    return CheckIn.objects.select_related("person", "project").get(pk=c.pk)


# GET /checkins/{checkin_id}/steps and POST /checkins/{checkin_id}/steps/{name} (ADR 0060).
steps.mount_api(router, leave_steps.REVIEW_WF, "checkin_id", prefix="/checkins")


# --- days and monthly rates (R-ATT-02, R-ATT-03) ---------------------------------------------------


class AttendanceDayOut(Schema):
    id: int
    date: dt.date
    person_id: int
    person_name: str
    project_id: int
    project_name: str
    assignment_id: int
    position: str
    status: str
    status_label: str
    colour: str
    reason: str
    checkins: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None

    @staticmethod
    def resolve_person_name(obj: AttendanceDay) -> str:
        return obj.person.name

    @staticmethod
    def resolve_project_name(obj: AttendanceDay) -> str:
        return obj.project.name

    @staticmethod
    def resolve_position(obj: AttendanceDay) -> str:
        return obj.assignment.position

    @staticmethod
    def resolve_status_label(obj: AttendanceDay) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_colour(obj: AttendanceDay) -> str:
        return STATUS_COLOURS.get(DayStatus(obj.status), "grey")


class DayQuery(Schema):
    project_id: Id | None = None
    person_id: Id | None = None
    date_from: Date | None = None
    date_to: Date | None = None
    status: DayStatus | None = None


@router.get(
    "/days",
    response=responses(list[AttendanceDayOut]),
    summary="日考勤（每人每岗每日一条：有效、无效、未考勤、请假、停工……及原因）",
)
@paginate(LimitOffset)
def list_days(request: HttpRequest, f: Query[DayQuery]):  # type: ignore[no-untyped-def]
    return selectors.days(actor(request), f.dict(exclude_none=True))


class MonthlyOut(Schema):
    id: int
    month: dt.date
    person_id: int
    person_name: str
    project_id: int
    project_name: str
    organisation_id: int
    organisation_name: str
    position: str
    valid_days: int = Field(..., description="分子：有效考勤天数")
    construction_days: int = Field(
        ..., description="分母：实际施工天数（已扣除停工、请假、非施工日）"
    )
    excluded: dict
    rate: Decimal | None
    rate_text: str
    below_threshold: bool
    closed_at: dt.datetime

    @staticmethod
    def resolve_person_name(obj: MonthlyAttendance) -> str:
        return obj.person.name

    @staticmethod
    def resolve_project_name(obj: MonthlyAttendance) -> str:
        return obj.project.name

    @staticmethod
    def resolve_organisation_name(obj: MonthlyAttendance) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_position(obj: MonthlyAttendance) -> str:
        return obj.assignment.position

    @staticmethod
    def resolve_rate_text(obj: MonthlyAttendance) -> str:
        return selectors.rate_text(obj.valid_days, obj.construction_days)


class MonthlyQuery(Schema):
    month: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM，默认本月（截至昨日）"
    )
    project_id: Id | None = None
    organisation_id: Id | None = None
    person_id: Id | None = None
    below_threshold: bool | None = None


@router.get(
    "/monthly",
    response=responses(list[MonthlyOut]),
    summary="月考勤率（每人每岗：有效考勤天数/实际施工天数，最低在前）",
)
@paginate(LimitOffset)
def list_monthly(request: HttpRequest, f: Query[MonthlyQuery]):  # type: ignore[no-untyped-def]
    filters = f.dict(exclude_none=True)
    filters["month"] = selectors.month_first(f.month)
    return selectors.monthly(actor(request), filters)


class RateOut(Schema):
    key: str
    name: str
    valid_days: int
    construction_days: int
    rate: Decimal | None
    rate_text: str
    people: int
    below_threshold_people: int


class RateQuery(Schema):
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$")
    by: Literal["project", "enterprise", "region", "industry"] = "project"


@router.get(
    "/rates",
    response=responses(list[RateOut]),
    summary="考勤率统计（按项目、企业、区域或行业汇总，最低在前；政府部门）",
)
def list_rates(request: HttpRequest, f: Query[RateQuery]) -> list[dict]:
    a = actor(request)
    _require(can_view_stats(a), "考勤统计仅向政府部门和建设单位开放")
    return [
        {
            "key": str(g.key),
            "name": g.name,
            "valid_days": g.valid,
            "construction_days": g.construction,
            "rate": g.rate,
            "rate_text": g.rate_text,
            "people": g.people,
            "below_threshold_people": g.below,
        }
        for g in selectors.rates(a, selectors.month_first(f.month), f.by)
    ]


# --- leave (R-ATT-05) -------------------------------------------------------------------------------


class LeaveOut(Schema):
    id: int
    person_id: int
    person_name: str
    project_id: int
    project_name: str
    assignment_id: int
    starts_on: dt.date
    ends_on: dt.date
    days: int
    reason: str
    state: str
    state_label: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by_name: str
    decision_note: str
    approval_form_url: str
    evidence_url: str

    @staticmethod
    def resolve_person_name(obj: LeaveRequest) -> str:
        return obj.person.name

    @staticmethod
    def resolve_project_name(obj: LeaveRequest) -> str:
        return obj.project.name

    @staticmethod
    def resolve_state_label(obj: LeaveRequest) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_approval_form_url(obj: LeaveRequest) -> str:
        return (
            reverse("attendance_file", args=["leave", obj.pk, "approval_form"])
            if obj.approval_form
            else ""
        )

    @staticmethod
    def resolve_evidence_url(obj: LeaveRequest) -> str:
        return (
            reverse("attendance_file", args=["leave", obj.pk, "evidence"]) if obj.evidence else ""
        )


class LeaveIn(StrictIn):
    assignment_id: StrictId
    starts_on: Date
    ends_on: Date
    reason: str = Field(..., min_length=1, max_length=300)


def _leave(pk: int) -> LeaveRequest:
    return LeaveRequest.objects.select_related("person", "project").get(pk=pk)


def leave_out(pk: int) -> dict[str, Any]:
    """The answer of a leave step (``POST /leave/{leave_id}/steps/{name}``)."""
    return LeaveOut.from_orm(_leave(pk)).model_dump(mode="json")


@router.post(
    "/leave",
    response=responses(LeaveOut, 201),
    summary="申请请假（本人，须在请假日之前提出）",
)
def request_leave(request: HttpRequest, payload: LeaveIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    _require(has_checkin_duty(a), "请假由考勤人员本人申请")
    assignment = get_visible_or_404(
        KeyPersonAssignment.objects.select_related("project"), a, pk=payload.assignment_id
    )
    leave = services.request_leave(
        actor=a,
        assignment=assignment,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        reason=payload.reason,
    )
    return Status(201, _leave(leave.pk))


class LeaveQuery(Schema):
    state: LeaveState | None = None
    project_id: Id | None = None


@router.get("/leave", response=responses(list[LeaveOut]), summary="请假申请（按数据权限）")
@paginate(LimitOffset)
def list_leave(request: HttpRequest, f: Query[LeaveQuery]):  # type: ignore[no-untyped-def]
    return selectors.leave_requests(actor(request), f.dict(exclude_none=True))


class LeaveDecisionIn(StrictIn):
    decision: Literal["approve", "reject"]
    note: str = Field("", max_length=300)


@router.post(
    "/leave/{leave_id}/decision",
    response=responses(LeaveOut),
    summary=(
        "审批请假（建设单位；同意须上传请假审批单和证明材料，multipart；"
        "同 POST /leave/{leave_id}/steps/approve 或 reject）"
    ),
)
def decide_leave(
    request: HttpRequest,
    leave_id: Id,
    payload: Form[LeaveDecisionIn],
    approval_form: UploadedFile | None = _OPTIONAL_FILE["approval_form"],
    evidence: UploadedFile | None = _OPTIONAL_FILE["evidence"],
) -> LeaveRequest:
    a = actor(request)
    leave = leave_steps.load_leave(a, leave_id)
    if payload.decision == "approve":
        data = {"note": payload.note, "approval_form": approval_form, "evidence": evidence}
        steps.take(leave_steps.APPROVE, leave, a, data)
    else:
        steps.take(leave_steps.REJECT, leave, a, {"note": payload.note})
    return _leave(leave.pk)


@router.post(
    "/leave/{leave_id}/cancel",
    response=responses(LeaveOut),
    summary="撤回待审批的请假（本人；同 POST /leave/{leave_id}/steps/cancel）",
)
def cancel_leave(request: HttpRequest, leave_id: Id) -> LeaveRequest:
    a = actor(request)
    leave = leave_steps.load_leave(a, leave_id)
    steps.take(leave_steps.CANCEL, leave, a)
    return _leave(leave.pk)


# GET /leave/{leave_id}/steps and POST /leave/{leave_id}/steps/{name} (ADR 0060).
steps.mount_api(router, leave_steps.LEAVE_WF, "leave_id", prefix="/leave")


# --- non-construction days (R-ATT-03) --------------------------------------------------------------


class AttendancePeriodOut(Schema):
    id: int
    project_id: int
    starts_on: dt.date
    ends_on: dt.date
    reason: str
    declared_at: dt.datetime
    declared_by_name: str
    withdrawn_at: dt.datetime | None


class PeriodIn(StrictIn):
    starts_on: Date
    ends_on: Date
    reason: str = Field(..., min_length=1, max_length=300)


@router.get(
    "/projects/{project_id}/non-construction",
    response=responses(list[AttendancePeriodOut]),
    summary="项目的非施工日",
)
def list_non_construction(request: HttpRequest, project_id: Id) -> list[NonConstructionPeriod]:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=project_id)
    return list(selectors.non_construction(a, project))


@router.post(
    "/projects/{project_id}/non-construction",
    response=responses(AttendancePeriodOut, 201),
    summary="申报非施工日（建设单位，事先或当日）",
)
def declare_non_construction(request: HttpRequest, project_id: Id, payload: PeriodIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    project = get_visible_or_404(Project.objects.select_related("owner"), a, pk=project_id)
    period = services.declare_non_construction(
        actor=a,
        project=project,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        reason=payload.reason,
    )
    return Status(201, period)


@router.post(
    "/non-construction/{period_id}/withdraw",
    response=responses(AttendancePeriodOut),
    summary="撤销尚未开始的非施工日（建设单位）",
)
def withdraw_non_construction(request: HttpRequest, period_id: Id) -> NonConstructionPeriod:
    a = actor(request)
    period = get_visible_or_404(NonConstructionPeriod.objects, a, pk=period_id)
    return services.withdraw_non_construction(actor=a, period=period)


# --- patrols (R-ATT-06) -----------------------------------------------------------------------------------


class PatrolOut(Schema):
    id: int
    person_id: int
    project_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    first_inside_at: dt.datetime | None
    last_inside_at: dt.datetime | None
    inside_seconds: int
    points: int
    valid: bool
    note: str

    @staticmethod
    def resolve_inside_seconds(obj: Patrol) -> int:
        d = obj.inside_duration
        return int(d.total_seconds()) if d else 0


class PatrolStartIn(StrictIn):
    project_id: StrictId


@router.post(
    "/patrols",
    response=responses(PatrolOut, 201),
    summary="开始巡查（建设单位项目负责人）",
)
def start_patrol(request: HttpRequest, payload: PatrolStartIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    _require(is_owner_user(a), "巡查轨迹由建设单位项目负责人记录")
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)
    return Status(201, services.start_patrol(actor=a, project=project))


class PointIn(StrictIn):
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)
    accuracy_m: float = Field(..., ge=0, le=100_000)


class PointOut(Schema):
    id: int
    at: dt.datetime
    inside: bool
    points: int
    inside_seconds: int


def _own_patrol(request: HttpRequest, patrol_id: int) -> Patrol:
    a = actor(request)
    _require(is_owner_user(a), "巡查轨迹由建设单位项目负责人记录")
    return get_visible_or_404(Patrol.objects, a, pk=patrol_id)


@router.post(
    "/patrols/{patrol_id}/points",
    response=responses(PointOut, 201),
    summary="上报巡查轨迹点（服务器记时）",
)
def add_patrol_point(request: HttpRequest, patrol_id: Id, payload: PointIn):  # type: ignore[no-untyped-def]
    patrol = _own_patrol(request, patrol_id)
    point = services.add_patrol_point(
        actor=actor(request),
        patrol=patrol,
        lon=payload.lon,
        lat=payload.lat,
        accuracy_m=payload.accuracy_m,
    )
    d = patrol.inside_duration
    return Status(
        201,
        {
            "id": point.pk,
            "at": point.at,
            "inside": point.inside,
            "points": patrol.points,
            "inside_seconds": int(d.total_seconds()) if d else 0,
        },
    )


class PatrolEndIn(StrictIn):
    note: str = Field("", max_length=500)


@router.post(
    "/patrols/{patrol_id}/end",
    response=responses(PatrolOut),
    summary="结束巡查（在场超过10分钟为有效巡查）",
)
def end_patrol(request: HttpRequest, patrol_id: Id, payload: PatrolEndIn) -> Patrol:
    patrol = _own_patrol(request, patrol_id)
    return services.end_patrol(actor=actor(request), patrol=patrol, note=payload.note)


class PatrolQuery(Schema):
    project_id: Id | None = None


@router.get("/patrols", response=responses(list[PatrolOut]), summary="巡查轨迹（按数据权限）")
@paginate(LimitOffset)
def list_patrols(request: HttpRequest, f: Query[PatrolQuery]):  # type: ignore[no-untyped-def]
    return selectors.patrols(actor(request), f.dict(exclude_none=True))


# --- interviews (R-ATT-07, R-ATT-08, R-ATT-04) -----------------------------------------------------------


class AttendanceInterviewOut(Schema):
    id: int
    kind: str
    kind_label: str
    project_id: int
    project_name: str
    person_id: int
    person_name: str
    organisation_id: int
    organisation_name: str
    summary: str
    trigger: dict
    state: str
    state_label: str
    created_at: dt.datetime
    held_on: dt.date | None
    record_url: str
    penalty_note: str
    criticism_note: str
    closed_by_name: str
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj: AttendanceInterview) -> str:
        return obj.kind_label

    @staticmethod
    def resolve_state_label(obj: AttendanceInterview) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_project_name(obj: AttendanceInterview) -> str:
        return obj.project.name

    @staticmethod
    def resolve_person_name(obj: AttendanceInterview) -> str:
        return obj.person.name

    @staticmethod
    def resolve_organisation_name(obj: AttendanceInterview) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_record_url(obj: AttendanceInterview) -> str:
        return (
            reverse("attendance_file", args=["interview", obj.pk, "record"]) if obj.record else ""
        )


class InterviewQuery(Schema):
    state: InterviewState | None = None
    kind: InterviewKind | None = None
    project_id: Id | None = None


@router.get(
    "/interviews",
    response=responses(list[AttendanceInterviewOut]),
    summary="考勤约谈（按数据权限）",
)
@paginate(LimitOffset)
def list_interviews(request: HttpRequest, f: Query[InterviewQuery]):  # type: ignore[no-untyped-def]
    return selectors.interviews(actor(request), f.dict(exclude_none=True))


class InterviewCloseIn(StrictIn):
    held_on: Date
    penalty_note: str = Field("", max_length=300)
    criticism_note: str = Field("", max_length=300)


def interview_out(pk: int) -> dict[str, Any]:
    """The answer of an interview step (``POST /interviews/{interview_id}/steps/{name}``)."""
    it = AttendanceInterview.objects.select_related("project", "person", "organisation").get(pk=pk)
    return AttendanceInterviewOut.from_orm(it).model_dump(mode="json")


@router.post(
    "/interviews/{interview_id}/close",
    response=responses(AttendanceInterviewOut),
    summary=(
        "办结约谈（建设单位上传约谈记录；月考勤率不足80%须填依约处罚和通报批评，multipart；"
        "同 POST /interviews/{interview_id}/steps/close）"
    ),
)
def close_interview(
    request: HttpRequest,
    interview_id: Id,
    payload: Form[InterviewCloseIn],
    record: UploadedFile | None = _OPTIONAL_FILE["record"],
) -> AttendanceInterview:
    a = actor(request)
    it = leave_steps.load_interview(a, interview_id)
    steps.take(leave_steps.CLOSE_INTERVIEW, it, a, {**payload.dict(), "record": record})
    return AttendanceInterview.objects.select_related("project", "person", "organisation").get(
        pk=it.pk
    )


# GET /interviews/{interview_id}/steps and POST /interviews/{interview_id}/steps/{name} (ADR 0060).
steps.mount_api(router, leave_steps.INTERVIEW_WF, "interview_id", prefix="/interviews")


# --- re-closing a past period ------------------------------------------------------------------------


class RecloseIn(StrictIn):
    first: Date
    last: Date
    project_id: StrictId | None = None  # one project within the actor's scope; none: all


class RecloseOut(Schema):
    first: dt.date
    last: dt.date
    project_ids: list[int]
    task_id: str
    message: str


@router.post(
    "/reclose",
    response={202: RecloseOut, **ERRORS},
    summary="重新结算过去的日期区间（监管办总管，本辖区或其中一个项目；后台任务，幂等）",
)
def reclose(request: HttpRequest, payload: RecloseIn):  # type: ignore[no-untyped-def]
    r = services.reclose(
        actor=actor(request), first=payload.first, last=payload.last, project_id=payload.project_id
    )
    return Status(202, r)
