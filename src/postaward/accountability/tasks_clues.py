"""The worker's part of the clues part: the daily detector of the findings
that are absences (no interview, no inspection, no plan; ADR 0801)."""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task, lock_task

from postaward.core import clock, context
from postaward.core.schedule import local_crontab


@db_periodic_task(local_crontab(minute="40", hour="1"))
@lock_task("accountability-detect")
def detect_clues() -> int:
    """Every night: raise the platform's clues of the day (each once)."""
    from . import findings_clues

    with context.task_context("accountability-detect"):
        clock.refresh_offset()
        return findings_clues.detect(clock.today())
