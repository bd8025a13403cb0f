"""Steps of the agents and experts part on the step registry (issue 16, ADR 0680).

- ``credit.appraisal``: the office's yearly appraisal of a tender agent is
  approved (审定) or returned by another office account (four eyes);
- ``credit.expert_report``: a C or D grade reported for suspension or removal
  is handled by the supervision office: suspend, remove, or no action.

Recording an appraisal, a choice, a pool member, an event or a grade creates a
row and is not a step (``services_agents``)."""

from __future__ import annotations

from typing import Any

from django import forms as dj_forms
from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.scoping import get_visible_or_404

from .models import (
    AgentAppraisal,
    AgentDisclosure,
    AppraisalState,
    DisclosureState,
    ExpertReport,
    ReportState,
    snapshot_appraisal,
    snapshot_disclosure,
    snapshot_report,
)

WF_APPRAISAL = "credit.appraisal"
WF_REPORT = "credit.expert_report"
WF_DISCLOSURE = "credit.disclosure"


def _office_of_row(obj: Any, actor: Actor) -> bool:
    from .services_agents import is_office

    if actor.is_system:
        return True
    return is_office(actor) and actor.organisation_id == obj.office_id


def other_office_account(a: AgentAppraisal, actor: Actor) -> bool:
    """An account of the office other than the one that recorded it."""
    return _office_of_row(a, actor) and actor.user_id != a.recorded_by_id


class AgentReasonIn(StrictIn):
    reason: str = Field(max_length=500, description="退回原因")


class DecisionIn(StrictIn):
    decision: str = Field(max_length=500, description="处理意见")


def _text_form(name: str, label: str, help_text: str) -> type[dj_forms.Form]:
    field = dj_forms.CharField(
        label=label,
        max_length=500,
        help_text=help_text,
        widget=dj_forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}),
    )
    return type(f"{name.title()}Form", (dj_forms.Form,), {name: field})


ReasonForm = _text_form("reason", "退回原因", "说明需补正或重新考评的内容")
DecisionForm = _text_form("decision", "处理意见", "写明调查核实情况和处理理由")


def load_appraisal(actor: Actor, pk: int) -> AgentAppraisal:
    return get_visible_or_404(  # type: ignore[no-any-return]
        AgentAppraisal.objects.select_related("agent", "office"), actor, pk=pk
    )


def load_report(actor: Actor, pk: int) -> ExpertReport:
    return get_visible_or_404(  # type: ignore[no-any-return]
        ExpertReport.objects.select_related(
            "expert", "office", "owner", "evaluation", "evaluation__event"
        ),
        actor,
        pk=pk,
    )


def _render_appraisal(request: Any, obj: Any, *, bound: Any = None, status: int = 200) -> Any:
    from .views_agents import render_appraisal

    return render_appraisal(request, obj, bound=bound, status=status)


def _render_report(request: Any, obj: Any, *, bound: Any = None, status: int = 200) -> Any:
    from .views_agents import render_report

    return render_report(request, obj, bound=bound, status=status)


def _answer_appraisal(request: Any, obj: Any) -> Any:
    from .api_agents import appraisal_out

    return appraisal_out(obj)


def _answer_report(request: Any, obj: Any) -> Any:
    from .api_agents import report_out

    return report_out(obj)


def _approve(*, actor: Actor, obj: AgentAppraisal, **data: Any) -> Any:
    from . import services_agents

    return services_agents.approve_appraisal(actor=actor, obj=obj)


def _return(*, actor: Actor, obj: AgentAppraisal, **data: Any) -> Any:
    from . import services_agents

    return services_agents.return_appraisal(actor=actor, obj=obj, **data)


def _decide(name: str) -> Any:
    def service(*, actor: Actor, obj: ExpertReport, **data: Any) -> Any:
        from . import services_agents

        return services_agents.decide_report(
            actor=actor, obj=obj, step=steps.get(WF_REPORT, name), **data
        )

    return service


APPRAISAL = steps.Workflow(
    key=WF_APPRAISAL,
    model=AgentAppraisal,
    label="年度考评",
    load=load_appraisal,
    queryset=lambda: AgentAppraisal.objects.select_related("agent", "office"),
    snapshot=snapshot_appraisal,
    detail_url=lambda a: reverse("credit_appraisal_detail", args=[a.pk]),
    render_page=_render_appraisal,
    answer=_answer_appraisal,
    page_url_name="credit_appraisal_step",
)

