"""The complaints API: the back office under ``/api/v1/complaints`` (session or
token, scoped) and the public window under ``/api/v1/public/complaints`` (no
account; the same checks and limits as the public page).

No answer carries the complainant's identity but ``POST …/{id}/identity``,
which is audited (R-CMP-04)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from postaward.core import clock, idcheck, registries, steps
from postaward.core.api_base import ErrorOut, StrictIn, actor, idempotency_key, responses
from postaward.core.bodies import FileIn, body_doc, parse_body
from postaward.core.errors import Forbidden
from postaward.core.middleware import client_ip
from postaward.core.types import Id

from . import identity, limits, selectors, services, stats
from . import steps as complaint_steps
from .choices import Channel, FilerStanding, Kind, State
from .models import Complaint, ComplaintAssignment, ComplaintFile, ComplaintReferral

router = Router(tags=["投诉举报"])
public_router = Router(tags=["投诉举报（公众）"], auth=None)


# --- schemas -------------------------------------------------------------------------------------


class ComplaintClockOut(Schema):
    label: str
    period: str
    end: str
    roll_note: str
    state: str
    overdue: bool


class ComplaintOut(Schema):
    id: int
    receipt_number: str
    kind: str
    kind_label: str
    channel: str
    channel_label: str
    state: str
    state_label: str
    project_id: int | None
    project_text: str
    subject_text: str
    received_at: str
    handling_org: str
    outcome: str
    concerns_officials: bool
    anonymous: bool


class ComplaintReferralOut(Schema):
    target: str
    recipient_org: str
    document_number: str
    note: str
    referred_at: str
    state: str
    state_label: str
    receipt_number: str
    result: str


class PartFileOut(Schema):
    id: int
    name: str
    url: str


class ComplaintPartOut(Schema):
    id: int
    complaint_id: int
    org_id: int
    org: str
    part: str
    handler: str
    share_identity: bool
    handling_due: str
    state: str
    state_label: str
    reply: str
    replied_at: str
    review_note: str
    evidence: list[PartFileOut]
    actions: list[str]


class ComplaintDetailOut(ComplaintOut):
    facts: str
    requests: str
    decision_note: str
    reject_reasons: list[str]
    transfer_note: str
    handling_due: str
    reply: str
    review_note: str
    answer: str
    retaliation: bool
    clocks: list[ComplaintClockOut]
    actions: list[str]
    may_reveal_identity: bool
    reported_to: str
    reported_on: str
    head_instruction: str
    consulted_on: str
    consult_participants: str
    consult_opinion: str
    referrals: list[ComplaintReferralOut]
    parts: list[ComplaintPartOut] = Field(
        description="分办事项（监管办看到全部；承办单位只看到本单位的部分）"
    )


def _row(c: Complaint) -> dict[str, Any]:
    return {
        "id": c.pk,
        "receipt_number": c.receipt_number,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "channel": c.channel,
        "channel_label": c.get_channel_display(),
        "state": c.state,
        "state_label": c.get_state_display(),
        "project_id": c.project_id,
        "project_text": c.project.name if c.project is not None else c.project_text,
        "subject_text": c.subject_text,
        "received_at": clock.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
        "handling_org": c.handling_org.name if c.handling_org is not None else "",
        "outcome": c.outcome,
        "concerns_officials": c.concerns_officials,
        "anonymous": c.anonymous,
    }


def detail_out(c: Complaint, request: HttpRequest) -> dict[str, Any]:
    a = actor(request)
    return {
        **_row(c),
        "facts": c.facts,
        "requests": c.requests,
        "decision_note": c.decision_note,
        "reject_reasons": list(c.reject_reasons or []),
        "transfer_note": c.transfer_note,
        "handling_due": c.handling_due.isoformat() if c.handling_due else "",
        "reply": c.reply,
        "review_note": c.review_note,
        "answer": c.answer,
        "retaliation": c.retaliation,
        "clocks": [
            {
                "label": s.label,
                "period": s.period,
                "end": s.end_text,
                "roll_note": s.roll_note,
                "state": s.state_label,
                "overdue": s.overdue,
            }
            for s in services.clocks_of(c)
        ],
        "actions": steps.allowed_names(c, a),
        "may_reveal_identity": identity.may_reveal(c, a),
        **_registration(c),
        "referrals": [
            {
                "target": r.target,
                "recipient_org": r.recipient_org.name,
                "document_number": r.document_number,
                "note": r.note,
                "referred_at": clock.localtime(r.referred_at).strftime("%Y-%m-%d %H:%M"),
                "state": r.state,
                "state_label": r.get_state_display(),
                "receipt_number": r.receipt_number,
                "result": r.result,
            }
            for r in ComplaintReferral.objects.visible_to(a)
            .filter(complaint=c)
            .select_related("recipient_org")
        ],
        "parts": [
            part_out(p, request)
            for p in ComplaintAssignment.objects.visible_to(a)
            .filter(complaint=c)
            .select_related("org", "handler", "complaint")
        ],
    }


def _registration(c: Complaint) -> dict[str, str]:
    """The registration form's report (呈报) and joint study (会商), ADR 0516."""
    return {
        "reported_to": c.reported_to,
        "reported_on": c.reported_on.isoformat() if c.reported_on else "",
        "head_instruction": c.head_instruction,
        "consulted_on": c.consulted_on.isoformat() if c.consulted_on else "",
        "consult_participants": c.consult_participants,
        "consult_opinion": c.consult_opinion,
    }


