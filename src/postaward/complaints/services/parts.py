"""分办: a complaint split between two or more units of the project's chain
(R-CMP-03, HC 附件 三(一) "自办、分办、转办"; ADR 0510).

Each unit gets a ``ComplaintAssignment`` — its part, a handling deadline in
working days inside the legal closing clock (a ``core.deadlines`` row of the
same kind as the single transfer's, so a part not answered in time is late in
the same way), optionally a named handler and the complainant's identity for
that handler. The unit replies with evidence files; the office approves the
part or sends it back. When every part is approved the complaint is
``reviewed``, as after the single transfer's ``approve_reply``, and can be
closed. Every write goes through ``core.steps.write`` (audited).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from postaward.core import business_calendar, clock, deadlines, files, notices, todos, writes
from postaward.core.actor import Actor
from postaward.core.errors import ValidationFailed
from postaward.core.steps import write
from postaward.core.writes import text
from postaward.orgs.choices import Role
from postaward.orgs.models import User

from ..choices import FileRole, PartState, State
from ..deadline_kinds import UNIT_HANDLING
from ..models import Complaint, ComplaintAssignment, ComplaintFile, snapshot
from .todos import REPLY, REVIEW, sync_todo

MAX_PARTS = 6
MAX_REPLY_FILES = 5


def _field(i: int, name: str) -> str:
    return f"parts.{i}.{name}"


def _checked_parts(complaint: Complaint, parts: list[Any]) -> list[dict[str, Any]]:
    """The parts as the service stores them, or a Chinese error naming the
    row (第 n 项) and its field; nothing is stored on an error."""
    from .handling import MAX_HANDLING_DAYS, close_deadline_day, transfer_targets

    rows = [p if isinstance(p, dict) else p.model_dump() for p in parts or []]
    rows = [r for r in rows if r.get("handling_org_id")]
    if len(rows) < 2:
        raise ValidationFailed(
            "分办须指定至少 2 个承办单位；只交一个单位办理请使用“转办”", field="parts"
        )
    if len(rows) > MAX_PARTS:
        raise ValidationFailed(f"分办最多指定 {MAX_PARTS} 个承办单位", field="parts")
    targets = {o.pk: o for o in transfer_targets(complaint)}
    legal = close_deadline_day(complaint)
    today = clock.today()
    seen: set[int] = set()
    out = []
    for i, r in enumerate(rows):
        n = f"第 {i + 1} 项："
        org = targets.get(int(r["handling_org_id"]))
        if org is None:
            raise ValidationFailed(
                n + "承办单位须为该项目“四级联动”链条上的单位", field=_field(i, "handling_org_id")
            )
        if org.pk in seen:
            raise ValidationFailed(
                n + f"{org.name}已分办，同一单位只能分办一次，请合并其办理事项",
                field=_field(i, "handling_org_id"),
            )
        seen.add(org.pk)
        part = text(
            r.get("part"), field=_field(i, "part"), label=n + "分办事项", min_len=4, max_len=2000
        )
        days = r.get("handling_days")
        if not isinstance(days, int) or not 1 <= days <= MAX_HANDLING_DAYS:
            raise ValidationFailed(
                n + f"承办期限应为 1 至 {MAX_HANDLING_DAYS} 个工作日",
                field=_field(i, "handling_days"),
            )
        due = business_calendar.add_working_days(today, days)
        if legal is not None and due > legal:
            raise ValidationFailed(
                n + f"承办期限（至 {due:%Y-%m-%d}）须在法定办结期限（{legal:%Y-%m-%d}）之内",
                field=_field(i, "handling_days"),
            )
        handler = None
        if r.get("handler_id"):
            handler = User.objects.filter(
                pk=r["handler_id"], organisation=org, is_active=True
            ).first()
            if handler is None:
                raise ValidationFailed(
                    n + "经办人须为该承办单位的在职账号", field=_field(i, "handler_id")
                )
        share = bool(r.get("share_identity"))
        if share and (handler is None or org.pk == complaint.subject_org_id):
            raise ValidationFailed(
                n + "投诉人身份只能提供给指定的经办人，且不得提供给被投诉单位",
                field=_field(i, "share_identity"),
            )
        out.append(
            {
                "org": org,
                "part": part,
                "handling_days": days,
                "handling_due": due,
                "handler": handler,
                "share_identity": share,
            }
        )
    return out


def split_complaint(*, actor: Actor, complaint: Complaint, parts: list[Any]) -> Complaint:
    """分办: the accepted complaint to two or more units of the chain, each
    with its part and its handling deadline (R-CMP-03, R-CMP-01)."""
    from ..steps import SPLIT

    rows = _checked_parts(complaint, parts)
    with write(SPLIT, complaint, actor) as w:
        c = w.obj
        c.state = State.SPLIT
        c.assignee_id = c.assignee_id or actor.user_id
        w.after["parts"] = [
            {"org_id": r["org"].pk, "handling_due": r["handling_due"].isoformat()} for r in rows
        ]
        for r in rows:
            a = ComplaintAssignment.objects.create(
                complaint=c,
                org=r["org"],
                handler=r["handler"],
                part=r["part"],
                share_identity=r["share_identity"],
                handling_days=r["handling_days"],
                handling_due=r["handling_due"],
            )
            _open_part_clock(a, r["handling_days"])
            sync_part_todo(a)
            _tell(a, actor, [a.handler_id], "已分办待办理")
        sync_todo(c)
    return c  # type: ignore[no-any-return]


def _open_part_clock(a: ComplaintAssignment, days: int) -> None:
    from .handling import open_unit_clock

    open_unit_clock(a, days, a.org_id)


def may_reply_part(a: ComplaintAssignment, actor: Actor) -> bool:
    """The part's unit (its unit roles) or the handler named in it."""
    from .handling import unit_may_reply

    return unit_may_reply(actor, a.org_id, a.handler_id)


