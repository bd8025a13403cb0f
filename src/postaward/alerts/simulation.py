"""Alerts in the simulated district (``postaward simulate --days N``).

Each simulated day, after the other capabilities' activities:

- the sweep runs what the scheduled tasks run: the deadline sweep (missed
  deadlines become alerts, overdue disposals escalate), the data indicators,
  the priorities;
- handling units dispose most of their alerts on time (about 60 % of the open
  ones on any day, so most within a few working days), leave some to run late
  (they escalate one level up), reviewers close most disposals and send about
  one in seven back;
- the office takes a few serious confirmed alerts up as suspected issues,
  verifies them, and transfers those involving public officials to discipline
  inspection, which signs for them and feeds the result back.

Everything goes through the services, with the accounts of the units that act.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any

from postaward.core import simulation as simulate
from postaward.core.actor import Actor
from postaward.core.errors import DomainError
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, User

from . import services
from .choices import OPEN_STATES, AlertState, Finding, IssueState, Recipient, TransferState
from .levels import ACTING_ROLES, level_of_kind
from .models import Alert, ClueTransfer, SuspectedIssue

DISPOSALS = [
    "已约谈相关责任人，责令限期整改，整改情况已复核",
    "经现场核实，已督促施工单位补齐人员并加强考勤管理",
    "已按合同约定扣减履约保证金，并纳入信用记录",
    "已组织相关单位召开专题会议，明确整改措施和时限",
]
DISMISSALS = [
    "经核实系设备定位偏差导致，已补充说明材料，不属实",
    "经核查，相关人员当日已办理请假手续，属系统数据延迟",
]
RETURNS = ["整改佐证材料不全，请补充现场照片", "处置措施不具体，请说明约谈对象和整改时限"]


def _actor_of(
    org: Organisation, cache: dict[int, Actor | None], roles: frozenset[str] = ACTING_ROLES
) -> Actor | None:
    if org.pk not in cache:
        user = (
            User.objects.filter(organisation=org, is_active=True, role_grants__role__in=list(roles))
            .select_related("organisation", "person")
            .order_by("id")
            .first()
        )
        cache[org.pk] = actor_for(user) if user else None
    return cache[org.pk]


def _same_level_actor(org: Organisation, cache: dict[int, Actor | None]) -> Actor | None:
    """The unit's own account, or its superior at the same level (a superior
    unit acts for a line without accounts, R-ORG-02)."""
    level = level_of_kind(org.kind)
    node: Organisation | None = org
    while node is not None and level_of_kind(node.kind) == level:
        actor = _actor_of(node, cache)
        if actor is not None:
            return actor
        node = node.parent
    return None


def _leader_of(alert: Alert) -> Actor | None:
    """An owner without an administrator account acts through the project's leader."""
    p = alert.project
    if p is None or not p.owner_leader_id or p.owner_id != alert.handling_org_id:
        return None
    user = (
        User.objects.filter(person_id=p.owner_leader_id, is_active=True)
        .select_related("organisation", "person")
        .first()
    )
    return actor_for(user) if user else None


def _reviewer(alert: Alert, cache: dict[int, Actor | None]) -> Actor | None:
    return _same_level_actor(alert.review_org, cache)


@simulate.sweep(order=90)
def alerts_sweep(sim: simulate.SimDay) -> None:
    from postaward.core import deadlines, events

    deadlines.sweep()
    events.dispatch_pending(limit=100_000)
    services.run_data_indicators(sim.day)
    services.refresh_priorities()


