"""The alerts API under /api/v1/alerts: inboxes and queries, disposal and
review, statistics, indicator settings and the sandbox, suspected issues,
clue transfers and notifications. Every read is scoped; every write is one
service call (R-ALR-01..06, R-ORG-02)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from postaward.core import clock, steps
from postaward.core.api_base import PatchIn, StrictIn, actor, responses
from postaward.core.errors import Forbidden, NotFound
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Count, Date, Id, Int64

from . import selectors, services
from . import steps as alert_steps
from .choices import IssueState
from .indicators import spec_for
from .models import (
    Alert,
    ClueTransfer,
    EvaluationRun,
    Indicator,
    Notification,
    SuspectedIssue,
)
from .permissions import can_see_alerts, can_see_issues

router = Router(tags=["预警监督"])


# --- schemas -------------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    number: str
    title: str
    indicator: str
    indicator_name: str
    severity: int
    severity_label: str
    state: str
    state_label: str
    level: str
    level_label: str
    origin_level: str
    project_id: int | None
    project_name: str | None
    subject_org_id: int | None
    handling_org_id: int
    handling_org: str
    review_org: str
    priority: int
    escalations: int
    overdue: bool
    finding: str
    hit_count: int
    created_at: dt.datetime
    due_at: dt.datetime | None
    explanation: str
    basis: str


class AlertStepOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    level: str
    organisation: str
    actor: str
    finding: str
    note: str
    late: bool | None
    deadline: str


class EvidenceOut(Schema):
    label: str
    value: str


class AlertDetailOut(AlertOut):
    evidence: list[EvidenceOut]
    facts: dict[str, Any]
    deadline: str
    priority_rule: str
    steps: list[AlertStepOut]
    actions: list[str]


class AlertPage(Schema):
    count: int
    items: list[AlertOut]


def _alert_out(a: Alert) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "title": a.title,
        "indicator": a.indicator.code,
        "indicator_name": a.indicator.name,
        "severity": a.severity,
        "severity_label": a.get_severity_display(),
        "state": a.state,
        "state_label": a.get_state_display(),
        "level": a.level,
        "level_label": a.get_level_display(),
        "origin_level": a.origin_level,
        "project_id": a.project_id,
        "project_name": a.project.name if a.project_id else None,  # type: ignore[union-attr]
        "subject_org_id": a.subject_org_id,
        "handling_org_id": a.handling_org_id,
        "handling_org": a.handling_org.name,
        "review_org": a.review_org.name,
        "priority": a.priority,
        "escalations": a.escalations,
        "overdue": a.overdue,
        "finding": a.finding,
        "hit_count": a.hit_count,
        "created_at": a.created_at,
        "due_at": a.disposal_deadline.due_at if a.disposal_deadline_id else None,  # type: ignore[union-attr]
        "explanation": a.explanation,
        "basis": a.basis,
    }


def _detail(a: Alert, request: HttpRequest) -> dict[str, Any]:
    return {
        **_alert_out(a),
        "evidence": [
            {"label": str(e.get("label", "")), "value": str(e.get("value", ""))} for e in a.evidence
        ],
        "facts": a.facts,
        "deadline": services.describe_deadline(a.disposal_deadline),
        "priority_rule": services.priority_of(a)[1],
        "steps": [
            {
                "at": s.at,
                "kind": s.kind,
                "kind_label": s.get_kind_display(),
                "level": s.level,
                "organisation": s.organisation_name,
                "actor": s.actor_name,
                "finding": s.finding,
                "note": s.note,
                "late": s.late,
                "deadline": s.deadline_text,
            }
            for s in a.steps.order_by("at", "id")
        ],
        "actions": steps.allowed_names(a, actor(request)),
    }


def _require_alerts(request: HttpRequest) -> None:
    if not can_see_alerts(actor(request)):
        raise Forbidden("企业账号无权查看预警")


def _get_alert(request: HttpRequest, alert_id: int) -> Alert:
    return alert_steps.load_alert(actor(request), alert_id)


class AlertQuery(Schema):
    box: Literal["all", "dispose", "review"] = "all"
    q: str | None = None
    state: str | None = None
    severity: Int64 | None = None
    level: str | None = None
    indicator: Int64 | None = None
    industry: str | None = None
    start: Date | None = None
    end: Date | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: Count = 0


# --- alerts ----------------------------------------------------------------------------------------


@router.get(
    "",
    response=responses(AlertPage),
    summary="预警列表（本单位数据范围；box=dispose 待处置、review 待审核）",
)
def list_alerts(request: HttpRequest, filters: Query[AlertQuery]) -> Any:
    _require_alerts(request)
    a = actor(request)
    if filters.box == "dispose":
        qs = selectors.to_dispose(a)
    elif filters.box == "review":
        qs = selectors.to_review(a)
    else:
        qs = selectors.alerts_for(a).order_by("-priority", "-created_at", "-id")
    qs = selectors.filter_alerts(qs, filters.dict())
    total = qs.count()
    rows = qs[filters.offset : filters.offset + filters.limit]
    return {"count": total, "items": [_alert_out(x) for x in rows]}


@router.get(
    "/stats",
    response=responses(dict),
    summary="预警统计：按指标、层级、行业、区域、月份；处置及时性；处置最慢单位",
)
def alert_stats(
    request: HttpRequest,
    start: Date | None = None,
    end: Date | None = None,
    industry: str | None = None,
) -> Any:
    _require_alerts(request)
    qs = selectors.filter_alerts(
        selectors.alerts_for(actor(request)), {"start": start, "end": end, "industry": industry}
    )
    data = selectors.statistics(qs)
    data["map"] = selectors.map_points(qs)
    return data


# --- indicators and the sandbox -------------------------------------------------------------------------


class ParamOut(Schema):
    name: str
    label: str
    kind: str
    value: Any
    default: Any


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    area: str
    source: str
    requirement: str
    enabled: bool
    active: bool
    inactive_reason: str
    severity: int
    level: str
    params: list[ParamOut]
    basis_document: str
    basis_article: str
    explanation: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    dedup_window_days: int
    disposal_days: int
    disposal_unit: str
    version: int
    figures: dict[str, Any]


def _indicator_out(i: Indicator, figures: dict[str, Any] | None) -> dict[str, Any]:
    spec = spec_for(i.code)
    reason = services.active_reason(i)
    return {
        "id": i.pk,
        "code": i.code,
        "name": i.name,
        "area": i.area,
        "source": i.source,
        "requirement": i.requirement,
        "enabled": i.enabled,
        "active": not reason,
        "inactive_reason": reason,
        "severity": i.severity,
        "level": i.level,
        "params": [
            {
                "name": p.name,
                "label": p.label,
                "kind": p.kind,
                "value": i.params.get(p.name, p.default),
                "default": p.default,
            }
            for p in (spec.params if spec else ())
        ],
        "basis_document": i.basis_document,
        "basis_article": i.basis_article,
        "explanation": i.explanation,
        "valid_from": i.valid_from,
        "valid_until": i.valid_until,
        "dedup_window_days": i.dedup_window_days,
        "disposal_days": i.disposal_days,
        "disposal_unit": i.disposal_unit,
        "version": i.version,
        "figures": figures
        or {
            "total": 0,
            "open": 0,
            "confirmed": 0,
            "dismissed": 0,
            "issue": 0,
            "escalated": 0,
            "precision": None,
            "decided": 0,
        },
    }


def _indicator(indicator_id: int) -> Indicator:
    i = Indicator.objects.filter(pk=indicator_id).first()
    if i is None or spec_for(i.code) is None:
        raise NotFound()
    return i


@router.get(
    "/indicators", response=responses(list[IndicatorOut]), summary="预警指标及其设置、属实/误报统计"
)
def list_indicators(request: HttpRequest) -> Any:
    _require_alerts(request)
    services.sync_indicators()
    rows = list(selectors.indicators())
    figures = selectors.indicator_figures([i.pk for i in rows])
    return [_indicator_out(i, figures.get(i.pk)) for i in rows]


class IndicatorPatch(PatchIn):
    clearable = frozenset({"valid_from", "valid_until"})  # null: no start / no end
    name: str | None = Field(None, max_length=100)
    enabled: bool | None = None
    severity: int | None = Field(None, ge=1, le=4)
    level: Literal["owner", "superior_unit", "industry_authority", "leading_group"] | None = None
    params: dict[str, int | Decimal | str] | None = None
    basis_document: str | None = Field(None, max_length=200)
    basis_article: str | None = Field(None, max_length=200)
    explanation: str | None = Field(None, max_length=2000)
    valid_from: Date | None = None
    valid_until: Date | None = None
    dedup_window_days: int | None = Field(None, ge=0, le=3650)
    disposal_days: int | None = Field(None, ge=1, le=365)
    disposal_unit: Literal["working_days", "calendar_days"] | None = None


@router.patch(
    "/indicators/{indicator_id}", response=responses(IndicatorOut), summary="修改指标设置（监管办）"
)
def update_indicator(request: HttpRequest, indicator_id: Id, payload: IndicatorPatch) -> Any:
    _require_alerts(request)
    changes = payload.dict(exclude_unset=True)
    i = services.update_indicator(
        actor=actor(request), indicator=_indicator(indicator_id), **changes
    )
    return _indicator_out(i, selectors.indicator_figures([i.pk]).get(i.pk))


class SandboxIn(StrictIn):
    params: dict[str, int | Decimal | str] = {}
    as_of: Date | None = None
    since: Date | None = None


class RunOut(Schema):
    id: int
    indicator: str
    mode: str
    state: str
    as_of: dt.date
    since: dt.date | None
    params: dict[str, Any]
    hits: int
    created: int
    merged: int
    duplicates: int
    suppressed: int
    notes: list[str]
    result: list[dict[str, Any]]
    error: str


def _run_out(r: EvaluationRun, rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": r.pk,
        "indicator": r.indicator.code,
        "mode": r.mode,
        "state": r.state,
        "as_of": r.as_of,
        "since": r.since,
        "params": r.params,
        "hits": r.hits,
        "created": r.created,
        "merged": r.merged,
        "duplicates": r.duplicates,
        "suppressed": r.suppressed,
        "notes": r.notes,
        "result": r.result if rows is None else rows,
        "error": r.error,
    }


@router.post(
    "/indicators/{indicator_id}/sandbox",
    response=responses(RunOut, 202),
    summary="沙箱试算：以编辑后的参数对历史数据试运行（后台执行）",
)
def sandbox(request: HttpRequest, indicator_id: Id, payload: SandboxIn) -> Any:
    _require_alerts(request)
    run = services.request_sandbox(
        actor=actor(request),
        indicator=_indicator(indicator_id),
        params={k: str(v) for k, v in payload.params.items()},
        as_of=payload.as_of or clock.today(),
        since=payload.since,
    )
    run.refresh_from_db()
    return Status(202, _run_out(run))


@router.get("/runs/{run_id}", response=responses(RunOut), summary="指标运行或沙箱试算的结果")
def get_run(request: HttpRequest, run_id: Id) -> Any:
    _require_alerts(request)
    a = actor(request)
    run = get_visible_or_404(selectors.runs(a), a, pk=run_id)
    return _run_out(run, selectors.run_rows(a, run))


# --- suspected issues and transfers ----------------------------------------------------------------------


class IssueOut(Schema):
    id: int
    number: str
    title: str
    description: str
    state: str
    project_id: int | None
    organisation: str
    involves_party_member: bool
    involves_public_official: bool
    suspected_crime: bool
    findings: str
    alert_ids: list[int]
    created_at: dt.datetime


def _issue_out(i: SuspectedIssue) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "title": i.title,
        "description": i.description,
        "state": i.state,
        "project_id": i.project_id,
        "organisation": i.organisation.name,
        "involves_party_member": i.involves_party_member,
        "involves_public_official": i.involves_public_official,
        "suspected_crime": i.suspected_crime,
        "findings": i.findings,
        "alert_ids": list(Alert.objects.filter(issue=i).values_list("pk", flat=True)),
        "created_at": i.created_at,
    }


def _require_issues(request: HttpRequest) -> None:
    if not can_see_issues(actor(request)):
        raise Forbidden("仅领导小组（监管办）、行业主管部门及纪检监察、公安机关可以查看疑似问题")


@router.get("/issues", response=responses(list[IssueOut]), summary="疑似问题")
def list_issues(request: HttpRequest, state: IssueState | None = None) -> Any:
    _require_issues(request)
    qs = SuspectedIssue.objects.visible_to(actor(request)).select_related("organisation")
    if state:
        qs = qs.filter(state=state)
    return [_issue_out(i) for i in qs[:500]]


class IssueIn(StrictIn):
    alert_ids: list[Id] = Field(min_length=1, max_length=100)
    title: str = Field(max_length=200)
    description: str = Field(max_length=5000)
    persons_concerned: str = Field("", max_length=300)
    involves_party_member: bool = False
    involves_public_official: bool = False
    suspected_crime: bool = False


@router.post(
    "/issues", response=responses(IssueOut, 201), summary="预警转疑似问题（领导小组、行业主管部门）"
)
def create_issue(request: HttpRequest, payload: IssueIn) -> Any:
    _require_alerts(request)
    i = services.create_issue(actor=actor(request), **payload.dict())
    return Status(201, _issue_out(i))


def _get_issue(request: HttpRequest, issue_id: int) -> SuspectedIssue:
    _require_issues(request)
    return get_visible_or_404(
        SuspectedIssue.objects.select_related("organisation"), actor(request), pk=issue_id
    )


@router.post(
    "/issues/{issue_id}/verify", response=responses(IssueOut), summary="录入核实结论（登记单位）"
)
def verify_issue(request: HttpRequest, issue_id: Id, payload: alert_steps.VerifyIn) -> Any:
    i = services.verify_issue(
        actor=actor(request), issue=_get_issue(request, issue_id), **payload.dict()
    )
    return _issue_out(i)


class TransferOut(Schema):
    id: int
    issue_id: int | None
    source: str
    source_ref: str
    recipient: str
    recipient_org_id: int
    recipient_org: str
    state: str
    document_number: str
    reason: str
    sent_at: dt.datetime
    receipt_number: str
    received_at: dt.datetime | None
    result: str
    result_at: dt.datetime | None


def _transfer_out(t: ClueTransfer) -> dict[str, Any]:
    return {
        "id": t.pk,
        "issue_id": t.issue_id,
        "source": t.source,
        "source_ref": t.source_ref,
        "recipient": t.recipient,
        "recipient_org_id": t.recipient_org_id,
        "recipient_org": t.recipient_org.name,
        "state": t.state,
        "document_number": t.document_number,
        "reason": t.reason,
        "sent_at": t.sent_at,
        "receipt_number": t.receipt_number,
        "received_at": t.received_at,
        "result": t.result,
        "result_at": t.result_at,
    }


@router.post(
    "/issues/{issue_id}/transfers",
    response=responses(TransferOut, 201),
    summary="线索移送（纪检监察机关或公安机关）",
)
def transfer_clue(request: HttpRequest, issue_id: Id, payload: alert_steps.TransferIn) -> Any:
    t = services.transfer_clue_to(
        actor=actor(request), issue=_get_issue(request, issue_id), **payload.dict()
    )
    return Status(201, _transfer_out(t))


@router.get(
    "/transfers", response=responses(list[TransferOut]), summary="移送线索（移送单位、接收机关）"
)
def list_transfers(request: HttpRequest) -> Any:
    _require_issues(request)
    qs = ClueTransfer.objects.visible_to(actor(request)).select_related("recipient_org")
    return [_transfer_out(t) for t in qs[:500]]


def _get_transfer(request: HttpRequest, transfer_id: int) -> ClueTransfer:
    return alert_steps.load_transfer(actor(request), transfer_id)


@router.post(
    "/transfers/{transfer_id}/receipt",
    response=responses(TransferOut),
    summary="签收移送线索（接收机关；同 POST /transfers/{transfer_id}/steps/receive）",
)
def receive_transfer(request: HttpRequest, transfer_id: Id, payload: alert_steps.ReceiptIn) -> Any:
    t = _get_transfer(request, transfer_id)
    steps.take(alert_steps.RECEIVE, t, actor(request), payload.dict())
    return _transfer_out(_get_transfer(request, t.pk))


@router.post(
    "/transfers/{transfer_id}/result",
    response=responses(TransferOut),
    summary="反馈办理结果（接收机关；同 POST /transfers/{transfer_id}/steps/feed_back）",
)
def feed_back_transfer(request: HttpRequest, transfer_id: Id, payload: alert_steps.ResultIn) -> Any:
    t = _get_transfer(request, transfer_id)
    steps.take(alert_steps.FEED_BACK, t, actor(request), payload.dict())
    return _transfer_out(_get_transfer(request, t.pk))


# GET /transfers/{transfer_id}/steps and POST /transfers/{transfer_id}/steps/{name} (ADR 0060).
steps.mount_api(router, alert_steps.TRANSFER_WF, "transfer_id", prefix="/transfers")
# GET /issues/{issue_id}/steps and POST /issues/{issue_id}/steps/{name} (ADR 0060).
steps.mount_api(router, alert_steps.ISSUE_WF, "issue_id", prefix="/issues")


# --- notifications ----------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    alert_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    unread: int
    items: list[NotificationOut]


@router.get(
    "/notifications",
    response=responses(NotificationPage),
    summary="我的消息通知（新预警、临期提醒、超期升级、审核结果、线索移送）",
)
def list_notifications(request: HttpRequest, unread: bool = False) -> Any:
    qs = Notification.objects.visible_to(actor(request))
    count = qs.filter(read_at=None).count()
    if unread:
        qs = qs.filter(read_at=None)
    return {
        "unread": count,
        "items": [
            {
                "id": n.pk,
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "alert_id": n.alert_id,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in qs[:200]
        ],
    }


class ReadOut(Schema):
    id: int
    read_at: dt.datetime


@router.post(
    "/notifications/{notification_id}/read", response=responses(ReadOut), summary="标记为已读"
)
def read_notification(request: HttpRequest, notification_id: Id) -> Any:
    n = get_visible_or_404(Notification.objects.all(), actor(request), pk=notification_id)
    services.mark_read(actor=actor(request), notification=n)
    n.refresh_from_db()
    return {"id": n.pk, "read_at": n.read_at}


# --- one alert (after the literal paths above, so /indicators is not an alert id) ---------------


@router.get(
    "/{alert_id}",
    response=responses(AlertDetailOut),
    summary="预警详情（证据、处置期限、处置记录、可执行操作）",
)
def get_alert(request: HttpRequest, alert_id: Id) -> Any:
    return _detail(_get_alert(request, alert_id), request)


def _take(request: HttpRequest, alert_id: int, step: Any, data: dict[str, Any]) -> Any:
    a = _get_alert(request, alert_id)
    steps.take(step, a, actor(request), data)
    return _detail(_get_alert(request, a.pk), request)


class AlertDisposeIn(StrictIn):
    finding: Literal["confirmed", "dismissed"]
    note: str = Field(max_length=2000)


@router.post(
    "/{alert_id}/dispose",
    response=responses(AlertDetailOut),
    summary="处置反馈（处置单位；同 POST /{alert_id}/steps/dispose）",
)
def dispose_alert(request: HttpRequest, alert_id: Id, payload: AlertDisposeIn) -> Any:
    return _take(request, alert_id, alert_steps.DISPOSE, payload.dict())


class AlertReviewIn(StrictIn):
    decision: Literal["close", "send_back"]
    note: str = Field("", max_length=2000)


@router.post(
    "/{alert_id}/review",
    response=responses(AlertDetailOut),
    summary="审核：办结或退回重办（上一级单位；同 POST /{alert_id}/steps/close、send_back）",
)
def review_alert(request: HttpRequest, alert_id: Id, payload: AlertReviewIn) -> Any:
    step = alert_steps.CLOSE if payload.decision == "close" else alert_steps.SEND_BACK
    return _take(request, alert_id, step, {"note": payload.note})


class AlertReopenIn(StrictIn):
    reason: str = Field(max_length=2000)


@router.post(
    "/{alert_id}/reopen",
    response=responses(AlertDetailOut),
    summary="重新打开已办结的预警（审核单位或领导小组；同 POST /{alert_id}/steps/reopen）",
)
def reopen_alert(request: HttpRequest, alert_id: Id, payload: AlertReopenIn) -> Any:
    return _take(request, alert_id, alert_steps.REOPEN, payload.dict())


# GET /{alert_id}/steps and POST /{alert_id}/steps/{name}, from the registry (ADR 0060).
steps.mount_api(router, alert_steps.WF, "alert_id")
