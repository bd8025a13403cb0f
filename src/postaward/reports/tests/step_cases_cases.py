"""Step situations of the typical cases (R-REP-06)."""

from __future__ import annotations

from postaward.core.tests.step_cases import StepCase

from . import factories as f

PROGRESS = {"text": "已更换项目经理，新项目经理已到岗"}
CLOSE = {"note": "项目经理已更换并到岗，整改到位"}

API = {"reports.typical_case": "/api/v1/reports/typical-cases/{id}"}

CASES = {
    "reports.typical_case.progress": StepCase(
        setup=f.case,
        user="school_admin",
        data=PROGRESS,
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=f.closed,
    ),
    "reports.typical_case.close": StepCase(
        setup=f.case,
        user="office_staff",
        data=CLOSE,
        wrong_role="school_admin",
        out_of_scope="transport_staff",
        wrong_state=f.closed,
    ),
}
