"""The worker's part of the annual scores (ADR 0650): recompute a year, with
the progress on the ``AnnualRecompute`` row the page polls."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from postaward.core import clock, context


@db_task()
def recompute_year_task(run_id: int) -> int:
    """Run one queued recomputation (``annual_runs.start_recompute``)."""
    from . import annual_runs

    with context.task_context("credit-annual"):
        clock.refresh_offset()
        return annual_runs.run_recompute(run_id)
