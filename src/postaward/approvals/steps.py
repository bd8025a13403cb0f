"""The steps of the approval processes, declared once (ADR 0060, ADR 0067).

Each step names who may take it (a ``Who`` of ``workflows``: role and scope,
with its Chinese name), the states it leaves from and goes to (the process's
state machine), the rules beyond role and state (``Guard``: the 3-day return
window of R-ACC-03 …), its input (API schema and page form), the service it
calls, its legal basis and the deadline it opens or closes. The detail page,
the API (``GET/POST /api/v1/approvals/acceptance/{acceptance_id}/steps[/{name}]``,
the old per-step endpoints are aliases) and the generated authorization tests
(``core/tests/test_steps_authz.py``) all read this list.

This module holds completion acceptance (R-ACC-01..05); the other processes
are in ``steps_changes.py`` (engineering and personnel changes) and
``steps_works.py`` (hidden works, rectification notices, the extension
decisions, use before acceptance).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.urls import reverse
from pydantic import Field, StrictBool

from postaward.core import clock, steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.bodies import FileIn
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, StrictInt64

from . import deadline_kinds as K
from . import forms, workflows
from .choices import ACCEPTANCE_RETURN_DAYS, AcceptanceKind, AcceptanceState
from .models import AcceptanceRequest

ACCEPTANCE_WF = "approvals.acceptance"
ACCEPTANCE_PERIODS = "、".join(
    k.kind for k in (K.ACCEPTANCE_BELOW, K.ACCEPTANCE_ABOVE, K.ACCEPTANCE_SUPER_LARGE)
)
ALL_PERIODS = "、".join((ACCEPTANCE_PERIODS, K.VILLAGE_SELF.kind, K.TOWNSHIP.kind))


# --- inputs (API) --------------------------------------------------------------------------------


class OpinionIn(StrictIn):
    opinion: str = Field("", max_length=2000, description="意见")


class ReturnIn(StrictIn):
    reason: str = Field(..., max_length=4000, description="延期验收理由")
    document: FileIn | None = Field(None, description="延期验收理由材料（可选）")


class ConcludeIn(StrictIn):
    passed: StrictBool = Field(..., description="验收合格为 true")
    accepted_on: Date = Field(..., description="验收日期")
    attendees: str = Field(..., max_length=4000, description="参加验收单位及人员")
    villager_representatives: str = Field(
        "",
        max_length=1000,
        description="村级自验必填：参加验收的村民代表姓名（以“、”分隔，R-ACC-05）",
    )
    supervisor_attendee: str = Field(
        "", max_length=100, description="村级自验必填：参加验收的监理人员姓名（R-ACC-05）"
    )
    rectification_opinions: str = Field("", max_length=4000, description="整改意见")
    conclusion: str = Field(..., max_length=4000, description="验收结论")
    document: FileIn | None = Field(None, description="验收结论及整改意见资料（必传）")


class ExtensionIn(StrictIn):
    days: StrictInt64 = Field(..., description="申请延长的天数（1-365）")
    reason: str = Field(..., max_length=4000)
    document: FileIn | None = Field(None, description="延长验收时间申请（可选）")


# --- the services the steps call ---------------------------------------------------------------


def _review(*, actor: Actor, obj: AcceptanceRequest, opinion: str = "") -> Any:
    from .services import acceptance

    return acceptance.review_acceptance(actor=actor, request=obj, opinion=opinion)


def _reject(*, actor: Actor, obj: AcceptanceRequest, opinion: str = "", note: str = "") -> Any:
    from .services import acceptance

    return acceptance.reject_acceptance(actor=actor, request=obj, note=note or opinion)


def _return(*, actor: Actor, obj: AcceptanceRequest, reason: str, document: Any = None) -> Any:
    from .services import acceptance

    return acceptance.return_acceptance(actor=actor, request=obj, reason=reason, upload=document)


def _conclude(*, actor: Actor, obj: AcceptanceRequest, **data: Any) -> Any:
    from .services import acceptance

    return acceptance.conclude_acceptance(actor=actor, request=obj, **_typed(ConcludeIn, data))


def _typed(schema: type[StrictIn], data: dict[str, Any]) -> dict[str, Any]:
    """The step's input as the service takes it, also when given as the API's
    JSON (a date as text, a file as ``{filename, content_base64}``): the API
    and the page parse their bodies first, a direct call does not."""
    from postaward.core.bodies import _decode

    out = dict(data)
    for name, value in data.items():
        if isinstance(value, dict) and "content_base64" in value:
            out[name] = _decode(FileIn(**value), name)
        elif isinstance(value, str) and name in schema.model_fields:
            annotation = schema.model_fields[name].annotation
            if annotation is bool:
                out[name] = value in ("true", "1", "True")
            elif annotation is dt.date:
                with contextlib.suppress(ValueError):
                    out[name] = dt.date.fromisoformat(value)
    return out


def _extend(
    *, actor: Actor, obj: AcceptanceRequest, days: int, reason: str, document: Any = None
) -> Any:
    from .services import acceptance

    return acceptance.apply_extension(
        actor=actor, request=obj, days=days, reason=reason, upload=document
    )


def _withdraw(*, actor: Actor, obj: AcceptanceRequest) -> Any:
    from .services import acceptance

    return acceptance.withdraw_acceptance(actor=actor, request=obj)


# --- the rules beyond role and state -----------------------------------------------------------


def return_window_end(req: AcceptanceRequest) -> dt.date | None:
    from .services.acceptance import return_window_end as end

    return end(req)


def _within_return_window(req: AcceptanceRequest, actor: Actor) -> bool:
    end = return_window_end(req)
    return end is None or clock.today() <= end


def _return_window_closed(req: AcceptanceRequest | None) -> str:
    end = return_window_end(req) if req is not None else None
    if end is None:
        return f"退回须在受理后{ACCEPTANCE_RETURN_DAYS}天内提出"
    return (
        f"退回须在受理后{ACCEPTANCE_RETURN_DAYS}天内（至 {end:%Y-%m-%d}）提出，"
        f"今天是 {clock.today():%Y-%m-%d}，请按期组织验收"
    )


def _extension_period_open(req: AcceptanceRequest, actor: Actor) -> bool:
    from postaward.core.models import Deadline

    dl = Deadline.objects.filter(
        kind=req.deadline_kind,
        subject_type="approvals.acceptancerequest",
        subject_id=str(req.pk),
        state=Deadline.State.OPEN,
    ).first()
    return dl is not None and (dl.paused_at is not None or dl.due_at > clock.now())


def _no_pending_extension(req: AcceptanceRequest, actor: Actor) -> bool:
    from .choices import ExtensionState
    from .models import AcceptanceExtension

    return not AcceptanceExtension.objects.filter(
        request_id=req.pk,
        state__in=(
            ExtensionState.PENDING_SUPERIOR,
            ExtensionState.PENDING_AUTHORITY,
            ExtensionState.PENDING_OFFICE,
        ),
    ).exists()


NOT_TOWNSHIP = steps.Guard(
    lambda r, a: r.kind != AcceptanceKind.TOWNSHIP,
    "乡镇复验申请不能退回",
    code="invalid_state",
)
WITHIN_RETURN_WINDOW = steps.Guard(
    _within_return_window, _return_window_closed, code="return_window_closed"
)
SUPER_LARGE = steps.Guard(
    lambda r, a: r.project.project_class == "super_large",
    "仅专业门类多、技术复杂的超大型工程可以申请延长验收时间",
    code="invalid_state",
)
WITHIN_ACCEPTANCE_PERIOD = steps.Guard(
    _extension_period_open,
    "延长验收时间须在60天内提出，验收期限已届满",
    code="extension_too_late",
)
NO_PENDING_EXTENSION = steps.Guard(_no_pending_extension, "已有审批中的延长申请")


# --- the workflow and its steps ------------------------------------------------------------------


def load_acceptance(actor: Actor, pk: int) -> AcceptanceRequest:
    """The request through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        AcceptanceRequest.objects.select_related("project", "participant"), actor, pk=pk
    )


