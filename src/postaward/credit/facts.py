"""The platform facts a scoring rule item can name as its trigger (R-SCO-01,
R-ATT-09; ADR 0631).

Each fact is published by the capability that owns it (apps publish facts;
the rule's owner decides): the credit capability subscribes to the events and
turns each into ``Fact`` rows, one per subject it concerns; the scoring engine
(``scoring.score_fact``) applies every effective rule item whose ``trigger`` is
the fact's code. Events of sibling capabilities (complaints, cases,
inspections) are taken by name and never imported (pyproject layers).

``FACTS`` is the catalogue the rule editor offers (code → Chinese label and the
event it comes from); ``extract`` (in ``scoring``) turns an event's payload into
facts. A fact names its subject by organisation or person; the subject kind
(contractor, supervising firm, owner …) is the organisation's role on the
project, decided by the engine from the project's participants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FactKind:
    code: str
    label: str
    event: str  # the domain event's name it comes from
    withdrawn_by: str = ""  # the event that withdraws it, if any


@dataclass(frozen=True)
class Fact:
    """One occurrence of a fact concerning one subject."""

    code: str
    key: str  # stable per occurrence: the same event re-dispatched gives the same key
    occurred_on: dt.date
    summary: str  # Chinese: what happened, for the score event's 事由
    org_id: int | None = None
    person_id: int | None = None
    project_id: int | None = None
    link: str = ""
    details: dict[str, Any] = field(default_factory=dict)


FACTS: dict[str, FactKind] = {
    f.code: f
    for f in (
        FactKind(
            "attendance.cheat_confirmed",
            "考勤作弊经建设单位确认",
            "attendance.cheat_confirmed",
        ),
        FactKind(
            "attendance.absence_streak",
            "关键岗位人员连续2天以上未考勤",
            "attendance.absence_streak",
            withdrawn_by="attendance.consequence_withdrawn",
        ),
        FactKind(
            "attendance.monthly_rate_low",
            "关键岗位人员月考勤率不足80%",
            "attendance.monthly_rate",
        ),
        FactKind(
            "attendance.patrol_overdue",
            "建设单位项目负责人7日内未有效巡查",
            "attendance.patrol_overdue",
        ),
        FactKind(
            "approvals.change_after_the_fact",
            "先施工后变更（变更未批先做）",
            "approvals.change_after_the_fact",
        ),
        FactKind(
            "approvals.rectification_overdue",
            "监理通知单逾期未回复",
            "approvals.rectification_overdue",
        ),
        FactKind(
            "approvals.rectification_refused",
            "拒不按监理通知单整改",
            "approvals.rectification_refused",
        ),
        FactKind(
            "approvals.used_before_acceptance",
            "未经验收擅自投入使用",
            "approvals.used_before_acceptance",
        ),
        FactKind(
            "approvals.personnel_change_penalty",
            "关键岗位人员擅自变更（按合同处罚）",
            "approvals.personnel_change_completed",
        ),
        FactKind(
            "approvals.acceptance_late",
            "验收或结算未在规定期限内完成",
            "deadline.missed",
        ),
        FactKind(
            "complaints.verified",
            "投诉举报经查属实",
            "complaints.verified",
        ),
        FactKind(
            "inspections.finding",
            "双随机检查发现问题",
            "inspections.finding_recorded",
        ),
        FactKind(
            "credit.sanction",
            "受到处理措施（约谈、通报批评、解除合同、停业整顿等）",
            "credit.sanction_recorded",
            withdrawn_by="credit.sanction_revoked",
        ),
        FactKind(
            "cases.penalty_decided",
            "受到行政处罚（处理）决定",
            "cases.penalty_decided",
        ),
        FactKind(
            "accountability.decided",
            "单位人员受到通报及以上问责处理",
            "accountability.decided",
        ),
    )
}


def label(code: str) -> str:
    """The Chinese label of a fact code (``manual``: 人工录入)."""
    if code == "manual":
        return "人工录入（附证据）"
    kind = FACTS.get(code)
    return kind.label if kind else code
