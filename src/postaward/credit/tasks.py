"""The worker's part of the credit capability: the pushes to the credit
platforms (``push.py``), tried after the change and retried every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from postaward.core import clock, context


@db_task()
def send_credit_pushes_now() -> int:
    from . import push

    with context.task_context("credit-push"):
        clock.refresh_offset()
        return push.send_due()


@db_periodic_task(crontab(minute="*"))
@lock_task("credit-push")
def send_credit_pushes() -> int:
    """Every minute: the queued and the failed pushes whose time has come."""
    from . import push

    with context.task_context("credit-push"):
        clock.refresh_offset()
        return push.send_due()
