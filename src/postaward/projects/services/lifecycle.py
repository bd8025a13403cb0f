"""Lifecycle transitions: start, completion, acceptance, settlement,
funds, deposit, termination; and the by-name dispatcher of the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction

from postaward.core import clock, deadlines
from postaward.core.actor import Actor
from postaward.core.errors import NotFound
from postaward.core.writes import text

from .. import workflows
from ..choices import (
    DocumentCategory,
    ParticipantRole,
    SuspensionState,
)
from ..events import (
    DepositReturned,
    FundsPaid,
    ProjectAccepted,
    ProjectCompleted,
    ProjectTerminated,
    SettlementApproved,
    SettlementSubmitted,
    WorksStarted,
)
from ..models import (
    KeyPersonAssignment,
    Project,
    ProjectDocument,
    Suspension,
)
from .common import _amount, _check_day, _document, _facts, _fire, _lock, _synced
from .suspension import resume_works

# --- lifecycle transitions ---------------------------------------------------------------------------


def transition(*, actor: Actor, project: Project, name: str, **kwargs: Any) -> Project:
    """Dispatch a transition by name (the one dispatcher of the transition pages)."""
    handlers: dict[str, Callable[..., Project]] = {
        "start_works": start_works,
        "complete": complete_works,
        "accept": accept_works,
        "submit_settlement": submit_settlement,
        "approve_settlement": approve_settlement,
        "pay_funds": record_fund_payment,
        "return_deposit": return_deposit,
        "terminate": terminate_project,
        "resume": resume_works,
    }
    if name not in handlers:
        raise NotFound("没有该流转操作")
    return handlers[name](actor=actor, project=project, **kwargs)


def start_works(*, actor: Actor, project: Project, on: dt.date | None = None) -> Project:
    """开工 (R-PRJ-03): refused until the required information, contracts and key
    personnel are complete; the error lists exactly what is missing."""
    with transaction.atomic():
        p = _lock(project)
        day = on or clock.today()
        workflows.check(p, "start_works", actor)
        _check_day(
            day, field="on", label="开工日期", not_before=p.award_date, not_before_label="中标日期"
        )

        def evt(pr: Project) -> WorksStarted:
            parts = pr.participants.values_list("role", "organisation_id")
            return WorksStarted(
                **_facts(pr, actor),
                actual_start=day.isoformat(),
                is_small_works=pr.is_small_works,
                contractor_ids=[o for r, o in parts if r == ParticipantRole.CONTRACTOR],
                supervising_firm_ids=[o for r, o in parts if r == ParticipantRole.SUPERVISING_FIRM],
            )

        _fire(
            p,
            "start_works",
            actor,
            node_key="works_started",
            title="开工",
            detail=f"实际开工日期 {day:%Y-%m-%d}",
            event=evt,
            on=day,
        )
    return _synced(project, p)


def complete_works(*, actor: Actor, project: Project, on: dt.date | None = None) -> Project:
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "complete", actor)
        day = _check_day(
            on or clock.today(),
            field="on",
            label="完工日期",
            not_before=p.actual_start,
            not_before_label="开工日期",
        )
        _fire(
            p,
            "complete",
            actor,
            node_key="completed",
            title="完工",
            detail=f"实际完工日期 {day:%Y-%m-%d}",
            event=lambda pr: ProjectCompleted(
                **_facts(pr, actor),
                actual_completion=day.isoformat(),
                project_class=pr.project_class,
                contract_amount=str(pr.contract_amount),
            ),
            on=day,
        )
    return _synced(project, p)


def accept_works(
    *,
    actor: Actor,
    project: Project,
    on: dt.date | None = None,
    upload: Any = None,
    document: ProjectDocument | None = None,
    conclusion: str = "",
) -> Project:
    """竣工验收: the acceptance date (today by default) and the conclusion document."""
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "accept", actor)
        day = _check_day(
            on or clock.today(),
            field="on",
            label="验收日期",
            not_before=p.actual_completion,
            not_before_label="完工日期",
        )
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.ACCEPTANCE,
            title="竣工验收结论",
            upload=upload,
            document=document,
            field="document_id" if upload is None else "file",
        )
        assert doc is not None
        _fire(
            p,
            "accept",
            actor,
            node_key="accepted",
            title="竣工验收",
            detail=(conclusion or "").strip()[:1000] or f"验收日期 {day:%Y-%m-%d}",
            document=doc,
            event=lambda pr: ProjectAccepted(
                **_facts(pr, actor), accepted_on=day.isoformat(), document_id=doc.pk
            ),
            on=day,
        )
    return _synced(project, p)


def submit_settlement(
    *,
    actor: Actor,
    project: Project,
    on: dt.date,
    amount: Decimal,
    upload: Any = None,
    document: ProjectDocument | None = None,
) -> Project:
    """结算送审. R-PRJ-05: an uncovered project needs an approved data-completion
    application and the back-filled data first."""
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "submit_settlement", actor)
        day = _check_day(
            on,
            field="on",
            label="送审日期",
            not_before=p.accepted_on,
            not_before_label="竣工验收日期",
        )
        value = _amount(amount, field="amount", label="送审金额")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.SETTLEMENT,
            title="结算送审资料",
            upload=upload,
            document=document,
            required=False,
            field="document_id" if upload is None else "file",
        )
        _fire(
            p,
            "submit_settlement",
            actor,
            node_key="settlement_submitted",
            title="结算送审",
            detail=f"送审金额 {value:,.2f} 元",
            document=doc,
            event=lambda pr: SettlementSubmitted(
                **_facts(pr, actor), submitted_on=day.isoformat(), amount=str(value)
            ),
            on=day,
            amount=value,
        )
    return _synced(project, p)


def approve_settlement(
    *, actor: Actor, project: Project, on: dt.date, amount: Decimal, note: str = ""
) -> Project:
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "approve_settlement", actor)
        day = _check_day(
            on,
            field="on",
            label="审定日期",
            not_before=p.settlement_submitted_on,
            not_before_label="送审日期",
        )
        value = _amount(amount, field="amount", label="审定金额")
        _fire(
            p,
            "approve_settlement",
            actor,
            node_key="settled",
            title="结算审定",
            detail=f"审定金额 {value:,.2f} 元"
            + (f"；{note.strip()[:500]}" if note.strip() else ""),
            event=lambda pr: SettlementApproved(
                **_facts(pr, actor), settled_on=day.isoformat(), amount=str(value)
            ),
            on=day,
            amount=value,
        )
    return _synced(project, p)


def record_fund_payment(*, actor: Actor, project: Project, on: dt.date) -> Project:
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "pay_funds", actor)
        day = _check_day(
            on, field="on", label="拨付日期", not_before=p.settled_on, not_before_label="审定日期"
        )
        _fire(
            p,
            "pay_funds",
            actor,
            node_key="funds_paid",
            title="资金拨付",
            detail=f"拨付日期 {day:%Y-%m-%d}",
            event=lambda pr: FundsPaid(**_facts(pr, actor), paid_on=day.isoformat()),
            on=day,
        )
    return _synced(project, p)


def return_deposit(*, actor: Actor, project: Project, on: dt.date) -> Project:
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "return_deposit", actor)
        day = _check_day(
            on,
            field="on",
            label="退还日期",
            not_before=p.funds_paid_on,
            not_before_label="拨付日期",
        )
        _fire(
            p,
            "return_deposit",
            actor,
            node_key="deposit_returned",
            title="退还质保金",
            detail=f"退还日期 {day:%Y-%m-%d}",
            event=lambda pr: DepositReturned(**_facts(pr, actor), returned_on=day.isoformat()),
            on=day,
        )
    return _synced(project, p)


def terminate_project(
    *,
    actor: Actor,
    project: Project,
    reason: str,
    upload: Any = None,
    document: ProjectDocument | None = None,
    on: dt.date | None = None,
) -> Project:
    """R-PRJ-06 (SY 34): termination requires the owner's written reason report.
    Open suspensions end, key persons leave, open deadlines are cancelled."""
    with transaction.atomic():
        p = _lock(project)
        workflows.check(p, "terminate", actor)
        reason = text(reason, field="reason", label="终止原因", min_len=4, max_len=2000)
        day = _check_day(on or clock.today(), field="on", label="终止日期")
        doc = _document(
            actor=actor,
            project=p,
            category=DocumentCategory.TERMINATION_REPORT,
            title="终止建设书面报告",
            upload=upload,
            document=document,
            field="report_document_id" if upload is None else "report",
        )
        assert doc is not None
        previous = p.status
        now = clock.now()
        for s in Suspension.objects.select_for_update().filter(
            project=p, state__in=(SuspensionState.DECLARED, SuspensionState.CONFIRMED)
        ):
            s.state = (
                SuspensionState.ENDED
                if s.state == SuspensionState.CONFIRMED
                else SuspensionState.WITHDRAWN
            )
            s.ended_at = now if s.state == SuspensionState.ENDED else None
            s.resume_note = "项目终止"
            s.save()
        KeyPersonAssignment.objects.filter(project=p, ended_on__isnull=True).update(
            ended_on=day, end_reason="项目终止", updated_at=now
        )
        # The project's open clocks end with it.
        deadlines.cancel_for_project(p.pk, at=now)
        _fire(
            p,
            "terminate",
            actor,
            node_key="terminated",
            title="终止建设",
            detail=reason,
            document=doc,
            event=lambda pr: ProjectTerminated(
                **_facts(pr, actor),
                terminated_on=day.isoformat(),
                previous_status=previous,
                reason=reason,
                report_document_id=doc.pk,
            ),
            on=day,
            reason=reason,
        )
    return _synced(project, p)
