"""API of the typical cases under ``/api/v1/reports`` (R-REP-06): the cases
(scoped), one case with its progress, marking a project as a typical case
(``POST /typical-cases``, the office, Idempotency-Key) and the steps
(``progress``, ``close``)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from postaward.core import steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Forbidden
from postaward.core.types import Id, StrictId

from . import ledgers
from . import services_cases as sc
from .choices import CaseSource, CaseState
from .models import TypicalCase
from .steps_cases import WF_CASE, load_case

router = Router()


class TypicalCaseProgressOut(Schema):
    at: dt.datetime
    text: str
    by_name: str
    org_name: str


class TypicalCaseOut(Schema):
    id: int
    number: str
    project_id: int
    project: str
    source: str
    source_label: str
    source_ref: str
    source_id: int | None = Field(description="来源记录（预警、检查发现问题或信访件）的 id")
    problem: str
    measures: str
    days: int = Field(description="整改期限（工作日）")
    due_on: dt.date = Field(description="整改期限至（含当日）")
    state: str
    state_label: str
    marked_at: dt.datetime
    closed_at: dt.datetime | None
    closing_note: str
    progress: list[TypicalCaseProgressOut]
    actions: list[str] = Field(default_factory=list, description="当前账号可办理的环节")


def case_out(c: TypicalCase, actor_: Any = None) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "project_id": c.project_id,
        "project": c.project.name,
        "source": c.source,
        "source_label": c.get_source_display(),
        "source_ref": c.source_ref,
        "source_id": c.source_id,
        "problem": c.problem,
        "measures": c.measures,
        "days": c.days,
        "due_on": c.due_on,
        "state": c.state,
        "state_label": c.get_state_display(),
        "marked_at": c.marked_at,
        "closed_at": c.closed_at,
        "closing_note": c.closing_note,
        "progress": [
            {"at": p.at, "text": p.text, "by_name": p.by_name, "org_name": p.org_name}
            for p in c.progress.all()
        ],
        "actions": steps.allowed_names(c, actor_) if actor_ is not None else [],
    }


class TypicalCaseFilter(Schema):
    state: CaseState | None = None
    project_id: Id | None = None


@router.get(
    "/typical-cases",
    response=responses(list[TypicalCaseOut]),
    summary="典型案例督办台账（看得到项目的单位可查看）",
)
@paginate(LimitOffset)
def list_cases(request: HttpRequest, q: Query[TypicalCaseFilter]) -> Any:
    a = actor(request)
    if not ledgers.may_read(a):
        raise Forbidden(ledgers.DENIED)
    qs = (
        TypicalCase.objects.visible_to(a)
        .select_related("project")
        .prefetch_related("progress")
        .order_by("-marked_at", "-pk")
    )
    if q.state is not None:
        qs = qs.filter(state=q.state)
    if q.project_id is not None:
        qs = qs.filter(project_id=q.project_id)
    return [case_out(c) for c in qs[:500]]


@router.get(
    "/typical-cases/{typical_case_id}", response=responses(TypicalCaseOut), summary="典型案例详情"
)
def get_case(request: HttpRequest, typical_case_id: Id) -> Any:
    a = actor(request)
    return case_out(load_case(a, typical_case_id), a)


class TypicalCaseIn(StrictIn):
    project_id: StrictId | None = Field(None, description="项目（由来源记录列入时可省略）")
    problem: str = Field(max_length=2000, description="主要问题")
    measures: str = Field(max_length=2000, description="督办措施")
    days: int = Field(ge=1, le=120, description="整改期限（工作日）")
    source: CaseSource = Field(CaseSource.OTHER, description="问题来源")
    source_ref: str = Field("", max_length=40, description="来源编号（预警、检查或信访件编号）")
    source_id: StrictId | None = Field(
        None,
        description="由预警（source=alert）、检查发现问题（inspection）或信访件（complaint）"
        "列入时，该记录的 id：项目和来源编号取自该记录，同一记录只列入一次",
    )


@router.post(
    "/typical-cases",
    response=responses(TypicalCaseOut, 201),
    summary="列入典型案例督办（监管办；可带 Idempotency-Key）",
)
def create_case(request: HttpRequest, body: TypicalCaseIn) -> Any:
    a = actor(request)
    c = sc.mark(
        actor=a,
        project_id=body.project_id,
        problem=body.problem,
        measures=body.measures,
        days=body.days,
        source=str(body.source),
        source_ref=body.source_ref,
        source_id=body.source_id,
        idempotency_key=idempotency_key(request),
    )
    return 201, case_out(c, a)


steps.mount_api(router, WF_CASE, "typical_case_id", prefix="/typical-cases")
