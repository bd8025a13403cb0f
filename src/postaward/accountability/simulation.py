"""The accountability app's simulation: each part registers its own."""

from . import simulation_clues  # noqa: F401  (registers the activities)
