"""API of the lifecycle steps and suspensions (R-PRJ-01, R-PRJ-03, R-PRJ-05,
R-PRJ-06, R-PRJ-07): the start conditions, the registry's steps of a project
and of a suspension (``GET/POST …/{id}/steps[/{name}]``, ``projects/steps.py``),
the older per-step endpoints as aliases of ``core.steps.take``, the suspension
records and the suspended days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema

from postaward.core import steps
from postaward.core.api_base import actor, responses
from postaward.core.bodies import write_once
from postaward.core.errors import ValidationFailed
from postaward.core.types import Date, Id, StrictId

from . import selectors, workflows
from . import steps as project_steps
from .api import ProjectOut, _child, _dump, _project, router
from .choices import ProjectStatus
from .models import Suspension
from .steps import (
    AcceptIn,
    ApproveSettlementIn,
    DateIn,
    NoteIn,
    OnIn,
    SettlementSubmitIn,
    SuspensionIn,
    TerminateIn,
)


class MissingOut(Schema):
    field: str
    message: str


class ReadinessOut(Schema):
    project_id: int
    status: str
    ready: bool
    missing: list[MissingOut]


@router.get(
    "/{project_id}/readiness",
    response=responses(ReadinessOut),
    summary="开工条件检查：尚缺哪些信息、合同和人员（R-PRJ-03）",
)
def readiness(request: HttpRequest, project_id: Id) -> dict:
    p = _project(request, project_id)
    missing = workflows.start_missing(p)
    return {
        "project_id": p.pk,
        "status": p.status,
        "ready": not missing and p.status == ProjectStatus.PREPARING,
        "missing": [m.as_dict() for m in missing],
    }


class TransitionOut(Schema):
    name: str
    label: str
    allowed: bool
    reason: str
    code: str
    who: str
    from_states: list[str]
    to_state: str
    target: str
    missing: list[MissingOut]


@router.get(
    "/{project_id}/transitions",
    response=responses(list[TransitionOut]),
    summary="当前账号在当前状态可办理的环节及尚缺条件（GET …/steps 的别名，只列当前状态的环节）",
)
def transitions(request: HttpRequest, project_id: Id) -> list[dict]:
    p = _project(request, project_id)
    a = actor(request)
    out = []
    for av in steps.available_steps(p, a, project_steps.PROJECT_WF):
        if not av.shown:
            continue
        err = None if av.allowed else steps.refusal(av.step, p, a)
        out.append(
            {
                **steps.step_out(av),
                "target": steps.target_state(av.step),
                "missing": err.errors if err is not None else [],
            }
        )
    return out


# --- the older per-step endpoints: aliases of the registry's steps ---------------------------------


def _take(
    request: HttpRequest, obj: Any, step: steps.Step, data: dict[str, Any], scope: str
) -> HttpResponse:
    """Take ``step`` on ``obj`` (``core.steps.take``: the one check, then the
    service) and answer its workflow's object, once per idempotency key."""
    wf = steps.workflow(step.workflow)

    def run() -> Any:
        steps.take(step, obj, actor(request), data)
        fresh = wf.load(actor(request), obj.pk)
        return wf.answer(request, fresh) if wf.answer else {"id": fresh.pk}

    return write_once(request, f"projects.{scope}.{obj.pk}", data, run)


def _project_step(
    request: HttpRequest, project_id: int, step: steps.Step, data: dict[str, Any], scope: str
) -> HttpResponse:
    return _take(request, _project(request, project_id), step, data, scope)


@router.post("/{project_id}/start", response=responses(ProjectOut), summary="开工（R-PRJ-03）")
def start(request: HttpRequest, project_id: Id, payload: DateIn):  # type: ignore[no-untyped-def]
    return _project_step(request, project_id, project_steps.START_WORKS, payload.dict(), "start")


@router.post("/{project_id}/complete", response=responses(ProjectOut), summary="完工")
def complete(request: HttpRequest, project_id: Id, payload: DateIn):  # type: ignore[no-untyped-def]
    return _project_step(request, project_id, project_steps.COMPLETE, payload.dict(), "complete")


@router.post(
    "/{project_id}/accept",
    response=responses(ProjectOut),
    summary="竣工验收（引用已上传的验收结论）",
)
def accept(request: HttpRequest, project_id: Id, payload: AcceptIn):  # type: ignore[no-untyped-def]
    if payload.document_id is None and payload.document is None:
        raise ValidationFailed("请上传竣工验收结论", field="document_id")
    data = payload.dict(exclude_none=True)
    return _project_step(request, project_id, project_steps.ACCEPT, data, "accept")


class SettlementAliasIn(SettlementSubmitIn):
    note: str = Field("", max_length=500, description="说明（不记录）")


@router.post(
    "/{project_id}/settlement",
    response=responses(ProjectOut),
    summary="结算送审（未纳入平台监管的项目须先补全资料，R-PRJ-05）",
)
def submit_settlement(request: HttpRequest, project_id: Id, payload: SettlementAliasIn):  # type: ignore[no-untyped-def]
    data = payload.dict(exclude={"note"}, exclude_none=True)
    return _project_step(
        request, project_id, project_steps.SUBMIT_SETTLEMENT, data, "submit_settlement"
    )


class ApproveAliasIn(ApproveSettlementIn):
    document_id: StrictId | None = Field(None, description="不使用（与送审同一请求体）")


