"""Step situations of the clues part (R-ACT-02): confirm and dismiss by the
district's office; discipline inspection reads a clue but decides nothing;
another district's office does not find it."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import factories_clues as f


def _registered(d: Any) -> Any:
    f.other_district(d)
    return f.clue(d)


def _dismissed(d: Any) -> Any:
    from postaward.core import steps

    from ..steps_clues import DISMISS

    c = _registered(d)
    steps.take(DISMISS, c, d.actor("office_staff"), {"reason": "经核实不属实"})
    c.refresh_from_db()
    return c


API = {"accountability.clue": "/api/v1/accountability/clues/{id}"}

CASES = {
    "accountability.clue.confirm": StepCase(
        setup=_registered,
        user="office_staff",
        data={"opinion": "经核实属实"},
        wrong_role="discipline",
        out_of_scope="other_office",
        wrong_state=_dismissed,
    ),
    "accountability.clue.dismiss": StepCase(
        setup=_registered,
        user="office_staff",
        data={"reason": "经核实约谈已按期开展"},
        wrong_role="discipline",
        out_of_scope="other_office",
        wrong_state=_dismissed,
    ),
}
