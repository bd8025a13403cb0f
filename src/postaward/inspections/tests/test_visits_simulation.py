"""The simulator carries out the inspections a quarterly draw scheduled
(issue 15 "the simulator runs a quarterly draw and inspections"; R-INS-05,
R-INS-08, R-CAS-05): one stage per working day, each taken by an account the
step registry allows, to the published result; orders are replied to and
verified."""

from __future__ import annotations

import datetime as dt
import random

import time_machine

from postaward.core import business_calendar, clock
from postaward.core.simulation import SimDay

from .. import simulation_draw, simulation_visits
from ..models import Inspection, InspectionSource, InspectionState, RectificationOrder, RoundKind
from . import factories_draw as f


def test_r_ins_08_the_simulator_runs_the_drawn_inspections_to_their_published_result(district):
    p = f.plan(district)
    assert p.rounds.filter(kind=RoundKind.SPECIAL, quarter=3).exists()
    day = dt.date(2026, 7, 1)
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, 30, tzinfo=clock.LOCAL_TZ), tick=False):
        (draw,) = simulation_draw.quarterly_draw(day)
    drawn = Inspection.objects.filter(source=InspectionSource.DRAW)
    assert drawn.count() == draw.selections.count() >= 1
    rng = random.Random(7)
    for _ in range(12):
        day = business_calendar.next_working_day(day + dt.timedelta(days=1))
        at = dt.datetime.combine(day, dt.time(10, 30), tzinfo=clock.LOCAL_TZ)
        with time_machine.travel(at, tick=False):
            simulation_visits.visits_on(day, SimDay(day, rng))
    states = set(drawn.values_list("state", flat=True))
    assert states == {InspectionState.PUBLISHED}, states
    for i in drawn:
        assert i.items.filter(result="").count() == 0
        assert not i.inspectors.filter(signed_at__isnull=True).exists()
    orders = list(RectificationOrder.objects.all())
    assert orders, "the seeded run records at least one finding with its order"
    for o in orders:
        assert o.replies.exists(), o.number  # every matter has a reply


def test_the_simulator_leaves_inspections_alone_on_a_holiday(district):
    f.plan(district)
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, 30, tzinfo=clock.LOCAL_TZ), tick=False):
        simulation_draw.quarterly_draw(dt.date(2026, 7, 1))
    holiday = dt.date(2026, 10, 1)
    assert not business_calendar.is_working_day(holiday)
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, 30, tzinfo=clock.LOCAL_TZ), tick=False):
        simulation_visits.visits_on(holiday, SimDay(holiday, random.Random(1)))
    assert set(Inspection.objects.values_list("state", flat=True)) == {InspectionState.SCHEDULED}
