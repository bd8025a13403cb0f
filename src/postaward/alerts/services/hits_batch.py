"""Many hits of one indicator become alerts set-wise (ADR 0517): a sweep's
batch of missed deadlines after a long holiday is thousands of hits at once.

``record_hits(indicator, hits)`` leaves exactly what ``record_hit`` called on
each hit in turn leaves (R-ALR-01, R-ALR-02, R-ORG-02, R-PRJ-07): the same
duplicates, suppressed hits, merges (into an alert already open or created
earlier in the same batch), alerts routed down the four-level chain with
their disposal deadlines, history steps, priorities, audit records, to-dos
and notifications; ``alerts/tests/test_hits_batch.py`` compares both paths.
It reads in a fixed number of queries (hits already recorded, projects with
their four organisations, subject organisations, district roots, the latest
alert of each dedup key, recipients) and writes each kind of row in one
insert, whatever the number of hits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.urls import reverse

from postaward.core import audit, clock, deadlines, todos
from postaward.core.actor import SYSTEM
from postaward.orgs.models import Organisation

from .. import levels, notifications
from ..choices import DISPOSAL_KIND, AlertState, StepKind
from ..indicators import Hit, render
from ..models import Alert, AlertHit, AlertStep, Indicator
from .hits import (
    CREATED,
    DUPLICATE,
    MERGED,
    SUPPRESSED,
    _jsonable,
    _snap,
    _subject_text,
    describe_deadline,
    levels_label,
    priority_of,
)


@dataclass
class _Joined:
    """Hits of this batch that join one alert: how many, the last one's facts."""

    alert: Alert
    count: int = 0
    facts: Any = None
    evidence: Any = None


@dataclass
class _Batch:
    ind: Indicator
    now: dt.datetime
    hit_rows: list[AlertHit] = field(default_factory=list)
    new: list[tuple[Alert, Hit, Any]] = field(default_factory=list)  # alert, hit, facts
    joined: dict[int, _Joined] = field(default_factory=dict)  # id(alert) → hits joining it


def record_hits(
    indicator: Indicator, hits: list[Hit], *, now: dt.datetime | None = None
) -> list[str]:
    """Record many hits of one indicator, in order; returns each one's outcome
    (``created``, ``merged``, ``duplicate``, ``suppressed``) as ``record_hit``
    would. One transaction; the indicator's row is locked as one by one."""
    from postaward.projects.models import Project

    now = now or clock.now()
    with transaction.atomic():
        ind = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
        recorded = set(
            AlertHit.objects.filter(
                indicator=ind, hit_key__in={h.hit_key for h in hits}
            ).values_list("hit_key", flat=True)
        )
        projects = Project.objects.select_related(
            "owner", "superior_unit", "line", "industry_authority"
        ).in_bulk({h.project_id for h in hits if h.project_id})
        latest: dict[str, Alert] = {}
        for a in Alert.objects.filter(
            indicator=ind, dedup_key__in={h.dedup_key for h in hits if h.hit_key not in recorded}
        ).order_by("dedup_key", "-created_at", "-id"):
            latest.setdefault(a.dedup_key, a)
        batch = _Batch(ind, now)
        window = dt.timedelta(days=ind.dedup_window_days)
        outcomes = []
        for hit in hits:
            if hit.hit_key in recorded:
                outcomes.append(DUPLICATE)
                continue
            recorded.add(hit.hit_key)
            project = projects.get(hit.project_id) if hit.project_id else None
            facts = _jsonable(hit.facts)
            if project is not None and project.status == "suspended":
                batch.hit_rows.append(_hit_row(batch, hit, facts, None, suppressed=True))
                outcomes.append(SUPPRESSED)
                continue
            target = latest.get(hit.dedup_key)
            if target is not None and (
                target.state != AlertState.CLOSED or target.created_at >= now - window
            ):
                _join(batch, target, hit, facts)
                outcomes.append(MERGED)
                continue
            latest[hit.dedup_key] = _new_alert(batch, hit, facts, project)
            outcomes.append(CREATED)
        _write(batch, projects)
    return outcomes


