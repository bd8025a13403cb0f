"""Engineering changes (R-CHG-01, R-CHG-02, R-CHG-05).

Raised by the contractor (or the owner) before the changed work; reviewed by
the supervising firm; approved by the owner; a major design change also by the
development and reform commission. The change must be approved by the planned
day of the changed work (a deadline); one approved later is an after-the-fact
change. Hidden works already accepted may not be changed unless the owner
records an exception with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum

from postaward.core import clock, deadlines, events, legal_basis, steps
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import Deadline
from postaward.projects.choices import ACTIVE_STATES
from postaward.projects.models import Participant, Project

from .. import deadline_kinds as K
from .. import workflows
from ..choices import CALENDAR, ChangeCategory, ChangeState, DocumentKind
from ..events import (
    ChangeAfterTheFact,
    ChangeApproved,
    ChangeRaised,
    ChangeRejected,
    ContractThirdChange,
    PriceIncreaseWithExtension,
)
from ..models import ApprovalPolicy, EngineeringChange, HiddenWork
from .common import (
    created,
    done,
    drc_id,
    drc_to,
    facts,
    lock,
    logged,
    money,
    node,
    number,
    open_clock,
    owner_to,
    store,
    supervising_firm_id,
    supervisor_to,
    text,
    todo,
)

BASIS_BEFORE = "R-CHG-01（实施细则第二十七条(一)）"
BASIS_HIDDEN = "实施细则第二十七条(一)：隐蔽工程原则上不得变更"


def url(change: EngineeringChange) -> str:
    return f"/approvals/changes/{change.pk}/"


def is_major(
    policy: ApprovalPolicy, category: str, cost_delta: Decimal, declared: bool, contract: Any
) -> bool:
    """R-CHG-05: a design change is major when the raiser declares it (scale,
    standard or function change) or its cost reaches the office's thresholds."""
    if category != ChangeCategory.DESIGN:
        return False
    if declared or abs(cost_delta) >= policy.major_change_amount:
        return True
    if contract and contract > 0:
        return abs(cost_delta) * 100 / contract >= policy.major_change_ratio
    return False


def may_raise_change(actor: Actor, project: Project, participant: Participant) -> bool:
    """R-CHG-01: the owner, or the contractor of this contract, raises an
    engineering change. ``raise_change`` refuses by this predicate and the pages
    offer the action by it (issue 11 §5)."""
    probe = EngineeringChange(project=project, participant=participant)
    return actor.is_system or workflows.owner(probe, actor) or workflows.contractor(probe, actor)


