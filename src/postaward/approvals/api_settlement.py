"""API of the settlement clock (``/api/v1/approvals/settlement``, added to the
approvals router by ``api.py``): the submission period after acceptance
(R-SET-01) and what is missing before a submission (R-PRJ-05). Submitting is
the projects lifecycle's step ``submit_settlement`` (``projects/steps.py``):
``can_submit`` is that step's answer for the caller."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from postaward.core import steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, responses
from postaward.core.bodies import FILES_NOTE, FileIn, body_doc, parse_body
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, Id
from postaward.projects import services as project_services
from postaward.projects import steps as project_steps
from postaward.projects import workflows as project_workflows
from postaward.projects.models import Project

from . import selectors
from .api import DeadlineOut, DeadlineQuery, _deadline, _write

router = Router(tags=["流程审批"])


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
    route: str = Field(..., description="结算审核方式（送审后；未送审为空，R-SET-02）")
    route_label: str = Field(..., description="结算审核方式（中文，含中介机构和委托同意情况）")
    intermediary: str = Field(..., description="审核中介机构")
    entrustment_approved: bool | None = Field(..., description="委托是否经同意")
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
        "route": p.settlement_route,
        "route_label": project_services.settlement_route_text(p) if p.settlement_route else "",
        "intermediary": p.settlement_intermediary,
        "entrustment_approved": p.settlement_entrustment_approved,
        "can_submit": steps.may(project_steps.SUBMIT_SETTLEMENT, p, a),
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
    route: str = Field(
        "",
        max_length=20,
        description="结算审核方式（必填）：finance_review 送财政投资评审、audit 送审计部门审计、"
        "intermediary 委托中介机构审核（R-SET-02）",
    )
    intermediary: str = Field(
        "", max_length=200, description="中介机构名称（委托中介机构审核时必填）"
    )
    entrustment_approved: bool | None = Field(
        None, description="委托是否经财政评审中心或审计部门同意（委托中介机构审核时必填）"
    )
    entrustment_ref: str = Field(
        "", max_length=100, description="同意委托的文件文号（经同意时必填）"
    )
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
            route=body.data.route,
            intermediary=body.data.intermediary,
            entrustment_approved=body.data.entrustment_approved,
            entrustment_ref=body.data.entrustment_ref,
            upload=body.files["document"],
        )
        return _settlement_of(done, a)

    return _write(request, f"approvals.settlement.{p.pk}", body.fingerprint, fn)
