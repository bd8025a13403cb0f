"""The steps of a data-meeting pack (R-REP-03): ``decide`` (the office
records one decision of the meeting: generated/held → held; the named unit
gets a to-do) and ``close`` (held → closed). Generating is not a step
(``services_meeting.generate``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.errors import Forbidden
from postaward.core.scoping import get_visible_or_404

from .choices import MeetingState
from .forms_meeting import decision_form
from .models import MeetingPack, snapshot_meeting

WF_MEETING = "reports.meeting_pack"


def load_pack(actor: Actor, pk: int) -> MeetingPack:
    from .services_meeting import DENIED, may_read

    if not may_read(actor):
        raise Forbidden(DENIED)
    return get_visible_or_404(  # type: ignore[no-any-return]
        MeetingPack.objects.select_related("office", "document"), actor, pk=pk
    )


def own_office(p: MeetingPack, actor: Actor) -> bool:
    from .services_meeting import own_office as own

    return own(actor, p)


class MeetingDecisionIn(StrictIn):
    unit_id: int = Field(description="责任单位")
    text: str = Field(max_length=2000, description="议定事项")
    due_on: dt.date = Field(description="完成期限")
    proposal: str = Field("", max_length=60, description="对应建议事项（可空）")


def _decide(*, actor: Actor, obj: MeetingPack, **data: Any) -> Any:
    from . import services_meeting

    return services_meeting.decide(actor=actor, obj=obj, **data)


def _close(*, actor: Actor, obj: MeetingPack, **data: Any) -> Any:
    from . import services_meeting

    return services_meeting.close(actor=actor, obj=obj)


def _render(request: Any, p: MeetingPack, *, bound: Any = None, status: int = 200) -> Any:
    from .views_meeting import render_detail

    return render_detail(request, p, bound=bound, status=status)


def _answer(request: Any, p: MeetingPack) -> Any:
    from .api_meeting import pack_out

    return pack_out(p)


MEETING = steps.Workflow(
    key=WF_MEETING,
    model=MeetingPack,
    label="数据会商材料",
    load=load_pack,
    queryset=lambda: MeetingPack.objects.select_related("office", "document"),
    snapshot=snapshot_meeting,
    detail_url=lambda p: reverse("reports_meeting_detail", args=[p.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="reports_meeting_step",
)

DECIDE = steps.Step(
    WF_MEETING,
    "decide",
    "记录议定事项",
    who=own_office,
    who_label="监管办",
    sources=(MeetingState.GENERATED, MeetingState.HELD),
    target=MeetingState.HELD,
    service=_decide,
    schema=MeetingDecisionIn,
    form_factory=decision_form,
    basis="R-REP-03",
    action="reports.meeting_decided",
    success="已记录议定事项，并向责任单位发出待办",
    help="每项议定事项明确责任单位和完成期限，生成责任单位的待办",
)

CLOSE = steps.Step(
    WF_MEETING,
    "close",
    "结束会商",
    who=own_office,
    who_label="监管办",
    sources=(MeetingState.HELD,),
    target=MeetingState.CLOSED,
    service=_close,
    basis="R-REP-03",
    action="reports.meeting_closed",
    success="会商已结束",
    style="outline-secondary",
    help="结束后不再记录议定事项",
)


def register() -> None:
    steps.register(MEETING, DECIDE, CLOSE)
