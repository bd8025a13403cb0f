"""Reads of complaints, always through the actor's scope (R-CMP-04)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.errors import NotFound

from . import limits
from .models import Complaint, ComplaintDocument


def complaints(actor: Actor) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(actor).select_related("project", "office", "handling_org")


def track(*, number: str, code: str, source: str) -> Complaint:
    """The public tracking read: number + code (constant-time compare), the
    failed tries per address limited. A wrong number and a wrong code answer
    alike."""
    from .services import code_matches

    limits.check_tracking(source)
    c = (
        Complaint.objects.select_related("project")
        .filter(receipt_number=(number or "").strip().upper())
        .first()
    )
    ok = c is not None and code_matches(c, (code or "").strip())
    if c is None:
        code_matches(Complaint(receipt_number="-", query_code_hash="0" * 64), code or "")
    limits.record_tracking(source, ok)
    if not ok:
        raise NotFound("收件编号或查询码不正确")
    assert c is not None
    return c


def public_view(c: Complaint) -> dict[str, Any]:
    """What the complainant reads on the tracking page: the state, the
    decision and its reasons, the answer — never internal notes, the unit's
    reply text or anyone's identity."""
    from .choices import RejectReason, State

    reasons = [str(RejectReason(r).label) for r in c.reject_reasons if r in RejectReason.values]
    return {
        "receipt_number": c.receipt_number,
        "kind": c.get_kind_display(),
        "state": c.state,
        "state_label": c.get_state_display(),
        "received_at": clock.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
        "decision": "不予受理" if c.state == State.REJECTED else ("已受理" if c.decided_at else ""),
        "reasons": reasons,
        "decision_note": c.decision_note if c.state == State.REJECTED else "",
        "outcome": c.get_outcome_display() if c.outcome else "",
        "answer": c.answer if c.state == State.CLOSED else "",
        "documents": [
            {"id": d.pk, "title": d.get_kind_display(), "number": d.number}
            for d in own_documents(c)
        ],
    }


def own_documents(c: Complaint) -> QuerySet[ComplaintDocument]:
    """The complainant's own notices (受理告知书, 不予受理通知书), for the
    tracking page; never a notice sent to a unit."""
    return ComplaintDocument.objects.filter(complaint=c, to_complainant=True)


def filed_by_me(actor: Actor) -> QuerySet[Complaint]:
    """A member of the public's own filings (我的投诉举报): those filed while
    logged in with the ``public_user`` role; nobody else's, and nothing for any
    other role (staff read complaints through ``complaints``)."""
    from postaward.orgs.choices import Role

    if actor.user_id is None or Role.PUBLIC_USER not in actor.roles:
        return Complaint.objects.none()
    return Complaint.objects.filter(filed_by_id=actor.user_id).order_by("-received_at", "-pk")