def raise_change(
    *,
    actor: Actor,
    project: Project,
    participant: Participant,
    category: str,
    title: str,
    reason: str,
    scope: str,
    cost_delta: Any,
    days_delta: int,
    work_date: dt.date,
    declared_major: bool = False,
    hidden_works: list[HiddenWork] | tuple[HiddenWork, ...] = (),
    hidden_exception_reason: str = "",
    uploads: list[Any] | tuple[Any, ...] = (),
) -> EngineeringChange:
    if participant.project_id != project.pk:
        raise ValidationFailed("所选合同不属于本项目", field="participant_id")
    probe = EngineeringChange(project=project, participant=participant)
    by_owner = workflows.owner(probe, actor)
    if not may_raise_change(actor, project, participant):
        raise Forbidden("施工单位（本合同）或建设单位方可发起工程变更")
    if category not in ChangeCategory.values:
        raise ValidationFailed("变更类别不正确", field="category")
    title = text(title, field="title", label="变更事项", max_len=200)
    reason = text(reason, field="reason", label="变更原因", min_len=4)
    scope = text(scope, field="scope", label="变更内容", min_len=4)
    cost = money(cost_delta, field="cost_delta", label="费用增减")
    if not isinstance(days_delta, int) or abs(days_delta) > 3650:
        raise ValidationFailed("工期增减应为整数天（±3650 以内）", field="days_delta")
    if work_date is None:
        raise ValidationFailed("请填写变更工程计划实施日期", field="work_date")
    works = list(hidden_works)
    if any(w.project_id != project.pk for w in works):
        raise ValidationFailed("所选隐蔽工程不属于本项目", field="hidden_work_ids")
    accepted = [w for w in works if w.is_accepted]
    exception = (hidden_exception_reason or "").strip()
    if accepted:
        names = "、".join(f"{w.number}（{w.part_name}）" for w in accepted)
        if not (by_owner or actor.is_system):
            raise ValidationFailed(
                f"隐蔽工程{names}已验收，原则上不得变更；确需变更的，由建设单位填写例外理由后发起",
                field="hidden_work_ids",
                code="hidden_works_accepted",
                basis=BASIS_HIDDEN,
            )
        if len(exception) < 4:
            raise ValidationFailed(
                f"隐蔽工程{names}已验收，须填写例外理由（至少 4 个字）",
                field="hidden_exception_reason",
                code="hidden_works_accepted",
                basis=BASIS_HIDDEN,
            )
    policy = ApprovalPolicy.current()
    major = is_major(policy, category, cost, declared_major, participant.contract_amount)
    today = clock.today()
    with transaction.atomic():
        p = lock(project)
        if p.status not in ACTIVE_STATES:
            raise Conflict(f"项目当前状态为“{p.get_status_display()}”，不能发起工程变更")
        change = EngineeringChange.objects.create(
            project=p,
            participant=participant,
            number=number("BG", p, EngineeringChange),
            category=category,
            title=title,
            reason=reason,
            scope=scope,
            cost_delta=cost,
            days_delta=days_delta,
            work_date=work_date,
            declared_major=bool(declared_major),
            is_major=major,
            hidden_exception_reason=exception if accepted else "",
            raised_by_owner=by_owner,
            raised_at=clock.now(),
            raised_by_name=actor.display_name[:100],
            raised_by_org=actor.org_name[:200],
        )
        if works:
            change.hidden_works.set(works)
        for upload in uploads:
            store(
                actor=actor,
                obj=change,
                kind=DocumentKind.CHANGE_BASIS,
                title="变更依据",
                upload=upload,
            )
        note = "；".join(
            x
            for x in (
                f"重大设计变更，须报发改部门批准（{legal_basis.cite('R-CHG-05')}）"
                if major
                else "",
                f"涉及已验收隐蔽工程，例外理由：{exception}" if accepted else "",
                "变更工程计划实施日期已到或已过，批准后将记为事后变更"
                if work_date <= today
                else "",
            )
            if x
        )
        created(change, actor, "raise_change", "发起变更", note)
        due = None
        if work_date >= today:
            dl = open_clock(
                change,
                K.CHANGE_BEFORE_WORK,
                length=(work_date - today).days,
                unit=CALENDAR,
                organisation_id=supervising_firm_id(p),
                roll=False,  # before the work on that date, whatever the day
            )
            due = dl.due_at
        todo(
            change,
            "supervisor",
            title=f"审核工程变更：{change.title}（{p.name}）",
            **supervisor_to(p),
            url=url(change),
            basis=BASIS_BEFORE,
            due_at=due,
        )
        node(p, "change", f"发起工程变更 {change.number}：{title}", actor, detail=note)
        events.publish(
            ChangeRaised(
                **facts(p, actor),
                change_id=change.pk,
                participant_id=participant.pk,
                cost_delta=str(cost),
                days_delta=days_delta,
                work_date=work_date.isoformat(),
                is_major=major,
                touches_accepted_hidden_works=bool(accepted),
            )
        )
    return change


def _write(step: Any, change: EngineeringChange, actor: Actor) -> Any:
    """The step's audited write on the change (``core.steps.write``: the
    registry's check on the locked row, the transition fired), the project
    locked first as every change write does."""
    lock(change.project)
    return steps.write(step, change, actor, project_id=change.project_id)


