"""Step situations of the sanctions register (R-SCO-08)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import factories_sanctions as f


def _revoked(d: Any) -> Any:
    from postaward.core import steps

    from ..steps_sanctions import REVOKE

    s = f.interview(d)
    steps.take(REVOKE, s, d.actor("school_admin"), {"reason": "登记错误，予以撤销"})
    s.refresh_from_db()
    return s


API = {"credit.sanction": "/api/v1/credit/sanctions/{id}"}

CASES = {
    "credit.sanction.revoke": StepCase(
        setup=f.interview,
        user="school_admin",
        data={"reason": "登记错误，予以撤销"},
        wrong_role="contractor_a_admin",
        out_of_scope="hospital_admin",
        wrong_state=_revoked,
    ),
}
