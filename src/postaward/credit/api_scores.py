"""API of score events under ``/api/v1/credit`` (R-SCO-01; session or token,
scoped): the list with filters, one event with its objections, manual entry
(multipart with the evidence; Idempotency-Key) and an objection
(Idempotency-Key). The objection's steps are those of every credit request:
``/api/v1/credit/requests/{request_id}/steps``."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from postaward.core.api_base import StrictIn, actor, idempotency_key, responses
from postaward.core.types import Date, Id

from . import services_scores
from .choices import ScoreState, SubjectKind
from .facts import label as fact_label
from .models import CreditRequest, ScoreEvent
from .views_scores import load_event, score_events

router = Router(tags=["信用管理"])


class ScoreEventOut(Schema):
    id: int
    subject_kind: str
    subject_kind_label: str
    subject_name: str
    subject_org_id: int | None
    subject_person_id: int | None
    project_id: int | None
    authority: str
    industry: str
    item_code: str
    item_description: str
    rule_set_version: int
    basis: str = Field(description="依据文件及条款")
    fact: str
    fact_label: str
    summary: str
    link: str
    raw_points: str = Field(description="规则分值")
    points: str = Field(description="计入分值（封顶后）")
    cap_note: str
    occurred_on: str
    year: int
    state: str
    state_label: str
    notified_on: str
    objection_until: str
    final_on: str | None
    withdrawn_reason: str
    has_evidence: bool


class ScoreObjectionOut(Schema):
    id: int
    score_event_id: int
    kind: str
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
    has_evidence: bool = Field(False, description="附有整改证明（信用修复）")
    actions: list[str] = Field(description="当前账号可办理的环节（/requests/{request_id}/steps）")


def objection_out(q: CreditRequest, request: HttpRequest) -> dict[str, Any]:
    from postaward.core import clock, steps

    return {
        "id": q.pk,
        "score_event_id": q.score_event_id,
        "kind": q.kind,
        "state": q.state,
        "state_label": q.get_state_display(),
        "reason": q.reason,
        "on_behalf": q.on_behalf,
        "filed_at": clock.localtime(q.filed_at).strftime("%Y-%m-%d %H:%M"),
        "opinion": q.opinion,
        "recommendation": q.recommendation,
        "decision": q.decision,
        "new_points": q.new_points,
        "withdraw": q.withdraw,
        "has_evidence": bool(q.evidence),
        "actions": steps.allowed_names(q, actor(request)),
    }


class ScoreEventDetailOut(ScoreEventOut):
    requests: list[ScoreObjectionOut]
    may_object: bool = Field(description="当前账号可以对该记分提出异议")
    may_repair: bool = Field(description="当前账号可以对该记分申请信用修复")


def event_row(e: ScoreEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "subject_kind": e.subject_kind,
        "subject_kind_label": e.get_subject_kind_display(),
        "subject_name": e.subject_name,
        "subject_org_id": e.subject_org_id,
        "subject_person_id": e.subject_person_id,
        "project_id": e.project_id,
        "authority": e.authority.name,
        "industry": e.industry,
        "item_code": e.item.code,
        "item_description": e.item.description,
        "rule_set_version": e.item.rule_set.version,
        "basis": f"{e.item.basis_document}{e.item.basis_article}",
        "fact": e.fact,
        "fact_label": fact_label(e.fact),
        "summary": e.summary,
        "link": e.link,
        "raw_points": str(e.raw_points),
        "points": str(e.points),
        "cap_note": e.cap_note,
        "occurred_on": e.occurred_on.isoformat(),
        "year": e.year,
        "state": e.state,
        "state_label": e.get_state_display(),
        "notified_on": e.notified_on.isoformat(),
        "objection_until": e.objection_until.isoformat(),
        "final_on": e.final_on.isoformat() if e.final_on else None,
        "withdrawn_reason": e.withdrawn_reason,
        "has_evidence": bool(e.evidence),
    }


def detail_out(e: ScoreEvent, request: HttpRequest) -> dict[str, Any]:
    a = actor(request)
    qs = CreditRequest.objects.visible_to(a).filter(score_event=e).select_related("score_event")
    return {
        **event_row(e),
        "requests": [objection_out(q, request) for q in qs],
        "may_object": services_scores.may_object(e, a),
        "may_repair": services_scores.may_repair(e, a),
    }


@router.get(
    "/score-events",
    response=responses(list[ScoreEventOut]),
    summary="记分事件列表（监管办看到本区全部，主管部门看到本部门评分的，单位和个人看到自己的）",
)
def list_score_events(
    request: HttpRequest,
    year: int | None = None,
    industry: str | None = None,
    subject_kind: SubjectKind | None = None,
    state: ScoreState | None = None,
    fact: str | None = None,
    project_id: int | None = None,
) -> Any:
    qs = score_events(actor(request))
    for field, value in (
        ("year", year),
        ("industry", industry),
        ("subject_kind", subject_kind),
        ("state", state),
        ("fact", fact),
        ("project_id", project_id),
    ):
        if value:
            qs = qs.filter(**{field: value})
    return [event_row(e) for e in qs[:500]]


@router.get(
    "/score-events/{score_event_id}",
    response=responses(ScoreEventDetailOut),
    summary="记分事件详情：评分项及版本、依据、封顶、异议期与异议",
)
def get_score_event(request: HttpRequest, score_event_id: Id) -> Any:
    return detail_out(load_event(actor(request), score_event_id), request)


class ManualScoreIn(StrictIn):
    item_id: int = Field(ge=1, description="人工录入评分项")
    subject_org_id: int | None = Field(None, ge=1, description="评分单位（与人员二选一）")
    subject_person_id: int | None = Field(None, ge=1, description="评分人员（与单位二选一）")
    project_id: int | None = Field(None, ge=1, description="项目（可不填）")
    occurred_on: Date = Field(description="发生日期")
    summary: str = Field(max_length=500, description="事由")


@router.post(
    "/score-events",
    response=responses(ScoreEventOut, 201),
    summary="人工录入记分（行业主管部门；multipart，证据文件 evidence 必填；可带 Idempotency-Key）",
)
def enter_manual(
    request: HttpRequest,
    payload: Form[ManualScoreIn],
    evidence: UploadedFile = File(...),  # noqa: B008
) -> Any:
    e = services_scores.enter_manual(
        actor=actor(request),
        item_id=payload.item_id,
        occurred_on=payload.occurred_on,
        summary=payload.summary,
        evidence=evidence,
        subject_org_id=payload.subject_org_id,
        subject_person_id=payload.subject_person_id,
        project_id=payload.project_id,
        idempotency_key=idempotency_key(request) or "",
    )
    return 201, event_row(load_event(actor(request), e.pk))


class ScoreObjectionIn(StrictIn):
    kind: Literal["objection"] = Field("objection", description="类别：objection 记分异议")
    reason: str = Field(max_length=2000, description="异议理由")


@router.post(
    "/score-events/{score_event_id}/objections",
    response=responses(ScoreObjectionOut, 201),
    summary="对记分提出异议（被记分单位或人员，或监管办代为登记；异议期内；可带 Idempotency-Key）",
)
def object_to_score(request: HttpRequest, score_event_id: Id, body: ScoreObjectionIn) -> Any:
    a = actor(request)
    q = services_scores.file_score_objection(
        actor=a,
        event=load_event(a, score_event_id),
        reason=body.reason,
        idempotency_key=idempotency_key(request) or "",
    )
    return 201, objection_out(q, request)


class ScoreRepairIn(StrictIn):
    reason: str = Field(max_length=2000, description="整改情况（失信行为已纠正的事实）")


@router.post(
    "/score-events/{score_event_id}/repairs",
    response=responses(ScoreObjectionOut, 201),
    summary=(
        "申请信用修复（已生效的扣分；被记分单位或人员，或监管办代为登记；"
        "multipart，整改证明 evidence 可选；可带 Idempotency-Key）"
    ),
)
def repair_score(
    request: HttpRequest,
    score_event_id: Id,
    payload: Form[ScoreRepairIn],
    evidence: UploadedFile | None = File(None),  # noqa: B008
) -> Any:
    a = actor(request)
    q = services_scores.file_score_repair(
        actor=a,
        event=load_event(a, score_event_id),
        reason=payload.reason,
        evidence=evidence,
        idempotency_key=idempotency_key(request) or "",
    )
    return 201, objection_out(q, request)