def _due(change: EngineeringChange) -> dt.datetime | None:
    d = Deadline.objects.filter(
        kind=K.CHANGE_BEFORE_WORK.kind,
        subject_type="approvals.engineeringchange",
        subject_id=str(change.pk),
        state=Deadline.State.OPEN,
    ).first()
    return d.due_at if d else None


def review_change(
    *, actor: Actor, change: EngineeringChange, opinion: str = ""
) -> EngineeringChange:
    """The supervising firm reviews, before the owner (SY 23; R-CHG-06)."""
    from ..steps_changes import REVIEW

    with transaction.atomic(), _write(REVIEW, change, actor) as w:
        c = w.obj
        logged(c, actor, "review_by_supervisor", opinion.strip()[:2000])
        done(c, "supervisor")
        deadlines.reassign_deadline(
            kind=K.CHANGE_BEFORE_WORK.kind, subject=c, organisation_id=c.project.owner_id
        )
        todo(
            c,
            "owner",
            title=f"审批工程变更：{c.title}（{c.project.name}）",
            **owner_to(c.project),
            url=url(c),
            basis=BASIS_BEFORE,
            due_at=_due(c),
        )
    change.refresh_from_db()
    return c


def approve_change(
    *, actor: Actor, change: EngineeringChange, opinion: str = ""
) -> EngineeringChange:
    """The owner approves; a major design change goes on to the DRC (R-CHG-05)."""
    from ..steps_changes import APPROVE

    with transaction.atomic(), _write(APPROVE, change, actor) as w:
        c = w.obj
        c.approve_by_owner()  # approved, or on to the DRC for a major design change
        logged(c, actor, "approve_by_owner", opinion.strip()[:2000])
        done(c, "owner")
        if c.state == ChangeState.OWNER_APPROVED:
            org = drc_id(c.project)
            deadlines.reassign_deadline(
                kind=K.CHANGE_BEFORE_WORK.kind, subject=c, organisation_id=org
            )
            todo(
                c,
                "drc",
                title=f"审批重大设计变更：{c.title}（{c.project.name}）",
                **drc_to(c.project),
                url=url(c),
                basis="R-CHG-05（衢州细则第二条(四)：重大设计变更审批）",
                due_at=_due(c),
            )
        else:
            _approved(c, actor)
    change.refresh_from_db()
    return c


def approve_change_by_drc(
    *, actor: Actor, change: EngineeringChange, opinion: str = ""
) -> EngineeringChange:
    from ..steps_changes import APPROVE_DRC

    with transaction.atomic(), _write(APPROVE_DRC, change, actor) as w:
        c = w.obj
        logged(c, actor, "approve_by_drc", opinion.strip()[:2000])
        done(c, "drc")
        _approved(c, actor)
    change.refresh_from_db()
    return c


def _approved(c: EngineeringChange, actor: Actor) -> None:
    now = clock.now()
    day = clock.local_date(now)
    c.approved_at = now
    c.after_the_fact = c.work_date < day
    # the state too: the contract's history below counts the approved changes
    c.save(update_fields=["state", "approved_at", "after_the_fact"])
    deadlines.close_deadline(kind=K.CHANGE_BEFORE_WORK.kind, subject=c)
    history = EngineeringChange.objects.filter(
        participant_id=c.participant_id, state=ChangeState.APPROVED
    ).aggregate(n=Count("pk"), cost=Sum("cost_delta"), days=Sum("days_delta"))
    count = history["n"] or 0
    cost = Decimal(history["cost"] or 0).quantize(Decimal("0.01"))
    days = history["days"] or 0
    p = c.project
    base = {
        **facts(p, actor),
        "change_id": c.pk,
        "participant_id": c.participant_id,
        "organisation_id": c.participant.organisation_id,
    }
    events.publish(
        ChangeApproved(
            **base,
            cost_delta=str(c.cost_delta),
            days_delta=c.days_delta,
            work_date=c.work_date.isoformat(),
            approved_at=now.isoformat(),
            is_major=c.is_major,
            after_the_fact=c.after_the_fact,
            approved_count=count,
            cumulative_cost=str(cost),
            cumulative_days=days,
        )
    )
    detail = f"费用 {c.cost_delta:+,.2f} 元，工期 {c.days_delta:+d} 天；本合同累计 {count} 次变更"
    if c.after_the_fact:
        late = (day - c.work_date).days
        events.publish(
            ChangeAfterTheFact(
                **base,
                work_date=c.work_date.isoformat(),
                approved_at=now.isoformat(),
                days_late=late,
            )
        )
        detail += f"；事后变更（计划实施日期 {c.work_date:%Y-%m-%d}，批准晚 {late} 天）"
    if count == 3:
        events.publish(
            ContractThirdChange(
                **base, approved_count=count, cumulative_cost=str(cost), cumulative_days=days
            )
        )
    if c.cost_delta > 0 and c.days_delta > 0:
        events.publish(
            PriceIncreaseWithExtension(
                **base, cost_delta=str(c.cost_delta), days_delta=c.days_delta
            )
        )
    node(p, "change", f"工程变更 {c.number} 批准", actor, detail=detail)