def _render(request: Any, req: AcceptanceRequest, *, bound: Any = None, status: int = 200) -> Any:
    from .views import render_acceptance

    return render_acceptance(request, req, bound=bound, status=status)


def _answer(request: Any, req: AcceptanceRequest) -> Any:
    from .api import _acceptance_detail

    return _acceptance_detail(request, req)


ACCEPTANCE = steps.Workflow(
    key=ACCEPTANCE_WF,
    model=AcceptanceRequest,
    label="验收申请",
    load=load_acceptance,
    queryset=lambda: AcceptanceRequest.objects.select_related("project", "participant"),
    detail_url=lambda r: reverse("approval_acceptance_detail", args=[r.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="approval_acceptance_step",
)

REVIEW = steps.Step(
    ACCEPTANCE_WF,
    "review",
    "监理审核通过",
    who=workflows.SUPERVISOR,
    who_label=workflows.SUPERVISOR.label,
    transition="review_by_supervisor",
    service=_review,
    schema=OpinionIn,
    form=forms.OpinionForm,
    basis="R-ACC-01",
    opens=ACCEPTANCE_PERIODS,
    action="approvals.acceptancerequest.review_by_supervisor",
    success="监理审核通过：已办理",
    help="审核通过后建设单位的验收期限起算",
)
REJECT = steps.Step(
    ACCEPTANCE_WF,
    "reject",
    "监理审核不通过",
    who=workflows.SUPERVISOR,
    who_label=workflows.SUPERVISOR.label,
    transition="reject_by_supervisor",
    service=_reject,
    schema=OpinionIn,
    form=forms.NoteForm,
    basis="R-ACC-01",
    action="approvals.acceptancerequest.reject_by_supervisor",
    success="监理审核不通过：已办理",
    style="danger",
)
RETURN = steps.Step(
    ACCEPTANCE_WF,
    "return",
    "不满足验收条件，退回",
    who=workflows.ACCEPTANCE_ORGANISER,
    who_label=workflows.ACCEPTANCE_ORGANISER.label,
    transition="return_not_ready",
    guards=(NOT_TOWNSHIP, WITHIN_RETURN_WINDOW),
    service=_return,
    schema=ReturnIn,
    form=forms.ReturnForm,
    basis="R-ACC-03",
    closes=ACCEPTANCE_PERIODS,
    action="approvals.acceptancerequest.return_not_ready",
    success="不满足验收条件，退回：已办理",
    style="warning",
    help=f"受理后{ACCEPTANCE_RETURN_DAYS}个自然日内，须说明延期验收理由",
)
CONCLUDE = steps.Step(
    ACCEPTANCE_WF,
    "conclude",
    "上传验收结论",
    who=workflows.ACCEPTANCE_ORGANISER,
    who_label=workflows.ACCEPTANCE_ORGANISER.label,
    sources=(AcceptanceState.RECEIVED,),
    target="",  # passed or failed, as concluded
    service=_conclude,
    schema=ConcludeIn,
    form=forms.ConcludeForm,
    basis="R-ACC-01",
    closes=ALL_PERIODS,
    action="approvals.acceptancerequest.conclude_pass",  # conclude_fail when failed
    success="上传验收结论：已办理",
)
EXTEND = steps.Step(
    ACCEPTANCE_WF,
    "extensions",
    "申请延长验收时间",
    who=workflows.OWNER,
    who_label="建设单位",
    sources=(AcceptanceState.RECEIVED,),
    target="",
    guards=(SUPER_LARGE, WITHIN_ACCEPTANCE_PERIOD, NO_PENDING_EXTENSION),
    service=_extend,
    schema=ExtensionIn,
    form=forms.ExtensionForm,
    basis="R-ACC-04",
    action="approvals.apply_extension",
    success="申请延长验收时间：已办理",
    style="secondary",
    help="专业门类多、技术复杂的超大型工程，60天内申请，主管单位、行业主管部门、领导小组依次审批",
)
WITHDRAW = steps.Step(
    ACCEPTANCE_WF,
    "withdraw",
    "撤回",
    who=workflows.ACCEPTANCE_INITIATOR,
    who_label=workflows.ACCEPTANCE_INITIATOR.label,
    transition="withdraw",
    service=_withdraw,
    basis="R-ACC-01",
    action="approvals.acceptancerequest.withdraw",
    success="撤回：已办理",
    style="secondary",
)

steps.register(ACCEPTANCE, REVIEW, REJECT, RETURN, CONCLUDE, EXTEND, WITHDRAW)