def part_out(p: ComplaintAssignment, request: HttpRequest) -> dict[str, Any]:
    """One part as its unit or the office reads it (no identity)."""
    a = actor(request)
    files = ComplaintFile.objects.visible_to(a).filter(assignment=p)
    return {
        "id": p.pk,
        "complaint_id": p.complaint_id,
        "org_id": p.org_id,
        "org": p.org.name,
        "part": p.part,
        "handler": (p.handler.get_full_name() or p.handler.username) if p.handler else "",
        "share_identity": p.share_identity,
        "handling_due": p.handling_due.isoformat(),
        "state": p.state,
        "state_label": p.get_state_display(),
        "reply": p.reply,
        "replied_at": (
            clock.localtime(p.replied_at).strftime("%Y-%m-%d %H:%M") if p.replied_at else ""
        ),
        "review_note": p.review_note,
        "evidence": [
            {
                "id": f.pk,
                "name": f.original_name,
                "url": reverse("complaints_file", args=[p.complaint_id, f.pk]),
            }
            for f in files
        ],
        "actions": steps.allowed_names(p, a),
    }


# --- the back office -----------------------------------------------------------------------------


@router.get(
    "",
    response=responses(list[ComplaintOut]),
    summary="投诉举报列表（本单位数据范围，不含投诉人身份）",
)
def list_complaints(
    request: HttpRequest, kind: Kind | None = None, state: State | None = None
) -> Any:
    qs = selectors.complaints(actor(request))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    return [_row(c) for c in qs[:500]]


class StatsRowOut(Schema):
    key: str
    label: str
    count: int


class ComplaintStatsOut(Schema):
    year: int
    month_from: int
    month_to: int
    kind: str
    total: int
    by_month: list[StatsRowOut]
    by_kind: list[StatsRowOut]
    by_industry: list[StatsRowOut]
    by_outcome: list[StatsRowOut]
    finished: int = Field(description="已办结件数（含不予受理）")
    on_time: int = Field(description="在法定期限内办结的件数")
    on_time_rate: float | None = Field(description="按期办结率（0-1；无已办结件时为空）")


@router.get(
    "/statistics",
    response=responses(ComplaintStatsOut),
    summary="投诉举报统计：按月份、类别、行业、办理结果的件数和按期办结率（本单位数据范围）",
)
def complaint_statistics(
    request: HttpRequest,
    year: int | None = None,
    month_from: int = 1,
    month_to: int = 12,
    kind: Kind | None = None,
) -> Any:
    from .views import can_see_complaints

    a = actor(request)
    if not can_see_complaints(a):
        raise Forbidden("仅监管办和承办单位可以查看投诉举报统计")
    s = stats.compute(
        selectors.complaints(a),
        year=year or clock.today().year,
        month_from=month_from,
        month_to=month_to,
        kind=kind or "",
    )
    return {**{f: getattr(s, f) for f in _STATS_FIELDS}, "on_time_rate": s.on_time_rate}


