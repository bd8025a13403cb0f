"""Step situations of the data meeting (R-REP-03)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import factories_meeting as fm

API = {"reports.meeting_pack": "/api/v1/reports/meetings/{id}"}


def _generated(d: Any) -> Any:
    fm.other_district(d)
    return fm.generated(d)


def _held(d: Any) -> Any:
    fm.other_district(d)
    return fm.held(d)


def _form(d: Any) -> dict[str, Any]:
    return {f"decide-{k}": v for k, v in fm.decision(d).items()}


CASES = {
    "reports.meeting_pack.decide": StepCase(
        setup=_generated,
        user="office_staff",
        data=fm.decision,
        form=_form,
        wrong_role="office_admin",
        out_of_scope="other_office",
        wrong_state=fm.closed,
    ),
    "reports.meeting_pack.close": StepCase(
        setup=_held,
        user="office_staff",
        data={},
        wrong_role="office_admin",
        out_of_scope="other_office",
        wrong_state=_generated,
    ),
}
