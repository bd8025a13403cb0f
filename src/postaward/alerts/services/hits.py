"""Hits become alerts (R-ALR-01, R-ALR-02): ``record_hit`` (dedup, merge,
suppression on a suspended project), routing to the handling level with its
disposal deadline, the inbox to-do, the history steps and the priority."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from postaward.core import audit, clock, deadlines, todos
from postaward.core.actor import SYSTEM, Actor
from postaward.core.models import Deadline
from postaward.orgs.models import Organisation

from .. import levels, notifications
from ..choices import (
    DISPOSAL_KIND,
    OPEN_STATES,
    SEVERITY_SHORT,
    AlertState,
    StepKind,
)
from ..indicators import Hit, render
from ..models import (
    Alert,
    AlertHit,
    AlertStep,
    Indicator,
)

CREATED, MERGED, DUPLICATE, SUPPRESSED = "created", "merged", "duplicate", "suppressed"


# --- hits become alerts ----------------------------------------------------------------------------


def record_hit(indicator: Indicator, hit: Hit, *, now: dt.datetime | None = None) -> str:
    """Record one hit; returns ``created``, ``merged``, ``duplicate`` or
    ``suppressed``.

    - the same observation (``hit_key``) is recorded once: a redelivered event
      or a re-run sweep changes nothing;
    - a hit whose ``dedup_key`` has an alert still being handled, or created
      within the indicator's dedup window, joins that alert;
    - a hit on a suspended project creates no alert (R-PRJ-07) but is kept;
    - otherwise a new alert is routed, given a disposal deadline and notified.

    Hits of one indicator are serialised by a lock on its row.
    """
    from postaward.projects.models import Project

    now = now or clock.now()
    try:
        with transaction.atomic():
            ind = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
            if AlertHit.objects.filter(indicator=ind, hit_key=hit.hit_key).exists():
                return DUPLICATE
            project = (
                Project.objects.select_related(
                    "owner", "superior_unit", "line", "industry_authority"
                )
                .filter(pk=hit.project_id)
                .first()
                if hit.project_id
                else None
            )
            facts = _jsonable(hit.facts)
            if project is not None and project.status == "suspended":
                AlertHit.objects.create(
                    indicator=ind,
                    hit_key=hit.hit_key,
                    dedup_key=hit.dedup_key,
                    occurred_at=now,
                    facts=facts,
                    suppressed=True,
                    note="项目停工期间暂停预警（R-PRJ-07）",
                )
                return SUPPRESSED
            latest = (
                Alert.objects.filter(indicator=ind, dedup_key=hit.dedup_key)
                .order_by("-created_at", "-id")
                .first()
            )
            window = dt.timedelta(days=ind.dedup_window_days)
            if latest is not None and (
                latest.state != AlertState.CLOSED or latest.created_at >= now - window
            ):
                _merge(latest, ind, hit, facts, now)
                return MERGED
            _create_alert(ind, hit, facts, project, now)
            return CREATED
    except IntegrityError:
        # Another worker recorded the same observation at the same moment.
        if AlertHit.objects.filter(indicator=indicator, hit_key=hit.hit_key).exists():
            return DUPLICATE
        raise


def _jsonable(value: Any) -> Any:
    return audit.normalise(value)


def _merge(alert: Alert, ind: Indicator, hit: Hit, facts: dict, now: dt.datetime) -> None:
    AlertHit.objects.create(
        indicator=ind,
        alert=alert,
        hit_key=hit.hit_key,
        dedup_key=hit.dedup_key,
        occurred_at=now,
        facts=facts,
    )
    Alert.objects.filter(pk=alert.pk).update(
        hit_count=F("hit_count") + 1,
        last_hit_at=now,
        updated_at=now,
        facts=facts,
        evidence=_jsonable(hit.evidence),
    )


def _create_alert(ind: Indicator, hit: Hit, facts: dict, project: Any, now: dt.datetime) -> Alert:
    subject = (
        Organisation.objects.filter(pk=hit.subject_org_id).first() if hit.subject_org_id else None
    )
    level, handling = levels.route(project, ind.level, subject_org=subject)
    _, review = levels.reviewer(project, level, handling)
    alert = Alert.objects.create(
        indicator=ind,
        dedup_key=hit.dedup_key,
        title=hit.title[:200],
        explanation=render(ind.explanation, {**hit.facts, "basis": ind.basis}),
        facts=facts,
        evidence=_jsonable(hit.evidence),
        basis=ind.basis[:300],
        severity=ind.severity,
        project=project,
        subject_org=subject,
        person_id=hit.person_id,
        origin_level=level,
        level=level,
        handling_org=handling,
        review_org=review,
        first_hit_at=now,
        last_hit_at=now,
        created_at=now,
        updated_at=now,
    )
    alert.handled_by.add(handling)
    AlertHit.objects.create(
        indicator=ind,
        alert=alert,
        hit_key=hit.hit_key,
        dedup_key=hit.dedup_key,
        occurred_at=now,
        facts=facts,
    )
    _step(alert, StepKind.CREATED, note=alert.explanation, at=now)
    moved = (
        ""
        if level == ind.level
        else f"（项目无{levels_label(ind.level)}，上移至{levels_label(level)}）"
    )
    deadline = _open_deadline(alert, now)
    _step(
        alert,
        StepKind.DISPATCHED,
        organisation=handling,
        note=f"按四级联动派发至{levels_label(level)}：{handling.name}{moved}；审核单位：{review.name}",
        deadline_text=describe_deadline(deadline),
        at=now,
    )
    alert.priority = priority_of(alert, now)[0]
    alert.save(update_fields=["priority"])
    audit.record(actor=SYSTEM, action="alerts.create_alert", obj=alert, after=_snap(alert))
    sync_todo(alert)
    notifications.alert_created(alert)
    return alert


def _subject_text(alert: Alert) -> str:
    """What the alert concerns, for a to-do title: the project (and the unit or
    person named in the alert's own title)."""
    if alert.project_id and alert.project.name not in alert.title:  # type: ignore[union-attr]
        return f"（{alert.project.name}）"  # type: ignore[union-attr]
    if not alert.project_id and alert.subject_org_id and alert.subject_org.name not in alert.title:  # type: ignore[union-attr]
        return f"（{alert.subject_org.name}）"  # type: ignore[union-attr]
    return ""


def sync_todo(alert: Alert, *, previous: str = "done") -> None:
    """The alert's to-do follows its state: pending / returned → the handling
    organisation disposes it; disposed → the review organisation reviews it;
    closed → nothing waits. The previous to-do closes as ``previous``
    (done when acted on, cancelled when the alert moved elsewhere)."""
    todos.close_for(subject=alert, state=previous)
    subject = _subject_text(alert)
    due = alert.disposal_deadline.due_at if alert.disposal_deadline_id else None  # type: ignore[union-attr]
    url = reverse("alerts_detail", args=[alert.pk])
    if alert.state in OPEN_STATES:
        verb = "重新处置预警" if alert.state == AlertState.RETURNED else "处置预警"
        todos.open_for(
            key=f"alerts.dispose:{alert.pk}",
            kind="alerts.dispose",
            title=f"{verb}：{alert.title}{subject}",
            organisation_id=alert.handling_org_id,
            project_id=alert.project_id,
            subject=alert,
            url=url,
            due_at=due,
            basis=alert.basis,
        )
    elif alert.state == AlertState.DISPOSED:
        todos.open_for(
            key=f"alerts.review:{alert.pk}",
            kind="alerts.review",
            title=f"审核预警处置：{alert.title}{subject}",
            organisation_id=alert.review_org_id,
            project_id=alert.project_id,
            subject=alert,
            url=url,
            basis=alert.basis,
        )


def levels_label(level: str) -> str:
    from ..choices import Level

    return str(Level(level).label)


def _snap(alert: Alert) -> dict[str, Any]:
    return audit.snapshot(alert, exclude=("facts", "evidence", "explanation"))


def _step(
    alert: Alert,
    kind: str,
    *,
    actor: Actor | None = None,
    organisation: Organisation | None = None,
    note: str = "",
    finding: str = "",
    late: bool | None = None,
    deadline_text: str = "",
    at: dt.datetime | None = None,
) -> AlertStep:
    org_name = organisation.name if organisation else (actor.org_name if actor else "平台")
    return AlertStep.objects.create(
        alert=alert,
        at=at or clock.now(),
        kind=kind,
        level=alert.level,
        organisation=organisation
        or (
            Organisation.objects.filter(pk=actor.organisation_id).first()
            if actor and actor.organisation_id
            else None
        ),
        organisation_name=org_name[:200],
        actor_name=(actor.display_name if actor else "系统")[:100],
        finding=finding,
        note=note,
        late=late,
        deadline_text=deadline_text[:300],
    )


def _open_deadline(alert: Alert, start: dt.datetime) -> Deadline:
    ind = alert.indicator
    length = ind.disposal_days
    d = deadlines.open_deadline(
        kind=DISPOSAL_KIND,
        subject=alert,
        length=length,
        unit=ind.disposal_unit,
        basis=f"{ind.name}（{ind.basis or '指标设置'}）",
        organisation_id=alert.handling_org_id,
        project_id=alert.project_id,
        start=start,
        reminder_after=length - 1 if length >= 2 else None,
    )
    alert.disposal_deadline = d
    alert.overdue = False
    alert.save(update_fields=["disposal_deadline", "overdue"])
    return d


def describe_deadline(d: Deadline | None) -> str:
    """Start, length, 工作日/自然日, end and basis of a disposal deadline."""
    if d is None:
        return ""
    text = deadlines.describe(d, "")
    if d.paused_seconds or d.paused_at:
        roll = deadlines.roll_note(d)
        text += (
            f"（停工暂停已顺延，届满 {deadlines.end_text(d.due_at)}{'，' + roll if roll else ''}）"
        )
    return text + (f"（依据：{d.basis}）" if d.basis else "")


# --- priority ---------------------------------------------------------------------------------


def priority_of(alert: Alert, now: dt.datetime | None = None) -> tuple[int, str]:
    """Rank within an inbox: severity, the project's contract amount and age.

    priority = 15 × severity (1–4) + amount points (0–25: 6.25 per tenfold
    above 100,000 yuan) + age points (1 per 2 days open, at most 15).
    """
    now = now or clock.now()
    sev = int(alert.severity) * 15
    amount = Decimal(alert.project.contract_amount) if alert.project_id else Decimal(0)  # type: ignore[union-attr]
    amount_pts = 0
    if amount > 100_000:
        amount_pts = min(25, round((math.log10(float(amount)) - 5) * 6.25))
    days = max(0, (now - alert.created_at).days)
    age_pts = min(15, days // 2)
    total = sev + amount_pts + age_pts
    amount_text = f"{amount / 10000:,.2f} 万元" if amount else "无项目金额"
    text = (
        f"{total} = 等级 {SEVERITY_SHORT[int(alert.severity)]} {sev}（15×{alert.severity}）"
        f" + 合同金额 {amount_pts}（{amount_text}）+ 时长 {age_pts}（已 {days} 天）"
    )
    return total, text


def refresh_priorities(now: dt.datetime | None = None) -> int:
    """Daily: age moves the ranking of unresolved alerts."""
    now = now or clock.now()
    changed = 0
    for alert in Alert.objects.filter(state__in=[*OPEN_STATES, AlertState.DISPOSED]).select_related(
        "project"
    ):
        score = priority_of(alert, now)[0]
        if score != alert.priority:
            Alert.objects.filter(pk=alert.pk).update(priority=score)
            changed += 1
    return changed