def check_reply_files(uploads: list[Any] | None) -> list[Any]:
    """Check a reply's evidence files through the one upload service
    (``core.files``); returns the checked files to :func:`store_reply_files`."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_REPLY_FILES:
        raise ValidationFailed(f"证明材料最多 {MAX_REPLY_FILES} 份", field="evidence")
    return [files.check_upload(u, field="evidence", allowed=files.DOCUMENTS) for u in uploads]


def store_reply_files(
    complaint: Complaint, checked: list[Any], assignment: ComplaintAssignment | None = None
) -> None:
    for u in checked:
        att = ComplaintFile(
            complaint=complaint,
            assignment=assignment,
            role=FileRole.REPLY,
            original_name=u.name,
            content_type=u.content_type,
            size=u.size,
            sha256=u.sha256,
        )
        files.save(att.file, u)
        att.save()


def reply_part(
    *, actor: Actor, assignment: ComplaintAssignment, reply: str, evidence: list[Any] | None = None
) -> ComplaintAssignment:
    from ..steps import REPLY_PART

    body = text(reply, field="reply", label="办理情况", min_len=10, max_len=5000)
    checked = check_reply_files(evidence)
    with write(REPLY_PART, assignment, actor) as w:
        a = w.obj
        a.state = PartState.REPLIED
        a.reply = body
        a.replied_at = clock.now()
        w.after["evidence"] = len(checked)
        store_reply_files(a.complaint, checked, a)
        deadlines.close_deadline(kind=UNIT_HANDLING.kind, subject=a)
        sync_part_todo(a)
        _tell(a, actor, [a.complaint.assignee_id], "承办单位已回复分办事项")
    return a  # type: ignore[no-any-return]


def send_back_part(*, actor: Actor, assignment: ComplaintAssignment, note: str) -> Any:
    from ..steps import SEND_BACK_PART

    why = text(note, field="note", label="退回理由", min_len=4, max_len=2000)
    with write(SEND_BACK_PART, assignment, actor) as w:
        a = w.obj
        a.state = PartState.SENT_BACK
        a.review_note = why
        left = business_calendar.working_days_between(clock.today(), a.handling_due)
        _open_part_clock(a, max(1, left))
        sync_part_todo(a)
        _tell(a, actor, [a.handler_id], "分办事项被退回重办")
    return a


def approve_part(*, actor: Actor, assignment: ComplaintAssignment, note: str = "") -> Any:
    """审核通过 one part; the last one makes the complaint ``reviewed`` (the
    state the single transfer reaches after ``approve_reply``)."""
    from ..steps import APPROVE_PART

    with transaction.atomic():
        # the complaint first: two office staff approving the last two parts
        # at once see each other's approval
        writes.lock(Complaint.objects.all(), assignment.complaint_id)
        with write(APPROVE_PART, assignment, actor) as w:
            a = w.obj
            a.state = PartState.APPROVED
            a.review_note = (note or "").strip()[:2000]
            sync_part_todo(a)
        pending = ComplaintAssignment.objects.filter(complaint_id=a.complaint_id).exclude(
            state=PartState.APPROVED
        )
        if not pending.exists():
            with writes.audited(
                Complaint.objects.all(),
                pk=a.complaint_id,
                actor=actor,
                action="complaints.parts_approved",
                snapshot=snapshot,
            ) as cw:
                c = cw.obj
                if c.state != State.SPLIT:
                    cw.nothing_changed()
                else:
                    c.state = State.REVIEWED
                    sync_todo(c)
    return a


def open_parts(c: Complaint) -> list[ComplaintAssignment]:
    """The parts not yet approved (close is refused while there is one)."""
    return list(
        ComplaintAssignment.objects.filter(complaint=c)
        .exclude(state=PartState.APPROVED)
        .select_related("org")
    )


def sync_part_todo(a: ComplaintAssignment) -> None:
    """The part's one open to-do: the unit's reply (assigned, sent back) or the
    office's review (replied)."""
    todos.close_for(subject=a, kind_prefix="complaints.")
    c = a.complaint
    what = f"{c.get_kind_display()} {c.receipt_number}（{c.subject_text[:40]}）"
    common: dict[str, Any] = {
        "subject": a,
        "url": reverse("complaints_detail", args=[c.pk]) + "#parts",
        "project_id": c.project_id,
    }
    if a.state in (PartState.ASSIGNED, PartState.SENT_BACK):
        todos.open_for(
            key=f"complaints:{c.pk}:part:{a.pk}:reply:{clock.now().timestamp()}",
            kind=REPLY,
            title=f"待回复分办件：{what}",
            organisation_id=a.org_id,
            assignee_id=a.handler_id,
            due_at=clock.end_of_day(a.handling_due),
            basis="转办件承办期限",
            **common,
        )
    elif a.state == PartState.REPLIED:
        todos.open_for(
            key=f"complaints:{c.pk}:part:{a.pk}:review:{a.replied_at or ''}",
            kind=REVIEW,
            title=f"待审核分办回复（{a.org.name}）：{what}",
            organisation_id=c.office_id,
            role=Role.OFFICE_STAFF,
            assignee_id=c.assignee_id,
            **common,
        )


def _tell(a: ComplaintAssignment, actor: Actor, user_ids: list[int | None], what: str) -> None:
    c = a.complaint
    notices.tell(
        user_ids,
        key=f"complaints:{c.pk}:part:{a.pk}:{a.state}:{clock.now().timestamp()}",
        kind="complaints.part",
        title=f"{what}：{c.get_kind_display()} {c.receipt_number}",
        body=f"{a.org.name}，承办期限至 {a.handling_due:%Y-%m-%d}",
        url=reverse("complaints_detail", args=[c.pk]) + "#parts",
        actor=actor,
    )


def parts_clocks(parts: list[ComplaintAssignment]) -> list[Any]:
    """Each part's handling clocks as people read them, named by the unit."""
    import dataclasses

    out = []
    for a in parts:
        for d in deadlines.deadlines_of(a):
            shown = deadlines.show(d)
            out.append(dataclasses.replace(shown, label=f"{shown.label}（{a.org.name}）"))
    return out
