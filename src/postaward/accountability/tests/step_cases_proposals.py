"""Step situations of the proposals part (R-ACT-07): the addressed
department decides (认定 / 不予认定); the office that filed it and another
department decide nothing; another district's authority does not find it."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import factories_proposals as f


def _received(d: Any) -> Any:
    f.other_district(d)
    return f.proposal(d)


def _decided(d: Any) -> Any:
    from postaward.core import steps

    from ..steps_proposals import NOT_RECOGNISE

    p = _received(d)
    steps.take(NOT_RECOGNISE, p, d.actor("housing_staff"), {"reason": "证据不足，无法认定"})
    p.refresh_from_db()
    return p


API = {"accountability.proposal": "/api/v1/accountability/proposals/{id}"}

CASES = {
    "accountability.proposal.recognise": StepCase(
        setup=_received,
        user="housing_staff",
        data={
            "decision_text": "认定项目负责人无故缺岗的不良行为",
            "decision_document": "住建认〔2026〕3号",
        },
        wrong_role="office_staff",
        out_of_scope="other_authority",
        wrong_state=_decided,
    ),
    "accountability.proposal.not_recognise": StepCase(
        setup=_received,
        user="housing_admin",
        data={"reason": "经核查项目经理已办理请假手续"},
        wrong_role="office_staff",
        out_of_scope="other_authority",
        wrong_state=_decided,
    ),
}
