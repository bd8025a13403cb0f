"""Writes of the alerts capability. Every write is one transaction that also
writes its audit record; side effects (notifications) are rows in the same
transaction, external deliveries go out after commit.

- ``record_hit``: a hit becomes an alert, joins an existing one (dedup key
  within the window), or is recognised as already recorded (hit key);
- ``dispose_alert`` / ``review_alert`` / ``escalate_alert`` / ``reopen_alert``:
  the four-level handling (R-ALR-02, R-ORG-02);
- ``run_indicator`` (live) and ``run_sandbox`` (trial) share ``evaluate``;
- suspected issues and clue transfers (R-ALR-03, R-ALR-06);
- indicator settings (R-ALR-01).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from postaward.core import audit, business_calendar, clock, deadlines, steps, todos, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.models import Deadline
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation

from . import levels, notifications
from .choices import (
    DISPOSAL_KIND,
    LEVEL_RANK,
    OPEN_STATES,
    SEVERITY_SHORT,
    UNRESOLVED_STATES,
    AlertState,
    Finding,
    IssueState,
    Recipient,
    RunMode,
    RunState,
    StepKind,
    TransferState,
)
from .indicators import Evaluation, Hit, Spec, check_template, render, spec_for, specs
from .events import AlertClosed, AlertDisposed
from .models import (
    Alert,
    AlertAttachment,
    AlertHit,
    AlertStep,
    ClueTransfer,
    EvaluationRun,
    Indicator,
    SuspectedIssue,
)

from .workflows import (  # noqa: E402 — re-exported: the predicates of the app
    ISSUE_LEVELS,
    RECEIVER_ROLES,
    is_receiver,
    may_configure,
    may_create_issue,
    may_transfer_clue,
    may_verify_issue,
)

CREATED, MERGED, DUPLICATE, SUPPRESSED = "created", "merged", "duplicate", "suppressed"

deadlines.register_kind(
    DISPOSAL_KIND,
    "预警处置期限",
    "R-ALR-02",
    "SY 第二十九条：各单位按“四级联动”机制及时处置问题预警，并在线上反馈处置结果",
    handling_level="owner",
)

logger = logging.getLogger(__name__)


# --- indicators ---------------------------------------------------------------------------------


def _row_from_spec(spec: Spec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "area": spec.area,
        "source": spec.source,
        "requirement": spec.requirement,
        "severity": spec.severity,
        "level": spec.level,
        "params": spec.default_params(),
        "basis_document": spec.basis_document,
        "basis_article": spec.basis_article,
        "explanation": spec.explanation,
        "dedup_window_days": spec.dedup_window_days,
        "disposal_days": spec.disposal_days,
        "disposal_unit": spec.disposal_unit,
        "updated_by_name": "系统初始化",
    }


def indicator_for(code: str) -> Indicator:
    """The indicator row of ``code``, created from its spec's defaults the first
    time (an office's edits are never overwritten)."""
    row = Indicator.objects.filter(code=code).first()
    if row is not None:
        return row
    spec = spec_for(code)
    if spec is None:
        raise LookupError(f"unknown indicator {code}")
    try:
        with transaction.atomic():
            return Indicator.objects.create(code=code, **_row_from_spec(spec))
    except IntegrityError:
        return Indicator.objects.get(code=code)


def configured_param(code: str, param: str) -> Any:
    """The office's configured value of an indicator's parameter (R-ALR-01), for
    the apps that act on the same rule (``core.thresholds``); None if unknown."""
    spec = spec_for(code)
    if spec is None or not any(p.name == param for p in spec.params):
        return None
    return spec.parse_params(indicator_for(code).params).get(param)


def sync_indicators() -> int:
    """Create the rows of specs that have none yet; returns how many."""
    existing = set(Indicator.objects.values_list("code", flat=True))
    created = 0
    for code in sorted(specs()):
        if code not in existing:
            indicator_for(code)
            created += 1
    return created


def active_reason(indicator: Indicator, day: dt.date | None = None) -> str:
    """Why the indicator does not fire now ('' if it does)."""
    spec = spec_for(indicator.code)
    if spec is None:
        return "指标代码已下线"
    if not spec.available:
        return "依赖的业务模块尚未上线"
    if not indicator.enabled:
        return "未启用"
    day = day or clock.today()
    if not indicator.in_force_on(day):
        return "不在有效期内"
    return ""


EDITABLE = (
    "name",
    "enabled",
    "severity",
    "level",
    "params",
    "basis_document",
    "basis_article",
    "explanation",
    "valid_from",
    "valid_until",
    "dedup_window_days",
    "disposal_days",
    "disposal_unit",
)


def clean_params(spec: Spec, raw: dict[str, Any]) -> dict[str, Any]:
    unknown = set(raw) - {p.name for p in spec.params}
    if unknown:
        raise ValidationFailed(f"未知参数：{'、'.join(sorted(unknown))}", field="params")
    errors = []
    out: dict[str, Any] = {}
    for p in spec.params:
        try:
            value = p.parse(raw.get(p.name))
        except ValueError as exc:
            errors.append({"field": f"param_{p.name}", "message": str(exc)})
            continue
        out[p.name] = str(value) if isinstance(value, Decimal) else value
    if errors:
        raise ValidationFailed(errors[0]["message"], errors=errors)
    return out


def update_indicator(*, actor: Actor, indicator: Indicator, **changes: Any) -> Indicator:  # noqa: C901 — one branch per editable indicator field; to split next (alerts/services.py is being edited in parallel)
    """The office edits an indicator (R-ALR-01): thresholds, level, basis … take
    effect for the next hit, without a deploy. Audited with before/after."""
    if not may_configure(actor):
        raise Forbidden("仅监管办（领导小组）可以设置预警指标")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(f"不可修改的字段：{'、'.join(sorted(unknown))}")
    spec = spec_for(indicator.code)
    if spec is None:
        raise Conflict("指标代码已下线，不能修改")
    if "params" in changes:
        changes["params"] = clean_params(spec, changes["params"] or {})
    if "explanation" in changes:
        text = (changes["explanation"] or "").strip()
        if not text:
            raise ValidationFailed("请填写预警说明模板", field="explanation")
        if reason := check_template(text):
            raise ValidationFailed(reason, field="explanation")
        changes["explanation"] = text
    if "name" in changes and not (changes["name"] or "").strip():
        raise ValidationFailed("请填写指标名称", field="name")
    if "level" in changes and changes["level"] not in LEVEL_RANK:
        raise ValidationFailed("处置层级不正确", field="level")
    if "severity" in changes and changes["severity"] not in (1, 2, 3, 4):
        raise ValidationFailed("预警等级不正确", field="severity")
    if "disposal_unit" in changes and changes["disposal_unit"] not in (
        business_calendar.Unit.WORKING_DAYS,
        business_calendar.Unit.CALENDAR_DAYS,
    ):
        raise ValidationFailed("期限单位不正确", field="disposal_unit")
    if "disposal_days" in changes and not 1 <= int(changes["disposal_days"]) <= 365:
        raise ValidationFailed("处置期限应在 1 至 365 之间", field="disposal_days")
    if "dedup_window_days" in changes and not 0 <= int(changes["dedup_window_days"]) <= 3650:
        raise ValidationFailed("去重时间窗应在 0 至 3650 天之间", field="dedup_window_days")
    with writes.audited(
        Indicator.objects.all(), pk=indicator.pk, actor=actor, action="alerts.update_indicator"
    ) as w:
        row = w.obj
        vf = changes.get("valid_from", row.valid_from)
        vu = changes.get("valid_until", row.valid_until)
        if vf and vu and vu < vf:
            raise ValidationFailed("失效日期不能早于生效日期", field="valid_until")
        for name, value in changes.items():
            setattr(row, name, value.strip() if isinstance(value, str) else value)
        if audit.snapshot(row) == w.before:
            w.nothing_changed()
            return row  # type: ignore[no-any-return]
        row.version += 1
        row.updated_at = clock.now()
        row.updated_by_name = actor.display_name[:100]
    return row  # type: ignore[no-any-return]


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
    from .choices import Level

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


# --- disposal, review, escalation, reopening ------------------------------------------------------------


def dispose_alert(
    *,
    actor: Actor,
    alert: Alert,
    finding: str,
    note: str,
    uploads: Iterable[Any] = (),
) -> Alert:
    """The handling organisation records what it did, with evidence (R-ALR-02;
    the step ``steps.DISPOSE``).

    On time or late is judged by the disposal deadline (paused while the
    project was suspended); a late disposal says so in the history.
    """
    from postaward.core import files
    from postaward.core.files import check_upload

    from . import steps as alert_steps

    if finding not in (Finding.CONFIRMED, Finding.DISMISSED):
        raise ValidationFailed("请选择处置结论", field="finding")
    note = text(note, field="note", label="处置情况", min_len=2)
    checked = [check_upload(u, field="evidence") for u in uploads if u]
    with steps.write(alert_steps.DISPOSE, alert, actor) as w:
        a = w.obj
        now = clock.now()
        deadlines.close_deadline(kind=DISPOSAL_KIND, subject=a)
        late = None
        if a.disposal_deadline_id:
            d = Deadline.objects.get(pk=a.disposal_deadline_id)
            late = d.state == Deadline.State.MISSED
        a.finding = finding
        a.disposed_at = now
        a.updated_at = now
        a.save()
        step = _step(
            a,
            StepKind.DISPOSED,
            actor=actor,
            organisation=a.handling_org,
            finding=finding,
            note=note,
            late=late,
            deadline_text=describe_deadline(a.disposal_deadline),
            at=now,
        )
        for c in checked:
            att = AlertAttachment(
                alert=a,
                step=step,
                original_name=c.name,
                content_type=c.content_type,
                size=c.size,
                sha256=c.sha256,
                uploaded_at=now,
                uploaded_by_name=actor.display_name[:100],
            )
            files.save(att.file, c)
            att.save()
        w.after.update(note=note, late=late, evidence=[c.sha256 for c in checked])
        w.publish(
            AlertDisposed(
                alert_id=a.pk,
                indicator=a.indicator.code,
                project_id=a.project_id,
                organisation_id=a.handling_org_id,
                level=str(a.level),
                finding=finding,
                late=late,
                disposal=AlertStep.objects.filter(alert=a, kind=StepKind.DISPOSED).count(),
                at=now.isoformat(),
            )
        )
        sync_todo(a)
        notifications.alert_disposed(a)
    return a


def review_alert(*, actor: Actor, alert: Alert, decision: str, note: str = "") -> Alert:
    """The level above closes the alert (``steps.CLOSE``) or sends it back for
    another disposal with a new disposal deadline (``steps.SEND_BACK``)."""
    from . import steps as alert_steps

    if decision not in ("close", "send_back"):
        raise ValidationFailed("请选择审核意见", field="decision")
    if decision == "send_back":
        note = text(note, field="note", label="退回理由", min_len=2)
    else:
        note = (note or "").strip()[:2000]
    step = alert_steps.CLOSE if decision == "close" else alert_steps.SEND_BACK
    with steps.write(step, alert, actor) as w:
        a = w.obj
        now = clock.now()
        a.updated_at = now
        if decision == "close":
            a.closed_at = now
            a.overdue = False
            a.save()
            _step(
                a, StepKind.CLOSED, actor=actor, finding=a.finding, note=note or "审核通过", at=now
            )
            w.publish(
                AlertClosed(
                    alert_id=a.pk,
                    indicator=a.indicator.code,
                    project_id=a.project_id,
                    organisation_id=a.handling_org_id,
                    finding=str(a.finding),
                    escalations=a.escalations,
                    at=now.isoformat(),
                )
            )
        else:
            a.save()
            d = _open_deadline(a, now)
            _step(
                a,
                StepKind.RETURNED,
                actor=actor,
                note=note,
                deadline_text=describe_deadline(d),
                at=now,
            )
        w.after["note"] = note
        sync_todo(a)
        notifications.alert_reviewed(a, decision, note)
    return a


def escalate_alert(*, alert_id: int, deadline_id: int) -> bool:
    """The disposal deadline ran out: the alert moves one level up the chain
    with a new deadline, its history kept (R-ORG-02; ``steps.ESCALATE``).
    Idempotent: a repeated ``DeadlineMissed`` for a deadline that is no longer
    the alert's current one changes nothing. At the top level the alert stays
    and is marked overdue."""
    try:
        with writes.audited(
            Alert.objects.select_related("indicator", "project", "handling_org", "disposal_deadline"),
            pk=alert_id,
            actor=SYSTEM,
            action="alerts.escalate_alert",
            snapshot=_snap,
        ) as w:
            a = w.obj
            if a.disposal_deadline_id != deadline_id or a.state not in OPEN_STATES:
                w.nothing_changed()
                return False
            now = clock.now()
            old_org = a.handling_org
            old_text = describe_deadline(a.disposal_deadline)
            above = levels.level_above(a.level)
            if above is None or a.project_id is None:
                if a.overdue:
                    w.nothing_changed()
                    return False
                w.action = "alerts.overdue_at_top"
                a.overdue = True
                a.updated_at = now
                _step(
                    a,
                    StepKind.OVERDUE_AT_TOP,
                    organisation=old_org,
                    note=f"{old_org.name}未在处置期限内反馈；已在最高层级，继续督办",
                    late=True,
                    deadline_text=old_text,
                    at=now,
                )
                notifications.alert_escalated(a, old_org)
                return True
            level, org = levels.route(a.project, above)
            _, review = levels.reviewer(a.project, level, org)
            a.escalate()
            a.level = level
            a.handling_org = org
            a.review_org = review
            a.escalations += 1
            a.updated_at = now
            a.save()
            a.handled_by.add(org)
            d = _open_deadline(a, now)
            _step(
                a,
                StepKind.ESCALATED,
                organisation=org,
                note=(
                    f"{old_org.name}未在处置期限内反馈（{old_text}），"
                    f"升级至{levels_label(level)}：{org.name}；审核单位：{review.name}"
                ),
                late=True,
                deadline_text=describe_deadline(d),
                at=now,
            )
            a.priority = priority_of(a, now)[0]
            sync_todo(a, previous="cancelled")
            notifications.alert_escalated(a, old_org)
            return True
    except NotFound:  # the alert is gone
        return False


def withdraw_alert(*, alert_id: int, reason: str) -> bool:
    """The facts an alert was raised on were corrected where they came from (an
    absence re-closed as a suspended day after a late confirmation, SY 35): the
    platform closes the alert with the reason (``steps.WITHDRAW``), its disposal
    clock cancelled and its history kept (nothing deleted). Idempotent: a
    closed alert is left alone."""
    try:
        with writes.audited(
            Alert.objects.all(),
            pk=alert_id,
            actor=SYSTEM,
            action="alerts.withdraw_alert",
            snapshot=_snap,
        ) as w:
            a = w.obj
            if a.state not in UNRESOLVED_STATES:
                w.nothing_changed()
                return False
            now = clock.now()
            a.withdraw()
            a.closed_at = now
            a.updated_at = now
            a.overdue = False
            a.save()
            deadlines.close_deadline(kind=DISPOSAL_KIND, subject=a, state=Deadline.State.CANCELLED)
            _step(a, StepKind.WITHDRAWN, note=reason, at=now)
            w.after["reason"] = reason
            return True
    except NotFound:  # the alert is gone
        return False


def reopen_alert(*, actor: Actor, alert: Alert, reason: str) -> Alert:
    """A closed alert comes back to its handling organisation with a new
    deadline (``steps.REOPEN``); the reason is kept in the history and the
    audit trail."""
    from . import steps as alert_steps

    reason = text(reason, field="reason", label="重新打开的理由", min_len=2)
    with steps.write(alert_steps.REOPEN, alert, actor) as w:
        a = w.obj
        now = clock.now()
        a.finding = ""
        a.closed_at = None
        a.updated_at = now
        a.save()
        d = _open_deadline(a, now)
        _step(
            a,
            StepKind.REOPENED,
            actor=actor,
            note=reason,
            deadline_text=describe_deadline(d),
            at=now,
        )
        a.priority = priority_of(a, now)[0]
        w.after["reason"] = reason
        sync_todo(a)
        notifications.alert_reopened(a, reason)
    return a


def on_disposal_reminder(deadline_id: int, alert_id: int) -> None:
    with transaction.atomic():
        a = Alert.objects.select_related("disposal_deadline").filter(pk=alert_id).first()
        if a is None or a.disposal_deadline_id != deadline_id or a.state not in OPEN_STATES:
            return
        if AlertStep.objects.filter(
            alert=a,
            kind=StepKind.REMINDED,
            deadline_text=describe_deadline(a.disposal_deadline)[:300],
        ).exists():
            return
        _step(
            a,
            StepKind.REMINDED,
            organisation=a.handling_org,
            note="处置期限即将届满",
            deadline_text=describe_deadline(a.disposal_deadline),
        )
        notifications.alert_reminder(a, deadline_id)


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
    from .tasks import sandbox_task

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


# --- suspected issues and clue transfers --------------------------------------------------------------


def create_issue(
    *,
    actor: Actor,
    alert_ids: list[int],
    title: str,
    description: str,
    persons_concerned: str = "",
    involves_party_member: bool = False,
    involves_public_official: bool = False,
    suspected_crime: bool = False,
) -> SuspectedIssue:
    """One or more alerts become a suspected issue to verify (R-ALR-03); the
    alerts are closed with the finding “转疑似问题核实” and follow the issue."""
    from . import steps as alert_steps

    step = alert_steps.TAKE_UP_AS_ISSUE
    if not step.who(None, actor):
        raise Forbidden(f"{step.who_label}方可{step.label}")
    ids = sorted({int(i) for i in alert_ids})
    if not ids:
        raise ValidationFailed("请选择至少一条预警", field="alert_ids")
    title = text(title, field="title", label="问题名称", min_len=2, max_len=200)
    description = text(description, field="description", label="问题描述", min_len=2)
    with transaction.atomic():
        alerts = list(
            Alert.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("project", "indicator", "disposal_deadline")
        )
        if len(alerts) != len(ids):
            raise NotFound()
        taken = [a.number for a in alerts if a.issue_id]
        if taken:
            raise Conflict(f"预警已转为疑似问题：{'、'.join(taken)}", code="invalid_state")
        for a in alerts:
            steps.check(step, a, actor)
        projects = {a.project_id for a in alerts}
        now = clock.now()
        issue = SuspectedIssue.objects.create(
            title=title,
            description=description,
            project_id=projects.pop() if len(projects) == 1 else None,
            organisation_id=actor.organisation_id,
            persons_concerned=(persons_concerned or "").strip()[:300],
            involves_party_member=bool(involves_party_member),
            involves_public_official=bool(involves_public_official),
            suspected_crime=bool(suspected_crime),
            created_at=now,
            created_by_name=actor.display_name[:100],
        )
        for a in alerts:
            if a.state != AlertState.CLOSED:
                deadlines.close_deadline(
                    kind=DISPOSAL_KIND, subject=a, state=Deadline.State.CANCELLED
                )
                a.take_up_as_issue()
                a.closed_at = now
            a.finding = Finding.ISSUE
            a.issue = issue
            a.overdue = False
            a.updated_at = now
            a.save()
            sync_todo(a)
            _step(
                a,
                StepKind.TO_ISSUE,
                actor=actor,
                note=f"转疑似问题 {issue.number}：{title}",
                at=now,
            )
        audit.record(
            actor=actor,
            action="alerts.create_issue",
            obj=issue,
            after={**audit.snapshot(issue), "alerts": ids},
            project_id=issue.project_id,
        )
    return issue


def verify_issue(
    *, actor: Actor, issue: SuspectedIssue, verified: bool, findings: str
) -> SuspectedIssue:
    """Verification records its findings; the alerts take the conclusion
    (confirmed or dismissed), which feeds the indicator's tuning statistics."""
    findings = text(findings, field="findings", label="核实情况", min_len=2)

    def check(i: SuspectedIssue) -> None:
        if not may_verify_issue(i, actor):
            raise Forbidden("仅登记该疑似问题的单位可以录入核实结论")
        if i.state != IssueState.VERIFYING:
            raise Conflict(
                f"疑似问题当前状态为“{i.get_state_display()}”，不能再录入核实结论",
                code="invalid_state",
            )

    with writes.audited(
        SuspectedIssue.objects.select_related("organisation"),
        pk=issue.pk,
        actor=actor,
        action="alerts.verify_issue",
        check=check,
    ) as w:
        i = w.obj
        now = clock.now()
        i.state = IssueState.VERIFIED if verified else IssueState.UNFOUNDED
        i.findings = findings
        i.verified_at = now
        i.verified_by_name = actor.display_name[:100]
        i.save()
        conclusion = Finding.CONFIRMED if verified else Finding.DISMISSED
        for a in Alert.objects.filter(issue=i):
            a.finding = conclusion
            a.updated_at = now
            a.save(update_fields=["finding", "updated_at"])
            _step(
                a,
                StepKind.ISSUE_CONCLUDED,
                actor=actor,
                finding=conclusion,
                note=f"疑似问题 {i.number} 核实{'属实' if verified else '不属实'}：{findings}",
                at=now,
            )
    return i


RECIPIENT_KINDS = {
    Recipient.DISCIPLINE: OrgKind.DISCIPLINE,
    Recipient.PUBLIC_SECURITY: OrgKind.PUBLIC_SECURITY,
}


def recipient_orgs(actor: Actor, recipient: str) -> list[Organisation]:
    kind = RECIPIENT_KINDS.get(recipient)  # type: ignore[call-overload]
    if kind is None or not actor.org_path:
        return []
    return list(
        Organisation.objects.filter(kind=kind, path__startswith=actor.district_path, is_active=True)
    )


def transfer_clue(
    *,
    actor: Actor,
    issue: SuspectedIssue,
    recipient: str,
    recipient_org: Organisation,
    document_number: str,
    reason: str,
) -> ClueTransfer:
    """A verified issue goes as a clue to discipline inspection (party members,
    public officials) or public security (suspected crimes) (R-ALR-06, QZ 11)."""
    if recipient not in Recipient.values:
        raise ValidationFailed("请选择移送方向", field="recipient")
    document_number = text(
        document_number, field="document_number", label="移送函文号", min_len=2, max_len=60
    )
    reason = text(reason, field="reason", label="移送理由", min_len=2)
    with transaction.atomic():
        i = (
            SuspectedIssue.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=issue.pk)
        )
        if not may_transfer_clue(i, actor):
            raise Forbidden("仅登记单位或领导小组（监管办）可以移送线索")
        if i.state not in (IssueState.VERIFIED, IssueState.TRANSFERRED):
            raise Conflict("仅核实属实的疑似问题可以移送", code="invalid_state")
        if recipient == Recipient.DISCIPLINE and not (
            i.involves_party_member or i.involves_public_official
        ):
            raise ValidationFailed(
                "移送纪检监察机关的线索应涉及党员干部或公职人员（QZ 第十一条）", field="recipient"
            )
        if recipient == Recipient.PUBLIC_SECURITY and not i.suspected_crime:
            raise ValidationFailed("移送公安机关的线索应涉嫌犯罪", field="recipient")
        if recipient_org.pk not in {o.pk for o in recipient_orgs(actor, recipient)}:
            raise ValidationFailed("接收机关与移送方向不符", field="recipient_org")
        if ClueTransfer.objects.filter(issue=i, recipient_org=recipient_org).exists():
            raise Conflict("该线索已移送该机关", code="duplicate")
        before = audit.snapshot(i)
        t = ClueTransfer.objects.create(
            issue=i,
            recipient=recipient,
            recipient_org=recipient_org,
            document_number=document_number,
            reason=reason,
            sent_at=clock.now(),
            sent_by_name=actor.display_name[:100],
            sent_by_org_id=actor.organisation_id,
        )
        i.state = IssueState.TRANSFERRED
        i.save(update_fields=["state"])
        audit.record(
            actor=actor,
            action="alerts.transfer_clue",
            obj=t,
            after=audit.snapshot(t),
            project_id=i.project_id,
        )
        audit.record(
            actor=actor,
            action="alerts.issue_transferred",
            obj=i,
            before=before,
            after=audit.snapshot(i),
        )
        notifications.clue_transferred(t)
    return t


