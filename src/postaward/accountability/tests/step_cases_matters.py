"""Step situations of the accountability matters (R-ACT-03, R-ACT-04)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import factories_matters as f

DECIDE = {"measures": ["circulated"], "decided_on": None, "decision_document": "教党〔2026〕12号"}
REFER = {"reason": "涉嫌违纪，移送纪检监察机关依纪处理", "document_number": "监管办〔2026〕3号"}
OBSTRUCT = {"note": "拒不提供验收资料，阻碍调查"}


def _decide_data(d: Any) -> dict[str, Any]:
    from postaward.core import clock

    return {**DECIDE, "decided_on": clock.today().isoformat()}


def _referred(d: Any) -> Any:
    from ..services_matters import refer

    m = f.matter(d)
    refer(actor=d.actor("edu_admin"), obj=m, **REFER)
    m.refresh_from_db()
    return m


API = {
    "accountability.matter": "/api/v1/accountability/matters/{id}",
    "accountability.decision": "/api/v1/accountability/decisions/{id}",
}

CASES = {
    "accountability.matter.refer": StepCase(
        setup=f.matter,
        user="edu_admin",
        data=REFER,
        wrong_role="discipline",
        out_of_scope="housing_admin",
        wrong_state=_referred,
    ),
    "accountability.decision.decide": StepCase(
        setup=f.pending,
        user="edu_admin",
        data=_decide_data,
        wrong_role="office_staff",
        out_of_scope="housing_admin",
        wrong_state=f.decided,
    ),
    "accountability.decision.obstruct": StepCase(
        setup=f.pending,
        user="office_staff",
        data=OBSTRUCT,
        wrong_role="edu_admin",
        out_of_scope="housing_admin",
        wrong_state=f.decided,
    ),
}
