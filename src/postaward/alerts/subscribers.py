"""Domain events → hits → alerts (R-ALR-01, R-ALR-02).

Delivery is at least once (the outbox retries an event whose subscribers
failed), so each handler is idempotent: a hit's ``hit_key`` is recorded once.

- ``deadline.missed``: the disposal deadline of an alert → escalation one level
  up; any other kind → the indicator ``deadline.<kind>``;
- ``deadline.reminder``: the disposal deadline → reminder notification; any
  other kind → a notification to the responsible organisation;
- every event named by an indicator spec (attendance, projects, approvals) →
  that indicator.

The approvals events are subscribed by name: the approvals capability may not
be installed yet, and its events are delivered to these handlers as soon as it
is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from postaward.core import clock, events
from postaward.core.deadlines import DeadlineMissed, DeadlineReminder

from . import indicators, notifications, services
from .choices import DISPOSAL_KIND

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _ByName:
    """Subscribe to an event type by its name (``events.subscribe`` reads ``.name``)."""

    name: str


def handle_event(evt: Any) -> int:
    """Feed one event to every indicator that listens to it; returns the
    number of alerts created."""
    created = 0
    for spec in indicators.specs_for_event(evt.name):
        created += _feed(spec.code, evt)
    return created


def _feed(code: str, evt: Any) -> int:
    spec = indicators.spec_for(code)
    if spec is None or spec.from_event is None:
        return 0
    indicator = services.indicator_for(code)
    if services.active_reason(indicator, clock.today()):
        return 0
    params = spec.parse_params(indicator.params)
    created = 0
    for hit in spec.from_event(evt, params):
        if services.record_hit(indicator, hit) == services.CREATED:
            created += 1
    return created


@events.subscribe(DeadlineMissed)
def on_deadline_missed(evt: DeadlineMissed) -> None:
    if evt.kind == DISPOSAL_KIND:
        if evt.subject_type == "alerts.alert":
            services.escalate_alert(alert_id=int(evt.subject_id), deadline_id=evt.deadline_id)
        return
    _feed(indicators.deadline_code(evt.kind), evt)


@events.batch_form(on_deadline_missed)
def on_deadlines_missed(evts: list[DeadlineMissed]) -> None:
    """The set-wise form of ``on_deadline_missed`` for a sweep's batch (ADR
    0517): missed disposal deadlines escalate their alerts one by one, in
    order; the others are grouped by kind and each group's hits are made and
    recorded set-wise (``hits_from_missed_deadlines``, ``services.record_hits``),
    leaving what one by one leaves (tests/test_hits_batch.py)."""
    from .evaluators import hits_from_missed_deadline, hits_from_missed_deadlines

    by_kind: dict[str, list[DeadlineMissed]] = {}
    for evt in evts:
        if evt.kind == DISPOSAL_KIND:
            on_deadline_missed(evt)
        else:
            by_kind.setdefault(evt.kind, []).append(evt)
    for kind, group in by_kind.items():
        code = indicators.deadline_code(kind)
        spec = indicators.spec_for(code)
        if spec is None or spec.from_event is None:
            continue
        if spec.from_event is not hits_from_missed_deadline:
            for evt in group:  # an indicator of its own: its evaluator, one by one
                _feed(code, evt)
            continue
        indicator = services.indicator_for(code)
        if services.active_reason(indicator, clock.today()):
            continue
        params = spec.parse_params(indicator.params)
        services.record_hits(indicator, hits_from_missed_deadlines(group, params))


@events.subscribe(DeadlineReminder)
def on_deadline_reminder(evt: DeadlineReminder) -> None:
    if evt.kind == DISPOSAL_KIND:
        if evt.subject_type == "alerts.alert":
            services.on_disposal_reminder(evt.deadline_id, int(evt.subject_id))
        return
    notifications.other_deadline_reminder(evt)


# What a withdrawn attendance consequence was raised as: indicator and hit key.
_WITHDRAWN_HITS = {
    "absence_streak": ("attendance.absence_streak", "absence:{assignment_id}:{first_day}"),
    "low_monthly_rate": (
        "attendance.monthly_rate_below_threshold",
        "rate:{assignment_id}:{first_day}",
    ),
}


def on_consequence_withdrawn(evt: Any) -> None:
    """``attendance.consequence_withdrawn`` (SY 35): the alert raised on the same
    facts is closed with the same reason (``services.withdraw_alert``)."""
    from .models import AlertHit

    code, pattern = _WITHDRAWN_HITS.get(evt.kind, ("", ""))
    if not code:
        return
    hit_key = pattern.format(assignment_id=evt.assignment_id, first_day=evt.first_day)
    for alert_id in (
        AlertHit.objects.filter(indicator__code=code, hit_key=hit_key, alert__isnull=False)
        .values_list("alert_id", flat=True)
        .distinct()
    ):
        services.withdraw_alert(alert_id=alert_id, reason=evt.reason)


def on_complaint_referred(evt: Any) -> None:
    """``complaints.referred`` (R-ALR-06, ADR 0515): the office referred a
    complaint to discipline inspection or public security; it becomes a clue
    transfer to that body (``services.take_referral``). Subscribed by name:
    complaints is a sibling capability, not imported here."""
    services.take_referral(evt)


def _event_names() -> list[str]:
    names: set[str] = set()
    for spec in indicators.specs().values():
        names.update(spec.events)
    names.discard("deadline.missed")
    return sorted(names)


def register() -> None:
    """Subscribe ``handle_event`` to every event an indicator listens to."""
    for name in _event_names():
        events.subscribe(_ByName(name))(handle_event)  # type: ignore[arg-type]
    events.subscribe(_ByName("attendance.consequence_withdrawn"))(on_consequence_withdrawn)  # type: ignore[arg-type]
    events.subscribe(_ByName("complaints.referred"))(on_complaint_referred)  # type: ignore[arg-type]
    # a case transferred (cases.referred, ADR 0604): the same clue transfer
    events.subscribe(_ByName("cases.referred"))(on_complaint_referred)  # type: ignore[arg-type]
    # an inspection finding transferred (inspections.referred): the same clue transfer
    events.subscribe(_ByName("inspections.referred"))(on_complaint_referred)  # type: ignore[arg-type]
    # an accountability matter or interference record referred to discipline
    # inspection (accountability.referred, R-ACT-03): the same clue transfer
    events.subscribe(_ByName("accountability.referred"))(on_complaint_referred)  # type: ignore[arg-type]
