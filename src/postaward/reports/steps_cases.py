"""The steps of a typical case (R-REP-06). Marking a case is not a step
(``services_cases.mark``). Pages and the API
(``/api/v1/reports/typical-cases/{typical_case_id}/steps``) and the generated
authorization tests read these lists."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.errors import Forbidden
from postaward.core.scoping import get_visible_or_404

from .choices import CaseState
from .forms_cases import CloseForm, ProgressForm
from .models import TypicalCase, snapshot_case

WF_CASE = "reports.typical_case"


def office(c: TypicalCase, actor: Actor) -> bool:
    from .services_cases import is_office

    return actor.is_system or is_office(actor)


def office_or_owner(c: TypicalCase, actor: Actor) -> bool:
    from .services_cases import is_office, is_owner_of

    return actor.is_system or is_office(actor) or is_owner_of(c, actor)


def load_case(actor: Actor, pk: int) -> TypicalCase:
    from .ledgers import DENIED, may_read

    if not may_read(actor):
        raise Forbidden(DENIED)
    return get_visible_or_404(  # type: ignore[no-any-return]
        TypicalCase.objects.select_related("project", "project__owner", "office"), actor, pk=pk
    )


class TypicalCaseProgressIn(StrictIn):
    text: str = Field(max_length=2000, description="整改进展")


class TypicalCaseCloseIn(StrictIn):
    note: str = Field(max_length=2000, description="办结意见")


def _progress(*, actor: Actor, obj: TypicalCase, **data: Any) -> Any:
    from . import services_cases

    return services_cases.record_progress(actor=actor, obj=obj, **data)


def _close(*, actor: Actor, obj: TypicalCase, **data: Any) -> Any:
    from . import services_cases

    return services_cases.close(actor=actor, obj=obj, **data)


def _render(request: Any, c: TypicalCase, *, bound: Any = None, status: int = 200) -> Any:
    from .views_cases import render_detail

    return render_detail(request, c, bound=bound, status=status)


def _answer(request: Any, c: TypicalCase) -> Any:
    from .api_cases import case_out

    return case_out(c)


CASE = steps.Workflow(
    key=WF_CASE,
    model=TypicalCase,
    label="典型案例",
    load=load_case,
    queryset=lambda: TypicalCase.objects.select_related("project"),
    snapshot=snapshot_case,
    detail_url=lambda c: reverse("reports_case_detail", args=[c.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="reports_case_step",
)

PROGRESS = steps.Step(
    WF_CASE,
    "progress",
    "记录整改进展",
    who=office_or_owner,
    who_label="监管办或项目建设单位",
    sources=(CaseState.SUPERVISING,),
    service=_progress,
    schema=TypicalCaseProgressIn,
    form=ProgressForm,
    basis="R-REP-06",
    action="reports.typical_case_progress",
    success="已记录整改进展",
)

CLOSE = steps.Step(
    WF_CASE,
    "close",
    "办结销号",
    who=office,
    who_label="监管办",
    sources=(CaseState.SUPERVISING,),
    target=CaseState.CLOSED,
    service=_close,
    schema=TypicalCaseCloseIn,
    form=CloseForm,
    basis="R-REP-06",
    closes="reports.typical_case",
    action="reports.typical_case_closed",
    success="已办结销号",
    style="outline-success",
)


def register() -> None:
    steps.register(CASE, PROGRESS, CLOSE)
