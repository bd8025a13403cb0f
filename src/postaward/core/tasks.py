"""Background work of the core: event dispatch and housekeeping."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from postaward.core.schedule import local_crontab

from . import clock, context, events


@db_task()
def dispatch_pending_events() -> int:
    with context.task_context("events"):
        clock.refresh_offset()
        return events.drain(batch=500)


@db_periodic_task(crontab(minute="*"))
@lock_task("dispatch-events")
def dispatch_pending_events_periodic() -> int:
    """Safety net: anything left pending by a crash or a lost enqueue."""
    with context.task_context("events"):
        clock.refresh_offset()
        return events.dispatch_pending(limit=5000)


@db_periodic_task(local_crontab(minute="17", hour="3"))
def purge_idempotency_records() -> int:
    """Idempotency answers are kept for 7 days: long enough for any retry."""
    from .models import IdempotencyRecord

    cutoff = clock.now() - dt.timedelta(days=7)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@db_periodic_task(local_crontab(minute="41", hour="2"))
@lock_task("audit-anchor")
def write_daily_audit_anchor() -> int | None:
    """Every night: verify the audit chain and append its head to the anchor file
    outside the database (core.anchors). Returns the anchored seq, or None when the
    chain is broken (then logged as an error, and no anchor is written)."""
    from . import anchors

    with context.task_context("audit-anchor"):
        clock.refresh_offset()
        _result, written = anchors.anchor_if_intact()
        return written.seq if written else None


@db_periodic_task(crontab(minute="*/5"))
@lock_task("deadline-sweep")
def sweep_deadlines() -> tuple[int, int]:
    """Every 5 minutes: reminders and missed deadlines (events for alerts)."""
    from . import deadlines

    with context.task_context("deadlines"):
        clock.refresh_offset()
        return deadlines.sweep()


@db_task()
def render_document(pk: int) -> str:
    """Render one queued document (``documents.issue(..., background=True)``,
    ADR 0090); its progress is on the row, the document page polls it."""
    from . import documents

    with context.task_context("documents"):
        clock.refresh_offset()
        return documents.render_issued(pk)


@db_periodic_task(crontab(minute="*"))
@lock_task("render-documents")
def render_queued_documents() -> int:
    """Safety net: documents left queued by a lost enqueue (older than a minute)."""
    from . import documents
    from .models import IssuedDocument

    with context.task_context("documents"):
        clock.refresh_offset()
        cutoff = clock.now() - dt.timedelta(minutes=1)
        pks = list(
            IssuedDocument.objects.filter(
                state=IssuedDocument.State.QUEUED, created_at__lt=cutoff
            ).values_list("pk", flat=True)[:50]
        )
        for pk in pks:
            documents.render_issued(pk)
        return len(pks)


@db_periodic_task(local_crontab(minute="23", hour="3"))
def purge_export_files() -> int:
    """Finished exports' files are kept ``export_jobs.KEEP_DAYS`` days."""
    from . import export_jobs

    with context.task_context("exports"):
        return export_jobs.purge()


@db_task()
def run_export(pk: int) -> str:
    """A large list export (R-REP-05, ``core.export_jobs``)."""
    from . import export_jobs

    with context.task_context("exports"):
        clock.refresh_offset()
        return export_jobs.run(pk)
