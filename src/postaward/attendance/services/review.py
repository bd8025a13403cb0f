"""The owner's review of suspicious check-ins (R-ATT-04)."""

from __future__ import annotations

from django.db import transaction

from postaward.core import clock
from postaward.core import steps as core_steps
from postaward.core.actor import Actor
from postaward.core.errors import ValidationFailed
from postaward.core.services import close_todos
from postaward.projects.models import Project

from ..choices import (
    InterviewKind,
)
from ..events import (
    CheatConfirmed,
)
from ..models import (
    CheckIn,
)
from .closing import close_day
from .interviews import _open_interview

# --- review of suspicious check-ins (R-ATT-04) ------------------------------------------------------


def review_checkin(*, actor: Actor, checkin: CheckIn, confirm: bool, note: str = "") -> CheckIn:
    """The owner's review (the steps ``confirm`` / ``clear`` of ``attendance.steps``):
    checked by the registry, on the locked row again."""
    from .. import steps as att_steps

    step = att_steps.CONFIRM_CHEAT if confirm else att_steps.CLEAR_CHECKIN
    project = Project.objects.select_related("owner").get(pk=checkin.project_id)
    checkin.project = project
    core_steps.check(step, checkin, actor)
    note = (note or "").strip()
    if confirm and not note:
        raise ValidationFailed("确认作弊须填写核查意见", field="note")
    with transaction.atomic():
        with core_steps.write(step, checkin, actor, project_id=checkin.project_id) as w:
            c = w.obj
            c.review = step.target
            c.reviewed_by_name = actor.display_name
            c.reviewed_at = clock.now()
            c.review_note = note[:300]
            # only the review's columns: the rest of the row is what its hash covers
            w.save = False
            c.save(update_fields=["review", "reviewed_by_name", "reviewed_at", "review_note"])
            close_todos(key=f"attendance.review:{c.project_id}")
            a = c.assignment
            if confirm:
                w.publish(
                    CheatConfirmed(
                        checkin_id=c.pk,
                        project_id=c.project_id,
                        person_id=c.person_id,
                        organisation_id=a.participant.organisation_id if a else project.owner_id,
                        position=a.position if a else "",
                        at=c.at.isoformat(),
                        signals=c.signals,
                        confirmed_by=actor.display_name,
                        note=c.review_note,
                    )
                )
        if confirm and a is not None:
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
    return c  # type: ignore[no-any-return]
