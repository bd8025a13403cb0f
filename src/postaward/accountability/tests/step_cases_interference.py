"""Step situations of the interference register (R-ACT-06): the office files,
refers and raises a clue; discipline inspection acknowledges."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from .. import services_interference as svc
from . import factories_interference as f


def _acknowledged(d: Any) -> Any:
    r = f.staff_record(d)
    return svc.acknowledge(actor=d.actor("discipline"), obj=r)


def _with_clue(d: Any) -> Any:
    r = f.staff_record(d)
    return svc.raise_clue(
        actor=d.actor("office_staff"),
        obj=r,
        party="department",
        unit_id=d.orgs["housing"].pk,
        facts="插手干预评标，需追究责任",
    )


def _clue_data(d: Any) -> dict[str, Any]:
    return {
        "party": "department",
        "unit_id": d.orgs["housing"].pk,
        "facts": "插手干预评标，需追究责任",
    }


API = {"accountability.interference": "/api/v1/accountability/interference/{id}"}

CASES = {
    "accountability.interference.file": StepCase(
        setup=f.staff_record,
        user="office_staff",
        data={"note": "已阅，存档"},
        wrong_role="discipline",
        out_of_scope="housing_staff",
        wrong_state=f.filed,
    ),
    "accountability.interference.refer": StepCase(
        setup=f.staff_record,
        user="office_staff",
        data={"reason": "经核实干预人系公职人员"},
        wrong_role="discipline",
        out_of_scope="housing_staff",
        wrong_state=f.flagged,
    ),
    "accountability.interference.raise_clue": StepCase(
        setup=f.staff_record,
        user="office_staff",
        data=_clue_data,
        wrong_role="discipline",
        out_of_scope="housing_staff",
        wrong_state=_with_clue,
    ),
    "accountability.interference.acknowledge": StepCase(
        setup=f.staff_record,
        user="discipline",
        data={},
        wrong_role="office_staff",
        out_of_scope="housing_staff",
        wrong_state=_acknowledged,
    ),
}
