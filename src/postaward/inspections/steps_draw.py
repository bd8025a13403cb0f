"""The steps of a yearly plan and of a draw, declared once (ADR 0060;
R-INS-01, R-INS-02). Pages, the API (``…/plans/{plan_id}/steps``,
``…/draws/{draw_id}/steps``) and the generated authorization tests read them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.scoping import get_visible_or_404

from . import services_draw as svc
from .models import Draw, DrawState, InspectionPlan, PlanState

PLAN_WF = "inspections.plan"
DRAW_WF = "inspections.draw"


class PlanNoteIn(StrictIn):
    note: str = Field("", max_length=500, description="审批意见")


class PlanReturnIn(StrictIn):
    note: str = Field(max_length=500, description="退回理由")


class DrawRevealIn(StrictIn):
    seed: str = Field(
        "", max_length=64, description="种子（留空：公布平台生成的种子；填写：须与承诺的哈希一致）"
    )


class DrawRedrawIn(StrictIn):
    reason: str = Field(max_length=500, description="重抽理由（公开）")


class NoteForm(forms.Form):
    note = forms.CharField(label="审批意见", max_length=500, required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label="退回理由", max_length=500)


class RevealForm(forms.Form):
    seed = forms.CharField(
        label="外部种子（可不填）",
        max_length=64,
        required=False,
        help_text="留空则公布平台抽取前生成的种子",
    )


class RedrawForm(forms.Form):
    reason = forms.CharField(label="重抽理由（将公开）", max_length=500)


def plan_staff(p: InspectionPlan, a: Actor) -> bool:
    return svc.is_unit_staff(p.organisation_id, a)


def plan_leader(p: InspectionPlan, a: Actor) -> bool:
    return svc.is_unit_leader(p.organisation_id, a)


def draw_staff(d: Draw, a: Actor) -> bool:
    return a.is_system or (a.organisation_id == d.office_id and svc.is_office(a))


def draw_head(d: Draw, a: Actor) -> bool:
    return svc.is_unit_leader(d.office_id, a)


def load_plan(actor: Actor, pk: int) -> InspectionPlan:
    return get_visible_or_404(  # type: ignore[no-any-return]
        InspectionPlan.objects.select_related("organisation"), actor, pk=pk
    )


def load_draw(actor: Actor, pk: int) -> Draw:
    return get_visible_or_404(  # type: ignore[no-any-return]
        Draw.objects.select_related("round__plan__organisation", "office"), actor, pk=pk
    )


def _render_plan(request: Any, p: InspectionPlan, *, bound: Any = None, status: int = 200) -> Any:
    from .views_draw import render_plan

    return render_plan(request, p, bound=bound, status=status)


def _render_draw(request: Any, d: Draw, *, bound: Any = None, status: int = 200) -> Any:
    from .views_draw import render_draw

    return render_draw(request, d, bound=bound, status=status)


def _plan_answer(request: Any, p: InspectionPlan) -> Any:
    from .api_draw import plan_out

    return plan_out(p)


def _draw_answer(request: Any, d: Draw) -> Any:
    from .api_draw import draw_out

    return draw_out(d)


PLAN = steps.Workflow(
    key=PLAN_WF,
    model=InspectionPlan,
    label="检查计划",
    load=load_plan,
    queryset=lambda: InspectionPlan.objects.select_related("organisation"),
    detail_url=lambda p: reverse("inspections_plan", args=[p.pk]),
    render_page=_render_plan,
    answer=_plan_answer,
    page_url_name="inspections_plan_step",
)
DRAW_FLOW = steps.Workflow(
    key=DRAW_WF,
    model=Draw,
    label="随机抽取",
    load=load_draw,
    queryset=lambda: Draw.objects.select_related("round__plan", "office"),
    snapshot=svc.draw_snapshot,
    detail_url=lambda d: reverse("inspections_draw", args=[d.pk]),
    render_page=_render_draw,
    answer=_draw_answer,
    page_url_name="inspections_draw_step",
)

SPECIAL_GUARD = steps.Guard(svc.has_special, svc.NO_SPECIAL, code="no_special_inspection")

SUBMIT = steps.Step(
    PLAN_WF,
    "submit",
    "报送审批",
    who=plan_staff,
    who_label="本单位工作人员",
    service=svc.submit_plan,
    sources=(PlanState.DRAFT,),
    target=PlanState.SUBMITTED,
    guards=(SPECIAL_GUARD,),
    basis="R-INS-01",
    action="inspections.submit_plan",
    success="已报送单位负责人审批",
)
APPROVE = steps.Step(
    PLAN_WF,
    "approve",
    "批准计划",
    who=plan_leader,
    who_label="本单位负责人",
    service=svc.approve_plan,
    sources=(PlanState.SUBMITTED,),
    target=PlanState.APPROVED,
    guards=(SPECIAL_GUARD,),
    schema=PlanNoteIn,
    form=NoteForm,
    basis="R-INS-01",
    action="inspections.approve_plan",
    success="计划已批准",
)
RETURN = steps.Step(
    PLAN_WF,
    "send_back",
    "退回修改",
    who=plan_leader,
    who_label="本单位负责人",
    service=svc.return_plan,
    sources=(PlanState.SUBMITTED,),
    target=PlanState.DRAFT,
    schema=PlanReturnIn,
    form=RequiredNoteForm,
    basis="R-INS-01",
    action="inspections.return_plan",
    style="outline-secondary",
)
DRAW = steps.Step(
    DRAW_WF,
    "draw",
    "抽取",
    who=draw_staff,
    who_label="监管办工作人员",
    service=svc.run_draw,
    sources=(DrawState.COMMITTED,),
    target=DrawState.DRAWN,
    basis="R-INS-02",
    action="inspections.run_draw",
    success="已抽取，请公布种子",
    help="按公布的算法和承诺的种子抽取项目和执法人员",
)
REVEAL = steps.Step(
    DRAW_WF,
    "reveal",
    "公布种子",
    who=draw_staff,
    who_label="监管办工作人员",
    service=svc.reveal,
    sources=(DrawState.DRAWN,),
    target=DrawState.REVEALED,
    schema=DrawRevealIn,
    form=RevealForm,
    basis="R-INS-02",
    action="inspections.reveal_seed",
    success="种子已公布，公众可复核抽取结果",
)
REDRAW = steps.Step(
    DRAW_WF,
    "redraw",
    "重新抽取",
    who=draw_head,
    who_label="监管办负责人",
    service=svc.redraw,
    # Before the seed is public only: a revealed draw is final, its
    # inspections scheduled (ADR 0704).
    sources=(DrawState.COMMITTED, DrawState.DRAWN),
    target=DrawState.SUPERSEDED,
    schema=DrawRedrawIn,
    form=RedrawForm,
    basis="R-INS-02",
    action="inspections.redraw",
    style="outline-danger",
    success="已作废原抽取并重新公布承诺",
    help="重抽须说明理由，原抽取保留并公开",
)

steps.register(PLAN, SUBMIT, APPROVE, RETURN)
steps.register(DRAW_FLOW, DRAW, REVEAL, REDRAW)
