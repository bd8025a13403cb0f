"""The to-dos and notices of a complaint (待办, 消息通知): one to-do for
whoever must act in the current state, closed by the step that acts. Titles
carry the receipt number and the subject, never the complainant (R-CMP-04)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from postaward.core import clock, deadlines, notices, todos
from postaward.core.models import Deadline
from postaward.orgs.choices import Role

from ..choices import State
from ..deadline_kinds import CLOCKS
from ..models import Complaint

DECIDE = "complaints.decide"
HANDLE = "complaints.handle"
REPLY = "complaints.reply"
REVIEW = "complaints.review"


def _due(c: Complaint, kind: str) -> dt.datetime | None:
    d = (
        Deadline.objects.filter(
            kind=kind,
            subject_type="complaints.complaint",
            subject_id=str(c.pk),
            state=Deadline.State.OPEN,
        )
        .order_by("-pk")
        .first()
    )
    return d.due_at if d else None


def sync_todo(c: Complaint) -> None:
    """Close the complaint's open to-do and open the one its state asks for."""
    todos.close_for(subject=c, kind_prefix="complaints.")
    what = f"{c.get_kind_display()} {c.receipt_number}（{c.subject_text[:40]}）"
    url = reverse("complaints_detail", args=[c.pk])
    decision, closing = CLOCKS[c.kind]
    common: dict[str, Any] = {"subject": c, "url": url, "project_id": c.project_id}
    if c.state == State.RECEIVED:
        todos.open_for(
            key=f"complaints:{c.pk}:decide",
            kind=DECIDE,
            title=f"待受理：{what}",
            organisation_id=c.office_id,
            role=Role.OFFICE_STAFF,
            due_at=_due(c, decision.kind),
            basis=deadlines.kind_of(decision.kind).basis,  # type: ignore[union-attr]
            **common,
        )
    elif c.state in (State.ACCEPTED, State.REVIEWED, State.REPLIED):
        review = c.state == State.REPLIED
        todos.open_for(
            key=f"complaints:{c.pk}:{'review' if review else 'handle'}:{c.replied_at or ''}",
            kind=REVIEW if review else HANDLE,
            title=f"{'待审核回复' if review else '待办结答复'}：{what}",
            organisation_id=c.office_id,
            role=Role.OFFICE_STAFF,
            assignee_id=c.assignee_id,
            due_at=_due(c, closing.kind),
            basis=deadlines.kind_of(closing.kind).basis,  # type: ignore[union-attr]
            **common,
        )
    elif c.state == State.TRANSFERRED and c.handling_org_id:
        todos.open_for(
            key=f"complaints:{c.pk}:reply:{clock.now().timestamp()}",
            kind=REPLY,
            title=f"待回复转办件：{what}",
            organisation_id=c.handling_org_id,
            assignee_id=c.handler_id,
            due_at=clock.end_of_day(c.handling_due) if c.handling_due else None,
            basis="转办件承办期限",
            **common,
        )


def tell_handler(c: Complaint, actor: object) -> None:
    """The named handler hears of a transfer (or a send-back)."""
    notices.tell(
        [c.handler_id],
        key=f"complaints:{c.pk}:transfer:{c.state}:{clock.now().timestamp()}",
        kind="complaints.transferred",
        title=f"转办件待办理：{c.get_kind_display()} {c.receipt_number}",
        body=f"承办期限至 {c.handling_due:%Y-%m-%d}" if c.handling_due else "",
        url=reverse("complaints_detail", args=[c.pk]),
        actor=actor,
    )


def tell_assignee(c: Complaint, actor: object) -> None:
    """The assigned office staff hears of the unit's reply."""
    notices.tell(
        [c.assignee_id],
        key=f"complaints:{c.pk}:replied:{clock.now().timestamp()}",
        kind="complaints.replied",
        title=f"承办单位已回复：{c.get_kind_display()} {c.receipt_number}",
        url=reverse("complaints_detail", args=[c.pk]),
        actor=actor,
    )
