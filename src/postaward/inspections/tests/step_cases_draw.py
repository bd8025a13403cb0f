"""Situations of the plan and draw steps for the generated authorization
tests (core/tests/test_steps_authz.py; R-INS-01, R-INS-02)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from .. import services_draw as svc
from . import factories_draw as f

API = {
    "inspections.plan": "/api/v1/inspections/plans/{id}",
    "inspections.draw": "/api/v1/inspections/draws/{id}",
}


def _superseded(d: Any) -> Any:
    draw = f.drawn(d)
    svc.redraw(actor=d.actor("office_head"), obj=draw, reason="测试重抽理由")
    draw.refresh_from_db()
    return draw


CASES = {
    "inspections.plan.submit": StepCase(
        setup=lambda d: f.plan(d, state="draft"),
        user="office_staff",
        data={},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=lambda d: f.plan(d, special=False, state="draft"),
    ),
    "inspections.plan.approve": StepCase(
        setup=lambda d: f.plan(d, state="submitted"),
        user="office_head",
        data={"note": "同意"},
        wrong_role="office_staff",
        out_of_scope="housing_head",
        wrong_state=lambda d: f.plan(d, state="draft"),
    ),
    "inspections.plan.send_back": StepCase(
        setup=lambda d: f.plan(d, state="submitted"),
        user="office_head",
        data={"note": "请补充专项检查事项"},
        wrong_role="office_staff",
        out_of_scope="housing_head",
        wrong_state=lambda d: f.plan(d, state="approved"),
    ),
    "inspections.draw.draw": StepCase(
        setup=f.committed,
        user="office_staff",
        data={},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.drawn,
    ),
    "inspections.draw.reveal": StepCase(
        setup=f.drawn,
        user="office_staff",
        data={},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.committed,
    ),
    "inspections.draw.redraw": StepCase(
        setup=f.drawn,
        user="office_head",
        data={"reason": "项目库误纳入已终止项目"},
        wrong_role="office_staff",
        out_of_scope="housing_staff",
        wrong_state=_superseded,
    ),
}
