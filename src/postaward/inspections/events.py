"""What inspections tell the rest of the platform (ADR 0700): findings feed
cases, credit and accountability by these events, never by import."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import events


@events.event("inspections.case_requested")
@dataclass(frozen=True)
class CaseRequested(events.DomainEvent):
    """A finding (or a contract check) suspects a violation: the office opens
    a case (R-INS-08 → R-CAS-01); the cases capability takes it up by name.
    ``source_id`` is unique per requesting record, ``source_ref`` the number
    users read (an inspection's or a contract check's), ``source_url`` its page."""

    source_id: str
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


@events.event("inspections.finding_recorded")
@dataclass(frozen=True)
class FindingRecorded(events.DomainEvent):
    """An inspection's result on a market subject, once signed off (QZ 9: the
    inspection result enters the subject's credit record; accountability reads
    it too). ``disposition`` is the finding's handling (talk, criticism,
    rectification, case, discipline, police); ``compliant`` is True for an
    item found in order."""

    finding_id: int
    inspection_ref: str
    project_id: int | None
    subject_org_id: int | None
    subject_text: str
    item_name: str
    disposition: str
    compliant: bool
    description: str
    signed_off_on: str


@events.event("inspections.referred")
@dataclass(frozen=True)
class FindingReferred(events.DomainEvent):
    """A finding transferred to discipline inspection (涉嫌违纪) or public
    security (涉嫌犯罪) (R-INS-08): alerts takes it up as a clue transfer to
    ``recipient_org_id``, with the inspection's number and a link, in the same
    list and with the same receipt and feedback steps as every clue.
    ``target`` is the receiving body's kind as alerts names it
    (``discipline`` / ``public_security``)."""

    referral_id: int
    inspection_number: str
    inspection_url: str
    target: str
    recipient_org_id: int
    document_number: str
    reason: str
    facts: str
    subject_text: str
    project_id: int | None
    office_id: int
    referred_by_name: str
