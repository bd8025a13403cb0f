"""The worker's part of the credit capability: the pushes to the credit
platforms (``push.py``), tried after the change and retried every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from postaward.core import clock, context
from postaward.core.schedule import local_crontab


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


@db_periodic_task(local_crontab(minute="20", hour="0"))
@lock_task("credit-score-finalise")
def finalise_score_events() -> int:
    """Every night: provisional score events whose objection period is over
    become final (R-SCO-01; events under objection stay frozen)."""
    from . import scoring

    with context.task_context("credit-score-finalise"):
        clock.refresh_offset()
        return scoring.finalise_due(clock.today())
