"""The visits API under ``/api/v1/inspections`` (session or token, scoped):
inspections (list, one, registration by hand, the generated steps), joint
inspections (candidates, merge), the rectification ledger (list, one order,
its steps) and the statistics; the same services and steps as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from postaward.core import audit, clock, steps
from postaward.core.api_base import StrictIn, actor, responses
from postaward.core.bodies import write_once
from postaward.core.errors import Forbidden
from postaward.core.types import Id

from . import joint_visits as joint
from . import services_visits as svc
from . import stats_visits
from . import steps_visits as vs
from .models.visits import (
    Inspection,
    InspectionKind,
    InspectionState,
    OrderState,
    RectificationOrder,
)
from .views_visits import can_see, can_see_ledger, clocks_of

router = Router(tags=["双随机检查"])


class VisitRowOut(Schema):
    id: int
    number: str
    project: str
    department: str
    kind: str
    kind_label: str
    announced: bool
    is_joint: bool
    state: str
    state_label: str
    period_start: str
    period_end: str
    merged_into: str


class VisitItemOut(Schema):
    id: int
    position: int
    name: str
    basis: str
    method: str
    result: str
    department: str


class VisitFindingOut(Schema):
    id: int
    item: str
    description: str
    subject: str
    disposition: str
    disposition_label: str
    evidence: list[str]


class VisitInspectorOut(Schema):
    name: str
    department: str
    certificate_number: str
    signed: bool


class VisitClockOut(Schema):
    label: str
    period: str
    end: str
    state: str
    overdue: bool


class VisitDetailOut(VisitRowOut):
    departments: list[str]
    inspectors: list[VisitInspectorOut]
    items: list[VisitItemOut]
    findings: list[VisitFindingOut]
    clocks: list[VisitClockOut]
    report: str
    public_summary: str
    actions: list[str]


def _row(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "project": i.project.name,
        "department": i.department.name,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "announced": i.announced,
        "is_joint": i.is_joint,
        "state": i.state,
        "state_label": i.get_state_display(),
        "period_start": i.period_start.isoformat(),
        "period_end": i.period_end.isoformat(),
        "merged_into": i.merged_into.number if i.merged_into_id else "",  # type: ignore[union-attr]
    }


def detail_out(i: Inspection, request: HttpRequest) -> dict[str, Any]:
    a = actor(request)
    return {
        **_row(i),
        "departments": [d.department.name for d in i.departments.select_related("department")],
        "inspectors": [
            {
                "name": r.name,
                "department": r.department_name,
                "certificate_number": r.certificate_number,
                "signed": r.signed_at is not None,
            }
            for r in i.inspectors.all()
        ],
        "items": [
            {
                "id": it.pk,
                "position": it.position,
                "name": it.name,
                "basis": it.basis,
                "method": it.method,
                "result": it.result,
                "department": it.department_name,
            }
            for it in i.items.all()
        ],
        "findings": [
            {
                "id": f.pk,
                "item": f.item.name,
                "description": f.description,
                "subject": f.subject_text,
                "disposition": f.disposition,
                "disposition_label": f.get_disposition_display() if f.disposition else "",
                "evidence": [
                    reverse("inspections_evidence", args=[e.pk]) for e in f.evidence.all()
                ],
            }
            for f in i.findings.select_related("item").prefetch_related("evidence")
        ],
        "clocks": clocks_of(i),
        "report": i.report,
        "public_summary": i.public_summary,
        "actions": steps.allowed_names(i, a),
    }


def _visible(request: HttpRequest) -> Any:
    a = actor(request)
    if not can_see(a):
        raise Forbidden("仅监管办和行业主管部门可以查看检查")
    return Inspection.objects.visible_to(a).select_related("project", "department", "merged_into")


@router.get("/visits", response=responses(list[VisitRowOut]), summary="检查清单（本单位数据范围）")
def list_visits(request: HttpRequest, state: InspectionState | None = None) -> Any:
    qs = _visible(request)
    if state:
        qs = qs.filter(state=state)
    return [_row(i) for i in qs[:500]]


class VisitNewIn(StrictIn):
    project_id: Id = Field(description="检查项目")
    department_id: Id = Field(description="检查部门（行业主管部门）")
    inspector_ids: list[Id] = Field(max_length=10, description="检查人员（执法证，至少2名）")
    items_text: str = Field("", max_length=5000, description="检查事项，每行一项：事项｜依据｜方式")
    common_items: list[str] = Field(
        [],
        max_length=20,
        description="检查事项的编码（监管工作清单事项为 work-item:编号，或常用事项编码）",
    )
    period_start: dt.date = Field(description="检查期间自")
    period_end: dt.date = Field(description="检查期间至")
    announced: bool = Field(True, description="事先通知（false：不打招呼）")
    kind: str = Field(
        InspectionKind.ROUTINE, description="random 双随机抽查，special 专项检查，routine 日常检查"
    )
    source_ref: str = Field("", max_length=60, description="检查计划或任务文号")


class VisitCreatedOut(Schema):
    id: int
    number: str


@router.post(
    "/visits", response=responses(VisitCreatedOut, 201), summary="登记检查（监管办或行业主管部门）"
)
def create_visit(request: HttpRequest, body: VisitNewIn) -> Any:
    a = actor(request)

    def run() -> dict[str, Any]:
        i = svc.register_by_hand(actor=a, **body.model_dump())
        return audit.normalise({"id": i.pk, "number": i.number})

    return write_once(
        request, "inspections.visits.create", body.model_dump(mode="json"), run, status=201
    )


class VisitCandidateOut(Schema):
    reason: str
    saved: int
    inspections: list[VisitRowOut]


@router.get(
    "/visits/merge-candidates",
    response=responses(list[VisitCandidateOut]),
    summary="可合并为联合检查的检查（同一项目或同一企业、检查期间重叠）",
)
def merge_candidates(request: HttpRequest) -> Any:
    a = actor(request)
    if not joint.may_merge(a):
        raise Forbidden("监管办工作人员方可合并联合检查")
    return [
        {"reason": g.reason, "saved": g.saved, "inspections": [_row(i) for i in g.inspections]}
        for g in joint.candidates(a)
    ]


class VisitMergeIn(StrictIn):
    lead_id: Id = Field(description="牵头检查")
    other_ids: list[Id] = Field(min_length=1, max_length=10, description="并入的检查")


@router.post("/visits/merge", response=responses(VisitCreatedOut), summary="合并为联合检查")
def merge_visits(request: HttpRequest, body: VisitMergeIn) -> Any:
    a = actor(request)

    def run() -> dict[str, Any]:
        lead = joint.merge(a, lead_id=body.lead_id, other_ids=list(body.other_ids))
        return audit.normalise({"id": lead.pk, "number": lead.number})

    return write_once(request, "inspections.visits.merge", body.model_dump(mode="json"), run)


class VisitStatsOut(Schema):
    inspections: int
    joint: int
    visits_saved: int
    orders: int
    open_orders: int
    on_time: int
    late: int
    on_time_rate: str
    findings_by_item: list[dict[str, Any]]


@router.get("/visits/statistics", response=responses(VisitStatsOut), summary="检查统计")
def visit_statistics(request: HttpRequest) -> Any:
    a = actor(request)
    if not can_see(a):
        raise Forbidden("仅监管办和行业主管部门可以查看检查统计")
    s = stats_visits.visit_stats(a)
    return {
        "inspections": s.inspections,
        "joint": s.joint,
        "visits_saved": s.saved,
        "orders": s.orders,
        "open_orders": s.open_orders,
        "on_time": s.on_time,
        "late": s.late,
        "on_time_rate": s.on_time_rate,
        "findings_by_item": s.by_item,
    }


@router.get("/visits/{inspection_id}", response=responses(VisitDetailOut), summary="检查详情")
def get_visit(request: HttpRequest, inspection_id: Id) -> Any:
    return detail_out(vs.load_inspection(actor(request), inspection_id), request)


steps.mount_api(router, vs.WF, "inspection_id", prefix="/visits")


class RectificationOrderOut(Schema):
    id: int
    number: str
    inspection: str
    project: str
    item: str
    subject: str
    requirement: str
    due_on: str
    rounds: int
    state: str
    state_label: str
    replies: list[dict[str, Any]]


def order_out(o: RectificationOrder) -> dict[str, Any]:
    return {
        "id": o.pk,
        "number": o.number,
        "inspection": o.inspection.number,
        "project": o.inspection.project.name,
        "item": o.finding.item.name,
        "subject": o.subject_text,
        "requirement": o.requirement,
        "due_on": o.due_on.isoformat(),
        "rounds": o.rounds,
        "state": o.state,
        "state_label": o.get_state_display(),
        "replies": [
            {
                "round": r.round,
                "text": r.text,
                "replied_at": clock.localtime(r.replied_at).strftime("%Y-%m-%d %H:%M"),
                "on_time": r.on_time,
                "verdict": r.verdict,
                "verify_note": r.verify_note,
            }
            for r in o.replies.all()
        ],
    }


@router.get(
    "/rectifications",
    response=responses(list[RectificationOrderOut]),
    summary="标后检查及整改台账（本单位数据范围）",
)
def list_orders(request: HttpRequest, state: OrderState | None = None) -> Any:
    a = actor(request)
    if not can_see_ledger(a):
        raise Forbidden("当前角色无权查看整改台账")
    qs = RectificationOrder.objects.visible_to(a).select_related(
        "inspection__project", "finding__item"
    )
    if state:
        qs = qs.filter(state=state)
    return [order_out(o) for o in qs.prefetch_related("replies")[:500]]


@router.get(
    "/rectifications/{rectification_id}",
    response=responses(RectificationOrderOut),
    summary="整改通知详情",
)
def get_order(request: HttpRequest, rectification_id: Id) -> Any:
    return order_out(vs.load_order(actor(request), rectification_id))


steps.mount_api(router, vs.ORDER_WF, "rectification_id", prefix="/rectifications")
