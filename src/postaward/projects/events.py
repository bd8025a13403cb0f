"""Domain events of the project registry (stored in the outbox by the service
that causes them; alerts, credit scoring, accountability and notifications
subscribe). Each carries what a subscriber needs to explain it without another
query: the project, who did it, when, and the facts of the step."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import events


@dataclass(frozen=True)
class ProjectFacts(events.DomainEvent):
    project_id: int
    project_code: str
    project_name: str
    owner_id: int | None
    industry_authority_id: int | None
    actor_user_id: int | None
    actor_name: str
    at: str


@events.event("projects.registered")
@dataclass(frozen=True)
class ProjectRegistered(ProjectFacts):
    source: str
    procurement_method: str
    project_class: str
    contract_amount: str


@events.event("projects.imported")
@dataclass(frozen=True)
class ProjectImported(ProjectFacts):
    """An award from the bidding system created or updated the project."""

    ocid: str
    created: bool
    changed_fields: list[str]


@events.event("projects.assigned")
@dataclass(frozen=True)
class ProjectAssigned(ProjectFacts):
    """A step of the assignment down the chain (R-ORG-03)."""

    level: str  # superior_unit | line | owner | owner_leader
    assignee_id: int
    assignee_name: str


@events.event("projects.key_person_assigned")
@dataclass(frozen=True)
class KeyPersonAssigned(ProjectFacts):
    assignment_id: int
    person_id: int
    position: str
    organisation_id: int
    must_check_in: bool


@events.event("projects.key_person_released")
@dataclass(frozen=True)
class KeyPersonReleased(ProjectFacts):
    assignment_id: int
    person_id: int
    position: str
    ended_on: str
    reason: str


@events.event("projects.works_started")
@dataclass(frozen=True)
class WorksStarted(ProjectFacts):
    actual_start: str
    is_small_works: bool
    contractor_ids: list[int]
    supervising_firm_ids: list[int]


@events.event("projects.suspension_declared")
@dataclass(frozen=True)
class SuspensionDeclared(ProjectFacts):
    suspension_id: int
    started_at: str
    reason: str


@events.event("projects.suspended")
@dataclass(frozen=True)
class ProjectSuspended(ProjectFacts):
    """Confirmed: attendance duty and deadline clocks of the project are paused
    from ``started_at`` (R-PRJ-07)."""

    suspension_id: int
    started_at: str
    reason: str
    declared_by: str
    confirmed_by: str


@events.event("projects.suspension_rejected")
@dataclass(frozen=True)
class SuspensionRejected(ProjectFacts):
    suspension_id: int
    note: str


@events.event("projects.resumed")
@dataclass(frozen=True)
class ProjectResumed(ProjectFacts):
    suspension_id: int
    started_at: str
    ended_at: str
    suspended_days: int


@events.event("projects.completed")
@dataclass(frozen=True)
class ProjectCompleted(ProjectFacts):
    """完工: the acceptance and settlement deadlines (R-ACC, R-SET) start here."""

    actual_completion: str
    project_class: str
    contract_amount: str


@events.event("projects.accepted")
@dataclass(frozen=True)
class ProjectAccepted(ProjectFacts):
    accepted_on: str
    document_id: int


@events.event("projects.settlement_submitted")
@dataclass(frozen=True)
class SettlementSubmitted(ProjectFacts):
    submitted_on: str
    amount: str


@events.event("projects.settlement_self_entrusted")
@dataclass(frozen=True)
class SettlementSelfEntrusted(ProjectFacts):
    """The owner entrusted an intermediary with its settlement review without
    the financial review centre's or the audit department's consent (QZ 附件2
    art. 5(六); R-SET-02, ADR 0807)."""

    submitted_on: str
    intermediary: str


@events.event("projects.settled")
@dataclass(frozen=True)
class SettlementApproved(ProjectFacts):
    settled_on: str
    amount: str


@events.event("projects.funds_paid")
@dataclass(frozen=True)
class FundsPaid(ProjectFacts):
    paid_on: str


@events.event("projects.deposit_returned")
@dataclass(frozen=True)
class DepositReturned(ProjectFacts):
    returned_on: str


@events.event("projects.terminated")
@dataclass(frozen=True)
class ProjectTerminated(ProjectFacts):
    terminated_on: str
    previous_status: str
    reason: str
    report_document_id: int


@events.event("projects.interview_recorded")
@dataclass(frozen=True)
class InterviewRecorded(ProjectFacts):
    interview_id: int
    held_on: str
    topics: list[str]


@events.event("projects.abnormal_award_recorded")
@dataclass(frozen=True)
class AbnormalAwardRecorded(ProjectFacts):
    event_id: int
    kind: str
    occurred_on: str
    party_name: str
    reason: str


@events.event("projects.abnormal_award_flagged")
@dataclass(frozen=True)
class AbnormalAwardFlagged(ProjectFacts):
    """No valid reason: to be investigated by the authority (R-PRJ-12, LC 五).
    The alerts capability turns this into an alert/clue."""

    event_id: int
    kind: str
    occurred_on: str
    party_name: str
    reason: str
    review_note: str
    reviewed_by_org: str


@events.event("projects.found_uncovered")
@dataclass(frozen=True)
class ProjectFoundUncovered(ProjectFacts):
    """A project not supervised on the platform (R-PRJ-05): the people responsible
    may be held accountable."""

    note: str
    status: str


@events.event("projects.data_completion_decided")
@dataclass(frozen=True)
class DataCompletionDecided(ProjectFacts):
    application_id: int
    approved: bool
    note: str


@events.event("projects.subcontract_registered")
@dataclass(frozen=True)
class SubcontractRegistered(ProjectFacts):
    subcontract_id: int
    subcontractor_name: str
    subcontractor_uscc: str
    scope: str
    amount: str | None


@events.event("projects.personnel_ban_recorded")
@dataclass(frozen=True)
class PersonnelBanRecorded(ProjectFacts):
    ban_id: int
    person_id: int
    position: str
    reason: str
    until: str | None