def _hit_row(
    batch: _Batch, hit: Hit, facts: Any, alert: Alert | None, *, suppressed: bool = False
) -> AlertHit:
    return AlertHit(
        indicator=batch.ind,
        alert=alert,
        hit_key=hit.hit_key,
        dedup_key=hit.dedup_key,
        occurred_at=batch.now,
        facts=facts,
        suppressed=suppressed,
        note="项目停工期间暂停预警（R-PRJ-07）" if suppressed else "",
    )


def _join(batch: _Batch, alert: Alert, hit: Hit, facts: Any) -> None:
    """``_merge``: the hit joins the alert (written with the batch)."""
    batch.hit_rows.append(_hit_row(batch, hit, facts, alert))
    j = batch.joined.setdefault(id(alert), _Joined(alert))
    j.count += 1
    j.facts, j.evidence = facts, _jsonable(hit.evidence)


def _new_alert(batch: _Batch, hit: Hit, facts: Any, project: Any) -> Alert:
    """The alert ``_create_alert`` would create, not saved yet (routed when
    the batch is written)."""
    ind, now = batch.ind, batch.now
    alert = Alert(
        indicator=ind,
        dedup_key=hit.dedup_key,
        title=hit.title[:200],
        explanation=render(ind.explanation, {**hit.facts, "basis": ind.basis}),
        facts=facts,
        evidence=_jsonable(hit.evidence),
        basis=ind.basis[:300],
        severity=ind.severity,
        project=project,
        person_id=hit.person_id,
        first_hit_at=now,
        last_hit_at=now,
        created_at=now,
        updated_at=now,
    )
    alert.subject_org_id = hit.subject_org_id
    batch.new.append((alert, hit, facts))
    return alert


def _route(batch: _Batch, projects: dict[int, Any]) -> None:
    """Route every new alert down the chain (``levels.route``/``reviewer``)
    with the organisations loaded once: subject organisations and district
    roots in two queries."""
    subjects = Organisation.objects.in_bulk(
        {a.subject_org_id for a, _, _ in batch.new if a.subject_org_id}
    )
    orgs: list[Any] = list(subjects.values())
    for p in projects.values():
        orgs += [p.owner, p.superior_unit, p.line, p.industry_authority]
    roots = levels.Roots(orgs)
    for alert, _, _ in batch.new:
        subject = subjects.get(alert.subject_org_id) if alert.subject_org_id else None
        alert.subject_org = subject
        level, handling = levels.route(
            alert.project, batch.ind.level, subject_org=subject, roots=roots
        )
        _, review = levels.reviewer(alert.project, level, handling, roots)
        alert.origin_level = alert.level = level
        alert.handling_org, alert.review_org = handling, review


def _write(batch: _Batch, projects: dict[int, Any]) -> None:
    alerts = [a for a, _, _ in batch.new]
    if alerts:
        _route(batch, projects)
        if _allocate_ids(alerts):  # the deadlines first: the alerts go in complete
            _open_deadlines(batch, alerts)
            Alert.objects.bulk_create(alerts, batch_size=1000)
        else:
            Alert.objects.bulk_create(alerts, batch_size=1000)
            _open_deadlines(batch, alerts)
            Alert.objects.bulk_update(
                alerts, ["disposal_deadline", "overdue", "priority"], batch_size=1000
            )
        Alert.handled_by.through.objects.bulk_create(
            [
                Alert.handled_by.through(alert_id=a.pk, organisation_id=a.handling_org_id)
                for a in alerts
            ],
            batch_size=2000,
        )
    # the alerts have ids now: their own hits join the batch's others
    rows = [_hit_row(batch, hit, facts, a) for a, hit, facts in batch.new] + batch.hit_rows
    AlertHit.objects.bulk_create(rows, batch_size=1000)
    if alerts:
        _open_alerts(batch, alerts)
    _apply_joins(batch, batch.now)


