"""The demo's draw part and the simulator's quarterly draw (R-INS-01,
R-INS-02): work lists, a joint plan with a special round, one revealed draw
that verifies, the next round committed; the simulator draws on the first
working day of a quarter."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.core import clock
from postaward.testing import demo_build

from .. import services_draw as svc
from .. import simulation_draw
from ..models import Draw, DrawState, InspectionPlan, RoundKind, WorkItem
from . import factories_draw as f

pytestmark = pytest.mark.django_db


def test_r_ins_02_demo_has_a_revealed_draw_and_a_committed_one():
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, tzinfo=clock.LOCAL_TZ), tick=False):
        demo_build(40)
    assert WorkItem.objects.count() >= 6
    joint = InspectionPlan.objects.get(joint=True)
    assert joint.state == "approved" and joint.rounds.filter(kind=RoundKind.SPECIAL).exists()
    revealed = Draw.objects.get(state=DrawState.REVEALED)
    assert svc.verify_draw(revealed).label == "一致"
    assert revealed.selections.count() >= 1
    assert Draw.objects.filter(state=DrawState.COMMITTED).count() == 1


def test_r_ins_02_simulator_draws_on_the_first_working_day_of_a_quarter(district):
    p = f.plan(district)
    r = p.rounds.get(kind=RoundKind.SPECIAL)  # quarter 3
    assert simulation_draw.first_working_day_of_quarter(dt.date(2026, 7, 1))
    assert not simulation_draw.first_working_day_of_quarter(dt.date(2026, 7, 2))
    assert simulation_draw.quarterly_draw(dt.date(2026, 7, 2)) == []
    out = simulation_draw.quarterly_draw(dt.date(2026, 7, 1))
    assert [d.round_id for d in out] == [r.pk]
    assert out[0].state == DrawState.REVEALED and svc.verify_draw(out[0]).ok
    assert simulation_draw.quarterly_draw(dt.date(2026, 7, 1)) == []  # once per round
