"""The alert's state machine (django-fsm-2), declared:

    pending ──dispose──▶ disposed ──close──▶ closed ──reopen──▶ pending
       ▲  │                  │
       │  └─escalate─┐       └──send_back──▶ returned ──dispose──▶ disposed
       └─────────────┘                          │
                                                └──escalate──▶ pending (one level up)

- ``dispose``: the handling organisation records what it did, with evidence
  (before the disposal deadline, or late: the step says so);
- ``close`` / ``send_back``: the reviewing organisation (the level above);
- ``escalate``: the platform, when the disposal deadline runs out (R-ORG-02);
- ``reopen``: the reviewing level or the leading group, with a reason (audited).

The machine declares the states only. Who may take each step, its guards,
input, service and legal basis are declared once in ``steps.py`` (ADR 0060),
which uses the predicates below; ``core.steps.check`` is the only check.
The predicates of suspected issues, clue transfers and indicator settings
live here too: they are the only permission rules of the alerts app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django_fsm import transition

from postaward.core.actor import Actor
from postaward.orgs.choices import OrgKind, Role

from .choices import AlertState
from .levels import ACTING_ROLES, level_of_kind, may_act_at

if TYPE_CHECKING:  # pragma: no cover
    from postaward.orgs.models import Organisation

    from .models import Alert, ClueTransfer, SuspectedIssue

S = AlertState


def may_dispose(alert: Alert, actor: Actor) -> bool:
    return may_act_at(actor, alert.level, alert.handling_org, alert.project)


def may_review(alert: Alert, actor: Actor) -> bool:
    from .levels import level_above

    review_level = level_above(alert.level) or alert.level
    if alert.review_org_id == alert.handling_org_id:
        review_level = alert.level
    else:
        review_level = level_of_kind(alert.review_org.kind) or review_level
    return may_act_at(actor, review_level, alert.review_org)


def may_reopen(alert: Alert, actor: Actor) -> bool:
    return may_review(alert, actor) or (
        level_of_kind(actor.org_kind) == "leading_group"
        and may_act_at(actor, "leading_group", alert.review_org)
    )


def system_only(alert: Alert, actor: Actor) -> bool:
    return actor.is_system


# --- suspected issues and clue transfers (R-ALR-03, R-ALR-06) -----------------------------------------

ISSUE_LEVELS = ("leading_group", "industry_authority")


def may_create_issue(alert: Alert | None, actor: Actor) -> bool:
    """The leading group (office) or an industry authority takes alerts up as a
    suspected issue (``steps.TAKE_UP_AS_ISSUE``; any alert it sees)."""
    return actor.is_system or (
        level_of_kind(actor.org_kind) in ISSUE_LEVELS and bool(actor.roles & ACTING_ROLES)
    )


def acts_for(actor: Actor, org: Organisation) -> bool:
    """The actor acts for ``org``'s level in its subtree (an issue's registering
    organisation)."""
    if actor.is_system:
        return True
    return (
        bool(actor.org_path)
        and org.path.startswith(actor.org_path)
        and bool(actor.roles & ACTING_ROLES)
        and level_of_kind(actor.org_kind) == level_of_kind(org.kind)
    )


def may_verify_issue(issue: SuspectedIssue, actor: Actor) -> bool:
    """The organisation that registered the issue records the verification."""
    return acts_for(actor, issue.organisation)


def may_transfer_clue(issue: SuspectedIssue, actor: Actor) -> bool:
    """The registering organisation or the leading group transfers the clue."""
    return acts_for(actor, issue.organisation) or (
        level_of_kind(actor.org_kind) == "leading_group" and bool(actor.roles & ACTING_ROLES)
    )


RECEIVER_ROLES = frozenset(
    {Role.ADMIN, Role.UNIT_LEADER, Role.DISCIPLINE_INSPECTOR, Role.POLICE_OFFICER}
)


def is_receiver(t: ClueTransfer, actor: Actor) -> bool:
    """The recipient organisation (discipline inspection / public security)
    itself, not a body above it in the tree (``steps.RECEIVE``, ``FEED_BACK``)."""
    if actor.is_system:
        return True
    return (
        bool(actor.org_path)
        and actor.org_kind == t.recipient_org.kind
        and t.recipient_org.path.startswith(actor.org_path)
        and bool(actor.roles & RECEIVER_ROLES)
    )


# --- indicator settings (R-ALR-01) --------------------------------------------------------------------


def may_configure(actor: Actor) -> bool:
    """The supervision office's admins and staff set the indicators."""
    return actor.is_system or (
        actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and bool(actor.roles & {Role.ADMIN, Role.OFFICE_STAFF})
    )


class AlertWorkflow(models.Model):
    class Meta:
        abstract = True

    @transition(
        field="state",
        source=[S.PENDING, S.RETURNED],
        target=S.DISPOSED,
    )
    def dispose(self) -> None:
        """处置反馈"""

    @transition(field="state", source=S.DISPOSED, target=S.CLOSED)
    def close(self) -> None:
        """审核办结"""

    @transition(field="state", source=S.DISPOSED, target=S.RETURNED)
    def send_back(self) -> None:
        """审核退回"""

    @transition(
        field="state",
        source=[S.PENDING, S.RETURNED],
        target=S.PENDING,
    )
    def escalate(self) -> None:
        """超期升级"""

    @transition(field="state", source=S.CLOSED, target=S.PENDING)
    def reopen(self) -> None:
        """重新打开"""

    @transition(
        field="state",
        source=[S.PENDING, S.RETURNED, S.DISPOSED],
        target=S.CLOSED,
    )
    def take_up_as_issue(self) -> None:
        """转疑似问题"""

    @transition(
        field="state",
        source=[S.PENDING, S.RETURNED, S.DISPOSED],
        target=S.CLOSED,
    )
    def withdraw(self) -> None:
        """撤销: the facts behind the alert were corrected at their source
        (a suspension confirmed late re-closed the absent days, SY 35)."""
