"""Step situations of scoring rule-set versions for the generated
authorization tests (``core/tests/test_steps_authz.py``; R-SCO-01)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import factories_rules as f

API: dict[str, str] = {"credit.rule_set": "/api/v1/credit/rule-sets/{id}"}

CASES: dict[str, Any] = {
    "credit.rule_set.submit": StepCase(
        setup=f.draft,
        user="housing_staff",
        data={},
        wrong_role="office_staff",
        out_of_scope="transport_staff",
        wrong_state=f.pending,
    ),
    # the second person: housing_staff drafted and submitted, housing_admin reviews
    "credit.rule_set.approve": StepCase(
        setup=f.pending,
        user="housing_admin",
        data={"opinion": "同意施行"},
        wrong_role="housing_staff",
        out_of_scope="transport_staff",
        wrong_state=f.draft,
    ),
    "credit.rule_set.reject": StepCase(
        setup=f.pending,
        user="housing_admin",
        data={"opinion": "请补充修订说明"},
        wrong_role="housing_staff",
        out_of_scope="transport_staff",
        wrong_state=f.rejected,
    ),
    "credit.rule_set.revise": StepCase(
        setup=f.rejected,
        user="housing_staff",
        data={},
        wrong_role="office_staff",
        out_of_scope="transport_staff",
        wrong_state=f.pending,
    ),
}
