"""The steps of an accountability clue (问责线索, R-ACT-02; QZ 附件2 art. 12),
declared once. Registering a clue is not a step (``services_clues.file_clue``,
``services_clues.register``). The supervision office of the district confirms
a clue (确认问责线索) or dismisses it with a reason (不予问责); a confirmed
clue is transferred to the competent body by the matters part (its page
``accountability_matter_new?clue=<id>`` moves it to ``transferred``). The
page, the API (``GET/POST /api/v1/accountability/clues/{clue_id}/steps[/{name}]``)
and the generated authorization tests read this list."""

from __future__ import annotations

from typing import Any

from django import forms as dj_forms
from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn

from .choices import ClueState
from .models import Clue, snapshot_clue

WF = "accountability.clue"
BASIS = "R-ACT-02"


def the_office(c: Clue, actor: Actor) -> bool:
    """office_staff / office_head / office_admin of the clue's office."""
    from .services_catalogue import is_office_staff

    return actor.is_system or is_office_staff(actor, c.office_id)


class ConfirmIn(StrictIn):
    opinion: str = Field("", max_length=2000, description="核实意见（可不填）")


class DismissIn(StrictIn):
    reason: str = Field(max_length=2000, description="不予问责的理由（必填）")


T = {"class": "form-control form-control-sm", "rows": 2}


class ConfirmForm(dj_forms.Form):
    opinion = dj_forms.CharField(
        label="核实意见",
        required=False,
        max_length=2000,
        widget=dj_forms.Textarea(attrs=T),
        help_text="确认后按照干部管理权限移送有权机关启动问责程序",
    )


class DismissForm(dj_forms.Form):
    reason = dj_forms.CharField(
        label="不予问责的理由", max_length=2000, widget=dj_forms.Textarea(attrs=T)
    )


def load_clue(actor: Actor, pk: int) -> Clue:
    from .services_clues import load_clue as load

    return load(actor, pk)


def _render(request: Any, c: Clue, *, bound: Any = None, status: int = 200) -> Any:
    from .views_clues import render_detail

    return render_detail(request, c, bound=bound, status=status)


def _answer(request: Any, c: Clue) -> Any:
    from .api_clues import clue_out

    return clue_out(c)


def _confirm(*, actor: Actor, obj: Clue, **data: Any) -> Any:
    from . import services_clues

    return services_clues.confirm(actor=actor, obj=obj, **data)


def _dismiss(*, actor: Actor, obj: Clue, **data: Any) -> Any:
    from . import services_clues

    return services_clues.dismiss(actor=actor, obj=obj, **data)


CLUE = steps.Workflow(
    key=WF,
    model=Clue,
    label="问责线索",
    load=load_clue,
    queryset=lambda: Clue.objects.select_related("unit", "act", "office"),
    snapshot=snapshot_clue,
    detail_url=lambda c: reverse("accountability_clue_detail", args=[c.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="accountability_clue_step",
)

CONFIRM = steps.Step(
    WF,
    "confirm",
    "确认问责线索",
    who=the_office,
    who_label="监管办",
    sources=(ClueState.REGISTERED,),
    target=ClueState.CONFIRMED,
    service=_confirm,
    schema=ConfirmIn,
    form=ConfirmForm,
    basis=BASIS,
    action="accountability.clue_confirmed",
    success="已确认问责线索，可移送有权机关",
)

DISMISS = steps.Step(
    WF,
    "dismiss",
    "不予问责",
    who=the_office,
    who_label="监管办",
    sources=(ClueState.REGISTERED,),
    target=ClueState.DISMISSED,
    service=_dismiss,
    schema=DismissIn,
    form=DismissForm,
    basis=BASIS,
    action="accountability.clue_dismissed",
    success="已作出不予问责的核实意见",
    style="outline-danger",
)

steps.register(CLUE, CONFIRM, DISMISS)
