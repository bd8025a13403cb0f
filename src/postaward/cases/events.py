"""Facts the cases capability publishes (through the outbox, core.events).

Consumers in a sibling app subscribe by name and never import this module
(the contract of issue 14: /work/notes/contract.md, ADR 0602)."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import events


@events.event("cases.penalty_decided")
@dataclass(frozen=True)
class PenaltyDecided(events.DomainEvent):
    """The credit entry of a penalty (or handling) decision (R-CAS-04: within
    1 working day of the decision), for the credit capability."""

    case_id: int
    case_number: str
    office_id: int
    department_id: int
    subject_org_id: int | None
    subject_person_id: int | None
    subject_name: str
    project_id: int | None
    measure: str
    fine_yuan: str
    points: int
    basis: str
    decision_number: str
    decided_on: str
    entered_on: str


@events.event("cases.publication_signed_off")
@dataclass(frozen=True)
class PublicationSignedOff(events.DomainEvent):
    """The office head signed off the result for publication on the public
    site (R-CAS-05: published within 10 working days)."""

    case_id: int
    case_number: str
    office_id: int
    kind: str
    title: str
    subject_name: str
    text: str
    decision_number: str
    decided_on: str
    signed_off_at: str


@events.event("cases.referred")
@dataclass(frozen=True)
class CaseReferred(events.DomainEvent):
    """The office transferred a case to discipline inspection (违规违纪) or
    public security (涉嫌犯罪) (R-ALR-06): alerts takes it up as a clue
    transfer to ``recipient_org_id``, with the case file attached by its
    number and link. Never a complainant's identity."""

    referral_id: int
    case_id: int
    case_number: str
    target: str
    recipient_org_id: int
    document_number: str
    reason: str
    facts: str
    subject_text: str
    project_id: int | None
    office_id: int
    referred_by_name: str
    case_url: str


@events.event("cases.opened")
@dataclass(frozen=True)
class CaseOpened(events.DomainEvent):
    """A case was opened; the source (a complaint, an issue) learns its number."""

    case_id: int
    case_number: str
    source: str
    source_ref: str
    office_id: int
    project_id: int | None
