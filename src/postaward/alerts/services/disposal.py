"""The disposal steps of an alert (R-ALR-02, R-ORG-02): dispose, review
(close / send back), reopen (``alerts.steps``), and the platform's own
escalation sweep and withdrawal; the disposal reminder."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from postaward.core import clock, deadlines, steps, writes
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import NotFound, ValidationFailed
from postaward.core.models import Deadline
from postaward.core.writes import text

from .. import levels, notifications
from ..choices import (
    DISPOSAL_KIND,
    OPEN_STATES,
    UNRESOLVED_STATES,
    Finding,
    StepKind,
)
from ..events import AlertClosed, AlertDisposed
from ..models import (
    Alert,
    AlertAttachment,
    AlertStep,
)
from .hits import (
    _open_deadline,
    _snap,
    _step,
    describe_deadline,
    levels_label,
    priority_of,
    sync_todo,
)

deadlines.register_kind(
    DISPOSAL_KIND,
    "预警处置期限",
    "R-ALR-02",
    "SY 第二十九条：各单位按“四级联动”机制及时处置问题预警，并在线上反馈处置结果",
    handling_level="owner",
)

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

    from .. import steps as alert_steps

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
    from .. import steps as alert_steps

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
            Alert.objects.select_related(
                "indicator", "project", "handling_org", "disposal_deadline"
            ),
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
    from .. import steps as alert_steps

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
