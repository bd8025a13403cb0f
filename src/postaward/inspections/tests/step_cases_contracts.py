"""Situations of the contract-check steps for the generated authorization
tests (``core/tests/test_steps_authz.py``; R-INS-07). The check is opened by
the office; the housing inspector leads it, an office inspector is a member."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from ..models.contracts import ContractCheck
from . import factories_contracts as f

API = {"inspections.contract_check": "/api/v1/inspections/contract-checks/{id}"}


def _latest() -> ContractCheck:
    return ContractCheck.objects.order_by("-pk").first()  # type: ignore[return-value]


def _conclude(d: Any) -> dict[str, Any]:
    return {
        "summary": "经核实为设计变更，已按规定审批",
        "conclusions": f.conclusions(_latest(), False),
    }


def _conclude_form(d: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"summary": "经核实为设计变更，已按规定审批"}
    for flag in _latest().flags.all():
        data[f"flag_{flag.pk}"] = "0"
    return data


CASES = {
    "inspections.contract_check.compare": StepCase(
        setup=f.opened,
        user="housing_staff",
        data={},
        wrong_role="housing_admin",
        out_of_scope="transport_staff",
        wrong_state=f.concluded,
    ),
    "inspections.contract_check.conclude": StepCase(
        setup=f.shadow_compared,
        user="housing_staff",
        data=_conclude,
        form=_conclude_form,
        wrong_role="office_staff",
        out_of_scope="transport_staff",
        wrong_state=f.opened,
    ),
}
