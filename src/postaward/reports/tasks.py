"""The worker's part of the reports app: on the 1st of each month every
district's reporting tasks of the month just ended are opened, so each
department's clock to the 20th (and the summary's to the 25th) runs even if
nobody starts a draft, and a missed date raises its alert (R-REP-02, ADR 0920)."""

from __future__ import annotations

import datetime as dt

from huey.contrib.djhuey import db_periodic_task, lock_task

from postaward.core import clock, context
from postaward.core.schedule import local_crontab


def open_last_month(today: dt.date) -> int:
    """Open the month before ``today`` for every active supervision office;
    returns how many reports were opened (none on a second run)."""
    from postaward.orgs.choices import OrgKind
    from postaward.orgs.models import Organisation

    from .services_monthly import open_month

    last = today.replace(day=1) - dt.timedelta(days=1)
    made = 0
    for office in Organisation.objects.filter(
        kind=OrgKind.SUPERVISION_OFFICE, is_active=True
    ).order_by("pk"):
        made += len(open_month(office, last.year, last.month))
    return made


@db_periodic_task(local_crontab(day="1", hour="1", minute="50"))
@lock_task("reports-open-month")
def open_monthly_reports() -> int:
    """On the 1st: the reporting tasks of the month just ended."""
    with context.task_context("reports-open-month"):
        clock.refresh_offset()
        return open_last_month(clock.today())
