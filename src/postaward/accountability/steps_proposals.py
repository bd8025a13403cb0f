"""The steps of a bad-conduct proposal (不良行为认定建议书, R-ACT-07; QZ 附件2
art. 6(九)), declared once. Filing is not a step
(``services_proposals.file_proposal``). The addressed department decides:
认定 (recognised, with its decision document) or 不予认定 (with the reason);
either stops the decision period. The page, the API
(``GET/POST /api/v1/accountability/proposals/{proposal_id}/steps[/{name}]``)
and the generated authorization tests read this list."""

from __future__ import annotations

from typing import Any

from django import forms as dj_forms
from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.types import Date

from .choices_proposals import ProposalState
from .models import Proposal, snapshot_proposal

WF = "accountability.proposal"
BASIS = "R-ACT-07"


def the_department(p: Proposal, actor: Actor) -> bool:
    """The addressed department's administrators, leaders and staff."""
    from .services_proposals import is_department

    return actor.is_system or is_department(p, actor)


class ProposalRecogniseIn(StrictIn):
    decision_text: str = Field(max_length=2000, description="认定意见（认定的不良行为及依据）")
    decision_document: str = Field(max_length=100, description="认定文书文号")
    decided_on: Date | None = Field(None, description="认定日期（默认今天）")


class ProposalNotRecogniseIn(StrictIn):
    reason: str = Field(max_length=2000, description="不予认定的理由（必填）")
    decided_on: Date | None = Field(None, description="决定日期（默认今天）")


T = {"class": "form-control form-control-sm", "rows": 2}
N = {"class": "form-control form-control-sm"}
D = {"class": "form-control form-control-sm", "type": "date"}


class RecogniseForm(dj_forms.Form):
    decision_text = dj_forms.CharField(
        label="认定意见", max_length=2000, widget=dj_forms.Textarea(attrs=T)
    )
    decision_document = dj_forms.CharField(
        label="认定文书文号", max_length=100, widget=dj_forms.TextInput(attrs=N)
    )
    decided_on = dj_forms.DateField(
        label="认定日期", required=False, widget=dj_forms.DateInput(attrs=D)
    )


class NotRecogniseForm(dj_forms.Form):
    reason = dj_forms.CharField(
        label="不予认定的理由", max_length=2000, widget=dj_forms.Textarea(attrs=T)
    )
    decided_on = dj_forms.DateField(
        label="决定日期", required=False, widget=dj_forms.DateInput(attrs=D)
    )


def load_proposal(actor: Actor, pk: int) -> Proposal:
    from .services_proposals import load_proposal as load

    return load(actor, pk)


def _render(request: Any, p: Proposal, *, bound: Any = None, status: int = 200) -> Any:
    from .views_proposals import render_detail

    return render_detail(request, p, bound=bound, status=status)


def _answer(request: Any, p: Proposal) -> Any:
    from .api_proposals import proposal_out

    return proposal_out(p)


def _recognise(*, actor: Actor, obj: Proposal, **data: Any) -> Any:
    from . import services_proposals

    return services_proposals.recognise(actor=actor, obj=obj, **data)


def _not_recognise(*, actor: Actor, obj: Proposal, **data: Any) -> Any:
    from . import services_proposals

    return services_proposals.not_recognise(actor=actor, obj=obj, **data)


PROPOSAL = steps.Workflow(
    key=WF,
    model=Proposal,
    label="不良行为认定建议书",
    load=load_proposal,
    queryset=lambda: Proposal.objects.select_related("unit", "department", "sender", "office"),
    snapshot=snapshot_proposal,
    detail_url=lambda p: reverse("accountability_proposal_detail", args=[p.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="accountability_proposal_step",
)

RECOGNISE = steps.Step(
    WF,
    "recognise",
    "认定",
    who=the_department,
    who_label="认定部门（行业主管部门）",
    sources=(ProposalState.RECEIVED,),
    target=ProposalState.RECOGNISED,
    service=_recognise,
    schema=ProposalRecogniseIn,
    form=RecogniseForm,
    basis=BASIS,
    action="accountability.proposal_recognised",
    success="已作出不良行为认定，已告知建议单位",
)

NOT_RECOGNISE = steps.Step(
    WF,
    "not_recognise",
    "不予认定",
    who=the_department,
    who_label="认定部门（行业主管部门）",
    sources=(ProposalState.RECEIVED,),
    target=ProposalState.NOT_RECOGNISED,
    service=_not_recognise,
    schema=ProposalNotRecogniseIn,
    form=NotRecogniseForm,
    basis=BASIS,
    action="accountability.proposal_not_recognised",
    success="已作出不予认定的决定，已告知建议单位",
    style="outline-danger",
)

steps.register(PROPOSAL, RECOGNISE, NOT_RECOGNISE)
