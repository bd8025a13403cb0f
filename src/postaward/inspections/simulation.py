"""The inspections app in the simulator: each part's activities (ADR 0700)."""

from . import simulation_draw  # noqa: F401  (registers the quarterly draw)
