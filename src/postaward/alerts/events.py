"""Alert events, for the scoring and accountability capabilities (R-ALR-02,
R-SCO-01, R-SCO-08).

Whether a unit handled its alerts, and on time, is a fact of its conduct on the
platform (SY 29: each unit handles its alerts and reports online; SY 40-48:
late or skipped platform procedures enter credit management). The disposal
steps publish these facts (the step's ``event``, ADR 0060) so that scoring can
consume them without reading alert tables. Consumers count an alert's
disposal once by (alert_id, disposal number) and its closing once by
(alert_id, closed_at).
"""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core.events import DomainEvent, event


@event("alerts.alert_disposed")
@dataclass(frozen=True)
class AlertDisposed(DomainEvent):
    """The handling organisation reported what it did (``steps.DISPOSE``):
    ``late`` says whether the disposal deadline had run out (None: no
    deadline). ``disposal`` counts the disposals of the alert (a send-back or
    a reopening makes another)."""

    alert_id: int
    indicator: str
    project_id: int | None
    organisation_id: int
    level: str
    finding: str
    late: bool | None
    disposal: int
    at: str


@event("alerts.alert_closed")
@dataclass(frozen=True)
class AlertClosed(DomainEvent):
    """The level above closed the alert after review (``steps.CLOSE``): the
    final finding, who handled it and how often the deadline ran out on the
    way (``escalations``)."""

    alert_id: int
    indicator: str
    project_id: int | None
    organisation_id: int
    finding: str
    escalations: int
    at: str


@event("alerts.clue_transfer_updated")
@dataclass(frozen=True)
class ClueTransferUpdated(DomainEvent):
    """The receiving body signed for a transferred clue (``state`` received,
    with its receipt number) or fed back its result (``state`` concluded).
    ``source`` and ``source_id`` name where the clue came from, so that a
    referring capability (complaints, ADR 0515) shows it on its own record
    without reading the alerts tables."""

    transfer_id: int
    source: str
    source_id: int | None
    state: str
    recipient_org_id: int
    receipt_number: str
    received_at: str
    received_by_name: str
    result: str
    result_at: str
    result_by_name: str


@event("alerts.case_requested")
@dataclass(frozen=True)
class CaseRequested(DomainEvent):
    """The office opens a case (立案调查) on a verified suspected issue
    (R-CAS-01, ADR 0604): the cases capability takes it up by name, with the
    issue's number and a link back."""

    source_id: int
    source_ref: str
    source_text: str
    source_url: str
    office_id: int
    project_id: int | None
    department_id: int | None
    title: str
    facts: str
    subject_text: str
    subject_org_id: int | None
