"""The steps of an accountability matter (R-ACT-03, R-ACT-04; QZ 附件2 arts.
8-12). Creating a matter (the transfer of a confirmed clue) is not a step
(``services_matters.transfer``). Pages and the API
(``/api/v1/accountability/matters/{matter_id}/steps``,
``/api/v1/accountability/decisions/{decision_id}/steps``) and the generated
authorization tests read these lists."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date

from .choices_matters import Circumstance, MatterState, Measure, PersonState
from .forms_matters import ObstructForm, ReferForm, decide_form
from .models import Matter, MatterPerson, snapshot_matter, snapshot_matter_person

WF_MATTER = "accountability.matter"
WF_DECISION = "accountability.decision"


def _body(m: Matter, actor: Actor) -> bool:
    from .services_matters import is_body

    return actor.is_system or is_body(m, actor)


def body_of_decision(mp: MatterPerson, actor: Actor) -> bool:
    """The competent body's leaders and administrators."""
    return _body(mp.matter, actor)


def office_or_discipline(mp: MatterPerson, actor: Actor) -> bool:
    """Who investigates: the supervision office and discipline inspection."""
    from .services_matters import is_discipline, is_office

    return actor.is_system or is_office(actor) or is_discipline(actor)


def body_or_office(m: Matter, actor: Actor) -> bool:
    from .services_matters import is_office

    return _body(m, actor) or is_office(actor)


def load_matter(actor: Actor, pk: int) -> Matter:
    return get_visible_or_404(  # type: ignore[no-any-return]
        Matter.objects.select_related("office", "unit", "body", "project", "clue", "act"),
        actor,
        pk=pk,
    )


def load_decision(actor: Actor, pk: int) -> MatterPerson:
    return get_visible_or_404(  # type: ignore[no-any-return]
        MatterPerson.objects.select_related("matter", "matter__body", "matter__unit", "person"),
        actor,
        pk=pk,
    )


class MatterDecideIn(StrictIn):
    measures: list[Measure] = Field(description="问责方式（可同时使用，至少一种）")
    decided_on: Date = Field(description="决定日期")
    decision_document: str = Field(max_length=100, description="决定文号")
    circumstances: list[Circumstance] = Field(
        default_factory=list, description="情节（第九至十一条，如 10-2）"
    )
    circumstance_notes: dict[str, str] = Field(
        default_factory=dict, description="各情节的证据说明（键为情节编号）"
    )
    decision_note: str = Field("", max_length=2000, description="决定说明")


class ObstructIn(StrictIn):
    note: str = Field(max_length=1000, description="干扰、阻碍调查情况")


class MatterReferIn(StrictIn):
    reason: str = Field(max_length=2000, description="移送理由（违纪违法情形）")
    document_number: str = Field("", max_length=100, description="移送文号")


def _decide(*, actor: Actor, obj: MatterPerson, **data: Any) -> Any:
    from . import services_matters

    return services_matters.decide(actor=actor, obj=obj, **data)


def _obstruct(*, actor: Actor, obj: MatterPerson, **data: Any) -> Any:
    from . import services_matters

    return services_matters.record_obstruction(actor=actor, obj=obj, **data)


def _refer(*, actor: Actor, obj: Matter, **data: Any) -> Any:
    from . import services_matters

    return services_matters.refer(actor=actor, obj=obj, **data)


def _render_matter(request: Any, m: Matter, *, bound: Any = None, status: int = 200) -> Any:
    from .views_matters import render_detail

    return render_detail(request, m, bound=bound, status=status)


def _render_decision(
    request: Any, mp: MatterPerson, *, bound: Any = None, status: int = 200
) -> Any:
    from .views_matters import render_detail

    return render_detail(request, mp.matter, bound=bound, bound_for=mp.pk, status=status)


def _matter_answer(request: Any, m: Matter) -> Any:
    from .api_matters import matter_out

    return matter_out(m)


def _decision_answer(request: Any, mp: MatterPerson) -> Any:
    from .api_matters import decision_out

    return decision_out(mp)


MATTER = steps.Workflow(
    key=WF_MATTER,
    model=Matter,
    label="问责事项",
    load=load_matter,
    queryset=lambda: Matter.objects.select_related("office", "unit"),
    snapshot=snapshot_matter,
    detail_url=lambda m: reverse("accountability_matter_detail", args=[m.pk]),
    render_page=_render_matter,
    answer=_matter_answer,
    page_url_name="accountability_matter_step",
)

DECISION = steps.Workflow(
    key=WF_DECISION,
    model=MatterPerson,
    label="问责对象",
    load=load_decision,
    queryset=lambda: MatterPerson.objects.select_related("matter", "matter__unit", "person"),
    snapshot=snapshot_matter_person,
    detail_url=lambda mp: reverse("accountability_matter_detail", args=[mp.matter_id]),
    render_page=_render_decision,
    answer=_decision_answer,
    page_url_name="accountability_decision_step",
)


def _not_with_discipline(m: Matter, actor: Actor) -> bool:
    from .choices_matters import BodyKind

    return m.referred_at is None and m.body_kind != BodyKind.DISCIPLINE


REFER = steps.Step(
    WF_MATTER,
    "refer",
    "移送纪检监察机关",
    who=body_or_office,
    who_label="有权机关或监管办",
    sources=(MatterState.TRANSFERRED, MatterState.DECIDED),
    guards=(
        steps.Guard(
            _not_with_discipline, "该问责事项已移送（或本身由）纪检监察机关处理", code="referred"
        ),
    ),
    service=_refer,
    schema=MatterReferIn,
    form=ReferForm,
    basis="R-ACT-03",
    event="accountability.referred",
    action="accountability.matter_referred",
    success="已移送纪检监察机关",
    style="outline-danger",
)

DECIDE = steps.Step(
    WF_DECISION,
    "decide",
    "作出问责决定",
    who=body_of_decision,
    who_label="有权机关负责人或管理员",
    sources=(PersonState.PENDING,),
    target=PersonState.DECIDED,
    service=_decide,
    schema=MatterDecideIn,
    form_factory=decide_form,
    basis="R-ACT-03,R-ACT-04,R-ACT-05",
    event="accountability.decided",
    action="accountability.matter_person_decided",
    success="已录入问责决定，已通知本人",
)

OBSTRUCT = steps.Step(
    WF_DECISION,
    "obstruct",
    "记录干扰阻碍调查",
    who=office_or_discipline,
    who_label="监管办或纪检监察机关",
    sources=(PersonState.PENDING,),
    service=_obstruct,
    schema=ObstructIn,
    form=ObstructForm,
    basis="R-ACT-04",
    action="accountability.matter_person_obstruction",
    success="已记录干扰、阻碍调查情况",
    style="outline-secondary",
)


def register() -> None:
    steps.register(MATTER, REFER)
    steps.register(DECISION, DECIDE, OBSTRUCT)
