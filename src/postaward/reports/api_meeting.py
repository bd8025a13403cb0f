"""API of the data meeting under ``/api/v1/reports/meetings`` (R-REP-03):
the office's packs, one pack (numbers, proposals, decisions), generating a
month's pack (``POST``, Idempotency-Key) and the steps (``decide`` records
a decision, ``close``)."""

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

from . import services_meeting as sv
from .choices import MeetingState
from .models import MeetingDecision, MeetingPack
from .steps_meeting import WF_MEETING, load_pack

router = Router()


class MeetingDecisionOut(Schema):
    id: int
    unit_id: int
    unit: str
    text: str
    due_on: dt.date
    proposal: str
    recorded_at: dt.datetime
    recorded_by: str


class MeetingPackOut(Schema):
    id: int
    year: int
    month: int
    title: str
    state: str
    state_label: str
    generated_at: dt.datetime
    held_on: dt.date | None
    document_number: str
    data: dict[str, Any] = Field(
        description="本月指标（含上月、去年同月、环比、同比，分行业、分单位）"
    )
    proposals: list[dict[str, Any]] = Field(description="建议议定事项")
    decisions: list[MeetingDecisionOut] = Field(default_factory=list, description="议定事项")
    actions: list[str] = Field(default_factory=list, description="当前账号可办理的环节")


def pack_out(p: MeetingPack, actor_: Any = None, *, full: bool = True) -> dict[str, Any]:
    decisions = (
        [
            {
                "id": d.pk,
                "unit_id": d.unit_id,
                "unit": d.unit.name,
                "text": d.text,
                "due_on": d.due_on,
                "proposal": d.proposal,
                "recorded_at": d.recorded_at,
                "recorded_by": d.recorded_by_name,
            }
            for d in MeetingDecision.objects.filter(pack=p).select_related("unit").order_by("pk")
        ]
        if full
        else []
    )
    return {
        "id": p.pk,
        "year": p.year,
        "month": p.month,
        "title": p.title,
        "state": p.state,
        "state_label": p.get_state_display(),
        "generated_at": p.generated_at,
        "held_on": p.held_on,
        "document_number": p.document.number if p.document is not None else "",
        "data": p.data if full else {},
        "proposals": p.proposals or [],
        "decisions": decisions,
        "actions": steps.allowed_names(p, actor_) if actor_ is not None else [],
    }


class MeetingPackFilter(Schema):
    year: int | None = None
    month: int | None = Field(None, ge=1, le=12)
    state: MeetingState | None = None


@router.get(
    "/meetings",
    response=responses(list[MeetingPackOut]),
    summary="数据会商材料（监管办工作人员和领导）",
)
@paginate(LimitOffset)
def list_meetings(request: HttpRequest, q: Query[MeetingPackFilter]) -> Any:
    a = actor(request)
    if not sv.may_read(a):
        raise Forbidden(sv.DENIED)
    qs = MeetingPack.objects.visible_to(a).select_related("document")
    if q.year is not None:
        qs = qs.filter(year=q.year)
    if q.month is not None:
        qs = qs.filter(month=q.month)
    if q.state is not None:
        qs = qs.filter(state=q.state)
    return [pack_out(p, full=False) for p in qs[:500]]


@router.get(
    "/meetings/{meeting_pack_id}", response=responses(MeetingPackOut), summary="数据会商材料详情"
)
def get_meeting(request: HttpRequest, meeting_pack_id: Id) -> Any:
    a = actor(request)
    return pack_out(load_pack(a, meeting_pack_id), a)


class MeetingPackIn(StrictIn):
    year: int = Field(ge=2000, le=2100, description="年度")
    month: int = Field(ge=1, le=12, description="月份")


@router.post(
    "/meetings",
    response=responses(MeetingPackOut, 201),
    summary="生成某月的数据会商材料（监管办；会商前可重新生成；可带 Idempotency-Key）",
)
def create_meeting(request: HttpRequest, body: MeetingPackIn) -> Any:
    a = actor(request)
    p = sv.generate(
        actor=a, year=body.year, month=body.month, idempotency_key=idempotency_key(request)
    )
    return 201, pack_out(p, a)


steps.mount_api(router, WF_MEETING, "meeting_pack_id", prefix="/meetings")
