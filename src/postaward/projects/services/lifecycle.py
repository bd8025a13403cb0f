"""Lifecycle steps: preparation, start, completion, acceptance, settlement,
funds, deposit, termination.

Each takes its step of ``projects.project`` (``projects/steps.py``) through
``core.steps.write``: the row locked, the step checked on it (who, state,
requirements), the transition fired; the service then sets the dates and
amounts, adds the archive node and publishes the event (ADR 0065).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from postaward.core import clock, deadlines, steps
from postaward.core.actor import Actor
from postaward.core.errors import ValidationFailed
from postaward.core.writes import text

from .. import steps as project_steps
from ..choices import (
    DocumentCategory,
    ParticipantRole,
    SettlementRoute,
    SuspensionState,
)
from ..events import (
    DepositReturned,
    FundsPaid,
    ProjectAccepted,
    ProjectCompleted,
    ProjectTerminated,
    SettlementApproved,
    SettlementSelfEntrusted,
    SettlementSubmitted,
    WorksStarted,
)
from ..models import (
    KeyPersonAssignment,
    Project,
    ProjectDocument,
    Suspension,
)
from .common import _amount, _check_day, _document, _facts, _synced, node

# --- lifecycle steps ----------------------------------------------------------------------------------


def _done(
    w: Any, actor: Actor, key: str, title: str, detail: str = "", document: Any = None
) -> None:
    """After the step's change: the archive node, the row's time."""
    w.obj.updated_at = clock.now()
    node(w.obj, key, title, actor=actor, detail=detail, document=document)


def begin_preparation(*, actor: Actor, project: Project) -> Project:
    """进入开工准备 (R-ORG-03): taken by the platform's assignment of the project
    leader, in the caller's transaction."""
    with steps.write(project_steps.BEGIN_PREPARATION, project, actor) as w:
        _done(w, actor, "preparing", "进入开工准备")
    return _synced(project, w.obj)


def start_works(*, actor: Actor, project: Project, on: dt.date | None = None) -> Project:
    """开工 (R-PRJ-03): refused until the required information, contracts and key
    personnel are complete; the error lists exactly what is missing."""
    with steps.write(project_steps.START_WORKS, project, actor) as w:
        p = w.obj
        day = _check_day(
            on or clock.today(),
            field="on",
            label="开工日期",
            not_before=p.award_date,
            not_before_label="中标日期",
        )
        p.actual_start = day
        _done(w, actor, "works_started", "开工", f"实际开工日期 {day:%Y-%m-%d}")
        parts = p.participants.values_list("role", "organisation_id")
        w.publish(
            WorksStarted(
                **_facts(p, actor),
                actual_start=day.isoformat(),
                is_small_works=p.is_small_works,
                contractor_ids=[o for r, o in parts if r == ParticipantRole.CONTRACTOR],
                supervising_firm_ids=[o for r, o in parts if r == ParticipantRole.SUPERVISING_FIRM],
            )
        )
    return _synced(project, w.obj)


def complete_works(*, actor: Actor, project: Project, on: dt.date | None = None) -> Project:
    with steps.write(project_steps.COMPLETE, project, actor) as w:
        p = w.obj
        day = _check_day(
            on or clock.today(),
            field="on",
            label="完工日期",
            not_before=p.actual_start,
            not_before_label="开工日期",
        )
        p.actual_completion = day
        _done(w, actor, "completed", "完工", f"实际完工日期 {day:%Y-%m-%d}")
        w.publish(
            ProjectCompleted(
                **_facts(p, actor),
                actual_completion=day.isoformat(),
                project_class=p.project_class,
                contract_amount=str(p.contract_amount),
            )
        )
    return _synced(project, w.obj)


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
    with steps.write(project_steps.ACCEPT, project, actor) as w:
        p = w.obj
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
        p.accepted_on = day
        detail = (conclusion or "").strip()[:1000] or f"验收日期 {day:%Y-%m-%d}"
        _done(w, actor, "accepted", "竣工验收", detail, doc)
        w.publish(
            ProjectAccepted(**_facts(p, actor), accepted_on=day.isoformat(), document_id=doc.pk)
        )
    return _synced(project, w.obj)


def submit_settlement(
    *,
    actor: Actor,
    project: Project,
    on: dt.date | None,
    amount: Any,
    route: str | None = None,
    intermediary: str = "",
    entrustment_approved: bool | None = None,
    entrustment_ref: str = "",
    upload: Any = None,
    document: ProjectDocument | None = None,
) -> Project:
    """结算送审. R-PRJ-05: an uncovered project needs an approved data-completion
    application and the back-filled data first. R-SET-02 (ADR 0807): the
    submission names who reviews it; an intermediary entrusted without the
    review centre's or audit department's consent publishes
    ``projects.settlement_self_entrusted``."""
    with steps.write(project_steps.SUBMIT_SETTLEMENT, project, actor) as w:
        p = w.obj
        day = _check_day(
            on,
            field="on",
            label="送审日期",
            not_before=p.accepted_on,
            not_before_label="竣工验收日期",
        )
        value = _amount(amount, field="amount", label="送审金额")
        review = settlement_review(route, intermediary, entrustment_approved, entrustment_ref)
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
        p.settlement_submitted_on = day
        p.settlement_submitted_amount = value
        p.settlement_route = review.route
        p.settlement_intermediary = review.intermediary
        p.settlement_entrustment_approved = review.approved
        p.settlement_entrustment_ref = review.ref
        _done(
            w,
            actor,
            "settlement_submitted",
            "结算送审",
            f"送审金额 {value:,.2f} 元；{review.text}",
            doc,
        )
        w.publish(
            SettlementSubmitted(**_facts(p, actor), submitted_on=day.isoformat(), amount=str(value))
        )
        if review.self_entrusted:
            w.publish(
                SettlementSelfEntrusted(
                    **_facts(p, actor),
                    submitted_on=day.isoformat(),
                    intermediary=review.intermediary,
                )
            )
    return _synced(project, w.obj)