_STATS_FIELDS = (
    "year",
    "month_from",
    "month_to",
    "kind",
    "total",
    "by_month",
    "by_kind",
    "by_industry",
    "by_outcome",
    "finished",
    "on_time",
)


class ComplaintIntakeIn(StrictIn):
    kind: Literal[tuple(Kind.values)] = Field(description="类别：complaint 投诉 / report 举报")  # type: ignore[valid-type]
    channel: Literal[tuple(Channel.values)] = Field(description="来源渠道")  # type: ignore[valid-type]
    standing: Literal[tuple(FilerStanding.values)] = Field(  # type: ignore[valid-type]
        FilerStanding.PUBLIC, description="投诉人身份"
    )
    project: str = Field("", max_length=200, description="项目名称或编号")
    subject_text: str = Field(max_length=200, description="被投诉（举报）单位或个人")
    facts: str = Field(max_length=5000, description="事实和理由")
    requests: str = Field("", max_length=2000, description="投诉请求")
    concerns_officials: bool = Field(False, description="涉及公职人员或党员")
    anonymous: bool = Field(False, description="匿名举报（仅举报）")
    name: str = Field("", max_length=60, description="姓名")
    id_number: str = Field("", max_length=30, description="身份证号码")
    mobile: str = Field("", max_length=20, description="手机号码")
    contact: str = Field("", max_length=200, description="其他联系方式")
    evidence: list[FileIn] = Field([], description="证据材料（PDF、JPG 或 PNG，最多 5 份）")


class PublicComplaintIn(ComplaintIntakeIn):
    channel: Literal[tuple(Channel.values)] = Field(  # type: ignore[valid-type]
        Channel.ONLINE, description="来源渠道（12345 热线、浙里办等对接时注明）"
    )
    sms_code: str = Field(
        "",
        max_length=6,
        description="手机验证码（填写手机号码时必填，先调用 …/code 获取；"
        "系统对接账号凭接口令牌提交时由对接方自行核验来电人，无需填写）",
    )


class ComplaintFiledOut(Schema):
    receipt_number: str
    query_code: str = Field(description="查询码：只在此显示一次，请妥善保存")
    replayed: bool


def _filing(data: Any, files: dict[str, Any]) -> services.Filing:
    fields = data.model_dump(exclude={"evidence", "channel", "sms_code"})
    return services.Filing(**fields, evidence=list(files.get("evidence") or []))


@router.post(
    "",
    response=responses(ComplaintFiledOut, 201),
    summary="登记线下收到的投诉举报（来信、来访、热线、上级交办等）",
    openapi_extra=body_doc(ComplaintIntakeIn),
)
def register_complaint(request: HttpRequest) -> Any:
    a = actor(request)
    body = parse_body(request, ComplaintIntakeIn)
    filed = services.file_complaint(
        actor=a,
        filing=_filing(body.data, body.files),
        channel=body.data.channel,
        source=limits.address_digest(f"user:{a.user_id}"),
        idempotency_key=idempotency_key(request) or "",
    )
    return 201, {
        "receipt_number": filed.complaint.receipt_number,
        "query_code": filed.query_code,
        "replayed": filed.replayed,
    }


steps.mount_api(router, complaint_steps.PART_WF, "assignment_id", prefix="/assignments")


@router.get(
    "/{complaint_id}",
    response=responses(ComplaintDetailOut),
    summary="投诉举报详情：办理期限、可办理的环节（不含投诉人身份）",
)
def get_complaint(request: HttpRequest, complaint_id: Id) -> Any:
    return detail_out(complaint_steps.load_complaint(actor(request), complaint_id), request)


class ComplaintRevealIn(StrictIn):
    reason: str = Field(max_length=200, description="查看理由（记入操作日志）")


class ComplaintIdentityOut(Schema):
    name: str
    id_number: str
    mobile: str
    contact: str


