"""The office's decision, the dispatch down the four-level chain, the unit's
reply, the review and the closing with the answer to the complainant
(R-CMP-01, R-CMP-03, R-CMP-05); accepting and rejecting generate their
documents (``complaints/documents.py``). Each is a step of ``complaints/steps.py``
taken through ``core.steps.write`` (lock, check, audit, outbox: one
transaction); the audit record is the complaint's snapshot, never the identity.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core import business_calendar, clock, deadlines
from postaward.core.actor import Actor
from postaward.core.errors import ValidationFailed
from postaward.core.models import Deadline
from postaward.core.steps import write
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, User

from .. import documents
from ..choices import Outcome, RejectReason, State
from ..deadline_kinds import CLOCKS, UNIT_HANDLING
from ..events import ComplaintVerified
from ..models import UNIT_ROLES, Complaint
from .messages import send_answer
from .todos import sync_todo, tell_assignee, tell_handler

# The kinds of unit a complaint is transferred to (R-ORG-02: industry
# authority → superior unit / line / township → owner).
CHAIN_KINDS = (
    OrgKind.INDUSTRY_AUTHORITY,
    OrgKind.SUPERIOR_UNIT,
    OrgKind.LINE,
    OrgKind.TOWNSHIP,
    OrgKind.OWNER,
    OrgKind.VILLAGE,
)
MAX_HANDLING_DAYS = 15


def _decision_kind(c: Complaint) -> str:
    return CLOCKS[c.kind][0].kind


def _close_kind(c: Complaint) -> str:
    return CLOCKS[c.kind][1].kind


def accept_complaint(*, actor: Actor, complaint: Complaint, note: str = "") -> Complaint:
    from ..steps import ACCEPT

    note = (note or "").strip()[:2000]
    with write(ACCEPT, complaint, actor) as w:
        c = w.obj
        c.state = State.ACCEPTED
        c.decided_at = clock.now()
        c.decision_note = note
        c.assignee_id = c.assignee_id or actor.user_id
        deadlines.close_deadline(kind=_decision_kind(c), subject=c)
        sync_todo(c)
        due = close_deadline_day(c)
        documents.on_accept(
            c, close_due=f"{due.year}年{due.month}月{due.day}日" if due else "法定期限"
        )
    return c  # type: ignore[no-any-return]


def reject_complaint(
    *, actor: Actor, complaint: Complaint, reasons: list[str], note: str
) -> Complaint:
    from ..steps import REJECT

    chosen = [r for r in dict.fromkeys(reasons or []) if r]
    if not chosen:
        raise ValidationFailed("请选择不予受理的理由", field="reasons")
    unknown = [r for r in chosen if r not in RejectReason.values]
    if unknown:
        raise ValidationFailed("不予受理理由不在可选范围内", field="reasons")
    note = text(note, field="note", label="不予受理的说明", min_len=4, max_len=2000)
    with write(REJECT, complaint, actor) as w:
        c = w.obj
        c.state = State.REJECTED
        c.decided_at = c.closed_at = clock.now()
        c.reject_reasons = chosen
        c.decision_note = note
        c.assignee_id = c.assignee_id or actor.user_id
        deadlines.close_deadline(kind=_decision_kind(c), subject=c)
        deadlines.close_deadline(kind=_close_kind(c), subject=c, state=Deadline.State.CANCELLED)
        sync_todo(c)
        documents.on_reject(c)
    return c  # type: ignore[no-any-return]


def close_deadline_day(c: Complaint) -> dt.date | None:
    """The last day of the legal closing clock (the unit's deadline must fall
    inside it)."""
    d = (
        Deadline.objects.filter(
            kind=_close_kind(c), subject_type="complaints.complaint", subject_id=str(c.pk)
        )
        .order_by("-pk")
        .first()
    )
    return deadlines.last_day(d) if d else None


def transfer_targets(c: Complaint) -> list[Organisation]:
    """Units of the project's four-level chain (or, without a project, every
    unit of the chain in the office's district)."""
    p = c.project
    if p is not None:
        ids = [
            i
            for i in (p.industry_authority_id, p.superior_unit_id, p.line_id, p.owner_id)
            if i is not None
        ]
        qs = Organisation.objects.filter(pk__in=ids)
    else:
        qs = Organisation.objects.filter(
            path__startswith=c.office.path, kind__in=CHAIN_KINDS, is_active=True
        )
    return list(qs.order_by("path"))


