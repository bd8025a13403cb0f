"""The accountability app's periodic tasks (huey discovers ``tasks``): each part's."""

from .tasks_clues import detect_clues  # noqa: F401
