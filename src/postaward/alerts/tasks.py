"""Scheduled work of the alerts capability (huey).

- 01:10 every day: the data indicators run over the data as of today (the same
  ``services.run_indicator`` the sandbox's ``evaluate`` shares), then the
  priorities of unresolved alerts are refreshed (age moves the ranking);
- sandbox trials and notification deliveries run in the worker, queued after
  commit; a periodic task picks up deliveries left pending.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from postaward.core import clock, context
from postaward.core.schedule import local_crontab


@db_periodic_task(local_crontab(minute="10", hour="1"))
@lock_task("alerts-data-indicators")
def run_data_indicators() -> int:
    from . import services

    with context.task_context("alerts-indicators"):
        clock.refresh_offset()
        created = services.run_data_indicators()
        services.refresh_priorities()
        return created


@db_task()
def sandbox_task(run_id: int) -> None:
    from . import services

    with context.task_context("alerts-sandbox"):
        clock.refresh_offset()
        services.run_sandbox(run_id)


@db_task()
def deliver_notifications() -> int:
    from . import notifications

    with context.task_context("alerts-notify"):
        return notifications.deliver_pending()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("alerts-deliveries")
def deliver_notifications_periodic() -> int:
    from . import notifications

    with context.task_context("alerts-notify"):
        return notifications.deliver_pending(limit=5000)
