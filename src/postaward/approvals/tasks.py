"""Scheduled work of the approval processes (huey).

- 00:10 local time every day: the supervision-log slots of the day (R-SUP-01),
  one per project with a construction day and a supervising firm, each with
  its deadline (24:00 of the day) and the supervising firm's to-do. Idempotent:
  a second run (a retry, a restarted worker) opens nothing twice.
"""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task, lock_task

from postaward.core import clock, context
from postaward.core.schedule import local_crontab


@db_periodic_task(local_crontab(minute="10", hour="0"))
@lock_task("approvals-log-slots")
def open_todays_log_slots() -> int:
    """00:10 every day: open today's supervision-log slots (R-SUP-01)."""
    from . import services

    with context.task_context("approvals-log-slots"):
        clock.refresh_offset()
        return services.open_log_slots(clock.today())
