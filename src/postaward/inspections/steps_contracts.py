"""The steps of a contract check, declared once (ADR 0060; R-INS-07): the
check page, the API (``GET/POST /api/v1/inspections/contract-checks/{check_id}/steps[/{name}]``)
and the generated authorization tests read this list. Opening a check is not
a step (``services_contracts.open_check``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from pydantic import Field

from postaward.core import steps
from postaward.core.actor import Actor
from postaward.core.api_base import StrictIn
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Id
from postaward.orgs.choices import Role

from . import forms_contracts
from .models.contracts import CheckState, ContractCheck, snapshot

WF = "inspections.contract_check"
ACTING = frozenset({Role.OFFICE_STAFF, Role.AUTHORITY_STAFF, Role.UNIT_LEADER})


def team(c: ContractCheck, a: Actor) -> bool:
    """The check's inspectors, or the checking unit's staff."""
    if a.is_system:
        return True
    if a.organisation_id == c.unit_id and bool(a.roles & ACTING):
        return True
    return a.person_id is not None and c.members.filter(person_id=a.person_id).exists()


def leader(c: ContractCheck, a: Actor) -> bool:
    """The check leader (组长负责制)."""
    return a.is_system or (a.person_id is not None and a.person_id == c.leader.person_id)


class ContractConclusionIn(StrictIn):
    flag_id: Id = Field(description="疑点")
    confirmed: bool = Field(description="true 认定疑似违法违规，false 排除")
    note: str = Field("", max_length=500, description="说明")


class ContractConcludeIn(StrictIn):
    summary: str = Field(max_length=2000, description="检查结论")
    conclusions: list[ContractConclusionIn] = Field(
        [], max_length=100, description="每一项疑点的结论"
    )


def _svc(name: str) -> Any:
    def call(*, actor: Actor, obj: ContractCheck, **data: Any) -> Any:
        from . import services_contracts

        if "conclusions" in data:
            data["conclusions"] = [
                x.model_dump() if hasattr(x, "model_dump") else dict(x) for x in data["conclusions"]
            ]
        return getattr(services_contracts, name)(actor=actor, obj=obj, **data)

    call.__name__ = name
    return call


def _conclude_form(c: ContractCheck, a: Actor, data: Any, files: Any) -> Any:
    return forms_contracts.ConcludeForm(data, flags=list(c.flags.all()), auto_id="id_conclude-%s")


def load_check(actor: Actor, pk: int) -> ContractCheck:
    """The check through the actor's scope (404 out of scope)."""
    return get_visible_or_404(  # type: ignore[no-any-return]
        ContractCheck.objects.select_related("project", "unit", "leader__person", "office"),
        actor,
        pk=pk,
    )


def _render(request: Any, c: ContractCheck, *, bound: Any = None, status: int = 200) -> Any:
    from .views_contracts import render_detail

    return render_detail(request, c, bound=bound, status=status)


def _answer(request: Any, c: ContractCheck) -> Any:
    from .api_contracts import detail_out

    return detail_out(c, request)


CONTRACT_CHECK = steps.Workflow(
    key=WF,
    model=ContractCheck,
    label="合同履约检查",
    load=load_check,
    queryset=lambda: ContractCheck.objects.select_related("project", "leader__person"),
    snapshot=snapshot,
    detail_url=lambda c: reverse("inspections_contract_check", args=[c.pk]),
    render_page=_render,
    answer=_answer,
    page_url_name="inspections_contract_check_step",
)

COMPARE = steps.Step(
    WF,
    "compare",
    "比对合同",
    who=team,
    who_label="检查组成员或检查单位工作人员",
    sources=(CheckState.OPENED, CheckState.COMPARED),
    target=CheckState.COMPARED,
    service=_svc("compare"),
    action="inspections.contract_check.compare",
    basis="R-INS-07",
    success="平台已完成比对",
    help="平台将中标结果、施工合同和全部补充协议逐项比对，并按规则标出疑点",
)
CONCLUDE = steps.Step(
    WF,
    "conclude",
    "作出检查结论",
    who=leader,
    who_label="检查组长",
    sources=(CheckState.COMPARED,),
    target=CheckState.CONCLUDED,
    service=_svc("conclude"),
    schema=ContractConcludeIn,
    form_factory=_conclude_form,
    action="inspections.contract_check.conclude",
    basis="R-INS-07、R-INS-08",
    event="inspections.case_requested",
    success="检查结论已作出",
    help="组长负责制：对每一项疑点逐项认定；认定疑似违法违规的，提请监管办立案查处",
)

ALL_STEPS = (COMPARE, CONCLUDE)


def register() -> None:
    steps.register(CONTRACT_CHECK, *ALL_STEPS)
