"""The clues part in the simulator: the daily detector runs after the day's
activities and sweeps, so the simulation's own missed deadlines and late
decisions (raised by events) and absences (raised here) produce clues."""

from __future__ import annotations

from postaward.core import simulation


@simulation.sweep(order=900)
def detect_accountability_clues(day: simulation.SimDay) -> None:
    from . import findings_clues

    findings_clues.detect(day.day)