@router.post(
    "/{project_id}/settlement/approve", response=responses(ProjectOut), summary="结算审定（审计局）"
)
def approve_settlement(request: HttpRequest, project_id: Id, payload: ApproveAliasIn):  # type: ignore[no-untyped-def]
    data = payload.dict(exclude={"document_id"})
    return _project_step(
        request, project_id, project_steps.APPROVE_SETTLEMENT, data, "approve_settlement"
    )


@router.post("/{project_id}/funds-paid", response=responses(ProjectOut), summary="资金拨付")
def funds_paid(request: HttpRequest, project_id: Id, payload: OnIn):  # type: ignore[no-untyped-def]
    return _project_step(request, project_id, project_steps.PAY_FUNDS, payload.dict(), "pay_funds")


@router.post("/{project_id}/deposit-returned", response=responses(ProjectOut), summary="退还质保金")
def deposit_returned(request: HttpRequest, project_id: Id, payload: OnIn):  # type: ignore[no-untyped-def]
    return _project_step(
        request, project_id, project_steps.RETURN_DEPOSIT, payload.dict(), "return_deposit"
    )


@router.post(
    "/{project_id}/terminate",
    response=responses(ProjectOut),
    summary="终止建设（须有建设单位书面报告，R-PRJ-06）",
)
def terminate(request: HttpRequest, project_id: Id, payload: TerminateIn):  # type: ignore[no-untyped-def]
    if payload.report_document_id is None and payload.report is None:
        raise ValidationFailed("请上传终止建设书面报告", field="report_document_id")
    data = payload.dict(exclude_none=True)
    return _project_step(request, project_id, project_steps.TERMINATE, data, "terminate")


# --- suspension (R-PRJ-07) ------------------------------------------------------------------------


class SuspensionOut(Schema):
    id: int
    project_id: int
    state: str
    state_label: str
    started_at: dt.datetime
    reason: str
    declared_at: dt.datetime
    declared_by_name: str
    confirmed_at: dt.datetime | None
    confirmed_by_name: str
    confirmed_by_org: str
    decision_note: str
    ended_at: dt.datetime | None
    resumed_by_name: str
    suspended_days: int

    @staticmethod
    def resolve_state_label(obj: Suspension) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_suspended_days(obj: Suspension) -> int:
        return (
            len(selectors.suspension_days(obj))
            if obj.confirmed_at and obj.state in ("confirmed", "ended")
            else 0
        )


@router.get(
    "/{project_id}/suspensions", response=responses(list[SuspensionOut]), summary="停工记录"
)
def list_suspensions(request: HttpRequest, project_id: Id) -> list[Suspension]:
    return list(_project(request, project_id).suspensions.all())


@router.post(
    "/{project_id}/suspensions",
    response=responses(SuspensionOut, 201),
    summary="申报停工（建设单位，停工当天）",
)
def declare_suspension(request: HttpRequest, project_id: Id, payload: SuspensionIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)

    def run() -> Any:
        taken = steps.take(project_steps.DECLARE_SUSPENSION, p, actor(request), payload.dict())
        return _dump(SuspensionOut, taken.result)

    return write_once(request, f"projects.suspension.{p.pk}", payload.dict(), run, status=201)


def _suspension_step(
    request: HttpRequest, suspension_id: int, step: steps.Step, data: dict[str, Any]
) -> HttpResponse:
    s = _child(request, Suspension, suspension_id)
    return _take(request, s, step, data, f"suspension_{step.name}")


@router.post(
    "/suspensions/{suspension_id}/confirm",
    response=responses(SuspensionOut),
    summary="确认停工（主管单位/条线或监管办）：暂停考勤和计时",
)
def confirm_suspension(request: HttpRequest, suspension_id: Id, payload: NoteIn):  # type: ignore[no-untyped-def]
    return _suspension_step(request, suspension_id, project_steps.CONFIRM, payload.dict())


@router.post(
    "/suspensions/{suspension_id}/reject", response=responses(SuspensionOut), summary="不予确认停工"
)
def reject_suspension(request: HttpRequest, suspension_id: Id, payload: NoteIn):  # type: ignore[no-untyped-def]
    return _suspension_step(request, suspension_id, project_steps.REJECT, payload.dict())


@router.post(
    "/suspensions/{suspension_id}/withdraw",
    response=responses(SuspensionOut),
    summary="撤回停工申报（建设单位，确认前）",
)
def withdraw_suspension(request: HttpRequest, suspension_id: Id):  # type: ignore[no-untyped-def]
    return _suspension_step(request, suspension_id, project_steps.WITHDRAW, {})


@router.post(
    "/{project_id}/resume", response=responses(ProjectOut), summary="复工（建设单位项目负责人）"
)
def resume(request: HttpRequest, project_id: Id, payload: NoteIn):  # type: ignore[no-untyped-def]
    return _project_step(request, project_id, project_steps.RESUME, payload.dict(), "resume")


class PeriodQuery(Schema):
    start: Date
    end: Date


@router.get(
    "/{project_id}/suspended-dates",
    response=responses(list[dt.date]),
    summary="停工日期（不计入考勤率，R-ATT-03）",
)
def suspended_dates(request: HttpRequest, project_id: Id, q: Query[PeriodQuery]) -> list:
    p = _project(request, project_id)
    if q.end < q.start or (q.end - q.start).days > 366:
        raise ValidationFailed("日期范围应在一年以内，且截止日期不早于起始日期", field="end")
    return sorted(selectors.suspended_dates(p, q.start, q.end))


# The registry's steps (after the literal paths above).
steps.mount_api(router, project_steps.SUSPENSION_WF, "suspension_id", prefix="/suspensions")
steps.mount_api(router, project_steps.PROJECT_WF, "project_id")
