"""Scheduled attendance work: daily and monthly closings, check-in anchoring."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from postaward.core import clock, context
from postaward.core.actor import SYSTEM
from postaward.core.schedule import local_crontab


@db_periodic_task(local_crontab(minute="30", hour="0"))
@lock_task("attendance-daily-close")
def close_yesterday() -> int:
    """00:30 every day: close the previous day (valid days, streaks, patrols),
    after the days of the past week the task missed (R-ATT-07)."""
    from . import services

    with context.task_context("attendance-close-day"):
        clock.refresh_offset()
        yesterday = clock.today() - dt.timedelta(days=1)
        written = services.catch_up(yesterday)
        written += services.close_day(yesterday)
        # The month to date, so that the boards and statistics show this month's
        # rates (consequences only at the monthly closing).
        services.close_month(yesterday, detect=False)
        return written


@db_periodic_task(local_crontab(minute="0", hour="2", day="1"))
@lock_task("attendance-monthly-close")
def close_last_month() -> int:
    """02:00 on the 1st: close the previous month (rates, below-80 % consequences)."""
    from . import services

    with context.task_context("attendance-close-month"):
        clock.refresh_offset()
        return services.close_month(clock.today().replace(day=1) - dt.timedelta(days=1))


@db_task()
def reclose(first: str, last: str, project_ids: list[int] | None = None) -> int:
    """Re-run the closing of a past period (``services.reclose``: the API and
    the statistics page), for ``project_ids`` (None: every project): each day,
    then each month the period touches. Idempotent: rows are replaced, and the
    consequences (absence streaks, overdue patrols) are found again but keyed,
    so a re-closing publishes only what was never published (R-ATT-07)."""
    from . import services

    with context.task_context("attendance-reclose"):
        clock.refresh_offset()
        day = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last)
        written = 0
        months: list[dt.date] = []
        while day <= end:
            written += services.close_day(day, project_ids=project_ids)
            if day.replace(day=1) not in months:
                months.append(day.replace(day=1))
            day += dt.timedelta(days=1)
        for month in months:
            services.close_month(month, project_ids=project_ids)
        return written


@db_periodic_task(crontab(minute="*/5"))
@lock_task("attendance-anchor")
def anchor_checkins() -> int:
    """Every 5 minutes: anchor new check-ins and patrol points into the audit chain."""
    from . import services

    with context.task_context("attendance-anchor"):
        clock.refresh_offset()
        return services.anchor_pending(actor=SYSTEM)
