"""The steps of a monthly report (R-REP-02): ``submit`` (the reporting unit:
draft → submitted, the clock stops, the Word and PDF documents are issued and
delivered) and ``return`` (the coordinating body sends a department's report
back: submitted → returned; the unit edits and submits again). Opening,
drafting and editing are not steps (``services_monthly``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.errors import Forbidden
from postaward.core.scoping import get_visible_or_404

from .choices import MonthlyState
from .forms_monthly import ReturnForm
from .models import MonthlyReport, snapshot_monthly

WF_MONTHLY = "reports.monthly_report"
DENIED = "月度报告仅限报送单位、牵头单位和监管办查看"


def may_read(actor: Actor) -> bool:
    """The office, the DRC and the reporting departments (ADR 0920, 0933)."""
    from postaward.orgs.choices import OrgKind

    from .models import ReportingUnit
    from .services_monthly import DEPARTMENT_KINDS

    if actor.user_id is None or not actor.org_path or not actor.roles:
        return False
    if actor.org_kind in (OrgKind.SUPERVISION_OFFICE, OrgKind.DRC, *DEPARTMENT_KINDS):
        return True
    # a unit of another kind the office listed in the directory (ADR 0933)
    return ReportingUnit.objects.filter(organisation_id=actor.organisation_id).exists()


def load_report(actor: Actor, pk: int) -> MonthlyReport:
    if not may_read(actor):
        raise Forbidden(DENIED)
    return get_visible_or_404(  # type: ignore[no-any-return]
        MonthlyReport.objects.select_related("department", "office", "document"), actor, pk=pk
    )


def own_unit(r: MonthlyReport, actor: Actor) -> bool:
    from .services_monthly import may_write

    return actor.is_system or may_write(actor, r)


def coordinator(r: MonthlyReport, actor: Actor) -> bool:
    from .services_monthly import is_coordinator

    return actor.is_system or (not r.summary and is_coordinator(actor, r.office))


class MonthlyReturnIn(StrictIn):
    note: str = Field(max_length=2000, description="退回意见")


def _submit(*, actor: Actor, obj: MonthlyReport, **data: Any) -> Any:
    from . import services_monthly

    return services_monthly.submit(actor=actor, obj=obj)


def _return(*, actor: Actor, obj: MonthlyReport, **data: Any) -> Any:
    from . import services_monthly

    return services_monthly.return_report(actor=actor, obj=obj, **data)


def _render(request: Any, r: MonthlyReport, *, bound: Any = None, status: int = 200) -> Any:
    from .views_monthly import render_detail

    return render_detail(request, r, bound=bound, status=status)


def _answer(request: Any, r: MonthlyReport) -> Any:
    from .api_monthly import report_out

    return report_out(r)


MONTHLY = steps.Workflow(
    key=WF_MONTHLY,
    model=MonthlyReport,
    label="月度报告",
    load=load_report,
    queryset=lambda: MonthlyReport.objects.select_related("department", "office"),
    snapshot=snapshot_monthly,
    detail_url=lambda r: reverse("reports_monthly_detail", args=[r.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="reports_monthly_step",
)

SUBMIT = steps.Step(
    WF_MONTHLY,
    "submit",
    "报送",
    who=own_unit,
    who_label="报送单位",
    sources=(MonthlyState.DRAFT, MonthlyState.RETURNED),
    target=MonthlyState.SUBMITTED,
    service=_submit,
    basis="R-REP-02",
    closes="reports.monthly_report",
    action="reports.monthly_submitted",
    success="已报送",
    help="报送后生成Word和PDF文件并送达接收单位，报告不能再修改",
)

RETURN = steps.Step(
    WF_MONTHLY,
    "return",
    "退回修改",
    who=coordinator,
    who_label="牵头单位",
    sources=(MonthlyState.SUBMITTED,),
    target=MonthlyState.RETURNED,
    service=_return,
    schema=MonthlyReturnIn,
    form=ReturnForm,
    basis="R-REP-02",
    action="reports.monthly_returned",
    success="已退回修改",
    style="outline-danger",
)


def register() -> None:
    steps.register(MONTHLY, SUBMIT, RETURN)
