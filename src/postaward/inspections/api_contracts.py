"""The contract-check API under ``/api/v1/inspections/contract-checks``
(session or token, scoped; R-INS-07): the list, one check with its side-by-side
comparison and flags, opening a check, and the generated steps endpoints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from postaward.core import audit, clock, steps
from postaward.core.api_base import StrictIn, actor, responses
from postaward.core.bodies import write_once
from postaward.core.errors import Forbidden
from postaward.core.types import Id

from . import services_contracts
from . import steps_contracts as check_steps
from .models.contracts import CheckState, ContractCheck
from .views_contracts import can_see_checks

router = Router(tags=["双随机检查"])


class ContractCheckOut(Schema):
    id: int
    number: str
    project_id: int
    project: str
    unit: str
    leader: str
    reason: str
    state: str
    state_label: str
    flag_count: int
    suspected: bool
    opened_at: str


class FlagOut(Schema):
    id: int
    kind: str
    kind_label: str
    rule: str
    fact: str
    basis: str
    confirmed: bool | None
    note: str


class MemberOut(Schema):
    name: str
    leader: bool
    department: str
    certificate_number: str


class ContractCheckDetailOut(ContractCheckOut):
    comparison: dict[str, Any]
    flags: list[FlagOut]
    members: list[MemberOut]
    conclusion: str
    concluded_at: str
    case_requested_at: str
    actions: list[str]


def _when(at: Any) -> str:
    return clock.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""


def _row(c: ContractCheck) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "project_id": c.project_id,
        "project": c.project.name,
        "unit": c.unit.name,
        "leader": c.leader.person.name,
        "reason": c.reason,
        "state": c.state,
        "state_label": c.get_state_display(),
        "flag_count": c.flag_count,
        "suspected": c.suspected,
        "opened_at": _when(c.opened_at),
    }


def detail_out(c: ContractCheck, request: HttpRequest) -> dict[str, Any]:
    return {
        **_row(c),
        "comparison": c.comparison or {},
        "flags": [
            {
                "id": f.pk,
                "kind": f.kind,
                "kind_label": f.get_kind_display(),
                "rule": f.rule,
                "fact": f.fact,
                "basis": f.basis,
                "confirmed": f.confirmed,
                "note": f.note,
            }
            for f in c.flags.all()
        ],
        "members": [
            {
                "name": m.name,
                "leader": m.is_leader,
                "department": m.department_name,
                "certificate_number": m.certificate_number,
            }
            for m in c.members.all()
        ],
        "conclusion": c.conclusion,
        "concluded_at": _when(c.concluded_at),
        "case_requested_at": _when(c.case_requested_at),
        "actions": steps.allowed_names(c, actor(request)),
    }


@router.get(
    "/contract-checks",
    response=responses(list[ContractCheckOut]),
    summary="合同履约检查清单（本单位数据范围）",
)
def list_checks(request: HttpRequest, state: CheckState | None = None) -> Any:
    a = actor(request)
    if not can_see_checks(a):
        raise Forbidden("仅监管办和行业主管部门可以查看合同履约检查")
    qs = ContractCheck.objects.visible_to(a).select_related("project", "unit", "leader__person")
    if state:
        qs = qs.filter(state=state)
    return [_row(c) for c in qs[:500]]


class ContractCheckIn(StrictIn):
    project_id: Id = Field(description="检查项目")
    leader_id: Id = Field(description="检查组长（执法人员库中的执法证）")
    member_ids: list[Id] = Field([], max_length=10, description="检查组员（执法证），合计不少于2人")
    reason: str = Field(max_length=200, description="检查事由")


class ContractCheckCreatedOut(Schema):
    id: int
    number: str


@router.post(
    "/contract-checks",
    response=responses(ContractCheckCreatedOut, 201),
    summary="开展合同履约检查（监管办或行业主管部门，至少2名执法人员）",
)
def create_check(request: HttpRequest, body: ContractCheckIn) -> Any:
    a = actor(request)

    def run() -> dict[str, Any]:
        c = services_contracts.open_check(actor=a, **body.model_dump())
        return audit.normalise({"id": c.pk, "number": c.number})

    return write_once(
        request, "inspections.contract_check.open", body.model_dump(mode="json"), run, status=201
    )


@router.get(
    "/contract-checks/{contract_check_id}",
    response=responses(ContractCheckDetailOut),
    summary="合同履约检查详情（对照表、疑点、检查人员）",
)
def get_check(request: HttpRequest, contract_check_id: Id) -> Any:
    return detail_out(check_steps.load_check(actor(request), contract_check_id), request)


steps.mount_api(router, check_steps.WF, "contract_check_id", prefix="/contract-checks")
