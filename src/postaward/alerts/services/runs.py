"""Running indicators (R-ALR-01, R-ALR-05): live runs and sandbox trials
share ``evaluate``; the data indicators' daily run."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction

from postaward.core import audit, clock
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import Deadline

from ..choices import (
    AlertState,
    RunMode,
    RunState,
)
from ..indicators import Evaluation, Hit, Spec, spec_for
from ..models import (
    Alert,
    AlertHit,
    EvaluationRun,
    Indicator,
)
from ..workflows import (
    may_configure,
)
from .config import active_reason, clean_params, sync_indicators
from .hits import CREATED, DUPLICATE, MERGED, SUPPRESSED, _jsonable, record_hit

logger = logging.getLogger(__name__)


# --- running indicators: live and sandbox ---------------------------------------------------------------


def evaluate(
    spec: Spec,
    params: dict[str, Any],
    as_of: dt.date,
    *,
    since: dt.date | None = None,
    project_ids: set[int] | None = None,
) -> Evaluation:
    """What an indicator finds with ``params`` over the data as of ``as_of``.

    A data indicator runs its evaluator; an event indicator replays the stored
    domain events (``since``..``as_of``) through its event function. The live
    sweep and the sandbox both come here.
    """
    if spec.evaluate is not None:
        return spec.evaluate(params, as_of, project_ids)
    return _replay(spec, params, as_of, since)


def _replay(
    spec: Spec, params: dict[str, Any], as_of: dt.date, since: dt.date | None
) -> Evaluation:
    from postaward.core import events
    from postaward.core.models import EventRecord

    out = Evaluation()
    if spec.from_event is None:
        return out
    if spec.code.startswith("deadline."):
        return _replay_deadlines(spec, params, as_of, since)
    qs = EventRecord.objects.filter(name__in=spec.events, created_at__lt=clock.end_of_day(as_of))
    if since:
        qs = qs.filter(created_at__gte=clock.start_of_day(since))
    seen = 0
    for rec in qs.order_by("id").iterator():
        try:
            evt = events.load(rec.name, rec.payload)
        except (KeyError, TypeError):
            continue
        seen += 1
        out.hits.extend(spec.from_event(evt, params))
    out.notes.append(
        f"回放 {since or '最早'} 至 {as_of} 的业务事件 {seen} 条（{'、'.join(spec.events)}）"
    )
    return out


def _replay_deadlines(
    spec: Spec, params: dict[str, Any], as_of: dt.date, since: dt.date | None
) -> Evaluation:
    """Missed deadlines are facts of the deadline table (the sweep publishes
    them in batches): replay each deadline of the kind that ran out by the end
    of ``as_of`` as the ``DeadlineMissed`` it was delivered as."""
    from postaward.core.deadlines import DeadlineMissed

    kind = spec.code.removeprefix("deadline.")
    qs = Deadline.objects.filter(
        kind=kind, state=Deadline.State.MISSED, due_at__lt=clock.end_of_day(as_of)
    )
    if since:
        qs = qs.filter(due_at__gte=clock.start_of_day(since))
    out = Evaluation()
    seen = 0
    for d in qs.order_by("due_at", "pk"):
        seen += 1
        evt = DeadlineMissed(
            deadline_id=d.pk,
            kind=d.kind,
            subject_type=d.subject_type,
            subject_id=d.subject_id,
            project_id=d.project_id,
            organisation_id=d.organisation_id,
            due_at=d.due_at.isoformat(),
            basis=d.basis,
        )
        out.hits.extend(spec.from_event(evt, params))  # type: ignore[misc]
    out.notes.append(f"回放 {since or '最早'} 至 {as_of} 届满的“{kind}”超期期限 {seen} 条")
    return out


def run_indicator(
    indicator: Indicator,
    *,
    as_of: dt.date | None = None,
    project_ids: set[int] | None = None,
    hit_hook: Any = None,
) -> EvaluationRun | None:
    """The live run of a data indicator (the scheduled sweep): each hit is
    recorded in its own transaction, so a worker killed half-way leaves the
    hits it recorded, and the next run records the rest and nothing twice."""
    spec = spec_for(indicator.code)
    as_of = as_of or clock.today()
    if spec is None or spec.evaluate is None or active_reason(indicator, as_of):
        return None
    params = spec.parse_params(indicator.params)
    run = EvaluationRun.objects.create(
        indicator=indicator,
        mode=RunMode.LIVE,
        state=RunState.RUNNING,
        as_of=as_of,
        params=_jsonable(params),
        requested_by_name="定时任务",
    )
    result = evaluate(spec, params, as_of, project_ids=project_ids)
    counts = {CREATED: 0, MERGED: 0, DUPLICATE: 0, SUPPRESSED: 0}
    for hit in result.hits:
        outcome = record_hit(indicator, hit)
        counts[outcome] += 1
        if hit_hook is not None:
            hit_hook(hit, outcome)
    EvaluationRun.objects.filter(pk=run.pk).update(
        state=RunState.DONE,
        finished_at=clock.now(),
        hits=len(result.hits),
        created=counts[CREATED],
        merged=counts[MERGED],
        duplicates=counts[DUPLICATE],
        suppressed=counts[SUPPRESSED],
        notes=result.notes,
    )
    run.refresh_from_db()
    return run


def fail_interrupted_runs() -> int:
    """Live runs still 'running' when a new sweep starts were cut off (a worker
    killed half-way): they are marked failed so the run list tells the truth.
    The hits they recorded stay; the new sweep records the rest."""
    return EvaluationRun.objects.filter(mode=RunMode.LIVE, state=RunState.RUNNING).update(
        state=RunState.FAILED,
        finished_at=clock.now(),
        error="运行中断（进程退出），已由下次运行补齐",
    )


def run_data_indicators(as_of: dt.date | None = None) -> int:
    """Every enabled data indicator, live; returns how many alerts were created.

    One indicator that fails is recorded as a failed run and logged; the
    indicators after it still run."""
    sync_indicators()
    fail_interrupted_runs()
    created = 0
    for ind in Indicator.objects.filter(enabled=True).order_by("code"):
        spec = spec_for(ind.code)
        if spec is None or spec.evaluate is None:
            continue
        try:
            run = run_indicator(ind, as_of=as_of)
        except Exception as exc:
            logger.exception("indicator %s failed", ind.code)
            failed = {
                "state": RunState.FAILED,
                "finished_at": clock.now(),
                "error": f"{type(exc).__name__}: {exc}"[:2000],
            }
            running = EvaluationRun.objects.filter(
                indicator=ind, mode=RunMode.LIVE, state=RunState.RUNNING
            )
            if not running.update(**failed):  # it failed before its run was recorded
                EvaluationRun.objects.create(
                    indicator=ind,
                    mode=RunMode.LIVE,
                    as_of=as_of or clock.today(),
                    params=ind.params or {},
                    requested_by_name="定时任务",
                    **failed,
                )
            continue
        created += run.created if run else 0
    return created


def request_sandbox(
    *,
    actor: Actor,
    indicator: Indicator,
    params: dict[str, Any],
    as_of: dt.date,
    since: dt.date | None = None,
) -> EvaluationRun:
    """Queue a trial of the indicator with edited parameters over past data
    (nothing is written but the run and its result)."""
    if not may_configure(actor):
        raise Forbidden("仅监管办（领导小组）可以试算预警指标")
    spec = spec_for(indicator.code)
    if spec is None:
        raise Conflict("指标代码已下线")
    cleaned = clean_params(spec, params)
    if as_of > clock.today():
        raise ValidationFailed("数据截至日期不能晚于今天", field="as_of")
    if since and since > as_of:
        raise ValidationFailed("起始日期不能晚于截至日期", field="since")
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            indicator=indicator,
            mode=RunMode.SANDBOX,
            as_of=as_of,
            since=since,
            params=cleaned,
            requested_by_name=actor.display_name[:100],
            requested_by_org_id=actor.organisation_id,
        )
        audit.record(
            actor=actor,
            action="alerts.request_sandbox",
            obj=run,
            after={"indicator": indicator.code, "params": cleaned, "as_of": as_of, "since": since},
        )
        transaction.on_commit(lambda: _enqueue_sandbox(run.pk))
    return run


def _enqueue_sandbox(run_id: int) -> None:
    from ..tasks import sandbox_task

    sandbox_task(run_id)


def run_sandbox(run_id: int) -> EvaluationRun:
    """Execute a queued trial: the same ``evaluate`` as the live run, then mark
    each hit as already recorded, joining an alert, or new."""
    run = EvaluationRun.objects.select_related("indicator").get(pk=run_id)
    if run.state in (RunState.DONE, RunState.FAILED):
        return run
    EvaluationRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    spec = spec_for(run.indicator.code)
    try:
        if spec is None:
            raise LookupError("指标代码已下线")
        params = spec.parse_params(run.params)
        result = evaluate(spec, params, run.as_of, since=run.since)
        rows = []
        for hit in result.hits:
            row = hit.summary()
            row["status"] = _would(run.indicator, hit, run.as_of)
            rows.append(row)
        EvaluationRun.objects.filter(pk=run.pk).update(
            state=RunState.DONE,
            finished_at=clock.now(),
            hits=len(result.hits),
            notes=result.notes,
            result=_jsonable(rows),
        )
    except Exception as exc:  # a trial's failure is shown, never raised into the worker
        EvaluationRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED,
            finished_at=clock.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    run.refresh_from_db()
    return run


def _would(indicator: Indicator, hit: Hit, as_of: dt.date) -> str:
    recorded = AlertHit.objects.filter(indicator=indicator, hit_key=hit.hit_key).first()
    if recorded is not None:
        if recorded.alert_id:
            return f"已记录（预警 {recorded.alert.number}）"  # type: ignore[union-attr]
        return "已记录（停工期间未生成预警）"
    latest = (
        Alert.objects.filter(indicator=indicator, dedup_key=hit.dedup_key)
        .order_by("-created_at")
        .first()
    )
    if latest is not None:
        window = dt.timedelta(days=indicator.dedup_window_days)
        if (
            latest.state != AlertState.CLOSED
            or latest.created_at >= clock.end_of_day(as_of) - window
        ):
            return f"将并入预警 {latest.number}"
    return "将新生成预警"
