"""The owner's review of suspicious check-ins (R-ATT-04)."""

from __future__ import annotations

from django.db import transaction

from postaward.core import audit, clock, events
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.services import close_todos
from postaward.projects.models import Project

from ..choices import (
    InterviewKind,
    Review,
)
from ..events import (
    CheatConfirmed,
)
from ..models import (
    CheckIn,
)
from .closing import close_day
from .common import require_owner_side
from .interviews import _open_interview

# --- review of suspicious check-ins (R-ATT-04) ------------------------------------------------------


def review_checkin(*, actor: Actor, checkin: CheckIn, confirm: bool, note: str = "") -> CheckIn:
    project = Project.objects.select_related("owner").get(pk=checkin.project_id)
    require_owner_side(actor, project)
    note = (note or "").strip()
    if confirm and not note:
        raise ValidationFailed("确认作弊须填写核查意见", field="note")
    with transaction.atomic():
        c = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if c.review not in (Review.PENDING, Review.NONE) or not c.accepted:
            raise Conflict("该打卡记录已核查或无须核查")
        before = {"review": c.review}
        c.review = Review.CONFIRMED if confirm else Review.CLEARED
        c.reviewed_by_name = actor.display_name
        c.reviewed_at = clock.now()
        c.review_note = note[:300]
        c.save(update_fields=["review", "reviewed_by_name", "reviewed_at", "review_note"])
        audit.record(
            actor=actor,
            action="attendance.review_checkin",
            obj=c,
            project_id=c.project_id,
            before=before,
            after={"review": c.review, "note": c.review_note},
        )
        close_todos(key=f"attendance.review:{c.project_id}")
        if confirm:
            a = c.assignment
            org_id = a.participant.organisation_id if a else project.owner_id
            events.publish(
                CheatConfirmed(
                    checkin_id=c.pk,
                    project_id=c.project_id,
                    person_id=c.person_id,
                    organisation_id=org_id,
                    position=a.position if a else "",
                    at=c.at.isoformat(),
                    signals=c.signals,
                    confirmed_by=actor.display_name,
                    note=c.review_note,
                )
            )
            if a is not None:
                _open_interview(
                    kind=InterviewKind.CHEAT,
                    # One interview per person, position and day, however many
                    # of that day's check-ins are confirmed.
                    key=f"cheat:{a.pk}:{c.local_date.isoformat()}",
                    project=project,
                    assignment=a,
                    summary=f"{c.local_date:%Y-%m-%d} 考勤作弊经建设单位确认",
                    trigger={"checkin_id": c.pk, "signals": c.signals, "note": c.review_note},
                )
        if c.local_date < clock.today():
            close_day(c.local_date, project_ids=[c.project_id], detect=False)
    return c
