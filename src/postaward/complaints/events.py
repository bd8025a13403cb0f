"""Facts the complaints capability publishes (through the outbox, core.events)."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import events


@events.event("complaints.verified")
@dataclass(frozen=True)
class ComplaintVerified(events.DomainEvent):
    """A complaint or report closed as substantiated (属实) or partly so: the
    subject units and persons, the project and the facts, for credit scoring
    and accountability (R-CMP-05, SY 49). Never the complainant (R-CMP-04)."""

    complaint_id: int
    receipt_number: str
    kind: str
    outcome: str
    project_id: int | None
    subject_text: str
    subject_org_id: int | None
    facts: str
    office_id: int
    retaliation: bool


@events.event("complaints.received")
@dataclass(frozen=True)
class ComplaintReceived(events.DomainEvent):
    """A filing was received (online or registered by staff)."""

    complaint_id: int
    receipt_number: str
    kind: str
    channel: str
    project_id: int | None
    office_id: int
    concerns_officials: bool


@events.event("complaints.retaliation_reported")
@dataclass(frozen=True)
class RetaliationReported(events.DomainEvent):
    """A complainant reports retaliation (R-CMP-04: a serious circumstance for
    accountability, R-ACT-04). Never the complainant's identity."""

    complaint_id: int
    receipt_number: str
    office_id: int
    project_id: int | None
    subject_text: str


@events.event("complaints.referred")
@dataclass(frozen=True)
class ComplaintReferred(events.DomainEvent):
    """The office referred a complaint to discipline inspection or public
    security (R-ALR-06, QZ 11; ADR 0515): alerts takes it up as a clue
    transfer to ``recipient_org_id``. The facts and the receipt number, never
    the complainant (R-CMP-04)."""

    referral_id: int
    complaint_id: int
    receipt_number: str
    kind: str
    target: str
    recipient_org_id: int
    document_number: str
    reason: str
    facts: str
    subject_text: str
    project_id: int | None
    office_id: int
    referred_by_name: str


@events.event("complaints.case_requested")
@dataclass(frozen=True)
class CaseRequested(events.DomainEvent):
    """The office opens a case (立案调查) on an accepted complaint or report
    (R-CAS-01, ADR 0604): the cases capability takes it up by name. The
    receipt number, a link back and the facts, never the complainant
    (R-CMP-04)."""

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
