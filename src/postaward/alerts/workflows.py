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

Permissions are predicates of the alert and the acting ``Actor``; services
check them (``check``) before firing a transition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django_fsm import transition

from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden

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
        permission=may_dispose,  # type: ignore[arg-type]
    )
    def dispose(self) -> None:
        """处置反馈"""

    @transition(field="state", source=S.DISPOSED, target=S.CLOSED, permission=may_review)  # type: ignore[arg-type]
    def close(self) -> None:
        """审核办结"""

    @transition(field="state", source=S.DISPOSED, target=S.RETURNED, permission=may_review)  # type: ignore[arg-type]
    def send_back(self) -> None:
        """审核退回"""

    @transition(
        field="state",
        source=[S.PENDING, S.RETURNED],
        target=S.PENDING,
        permission=system_only,  # type: ignore[arg-type]
    )
    def escalate(self) -> None:
        """超期升级"""

    @transition(field="state", source=S.CLOSED, target=S.PENDING, permission=may_reopen)  # type: ignore[arg-type]
    def reopen(self) -> None:
        """重新打开"""

    @transition(
        field="state",
        source=[S.PENDING, S.RETURNED, S.DISPOSED],
        target=S.CLOSED,
    )
    def take_up_as_issue(self) -> None:
        """转疑似问题 (who may: ``services.may_create_issue``)"""

    @transition(
        field="state",
        source=[S.PENDING, S.RETURNED, S.DISPOSED],
        target=S.CLOSED,
        permission=system_only,  # type: ignore[arg-type]
    )
    def withdraw(self) -> None:
        """撤销: the facts behind the alert were corrected at their source
        (a suspension confirmed late re-closed the absent days, SY 35)."""


LABELS = {
    "dispose": "处置反馈",
    "close": "审核办结",
    "send_back": "审核退回",
    "escalate": "超期升级",
    "reopen": "重新打开",
    "take_up_as_issue": "转疑似问题",
    "withdraw": "撤销预警",
}
WHO = {
    "dispose": "处置单位",
    "close": "上一级审核单位",
    "send_back": "上一级审核单位",
    "escalate": "平台",
    "reopen": "审核单位或领导小组（监管办）",
    "take_up_as_issue": "审核单位或领导小组（监管办）",
    "withdraw": "平台",
}


def _meta(alert: Any, name: str) -> Any:
    return getattr(type(alert), name)._django_fsm


def may(alert: Alert, name: str, actor: Actor) -> bool:
    meta = _meta(alert, name)
    tr = meta.get_transition(alert.state)
    return tr is not None and bool(tr.has_perm(alert, actor))


def check(alert: Alert, name: str, actor: Actor) -> None:
    """403 for the role, 409 for the state."""
    meta = _meta(alert, name)
    tr = meta.get_transition(alert.state) or next(iter(meta.transitions.values()))
    if not tr.has_perm(alert, actor):
        raise Forbidden(f"{WHO[name]}方可{LABELS[name]}")
    if not meta.has_transition(alert.state):
        raise Conflict(
            f"预警当前状态为“{alert.get_state_display()}”，不能{LABELS[name]}",
            code="invalid_state",
        )


def available(alert: Alert, actor: Actor) -> list[str]:
    return [n for n in ("dispose", "close", "send_back", "reopen") if may(alert, n, actor)]
