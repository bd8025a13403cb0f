"""Starting and running the recomputation of a year's annual scores (ADR
0650): the office starts it (audited), the worker runs it and reports its
progress on the row; every subject is one transaction, so a failure half-way
keeps what was computed and says where it stopped."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from postaward.core import clock, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.orgs.choices import OrgKind

from . import annual
from .models import OFFICE_ROLES, AnnualRecompute, RecomputeState

log = logging.getLogger(__name__)

FIRST_YEAR = 2000


def may_recompute(actor: Actor) -> bool:
    return (
        actor.user_id is not None
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and bool(actor.roles & OFFICE_ROLES)
    )


def start_recompute(*, actor: Actor, year: int, reason: str = "") -> AnnualRecompute:
    """Queue the recomputation of ``year`` (the office of the district); the
    worker runs it after the commit."""
    if not may_recompute(actor):
        raise Forbidden("仅监管办可以重新计算年度综合评分")
    if not FIRST_YEAR <= year <= clock.today().year:
        raise ValidationFailed(
            f"年度应在 {FIRST_YEAR} 至 {clock.today().year} 年之间", field="year"
        )
    text = (reason or "").strip()[:200] or "监管办发起重新计算"
    with transaction.atomic():
        run = AnnualRecompute.objects.create(
            district_id=actor.organisation_id,
            year=year,
            reason=text,
            requested_by_id=actor.user_id,
            requested_by_name=actor.display_name[:100],
            created_at=clock.now(),
        )
        writes.created(run, actor=actor, action="credit.annual_recompute_started")
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from .tasks_annual import recompute_year_task

    recompute_year_task(run_id)


def _progress(run_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        AnnualRecompute.objects.filter(pk=run_id).update(done=done, total=total)

    return report


def run_recompute(run_id: int) -> int:
    """Run a queued recomputation; returns how many new versions it wrote."""
    claimed = AnnualRecompute.objects.filter(pk=run_id, state=RecomputeState.QUEUED).update(
        state=RecomputeState.RUNNING, started_at=clock.now()
    )
    if not claimed:
        return 0
    run = AnnualRecompute.objects.get(pk=run_id)
    try:
        changed = annual.recompute_year(
            run.year, reason=run.reason, progress=_progress(run_id), actor=SYSTEM
        )
    except Exception as exc:
        log.exception("annual recompute %s failed", run_id)
        AnnualRecompute.objects.filter(pk=run_id).update(
            state=RecomputeState.FAILED,
            finished_at=clock.now(),
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
        return 0
    AnnualRecompute.objects.filter(pk=run_id).update(
        state=RecomputeState.DONE, finished_at=clock.now(), changed=changed
    )
    return changed
