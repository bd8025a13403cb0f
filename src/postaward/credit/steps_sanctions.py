"""The one step of a recorded measure: its revocation (ADR 0660; R-SCO-08).

Recording a measure creates it and is not a step
(``services_sanctions.record_sanction``). The page and the API
(``GET/POST /api/v1/credit/sanctions/{sanction_id}/steps[/{name}]``) and the
generated authorization tests read this list."""

from __future__ import annotations

from typing import Any

from django import forms as dj_forms
from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.scoping import get_visible_or_404

from .choices import SanctionState
from .models import OFFICE_ROLES, Sanction, snapshot_sanction

WF = "credit.sanction"


def issuer_or_office(s: Sanction, actor: Actor) -> bool:
    """The unit that took the measure (its accounts that may record one), or
    the supervision office of the district."""
    from .services_sanctions import issuer_kind_of

    if actor.is_system:
        return True
    if actor.organisation_id == s.issuer_id and issuer_kind_of(actor):
        return True
    return actor.organisation_id == s.office_id and bool(actor.roles & OFFICE_ROLES)


class RevokeIn(StrictIn):
    reason: str = Field(max_length=500, description="撤销原因（如经复议撤销、登记错误）")


class RevokeForm(dj_forms.Form):
    reason = dj_forms.CharField(
        label="撤销原因",
        max_length=500,
        widget=dj_forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}),
        help_text="如经行政复议或诉讼撤销、登记错误等；撤销后相应记分一并撤销",
    )


def _revoke(*, actor: Actor, obj: Sanction, **data: Any) -> Any:
    from . import services_sanctions

    return services_sanctions.revoke_sanction(actor=actor, obj=obj, **data)


def load_sanction(actor: Actor, pk: int) -> Sanction:
    return get_visible_or_404(  # type: ignore[no-any-return]
        Sanction.objects.select_related("issuer", "office", "subject_org", "project"),
        actor,
        pk=pk,
    )


def _render(request: Any, s: Sanction, *, bound: Any = None, status: int = 200) -> Any:
    from .views_sanctions import render_detail

    return render_detail(request, s, bound=bound, status=status)


def _answer(request: Any, s: Sanction) -> Any:
    from .api_sanctions import sanction_out

    return sanction_out(s)


SANCTION = steps.Workflow(
    key=WF,
    model=Sanction,
    label="处理措施",
    load=load_sanction,
    queryset=lambda: Sanction.objects.select_related("issuer", "project"),
    snapshot=snapshot_sanction,
    detail_url=lambda s: reverse("credit_sanction_detail", args=[s.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="credit_sanction_step",
)

REVOKE = steps.Step(
    WF,
    "revoke",
    "撤销",
    who=issuer_or_office,
    who_label="作出措施的单位或监管办",
    sources=(SanctionState.EFFECTIVE,),
    target=SanctionState.REVOKED,
    service=_revoke,
    schema=RevokeIn,
    form=RevokeForm,
    basis="R-SCO-08",
    event="credit.sanction_revoked",
    action="credit.sanction_revoked",
    success="处理措施已撤销，相应记分一并撤销",
    style="outline-danger",
)

steps.register(SANCTION, REVOKE)