@simulate.daily(order=95)
def handle_alerts(sim: simulate.SimDay) -> None:
    rng: random.Random = sim.rng
    cache: dict[int, Actor | None] = {}
    for alert in Alert.objects.filter(state__in=list(OPEN_STATES)).select_related(
        "handling_org", "project", "indicator"
    ):
        if rng.random() > 0.7:
            continue  # not today: some of these will run late and escalate
        actor = _same_level_actor(alert.handling_org, cache) or _leader_of(alert)
        if actor is None:
            continue
        confirmed = rng.random() < 0.8
        _try(
            services.dispose_alert,
            actor=actor,
            alert=alert,
            finding=Finding.CONFIRMED if confirmed else Finding.DISMISSED,
            note=rng.choice(DISPOSALS if confirmed else DISMISSALS),
        )
    for alert in Alert.objects.filter(state=AlertState.DISPOSED).select_related(
        "review_org__parent", "handling_org"
    ):
        if rng.random() > 0.7:
            continue
        reviewer = _reviewer(alert, cache)
        if reviewer is None:
            continue
        if rng.random() < 0.15:
            _try(
                services.review_alert,
                actor=reviewer,
                alert=alert,
                decision="send_back",
                note=rng.choice(RETURNS),
            )
        else:
            _try(
                services.review_alert,
                actor=reviewer,
                alert=alert,
                decision="close",
                note="同意办结",
            )
    _issues(rng, cache)


def _issues(rng: random.Random, cache: dict[int, Actor | None]) -> None:
    office = Organisation.objects.filter(
        kind=OrgKind.SUPERVISION_OFFICE, parent__isnull=True
    ).first()
    office_actor = _actor_of(office, cache) if office else None
    if office_actor is None:
        return
    for alert in Alert.objects.filter(
        state=AlertState.CLOSED, finding=Finding.CONFIRMED, severity__gte=3, issue__isnull=True
    ).order_by("-priority")[:3]:
        if rng.random() < 0.1:
            _try(
                services.create_issue,
                actor=office_actor,
                alert_ids=[alert.pk],
                title=f"疑似问题：{alert.title}"[:200],
                description=alert.explanation,
                involves_public_official=rng.random() < 0.5,
                suspected_crime=rng.random() < 0.2,
            )
    for issue in SuspectedIssue.objects.filter(state=IssueState.VERIFYING):
        if rng.random() < 0.3:
            _try(
                services.verify_issue,
                actor=office_actor,
                issue=issue,
                verified=rng.random() < 0.7,
                findings="经调取考勤、合同和现场记录核实，情况属实"
                if rng.random() < 0.7
                else "经核实，相关情况已有合理解释",
            )
    for issue in SuspectedIssue.objects.filter(state=IssueState.VERIFIED):
        recipient = (
            Recipient.DISCIPLINE
            if issue.involves_public_official or issue.involves_party_member
            else Recipient.PUBLIC_SECURITY
            if issue.suspected_crime
            else None
        )
        orgs = services.recipient_orgs(office_actor, recipient) if recipient else []
        if orgs and rng.random() < 0.5:
            _try(
                services.transfer_clue,
                actor=office_actor,
                issue=issue,
                recipient=recipient,
                recipient_org=orgs[0],
                document_number=f"清监移〔{issue.created_at:%Y}〕{issue.pk}号",
                reason="核实属实，涉及公职人员履职问题，依规移送"
                if recipient == Recipient.DISCIPLINE
                else "核实属实，涉嫌犯罪，依法移送",
            )
    for t in ClueTransfer.objects.exclude(state=TransferState.CONCLUDED).select_related(
        "recipient_org"
    ):
        actor = _actor_of(t.recipient_org, cache, services.RECEIVER_ROLES)
        if actor is None or rng.random() > 0.4:
            continue
        if t.state == TransferState.SENT:
            _try(
                services.receive_transfer,
                actor=actor,
                transfer=t,
                receipt_number=f"收〔{t.sent_at:%Y}〕{t.pk}号",
            )
        else:
            _try(
                services.feed_back_transfer,
                actor=actor,
                transfer=t,
                result="已初核并立案审查，处理结果已函告监管办",
            )


def _try(fn: Any, **kw: Any) -> None:
    # A step the rules refuse today is simply not taken.
    with contextlib.suppress(DomainError):
        fn(**kw)