APPROVE = steps.Step(
    WF_APPRAISAL,
    "approve",
    "审定",
    who=other_office_account,
    who_label="监管办考评人以外的工作人员",
    sources=(AppraisalState.SUBMITTED,),
    target=AppraisalState.APPROVED,
    service=_approve,
    basis="R-SCO-05",
    action="credit.appraisal_approved",
    success="年度考评已审定，计入择优排名",
)

RETURN = steps.Step(
    WF_APPRAISAL,
    "return",
    "退回",
    who=other_office_account,
    who_label="监管办考评人以外的工作人员",
    sources=(AppraisalState.SUBMITTED,),
    target=AppraisalState.RETURNED,
    service=_return,
    schema=AgentReasonIn,
    form=ReasonForm,
    basis="R-SCO-05",
    action="credit.appraisal_returned",
    style="outline-danger",
)

REPORT = steps.Workflow(
    key=WF_REPORT,
    model=ExpertReport,
    label="评标专家不良评价报告",
    load=load_report,
    queryset=lambda: ExpertReport.objects.select_related("office", "evaluation__event"),
    snapshot=snapshot_report,
    detail_url=lambda r: reverse("credit_expert_report_detail", args=[r.pk]),
    render_page=_render_report,
    answer=_answer_report,
    page_url_name="credit_expert_report_step",
)


def _report_step(name: str, label: str, target: str, style: str, success: str) -> steps.Step:
    return steps.Step(
        WF_REPORT,
        name,
        label,
        who=_office_of_row,
        who_label="监管办",
        sources=(ReportState.REPORTED,),
        target=target,
        service=_decide(name),
        schema=DecisionIn,
        form=DecisionForm,
        basis="R-SCO-06",
        action=f"credit.expert_report_{name}",
        success=success,
        style=style,
    )


SUSPEND = _report_step(
    "suspend", "暂停评标资格", ReportState.SUSPENDED, "warning", "已暂停该专家的评标资格"
)
REMOVE = _report_step(
    "remove", "取消评标资格", ReportState.REMOVED, "danger", "已取消该专家的评标资格"
)
DISMISS = _report_step(
    "dismiss", "不予处理", ReportState.DISMISSED, "outline-secondary", "已作不予处理"
)


class AgentNoteIn(StrictIn):
    note: str = Field(max_length=500, description="核查意见")


NoteForm = _text_form("note", "核查意见", "与登记资料、人员库和项目库核对的情况")


def load_disclosure(actor: Actor, pk: int) -> AgentDisclosure:
    return get_visible_or_404(  # type: ignore[no-any-return]
        AgentDisclosure.objects.select_related("agent", "office"), actor, pk=pk
    )


def _render_disclosure(request: Any, obj: Any, *, bound: Any = None, status: int = 200) -> Any:
    from .views_agents import render_agent

    return render_agent(request, obj.agent, bound=bound, status=status)


def _answer_disclosure(request: Any, obj: Any) -> Any:
    from .api_agents import disclosure_out

    return disclosure_out(obj)


def _check(name: str) -> Any:
    def service(*, actor: Actor, obj: AgentDisclosure, **data: Any) -> Any:
        from . import services_agents

        return services_agents.check_disclosure(
            actor=actor, obj=obj, step=steps.get(WF_DISCLOSURE, name), **data
        )

    return service


DISCLOSURE = steps.Workflow(
    key=WF_DISCLOSURE,
    model=AgentDisclosure,
    label="招标代理机构信息公示",
    load=load_disclosure,
    queryset=lambda: AgentDisclosure.objects.select_related("agent", "office"),
    snapshot=snapshot_disclosure,
    detail_url=lambda x: reverse("credit_agent_detail", args=[x.agent_id]),
    render_page=_render_disclosure,
    answer=_answer_disclosure,
    page_url_name="credit_disclosure_step",
)


def _disclosure_step(name: str, label: str, target: str, style: str) -> steps.Step:
    return steps.Step(
        WF_DISCLOSURE,
        name,
        label,
        who=_office_of_row,
        who_label="监管办",
        sources=(DisclosureState.SUBMITTED,),
        target=target,
        service=_check(name),
        schema=AgentNoteIn,
        form=NoteForm,
        basis="R-SCO-05",
        action=f"credit.disclosure_{name}",
        style=style,
    )


CHECK = _disclosure_step("check", "核查通过", DisclosureState.CHECKED, "primary")
SEND_BACK = _disclosure_step("send_back", "退回补正", DisclosureState.RETURNED, "outline-danger")

steps.register(APPRAISAL, APPROVE, RETURN)
steps.register(DISCLOSURE, CHECK, SEND_BACK)
steps.register(REPORT, SUSPEND, REMOVE, DISMISS)
