"""The sanctions register under ``/api/v1/credit`` (R-SCO-07, R-SCO-08): the
measures (scoped), one measure, recording one (Idempotency-Key), its
revocation step, the credit repair of a blacklist entry (``POST
/sanctions/{sanction_id}/repairs``, ADR 0693), and the bidding system's check of an enterprise's ban
(``GET /enterprise-bans/check``: 责令停业整顿 in force on a day, SY 44)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from postaward.core import clock, idcheck, steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.core.types import Date, Id, StrictId
from postaward.orgs.models import Organisation

from . import services_sanctions
from .choices import IssuerKind, SanctionKind, SanctionState
from .models import Sanction
from .steps_sanctions import WF, load_sanction
from .views_sanctions import sanctions

router = Router(tags=["信用管理"])


class SanctionOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    issuer: str
    issuer_kind: str
    subject_name: str
    subject_org_id: int | None
    subject_person_id: int | None
    project_id: int | None
    reason: str
    basis: str
    decided_on: dt.date
    period_from: dt.date | None
    period_to: dt.date | None
    amount_yuan: str | None
    document_number: str
    bans_bidding_now: bool = Field(description="责令停业整顿期间：今天禁止参与区内招投标")
    state: str
    state_label: str
    revoked_reason: str


def sanction_out(s: Sanction) -> dict[str, Any]:
    return {
        "id": s.pk,
        "number": s.number,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "issuer": s.issuer.name,
        "issuer_kind": s.issuer_kind,
        "subject_name": s.subject_name,
        "subject_org_id": s.subject_org_id,
        "subject_person_id": s.subject_person_id,
        "project_id": s.project_id,
        "reason": s.reason,
        "basis": f"{s.basis_document}{s.basis_article}",
        "decided_on": s.decided_on,
        "period_from": s.period_from,
        "period_to": s.period_to,
        "amount_yuan": str(s.amount_yuan) if s.amount_yuan is not None else None,
        "document_number": s.document_number,
        "bans_bidding_now": s.bans_bidding and s.in_force_on(clock.today()),
        "state": s.state,
        "state_label": s.get_state_display(),
        "revoked_reason": s.revoked_reason,
    }


class SanctionFilter(Schema):
    kind: SanctionKind | None = None
    issuer_kind: IssuerKind | None = None
    state: SanctionState | None = None
    subject_org_id: Id | None = None


@router.get(
    "/sanctions",
    response=responses(list[SanctionOut]),
    summary="处理措施登记（监管办、行业主管部门看到本区全部；作出单位、被处理对象看到自己的）",
)
@paginate(LimitOffset)
def list_sanctions(request: HttpRequest, q: Query[SanctionFilter]) -> Any:
    qs = sanctions(actor(request)).order_by("-decided_on", "-pk")
    for field in ("kind", "issuer_kind", "state", "subject_org_id"):
        value = getattr(q, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    return [sanction_out(s) for s in qs[:1000]]


@router.get(
    "/sanctions/{sanction_id}",
    response=responses(SanctionOut),
    summary="处理措施详情",
)
def get_sanction(request: HttpRequest, sanction_id: Id) -> Any:
    return sanction_out(load_sanction(actor(request), sanction_id))


class SanctionIn(StrictIn):
    kind: SanctionKind = Field(description="处理措施")
    subject_org_id: StrictId | None = Field(None, description="被处理单位（与人员二选一）")
    subject_person_id: StrictId | None = Field(None, description="被处理人员（与单位二选一）")
    project_id: StrictId | None = Field(None, description="项目（建设单位的合同措施必填）")
    reason: str = Field(max_length=2000, description="事实和理由")
    basis_document: str = Field(max_length=200, description="依据文件")
    basis_article: str = Field(max_length=100, description="条款")
    decided_on: Date = Field(description="作出日期")
    period_from: Date | None = Field(None, description="期限自（责令停业整顿必填）")
    period_to: Date | None = Field(None, description="期限至（责令停业整顿必填）")
    amount_yuan: Decimal | None = Field(None, description="金额（元）")
    document_number: str = Field("", max_length=100, description="文书编号")


@router.post(
    "/sanctions",
    response=responses(SanctionOut, 201),
    summary="登记处理措施（建设单位、行业主管部门、监管办；可带 Idempotency-Key）",
)
def create_sanction(request: HttpRequest, body: SanctionIn) -> Any:
    s = services_sanctions.record_sanction(
        actor=actor(request), idempotency_key=idempotency_key(request), **body.dict()
    )
    return 201, sanction_out(s)


class SanctionRepairOut(Schema):
    id: int
    sanction_id: int
    kind: str
    state: str
    state_label: str
    reason: str
    on_behalf: bool
    filed_at: str
    has_evidence: bool = Field(description="附有整改证明")
    opinion: str
    recommendation: str
    decision: str
    actions: list[str] = Field(description="当前账号可办理的环节（/requests/{request_id}/steps）")


def repair_out(q: Any, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": q.pk,
        "sanction_id": q.sanction_id,
        "kind": q.kind,
        "state": q.state,
        "state_label": q.get_state_display(),
        "reason": q.reason,
        "on_behalf": q.on_behalf,
        "filed_at": clock.localtime(q.filed_at).strftime("%Y-%m-%d %H:%M"),
        "has_evidence": bool(q.evidence),
        "opinion": q.opinion,
        "recommendation": q.recommendation,
        "decision": q.decision,
        "actions": steps.allowed_names(q, actor(request)),
    }


class SanctionRepairIn(StrictIn):
    reason: str = Field(max_length=2000, description="整改情况（失信行为已纠正的事实）")


@router.post(
    "/sanctions/{sanction_id}/repairs",
    response=responses(SanctionRepairOut, 201),
    summary=(
        "申请黑名单信用修复（提前移出；列入黑名单的单位，或监管办代为登记；"
        "multipart，整改证明 evidence 可选；可带 Idempotency-Key）"
    ),
)
def repair_sanction(
    request: HttpRequest,
    sanction_id: Id,
    payload: Form[SanctionRepairIn],
    evidence: UploadedFile | None = File(None),  # noqa: B008
) -> Any:
    a = actor(request)
    q = services_sanctions.file_sanction_repair(
        actor=a,
        sanction=load_sanction(a, sanction_id),
        reason=payload.reason,
        evidence=evidence,
        idempotency_key=idempotency_key(request) or "",
    )
    return 201, repair_out(q, request)


class EnterpriseBanQuery(Schema):
    uscc: str = Field(max_length=30, description="统一社会信用代码")
    on: Date | None = Field(None, description="核验日期（默认今天）")


class EnterpriseBanOut(Schema):
    sanction_id: int
    number: str
    issuer: str
    decided_on: dt.date
    period_from: dt.date
    period_to: dt.date
    reason: str


class EnterpriseBanCheckOut(Schema):
    uscc: str
    name: str
    on: dt.date
    allowed: bool = Field(description="当日可以参与区内招投标")
    reasons: list[str]
    bans: list[EnterpriseBanOut]


@router.get(
    "/enterprise-bans/check",
    response=responses(EnterpriseBanCheckOut),
    summary="企业是否可以参与区内招投标（责令停业整顿期间禁止；供招投标系统核验）",
)
def check_enterprise_ban(request: HttpRequest, q: Query[EnterpriseBanQuery]) -> Any:
    a = actor(request)
    if not services_sanctions.may_check_bans(a):
        raise Forbidden("仅招投标系统对接账号、监管办和行业主管部门可以核验")
    checked = idcheck.check_uscc(q.uscc)
    if checked.error:
        raise ValidationFailed(checked.error, field="uscc")
    org = Organisation.objects.filter(uscc=checked.value).first()
    if org is None:
        raise NotFound("平台上没有该统一社会信用代码的企业")
    on = q.on or clock.today()
    bans = services_sanctions.bans_of(org.pk, on)
    return {
        "uscc": checked.value,
        "name": org.name,
        "on": on,
        "allowed": not bans,
        "reasons": [services_sanctions.ban_reason(s) for s in bans],
        "bans": [
            {
                "sanction_id": s.pk,
                "number": s.number,
                "issuer": s.issuer.name,
                "decided_on": s.decided_on,
                "period_from": s.period_from,
                "period_to": s.period_to,
                "reason": s.reason,
            }
            for s in bans
        ],
    }


steps.mount_api(router, WF, "sanction_id", prefix="/sanctions")
