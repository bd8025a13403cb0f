"""Step situations of the agents and experts part (R-SCO-05, R-SCO-06)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import factories_agents as f


def _approved(d: Any) -> Any:
    f.rated_agents(d)
    return d.orgs["agent_good"].agent_appraisals.get()


def _decided(d: Any) -> Any:
    from postaward.core import steps

    from ..steps_agents import DISMISS

    r = f.report(d)
    steps.take(DISMISS, r, d.actor("office_staff"), {"decision": "经核实评价依据不足"})
    r.refresh_from_db()
    return r


def _checked(d: Any) -> Any:
    from postaward.core import steps

    from ..steps_agents import CHECK

    x = f.disclosure_with_neighbour(d)
    steps.take(CHECK, x, d.actor("office_staff"), {"note": "与人员库核对一致"})
    x.refresh_from_db()
    return x


def _disclosure_case() -> StepCase:
    return StepCase(
        setup=f.disclosure_with_neighbour,
        user="office_staff",
        data={"note": "与人员库核对一致"},
        # the agent reads its disclosure but does not check it
        wrong_role="agent_admin",
        out_of_scope="neighbour_office",
        wrong_state=_checked,
    )


API = {
    "credit.disclosure": "/api/v1/credit/agent-disclosures/{id}",
    "credit.appraisal": "/api/v1/credit/agent-appraisals/{id}",
    "credit.expert_report": "/api/v1/credit/expert-reports/{id}",
}

DECISION = {"decision": "经调查核实，评标打分明显失当"}


def _report_case() -> StepCase:
    return StepCase(
        setup=f.report,
        user="office_staff",
        data=DECISION,
        # the owner reads its report but does not decide it
        wrong_role="school_admin",
        out_of_scope="hospital_admin",
        wrong_state=_decided,
    )


CASES = {
    "credit.appraisal.approve": StepCase(
        setup=f.submitted_appraisal,
        user="office_admin",
        data={},
        # the authority reads appraisals but does not approve them
        wrong_role="housing_staff",
        out_of_scope="school_admin",
        wrong_state=_approved,
    ),
    "credit.appraisal.return": StepCase(
        setup=f.submitted_appraisal,
        user="office_admin",
        data={"reason": "考评理由不充分，请补充"},
        wrong_role="housing_staff",
        out_of_scope="school_admin",
        wrong_state=_approved,
    ),
    "credit.disclosure.check": _disclosure_case(),
    "credit.disclosure.send_back": _disclosure_case(),
    "credit.expert_report.suspend": _report_case(),
    "credit.expert_report.remove": _report_case(),
    "credit.expert_report.dismiss": _report_case(),
}
