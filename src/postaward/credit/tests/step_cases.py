"""Situations of the objection / repair steps for the generated authorization
tests (``core/tests/test_steps_authz.py``; R-CAS-04)."""

from __future__ import annotations

from postaward.core.tests.step_cases import StepCase

from . import factories as f

API = {"credit.request": "/api/v1/credit/requests/{id}"}

CASES = {
    "credit.request.give_opinion": StepCase(
        setup=f.objection,
        user="housing_staff",
        data={"recommendation": "uphold", "opinion": "经核查，整改确在期限内完成"},
        wrong_role="contractor_a_admin",
        out_of_scope="school_admin",
        wrong_state=f.opinion_given,
    ),
    "credit.request.uphold": StepCase(
        setup=f.opinion_given,
        user="office_staff",
        data={"decision": "异议成立，记分变更为2分", "new_points": 2},
        wrong_role="housing_staff",
        out_of_scope="school_admin",
        wrong_state=f.objection,
    ),
    "credit.request.reject": StepCase(
        setup=f.opinion_given,
        user="office_staff",
        data={"decision": "异议理由不成立，维持原记分"},
        wrong_role="housing_staff",
        out_of_scope="school_admin",
        wrong_state=f.objection,
    ),
}

# The scoring parts (issue 16), each in its own module.
from .step_cases_agents import API as _AGENTS_API  # noqa: E402
from .step_cases_agents import CASES as _AGENTS_CASES  # noqa: E402
from .step_cases_rules import API as _RULES_API  # noqa: E402
from .step_cases_rules import CASES as _RULES_CASES  # noqa: E402
from .step_cases_sanctions import API as _SANCTIONS_API  # noqa: E402
from .step_cases_sanctions import CASES as _SANCTIONS_CASES  # noqa: E402
from .step_cases_scores import API as _SCORES_API  # noqa: E402
from .step_cases_scores import CASES as _SCORES_CASES  # noqa: E402

API.update(_RULES_API)
API.update(_SCORES_API)
API.update(_SANCTIONS_API)
API.update(_AGENTS_API)
CASES.update(_RULES_CASES)
CASES.update(_SCORES_CASES)
CASES.update(_SANCTIONS_CASES)
CASES.update(_AGENTS_CASES)