def receive_transfer(*, actor: Actor, transfer: ClueTransfer, receipt_number: str) -> ClueTransfer:
    """The recipient signs for the clue with its receipt number (``steps.RECEIVE``)."""
    from . import steps as alert_steps

    receipt_number = text(
        receipt_number, field="receipt_number", label="回执编号", min_len=1, max_len=60
    )
    with steps.write(alert_steps.RECEIVE, transfer, actor, project_id=_project_of(transfer)) as w:
        t = w.obj
        t.state = TransferState.RECEIVED
        t.received_at = clock.now()
        t.received_by_name = actor.display_name[:100]
        t.receipt_number = receipt_number
        notifications.transfer_updated(t, "已签收")
    return t  # type: ignore[no-any-return]


def feed_back_transfer(*, actor: Actor, transfer: ClueTransfer, result: str) -> ClueTransfer:
    """The recipient reports what it did with the clue (``steps.FEED_BACK``)."""
    from . import steps as alert_steps

    result = text(result, field="result", label="办理结果", min_len=2)
    with steps.write(alert_steps.FEED_BACK, transfer, actor, project_id=_project_of(transfer)) as w:
        t = w.obj
        t.state = TransferState.CONCLUDED
        t.result = result
        t.result_at = clock.now()
        t.result_by_name = actor.display_name[:100]
        notifications.transfer_updated(t, "已反馈办理结果")
    return t  # type: ignore[no-any-return]