@dataclass(frozen=True)
class SettlementReview:
    """The settlement's review route as submitted (R-SET-02)."""

    route: str
    intermediary: str = ""
    approved: bool | None = None
    ref: str = ""

    @property
    def self_entrusted(self) -> bool:
        return self.route == SettlementRoute.INTERMEDIARY and self.approved is False

    @property
    def text(self) -> str:
        return review_text(self.route, self.intermediary, self.approved, self.ref)


def review_text(route: str, intermediary: str, approved: bool | None, ref: str) -> str:
    """The route as people read it (archive node, pages)."""
    if not route:
        return "审核方式未登记"
    label = str(SettlementRoute(route).label)
    if route != SettlementRoute.INTERMEDIARY:
        return label
    if approved:
        return f"{label}：{intermediary}（经同意委托，{ref}）"
    return f"{label}：{intermediary}（未经财政评审或审计部门同意）"


def settlement_route_text(p: Project) -> str:
    """A project's settlement review route as people read it."""
    return review_text(
        p.settlement_route,
        p.settlement_intermediary,
        p.settlement_entrustment_approved,
        p.settlement_entrustment_ref,
    )


def settlement_review(
    route: str | None, intermediary: str, approved: bool | None, ref: str
) -> SettlementReview:
    """Check the review route field by field (R-SET-02): a route from the
    list; an intermediary's name and whether its entrustment was approved
    when an intermediary reviews, with the approval's reference when it was;
    none of these for the other routes."""
    route = (route or "").strip()
    name, ref = (intermediary or "").strip(), (ref or "").strip()
    if route not in SettlementRoute.values:
        raise ValidationFailed(
            "请选择结算审核方式：送财政投资评审、送审计部门审计或委托中介机构审核", field="route"
        )
    if route != SettlementRoute.INTERMEDIARY:
        if name or approved is not None or ref:
            raise ValidationFailed(
                "送财政投资评审或审计部门审计的，不填写中介机构、委托同意情况和文号",
                field="intermediary",
            )
        return SettlementReview(route)
    if not name:
        raise ValidationFailed("委托中介机构审核的，须填写中介机构名称", field="intermediary")
    if len(name) > 200:
        raise ValidationFailed("中介机构名称不能超过200个字", field="intermediary")
    if approved is None:
        raise ValidationFailed(
            "委托中介机构审核的，须说明委托是否经财政评审中心或审计部门同意",
            field="entrustment_approved",
        )
    if approved and not ref:
        raise ValidationFailed("委托经同意的，须填写同意委托的文件文号", field="entrustment_ref")
    if not approved and ref:
        raise ValidationFailed("委托未经同意的，不填写同意委托文号", field="entrustment_ref")
    if len(ref) > 100:
        raise ValidationFailed("文号不能超过100个字", field="entrustment_ref")
    return SettlementReview(route, name, bool(approved), ref)


def approve_settlement(
    *, actor: Actor, project: Project, on: dt.date | None, amount: Any, note: str = ""
) -> Project:
    with steps.write(project_steps.APPROVE_SETTLEMENT, project, actor) as w:
        p = w.obj
        day = _check_day(
            on,
            field="on",
            label="审定日期",
            not_before=p.settlement_submitted_on,
            not_before_label="送审日期",
        )
        value = _amount(amount, field="amount", label="审定金额")
        p.settled_on = day
        p.settled_amount = value
        detail = f"审定金额 {value:,.2f} 元" + (f"；{note.strip()[:500]}" if note.strip() else "")
        _done(w, actor, "settled", "结算审定", detail)
        w.publish(
            SettlementApproved(**_facts(p, actor), settled_on=day.isoformat(), amount=str(value))
        )
    return _synced(project, w.obj)


def record_fund_payment(*, actor: Actor, project: Project, on: dt.date | None) -> Project:
    with steps.write(project_steps.PAY_FUNDS, project, actor) as w:
        p = w.obj
        day = _check_day(
            on, field="on", label="拨付日期", not_before=p.settled_on, not_before_label="审定日期"
        )
        p.funds_paid_on = day
        _done(w, actor, "funds_paid", "资金拨付", f"拨付日期 {day:%Y-%m-%d}")
        w.publish(FundsPaid(**_facts(p, actor), paid_on=day.isoformat()))
    return _synced(project, w.obj)


def return_deposit(*, actor: Actor, project: Project, on: dt.date | None) -> Project:
    with steps.write(project_steps.RETURN_DEPOSIT, project, actor) as w:
        p = w.obj
        day = _check_day(
            on,
            field="on",
            label="退还日期",
            not_before=p.funds_paid_on,
            not_before_label="拨付日期",
        )
        p.deposit_returned_on = day
        _done(w, actor, "deposit_returned", "退还质保金", f"退还日期 {day:%Y-%m-%d}")
        w.publish(DepositReturned(**_facts(p, actor), returned_on=day.isoformat()))
    return _synced(project, w.obj)


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
    with steps.write(project_steps.TERMINATE, project, actor) as w:
        p = w.obj
        previous = w.before.get("status", "")
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
        p.terminated_on = day
        p.termination_reason = reason
        _done(w, actor, "terminated", "终止建设", reason, doc)
        w.publish(
            ProjectTerminated(
                **_facts(p, actor),
                terminated_on=day.isoformat(),
                previous_status=previous,
                reason=reason,
                report_document_id=doc.pk,
            )
        )
    return _synced(project, w.obj)
