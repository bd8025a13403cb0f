"""API of the monthly reports under ``/api/v1/reports/monthly`` (R-REP-02):
the reports (scoped: a department its own, the office and the coordinating
body the district's), one report, generating this unit's draft for a month
(``POST``, Idempotency-Key), changing sections (``PATCH``) and the steps
(``submit``, ``return``)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from postaward.core import steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Forbidden
from postaward.core.types import Id

from . import services_monthly as sm
from .choices import MONTHLY_SECTIONS, MonthlyState
from .models import MonthlyReport
from .steps_monthly import DENIED, WF_MONTHLY, load_report, may_read

router = Router()


class MonthlyReportOut(Schema):
    id: int
    year: int
    month: int
    department_id: int
    department: str
    summary: bool = Field(description="全区汇总报告")
    title: str
    state: str
    state_label: str
    due_on: dt.date = Field(description="报送期限（含当日，休息日已顺延）")
    submitted_at: dt.datetime | None
    late: bool = Field(description="逾期报送")
    work: str
    problems: str
    cases: str
    experience: str
    plan: str
    figures: dict[str, Any]
    document_number: str
    return_note: str
    actions: list[str] = Field(default_factory=list, description="当前账号可办理的环节")


def report_out(r: MonthlyReport, actor_: Any = None) -> dict[str, Any]:
    return {
        "id": r.pk,
        "year": r.year,
        "month": r.month,
        "department_id": r.department_id,
        "department": r.department.name,
        "summary": r.summary,
        "title": r.title,
        "state": r.state,
        "state_label": r.get_state_display(),
        "due_on": r.due_on,
        "submitted_at": r.submitted_at,
        "late": r.late,
        **{name: getattr(r, name) for name, _ in MONTHLY_SECTIONS},
        "figures": r.figures or {},
        "document_number": r.document.number if r.document is not None else "",
        "return_note": r.return_note,
        "actions": steps.allowed_names(r, actor_) if actor_ is not None else [],
    }


class MonthlyReportFilter(Schema):
    year: int | None = None
    month: int | None = Field(None, ge=1, le=12)
    state: MonthlyState | None = None


@router.get(
    "/monthly",
    response=responses(list[MonthlyReportOut]),
    summary="月度报告（报送单位看本单位，牵头单位和监管办看全区）",
)
@paginate(LimitOffset)
def list_monthly(request: HttpRequest, q: Query[MonthlyReportFilter]) -> Any:
    a = actor(request)
    if not may_read(a):
        raise Forbidden(DENIED)
    qs = MonthlyReport.objects.visible_to(a).select_related("department", "document")
    if q.year is not None:
        qs = qs.filter(year=q.year)
    if q.month is not None:
        qs = qs.filter(month=q.month)
    if q.state is not None:
        qs = qs.filter(state=q.state)
    return [report_out(r) for r in qs[:500]]


@router.get(
    "/monthly/{monthly_report_id}", response=responses(MonthlyReportOut), summary="月度报告详情"
)
def get_monthly(request: HttpRequest, monthly_report_id: Id) -> Any:
    a = actor(request)
    return report_out(load_report(a, monthly_report_id), a)


class MonthlyReportIn(StrictIn):
    year: int = Field(ge=2000, le=2100, description="年度")
    month: int = Field(ge=1, le=12, description="月份")


@router.post(
    "/monthly",
    response=responses(MonthlyReportOut, 201),
    summary="生成本单位某月的月度报告草稿（报送单位；可带 Idempotency-Key）",
)
def create_monthly(request: HttpRequest, body: MonthlyReportIn) -> Any:
    a = actor(request)
    r = sm.create(
        actor=a, year=body.year, month=body.month, idempotency_key=idempotency_key(request)
    )
    return 201, report_out(r, a)


class MonthlyReportPatch(StrictIn):
    work: str | None = Field(None, max_length=20000, description="工作开展情况及主要做法")
    problems: str | None = Field(None, max_length=20000, description="发现的问题及处理情况")
    cases: str | None = Field(None, max_length=20000, description="典型案例")
    experience: str | None = Field(None, max_length=20000, description="可复制推广的经验")
    plan: str | None = Field(None, max_length=20000, description="下月工作计划及建议")


@router.patch(
    "/monthly/{monthly_report_id}",
    response=responses(MonthlyReportOut),
    summary="修改月度报告（报送单位，报送前）",
)
def patch_monthly(request: HttpRequest, monthly_report_id: Id, body: MonthlyReportPatch) -> Any:
    a = actor(request)
    r = load_report(a, monthly_report_id)
    changes = {k: v for k, v in body.dict().items() if v is not None}
    r = sm.edit(actor=a, report=r, **changes)
    return report_out(r, a)


steps.mount_api(router, WF_MONTHLY, "monthly_report_id", prefix="/monthly")