def _allocate_ids(alerts: list[Alert]) -> bool:
    """On PostgreSQL, take the new alerts' ids from their sequence in one
    query, so that their disposal deadlines (which name them) are written
    first and the alerts in one insert, complete; elsewhere False (the alerts
    are inserted, then updated)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Alert._meta.db_table, len(alerts)],
        )
        for a, (pk,) in zip(alerts, cur.fetchall(), strict=True):
            a.pk = pk
    return True


def _open_deadlines(batch: _Batch, alerts: list[Alert]) -> None:
    """``_open_deadline`` and the priority of each new alert."""
    ind, now = batch.ind, batch.now
    length = ind.disposal_days
    paused = {
        a.project_id for a in alerts if a.project is not None and a.project.status == "suspended"
    }
    opened = deadlines.open_deadlines(
        [
            {
                "kind": DISPOSAL_KIND,
                "subject": a,
                "length": length,
                "unit": ind.disposal_unit,
                "basis": f"{ind.name}（{ind.basis or '指标设置'}）",
                "organisation_id": a.handling_org_id,
                "project_id": a.project_id,
                "start": now,
                "reminder_after": length - 1 if length >= 2 else None,
            }
            for a in alerts
        ],
        paused_projects=paused,  # type: ignore[arg-type]
    )
    for a, d in zip(alerts, opened, strict=True):
        a.disposal_deadline = d
        a.overdue = False
        a.priority = priority_of(a, now)[0]


def _open_alerts(batch: _Batch, alerts: list[Alert]) -> None:
    """History steps, audit records, to-dos and notifications of the new
    alerts, each kind in one insert."""
    ind, now = batch.ind, batch.now
    steps = []
    texts: dict[Any, str] = {}
    for a in alerts:
        d = a.disposal_deadline
        assert d is not None
        moved = (
            ""
            if a.level == ind.level
            else f"（项目无{levels_label(ind.level)}，上移至{levels_label(a.level)}）"
        )
        key = (d.started_at, d.length, d.unit, d.basis, d.due_at, d.paused_at, d.paused_seconds)
        if key not in texts:
            texts[key] = describe_deadline(d)
        steps += [
            _step_row(a, StepKind.CREATED, None, a.explanation, "", now),
            _step_row(
                a,
                StepKind.DISPATCHED,
                a.handling_org,
                f"按四级联动派发至{levels_label(a.level)}：{a.handling_org.name}{moved}；"
                f"审核单位：{a.review_org.name}",
                texts[key],
                now,
            ),
        ]
    AlertStep.objects.bulk_create(steps, batch_size=2000)
    audit.record_many(
        [
            {"actor": SYSTEM, "action": "alerts.create_alert", "obj": a, "after": _snap(a)}
            for a in alerts
        ]
    )
    todos.open_many(
        [
            {
                "key": f"alerts.dispose:{a.pk}",
                "kind": "alerts.dispose",
                "title": f"处置预警：{a.title}{_subject_text(a)}",
                "organisation_id": a.handling_org_id,
                "project_id": a.project_id,
                "subject": a,
                "url": reverse("alerts_detail", args=[a.pk]),
                "due_at": a.disposal_deadline.due_at,  # type: ignore[union-attr]
                "basis": a.basis,
            }
            for a in alerts
        ]
    )
    notifications.alerts_created(alerts)


def _step_row(
    alert: Alert, kind: str, org: Organisation | None, note: str, deadline_text: str, at: Any
) -> AlertStep:
    """``_step`` by the platform, not saved."""
    return AlertStep(
        alert=alert,
        at=at,
        kind=kind,
        level=alert.level,
        organisation=org,
        organisation_name=(org.name if org else "平台")[:200],
        actor_name="系统",
        note=note,
        deadline_text=deadline_text[:300],
    )


def _apply_joins(batch: _Batch, now: dt.datetime) -> None:
    """What ``_merge`` updates, once per alert joined: the hit count, the last
    hit's time, facts and evidence."""
    joined = list(batch.joined.values())
    if not joined:
        return
    for j in joined:
        j.alert.hit_count += j.count
        j.alert.last_hit_at = j.alert.updated_at = now
        j.alert.facts, j.alert.evidence = j.facts, j.evidence
    Alert.objects.bulk_update(
        [j.alert for j in joined],
        ["hit_count", "last_hit_at", "updated_at", "facts", "evidence"],
        batch_size=1000,
    )