def reject_change(*, actor: Actor, change: EngineeringChange, note: str) -> EngineeringChange:
    from ..steps_changes import REJECT_CHANGE

    with transaction.atomic(), _write(REJECT_CHANGE, change, actor) as w:
        c = w.obj
        note = text(note, field="note", label="不通过的理由", min_len=2, max_len=2000)
        stage = ChangeState(w.before["state"]).label  # the step it was refused at
        c.decision_note = note
        logged(c, actor, "reject", note)
        deadlines.close_deadline(
            kind=K.CHANGE_BEFORE_WORK.kind, subject=c, state=Deadline.State.CANCELLED
        )
        done(c)
        node(c.project, "change", f"工程变更 {c.number} 未通过（{stage}）", actor, detail=note)
        events.publish(
            ChangeRejected(**facts(c.project, actor), change_id=c.pk, stage=stage, note=note)
        )
    change.refresh_from_db()
    return c


def withdraw_change(*, actor: Actor, change: EngineeringChange) -> EngineeringChange:
    from ..steps_changes import WITHDRAW_CHANGE

    with transaction.atomic(), _write(WITHDRAW_CHANGE, change, actor) as w:
        c = w.obj
        logged(c, actor, "withdraw")
        deadlines.close_deadline(
            kind=K.CHANGE_BEFORE_WORK.kind, subject=c, state=Deadline.State.CANCELLED
        )
        done(c, cancelled=True)
    change.refresh_from_db()
    return c


# --- the contract's change history -------------------------------------------------------------


@dataclass
class HistoryRow:
    change: EngineeringChange
    cumulative_cost: Decimal
    cumulative_days: int
    ratio: float | None  # cumulative cost / contract amount


def contract_history(participant: Participant) -> dict[str, Any]:
    """Approved changes of one contract in order, with cumulative amount and
    days; the red flags (third change, price increase with extension)."""
    rows: list[HistoryRow] = []
    cost = Decimal("0")
    days = 0
    contract = participant.contract_amount
    approved = EngineeringChange.objects.filter(
        participant=participant, state=ChangeState.APPROVED
    ).order_by("approved_at", "pk")
    for c in approved:
        cost += c.cost_delta
        days += c.days_delta
        rows.append(
            HistoryRow(c, cost, days, float(cost / contract) if contract and contract > 0 else None)
        )
    pending = list(
        EngineeringChange.objects.filter(participant=participant).exclude(
            state=ChangeState.APPROVED
        )
    )
    return {
        "participant": participant,
        "rows": rows,
        "pending": pending,
        "count": len(rows),
        "cumulative_cost": cost,
        "cumulative_days": days,
        "ratio": float(cost / contract) if contract and contract > 0 else None,
        "third_change": len(rows) >= 3,
        "price_with_extension": [
            r.change for r in rows if r.change.cost_delta > 0 and r.change.days_delta > 0
        ],
        "after_the_fact": [r.change for r in rows if r.change.after_the_fact],
    }
