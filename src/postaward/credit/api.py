"""The credit API under ``/api/v1/credit`` (session or token, scoped;
R-CAS-04): the records, one record with its requests and pushes, filing an
objection or a repair request (Idempotency-Key), and the steps of a request
(``GET/POST /requests/{request_id}/steps[/{name}]``)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from postaward.core import clock, steps
from postaward.core.api_base import StrictIn, actor, idempotency_key, responses
from postaward.core.types import Id

from . import services
from . import steps as credit_steps
from .choices import RecordState, RequestKind
from .models import CreditPush, CreditRecord, CreditRequest
from .views import load_record, records

router = Router(tags=["信用管理"])


class CreditRecordOut(Schema):
    id: int
    case_number: str
    subject_name: str
    subject_kind: str
    measure: str
    fine_yuan: str
    points: int
    original_points: int
    basis: str
    decision_number: str
    decided_on: str
    entered_on: str
    entered_in_time: bool
    valid_until: str
    department: str
    project_id: int | None
    state: str
    state_label: str
    outcome: str


class CreditRequestOut(Schema):
    id: int
    record_id: int | None = Field(description="信用记录（对记分事件的异议为空）")
    score_event_id: int | None = Field(description="记分事件（对信用记录的申请为空）")
    sanction_id: int | None = Field(None, description="黑名单（信用修复提前移出；其他申请为空）")
    kind: str
    kind_label: str
    state: str
    state_label: str
    reason: str
    on_behalf: bool
    filed_at: str
    opinion: str
    recommendation: str
    decision: str
    new_points: int | None
    withdraw: bool
    actions: list[str]


class CreditPushOut(Schema):
    action: str
    state: str
    state_label: str
    attempts: int
    last_error: str
    sent_at: str


class CreditRecordDetailOut(CreditRecordOut):
    requests: list[CreditRequestOut]
    pushes: list[CreditPushOut]
    may_file: list[str] = Field(description="当前账号可以提出的申请类别")


def _t(value: Any) -> str:
    return clock.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def record_row(r: CreditRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "case_number": r.case_number,
        "subject_name": r.subject_name,
        "subject_kind": "organisation" if r.subject_org_id else "person",
        "measure": r.measure,
        "fine_yuan": str(r.fine_yuan),
        "points": r.points,
        "original_points": r.original_points,
        "basis": r.basis,
        "decision_number": r.decision_number,
        "decided_on": r.decided_on.isoformat(),
        "entered_on": r.entered_on.isoformat(),
        "entered_in_time": r.entered_in_time,
        "valid_until": r.valid_until.isoformat(),
        "department": r.department.name,
        "project_id": r.project_id,
        "state": r.state,
        "state_label": r.get_state_display(),
        "outcome": r.outcome,
    }


def request_out(q: CreditRequest, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": q.pk,
        "record_id": q.record_id,
        "score_event_id": q.score_event_id,
        "sanction_id": q.sanction_id,
        "kind": q.kind,
        "kind_label": q.get_kind_display(),
        "state": q.state,
        "state_label": q.get_state_display(),
        "reason": q.reason,
        "on_behalf": q.on_behalf,
        "filed_at": _t(q.filed_at),
        "opinion": q.opinion,
        "recommendation": q.recommendation,
        "decision": q.decision,
        "new_points": q.new_points,
        "withdraw": q.withdraw,
        "actions": steps.allowed_names(q, actor(request)),
    }


def _push(p: CreditPush) -> dict[str, Any]:
    return {
        "action": p.action,
        "state": p.state,
        "state_label": p.get_state_display(),
        "attempts": p.attempts,
        "last_error": p.last_error,
        "sent_at": _t(p.sent_at),
    }


def detail_out(r: CreditRecord, request: HttpRequest) -> dict[str, Any]:
    a = actor(request)
    qs = CreditRequest.objects.visible_to(a).filter(record=r).select_related("record")
    return {
        **record_row(r),
        "requests": [request_out(q, request) for q in qs],
        "pushes": [_push(p) for p in CreditPush.objects.filter(record=r).order_by("-pk")[:20]],
        "may_file": [k for k in RequestKind.values if services.may_file(r, a, k)],
    }


@router.get(
    "/records",
    response=responses(list[CreditRecordOut]),
    summary="信用记录列表（监管办、行业主管部门看到本区全部；当事人只看到自己的）",
)
def list_records(request: HttpRequest, state: RecordState | None = None) -> Any:
    qs = records(actor(request))
    if state:
        qs = qs.filter(state=state)
    return [record_row(r) for r in qs[:500]]


@router.get(
    "/records/{record_id}",
    response=responses(CreditRecordDetailOut),
    summary="信用记录详情：异议与修复申请、信用平台推送情况",
)
def get_record(request: HttpRequest, record_id: Id) -> Any:
    return detail_out(load_record(actor(request), record_id), request)


class CreditRequestIn(StrictIn):
    kind: Literal[tuple(RequestKind.values)] = Field(  # type: ignore[valid-type]
        description="类别：objection 记分异议 / repair 信用修复"
    )
    reason: str = Field(max_length=2000, description="理由")


@router.post(
    "/records/{record_id}/requests",
    response=responses(CreditRequestOut, 201),
    summary="提出记分异议或信用修复申请（当事人，或监管办代为登记；可带 Idempotency-Key）",
)
def file_request(request: HttpRequest, record_id: Id, body: CreditRequestIn) -> Any:
    a = actor(request)
    q = services.file_request(
        actor=a,
        record=load_record(a, record_id),
        kind=body.kind,
        reason=body.reason,
        idempotency_key=idempotency_key(request) or "",
    )
    return 201, request_out(q, request)


@router.get(
    "/requests/{request_id}",
    response=responses(CreditRequestOut),
    summary="异议（修复）申请详情及当前账号可办理的环节",
)
def get_request(request: HttpRequest, request_id: Id) -> Any:
    return request_out(credit_steps.load_request(actor(request), request_id), request)


steps.mount_api(router, credit_steps.WF, "request_id", prefix="/requests")

# The scoring parts (issue 16), each in its own module.
from . import api_agents, api_enterprises, api_rules, api_sanctions, api_scores  # noqa: E402

router.add_router("", api_rules.router)
router.add_router("", api_scores.router)
router.add_router("", api_enterprises.router)
router.add_router("", api_sanctions.router)
router.add_router("", api_agents.router)
