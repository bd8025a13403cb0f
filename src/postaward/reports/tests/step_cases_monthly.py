"""Step situations of the monthly reports (R-REP-02)."""

from __future__ import annotations

from postaward.core.tests.step_cases import StepCase

from . import factories_monthly as fm

API = {"reports.monthly_report": "/api/v1/reports/monthly/{id}"}

CASES = {
    "reports.monthly_report.submit": StepCase(
        setup=fm.drafted,
        user="housing_staff",
        data={},
        wrong_role="office_staff",
        out_of_scope="transport_staff",
        wrong_state=fm.submitted,
    ),
    "reports.monthly_report.return": StepCase(
        setup=fm.submitted,
        user="office_staff",
        data={"note": "请补充典型案例的整改情况"},
        wrong_role="housing_staff",
        out_of_scope="transport_staff",
        wrong_state=fm.drafted,
    ),
}
