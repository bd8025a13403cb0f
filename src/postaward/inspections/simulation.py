"""The inspections app in the simulator: each part's activities (ADR 0700)."""

from . import simulation_draw, simulation_visits  # noqa: F401  (registers the activities)
