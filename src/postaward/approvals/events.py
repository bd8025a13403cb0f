"""Domain events of the approval processes (stored in the outbox by the service
that causes them). The alerts capability subscribes to the red flags:
``approvals.change_after_the_fact``, ``approvals.contract_third_change``,
``approvals.price_increase_with_extension``, ``approvals.used_before_acceptance``,
``approvals.rectification_overdue``, ``approvals.rectification_refused``; and to
``deadline.missed`` / ``deadline.reminder`` for every kind in ``deadline_kinds``."""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core import events
from postaward.projects.events import ProjectFacts


@events.event("approvals.change_raised")
@dataclass(frozen=True)
class ChangeRaised(ProjectFacts):
    change_id: int
    participant_id: int
    cost_delta: str
    days_delta: int
    work_date: str
    is_major: bool
    touches_accepted_hidden_works: bool


@events.event("approvals.change_approved")
@dataclass(frozen=True)
class ChangeApproved(ProjectFacts):
    change_id: int
    participant_id: int
    organisation_id: int
    cost_delta: str
    days_delta: int
    work_date: str
    approved_at: str
    is_major: bool
    after_the_fact: bool
    approved_count: int  # approved changes of this contract, this one included
    cumulative_cost: str
    cumulative_days: int


@events.event("approvals.change_rejected")
@dataclass(frozen=True)
class ChangeRejected(ProjectFacts):
    change_id: int
    stage: str
    note: str


@events.event("approvals.change_after_the_fact")
@dataclass(frozen=True)
class ChangeAfterTheFact(ProjectFacts):
    """R-CHG-01: the changed work was to be done before the change was approved."""

    change_id: int
    participant_id: int
    organisation_id: int
    work_date: str
    approved_at: str
    days_late: int


@events.event("approvals.contract_third_change")
@dataclass(frozen=True)
class ContractThirdChange(ProjectFacts):
    """A contract reached its third approved change (red flag)."""

    change_id: int
    participant_id: int
    organisation_id: int
    approved_count: int
    cumulative_cost: str
    cumulative_days: int


@events.event("approvals.price_increase_with_extension")
@dataclass(frozen=True)
class PriceIncreaseWithExtension(ProjectFacts):
    """A change that raises the price and extends the duration (red flag)."""

    change_id: int
    participant_id: int
    organisation_id: int
    cost_delta: str
    days_delta: int


@events.event("approvals.personnel_change_completed")
@dataclass(frozen=True)
class PersonnelChangeCompleted(ProjectFacts):
    personnel_change_id: int
    position: str
    outgoing_person_id: int
    replacement_person_id: int
    reason_kind: str
    recovery_until: str | None
    penalty_amount: str | None


@events.event("approvals.hidden_work_reviewed")
@dataclass(frozen=True)
class HiddenWorkReviewed(ProjectFacts):
    hidden_work_id: int
    work_date: str
    photo_warnings: int


@events.event("approvals.rectification_overdue")
@dataclass(frozen=True)
class RectificationOverdue(ProjectFacts):
    """R-SUP-02: a rectification notice not answered in time."""

    notice_id: int
    contractor_id: int
    required_by: str


@events.event("approvals.rectification_refused")
@dataclass(frozen=True)
class RectificationRefused(ProjectFacts):
    """R-SUP-02: the contractor refuses to rectify; the authority investigates."""

    notice_id: int
    contractor_id: int
    note: str


@events.event("approvals.acceptance_concluded")
@dataclass(frozen=True)
class AcceptanceConcluded(ProjectFacts):
    request_id: int
    kind: str
    passed: bool
    accepted_on: str


@events.event("approvals.acceptance_returned")
@dataclass(frozen=True)
class AcceptanceReturned(ProjectFacts):
    request_id: int
    reason: str


@events.event("approvals.used_before_acceptance")
@dataclass(frozen=True)
class UsedBeforeAcceptance(ProjectFacts):
    """R-ACC-06 (QZ 附件2 5(五)): works used before passing acceptance."""

    usage_id: int
    used_since: str
    industry_exception: bool
    exception_reason: str