def _project_of(t: ClueTransfer) -> int | None:
    return SuspectedIssue.objects.filter(pk=t.issue_id).values_list("project_id", flat=True).first()


# --- notifications --------------------------------------------------------------------------------


def mark_read(*, actor: Actor, notification: Any) -> Any:
    """The recipient reads a notification (only their own)."""
    if notification.recipient_id != actor.user_id:
        raise NotFound()
    if notification.read_at is not None:
        return notification
    with transaction.atomic():
        now = clock.now()
        type(notification).objects.filter(pk=notification.pk, read_at=None).update(read_at=now)
        audit.record(
            actor=actor, action="alerts.read_notification", obj=notification, after={"read_at": now}
        )
    notification.read_at = now
    return notification


def mark_all_read(*, actor: Actor) -> int:
    """The recipient marks all their unread notifications read: one audit
    record with the count."""
    from .models import Notification

    with transaction.atomic():
        now = clock.now()
        count = (
            Notification.objects.filter(recipient_id=actor.user_id, read_at=None)
            .select_for_update()
            .update(read_at=now)
        )
        if count:
            audit.record(
                actor=actor,
                action="alerts.read_all_notifications",
                object_type="alerts.notification",
                object_id=actor.user_id,
                object_repr=f"{count} 条通知标记为已读",
                after={"read_at": now, "count": count},
            )
    return count