def transfer_complaint(
    *,
    actor: Actor,
    complaint: Complaint,
    handling_org_id: int,
    handling_days: int,
    note: str,
    handler_id: int | None = None,
    share_identity: bool = False,
) -> Complaint:
    """转办: to a unit of the chain, with a handling deadline in working days
    that ends inside the legal closing clock; the identity goes to the named
    handler only if the office shares it, and never to the unit complained
    about (R-CMP-04)."""
    from ..steps import TRANSFER

    note = text(note, field="note", label="转办要求", min_len=4, max_len=2000)
    targets = {o.pk: o for o in transfer_targets(complaint)}
    org = targets.get(int(handling_org_id))
    if org is None:
        raise ValidationFailed("承办单位须为该项目“四级联动”链条上的单位", field="handling_org_id")
    if not 1 <= int(handling_days) <= MAX_HANDLING_DAYS:
        raise ValidationFailed(
            f"承办期限应为 1 至 {MAX_HANDLING_DAYS} 个工作日", field="handling_days"
        )
    today = clock.today()
    due = business_calendar.add_working_days(today, int(handling_days))
    legal = close_deadline_day(complaint)
    if legal is not None and due > legal:
        raise ValidationFailed(
            f"承办期限（至 {due:%Y-%m-%d}）须在法定办结期限（{legal:%Y-%m-%d}）之内",
            field="handling_days",
        )
    handler = None
    if handler_id:
        handler = User.objects.filter(pk=handler_id, organisation=org, is_active=True).first()
        if handler is None:
            raise ValidationFailed("经办人须为承办单位的在职账号", field="handler_id")
    if share_identity and (handler is None or org.pk == complaint.subject_org_id):
        raise ValidationFailed(
            "投诉人身份只能提供给指定的经办人，且不得提供给被投诉单位", field="share_identity"
        )
    with write(TRANSFER, complaint, actor) as w:
        c = w.obj
        c.state = State.TRANSFERRED
        c.handling_org = org
        c.handler = handler
        c.identity_shared = bool(share_identity)
        c.handling_due = due
        c.transfer_note = note
        c.assignee_id = c.assignee_id or actor.user_id
        open_unit_clock(c, int(handling_days), c.handling_org_id)
        sync_todo(c)
        tell_handler(c, actor)
    return c  # type: ignore[no-any-return]


def open_unit_clock(subject: Any, days: int, org_id: int | None) -> None:
    """The handling unit's clock, in working days, on the transferred complaint
    or on one part of a split one (the same kind: a late one is missed alike)."""
    deadlines.open_deadline(
        kind=UNIT_HANDLING.kind,
        subject=subject,
        length=days,
        unit=business_calendar.Unit.WORKING_DAYS,
        basis=UNIT_HANDLING.basis,
        organisation_id=org_id,
    )


def unit_may_reply(actor: Actor, org_id: int | None, handler_id: int | None) -> bool:
    """The handling unit (its unit roles) or the handler named for it."""
    return (
        actor.organisation_id is not None
        and actor.organisation_id == org_id
        and (bool(actor.roles & UNIT_ROLES) or actor.user_id == handler_id)
    )


def may_reply(c: Complaint, actor: Actor) -> bool:
    return unit_may_reply(actor, c.handling_org_id, c.handler_id)


