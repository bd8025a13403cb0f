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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django_fsm import transition

from postaward.core.actor import Actor

from .choices import AlertState
from .levels import level_of_kind, may_act_at

if TYPE_CHECKING:  # pragma: no cover
    from .models import Alert

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