@router.post(
    "/{complaint_id}/identity",
    response=responses(ComplaintIdentityOut),
    summary="查看投诉人身份（仅本件承办人员，每次查看记入操作日志）",
)
def reveal_identity(request: HttpRequest, complaint_id: Id, body: ComplaintRevealIn) -> Any:
    a = actor(request)
    c = complaint_steps.load_complaint(a, complaint_id)
    ident = identity.reveal(actor=a, complaint=c, reason=body.reason)
    return {
        "name": ident.name,
        "id_number": ident.id_number,
        "mobile": ident.mobile,
        "contact": ident.contact,
    }


steps.mount_api(router, complaint_steps.WF, "complaint_id")


# --- the public window ---------------------------------------------------------------------------


@public_router.post(
    "",
    response={**responses(ComplaintFiledOut, 201), 429: ErrorOut},
    summary="提交投诉或举报（无需账号；12345 热线、浙里办等可代为提交并注明渠道）",
    openapi_extra=body_doc(PublicComplaintIn),
)
def public_file(request: HttpRequest) -> Any:
    body = parse_body(request, PublicComplaintIn)
    integration = _integration(request)
    filed = services.file_complaint(
        actor=integration or actor(request),
        filing=_filing(body.data, body.files),
        channel=body.data.channel,
        source=limits.address_digest(
            f"user:{integration.user_id}" if integration else client_ip(request)
        ),
        idempotency_key=idempotency_key(request) or "",
        public=True,
        # an integration account verified the caller itself (ADR 0521)
        sms_code=None if integration else body.data.sms_code,
    )
    return 201, {
        "receipt_number": filed.complaint.receipt_number,
        "query_code": filed.query_code,
        "replayed": filed.replayed,
    }


def _integration(request: HttpRequest) -> Any:
    """The integration account (12345 hotline, 浙里办) whose bearer token came
    with a public filing, else None; any other token is refused."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    found = registries.token_backend().authenticate(header.removeprefix("Bearer ").strip())
    if found is None or not registries.token_backend().token_only(found[1]):
        raise Forbidden(
            "仅系统对接账号可凭接口令牌代为提交（免手机验证码）", code="not_integration"
        )
    return found[1]


class MobileCodeIn(StrictIn):
    mobile: str = Field(max_length=20, description="手机号码")


class MobileCodeOut(Schema):
    mobile: str = Field(description="已发送的手机号码（部分隐藏）")
    valid_minutes: int


@public_router.post(
    "/code",
    response={**responses(MobileCodeOut, 202), 429: ErrorOut, 503: ErrorOut},
    summary="获取手机验证码（提交时填写 sms_code；每个号码 1 分钟 1 次）",
)
def public_code(request: HttpRequest, body: MobileCodeIn) -> Any:
    services.send_code(mobile=body.mobile, source=limits.address_digest(client_ip(request)))
    return 202, {
        "mobile": idcheck.mask_mobile(idcheck.check_mobile(body.mobile).value),
        "valid_minutes": limits.CODE_MINUTES,
    }


class ComplaintTrackIn(StrictIn):
    number: str = Field(max_length=20, description="收件编号")
    code: str = Field(max_length=20, description="查询码")


class TrackDocumentOut(Schema):
    id: int
    title: str
    number: str


class ComplaintTrackOut(Schema):
    receipt_number: str
    kind: str
    state: str
    state_label: str
    received_at: str
    decision: str
    reasons: list[str]
    decision_note: str
    outcome: str
    answer: str
    documents: list[TrackDocumentOut] = Field(
        description="送达投诉人的文书（在公众门户查询页面凭收件编号和查询码下载）"
    )


@public_router.post(
    "/track",
    response={**responses(ComplaintTrackOut), 429: ErrorOut},
    summary="凭收件编号和查询码查询办理情况",
)
def public_track(request: HttpRequest, body: ComplaintTrackIn) -> Any:
    c = selectors.track(
        number=body.number, code=body.code, source=limits.address_digest(client_ip(request))
    )
    return selectors.public_view(c)