def reply_complaint(
    *, actor: Actor, complaint: Complaint, reply: str, evidence: list[Any] | None = None
) -> Complaint:
    """The unit's reply, with its evidence files (the one upload service,
    internal: never on the public tracking page, ADR 0510)."""
    from ..steps import REPLY
    from .parts import check_reply_files, store_reply_files

    body = text(reply, field="reply", label="办理情况", min_len=10, max_len=5000)
    checked = check_reply_files(evidence)
    with write(REPLY, complaint, actor) as w:
        c = w.obj
        c.state = State.REPLIED
        c.reply = body
        c.replied_at = clock.now()
        w.after["evidence"] = len(checked)
        store_reply_files(c, checked)
        deadlines.close_deadline(kind=UNIT_HANDLING.kind, subject=c)
        sync_todo(c)
        tell_assignee(c, actor)
    return c  # type: ignore[no-any-return]


def send_back_reply(*, actor: Actor, complaint: Complaint, note: str) -> Complaint:
    from ..steps import SEND_BACK

    why = text(note, field="note", label="退回理由", min_len=4, max_len=2000)
    with write(SEND_BACK, complaint, actor) as w:
        c = w.obj
        c.state = State.TRANSFERRED
        c.review_note = why
        left = business_calendar.working_days_between(
            clock.today(), c.handling_due or clock.today()
        )
        open_unit_clock(c, max(1, left), c.handling_org_id)
        sync_todo(c)
        tell_handler(c, actor)
    return c  # type: ignore[no-any-return]


def approve_reply(*, actor: Actor, complaint: Complaint, note: str = "") -> Complaint:
    from ..steps import APPROVE_REPLY

    with write(APPROVE_REPLY, complaint, actor) as w:
        c = w.obj
        c.state = State.REVIEWED
        c.review_note = (note or "").strip()[:2000]
        sync_todo(c)
    return c  # type: ignore[no-any-return]


def close_complaint(*, actor: Actor, complaint: Complaint, outcome: str, answer: str) -> Complaint:
    """办结: the outcome and the answer to the complainant (件件有落实, R-CMP-05);
    a substantiated (or partly substantiated) one publishes ``ComplaintVerified``."""
    from ..steps import CLOSE

    if outcome not in Outcome.values:
        raise ValidationFailed("请选择核查结论", field="outcome")
    label = "处理结果" if complaint.anonymous else "答复投诉人（举报人）的内容"
    body = text(answer, field="answer", label=label, min_len=10, max_len=5000)
    with write(CLOSE, complaint, actor) as w:
        c = w.obj
        c.state = State.CLOSED
        c.outcome = outcome
        c.answer = body
        c.closed_at = clock.now()
        if outcome in (Outcome.SUBSTANTIATED, Outcome.PARTLY):
            w.publish(_verified(c))
        deadlines.close_deadline(kind=_close_kind(c), subject=c)
        sync_todo(c)
    send_answer(c)  # the answer to the complainant's mobile, after the closing (ADR 0521)
    return c  # type: ignore[no-any-return]


def _verified(c: Complaint) -> ComplaintVerified:
    return ComplaintVerified(
        complaint_id=c.pk,
        receipt_number=c.receipt_number,
        kind=c.kind,
        outcome=c.outcome,
        project_id=c.project_id,
        subject_text=c.subject_text,
        subject_org_id=c.subject_org_id,
        facts=c.facts,
        office_id=c.office_id,
        retaliation=c.retaliation,
    )


def clocks_of(c: Complaint) -> list[Any]:
    """The complaint's clocks as people read them (start, length, unit, end,
    roll, basis, state)."""
    return [deadlines.show(d) for d in deadlines.deadlines_of(c)]


__all__ = [
    "accept_complaint",
    "approve_reply",
    "clocks_of",
    "close_complaint",
    "may_reply",
    "reject_complaint",
    "reply_complaint",
    "send_back_reply",
    "transfer_complaint",
    "transfer_targets",
]
