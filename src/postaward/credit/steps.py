"""The steps of an objection (异议) or a credit repair request (信用修复),
declared once (ADR 0060, ADR 0621; R-CAS-04).

Registering a request creates it and is not a step (``services.file_request``:
the party, or the office on its behalf). Then the competent department that
decided gives its opinion, and the supervision office decides: upheld (an
objection changes the points or withdraws the record; a repair repairs it) or
rejected. The page, the API (``GET/POST /api/v1/credit/requests/{request_id}/
steps[/{name}]``) and the generated authorization tests read this list.
"""

from __future__ import annotations

from typing import Any, Literal

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.scoping import get_visible_or_404
from postaward.orgs.choices import Role

from . import forms
from .choices import Recommendation, RequestState
from .deadline_kinds import OBJECTION_ANSWER
from .models import DEPARTMENT_ROLES, OFFICE_ROLES, CreditRequest, snapshot_request

WF = "credit.request"


def department_staff(q: CreditRequest, actor: Actor) -> bool:
    """The competent department that decided the penalty (for a blacklist
    entry: its issuer, which may be the supervision office itself)."""
    roles = DEPARTMENT_ROLES | OFFICE_ROLES if q.sanction_id else DEPARTMENT_ROLES
    return actor.is_system or (
        actor.organisation_id == q.department_id and bool(actor.roles & roles)
    )


def office_staff(q: CreditRequest, actor: Actor) -> bool:
    """The staff and leaders of the supervision office of the record."""
    return actor.is_system or (
        actor.organisation_id == q.office_id
        and bool(actor.roles & {Role.OFFICE_STAFF, Role.UNIT_LEADER})
    )


class CreditOpinionIn(StrictIn):
    recommendation: Literal[tuple(Recommendation.values)] = Field(  # type: ignore[valid-type]
        description="核查建议：uphold 建议采纳 / reject 建议不予采纳"
    )
    opinion: str = Field(max_length=2000, description="核查意见")


class CreditUpholdIn(StrictIn):
    decision: str = Field(max_length=2000, description="处理结果")
    new_points: int | None = Field(
        None,
        ge=0,
        le=100,
        description="异议：变更后记分（撤销记录时不填）；记分的信用修复：保留的扣分（不填为全部恢复）",
    )
    withdraw: bool = Field(False, description="撤销该信用记录（异议）")


class CreditRejectIn(StrictIn):
    decision: str = Field(max_length=2000, description="不予采纳的理由")


def _give_opinion(*, actor: Actor, obj: CreditRequest, **data: Any) -> Any:
    from . import services

    return services.give_opinion(actor=actor, obj=obj, **data)


def _uphold(*, actor: Actor, obj: CreditRequest, **data: Any) -> Any:
    from . import services

    return services.uphold(actor=actor, obj=obj, **data)


def _reject(*, actor: Actor, obj: CreditRequest, **data: Any) -> Any:
    from . import services

    return services.reject(actor=actor, obj=obj, **data)


def load_request(actor: Actor, pk: int) -> CreditRequest:
    """The request through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        CreditRequest.objects.select_related(
            "record", "record__office", "record__department", "score_event", "sanction"
        ),
        actor,
        pk=pk,
    )


def _render(request: Any, q: CreditRequest, *, bound: Any = None, status: int = 200) -> Any:
    if q.sanction_id:
        from . import views_sanctions

        return views_sanctions.render_detail(
            request, q.target, request_bound={q.pk: bound or {}}, status=status
        )
    if q.score_event_id:
        from . import views_scores

        return views_scores.render_detail(
            request, q.target, bound={q.pk: bound or {}}, status=status
        )
    from .views import render_detail

    return render_detail(request, q.target, bound={q.pk: bound or {}}, status=status)


def _detail_url(q: CreditRequest) -> str:
    if q.record_id:
        return reverse("credit_detail", args=[q.record_id])
    if q.sanction_id:
        return reverse("credit_sanction_detail", args=[q.sanction_id])
    return reverse("credit_score_detail", args=[q.score_event_id])


def _answer(request: Any, q: CreditRequest) -> Any:
    from .api import request_out

    return request_out(q, request)


REQUEST = steps.Workflow(
    key=WF,
    model=CreditRequest,
    label="信用异议（修复）申请",
    load=load_request,
    queryset=lambda: CreditRequest.objects.select_related("record", "score_event", "sanction"),
    snapshot=snapshot_request,
    detail_url=lambda q: _detail_url(q),
    render_page=_render,
    answer=_answer,
    page_url_name="credit_request_step",
)

GIVE_OPINION = steps.Step(
    WF,
    "give_opinion",
    "出具核查意见",
    who=department_staff,
    who_label="作出决定的主管部门",
    sources=(RequestState.REGISTERED,),
    target=RequestState.OPINION_GIVEN,
    service=_give_opinion,
    schema=CreditOpinionIn,
    form=forms.OpinionForm,
    basis="R-CAS-04",
    action="credit.give_opinion",
    success="核查意见已提交，待监管办决定",
    help="失信认定部门核查当事人的异议或修复申请，提出是否采纳的意见",
)
UPHOLD = steps.Step(
    WF,
    "uphold",
    "采纳",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(RequestState.OPINION_GIVEN,),
    target=RequestState.UPHELD,
    service=_uphold,
    schema=CreditUpholdIn,
    form=forms.UpholdForm,
    basis="R-CAS-04",
    closes=OBJECTION_ANSWER.kind,
    action="credit.uphold",
    success="已采纳，信用记录已变更并重新推送信用平台",
    help="异议成立：填写变更后的记分或撤销记录；信用修复：记录修复，不再计分（记分事件可保留部分扣分）",
)
REJECT = steps.Step(
    WF,
    "reject",
    "不予采纳",
    who=office_staff,
    who_label="监管办工作人员",
    sources=(RequestState.OPINION_GIVEN,),
    target=RequestState.REJECTED,
    service=_reject,
    schema=CreditRejectIn,
    form=forms.RejectForm,
    basis="R-CAS-04",
    closes=OBJECTION_ANSWER.kind,
    action="credit.reject",
    success="已决定不予采纳，已告知当事人",
    style="outline-danger",
)

steps.register(REQUEST, GIVE_OPINION, UPHOLD, REJECT)
