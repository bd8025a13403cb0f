"""Attendance interviews (约谈): opened by the closings, closed by the owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from postaward.core import clock, files
from postaward.core import steps as core_steps
from postaward.core.actor import Actor
from postaward.core.errors import ValidationFailed
from postaward.core.files import check_upload
from postaward.core.services import close_todos, open_todo
from postaward.orgs.choices import Role
from postaward.projects.models import KeyPersonAssignment, Project

from ..choices import (
    InterviewKind,
    InterviewState,
    interview_kind_label,
    low_rate_text,
)
from ..models import (
    AttendanceInterview,
)
from .common import _file_facts


def _open_interview(
    *,
    kind: str,
    key: str,
    project: Project,
    assignment: KeyPersonAssignment,
    summary: str,
    trigger: dict[str, Any],
) -> AttendanceInterview | None:
    interview, created = AttendanceInterview.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "project": project,
            "person_id": assignment.person_id,
            "organisation_id": assignment.participant.organisation_id,
            "trigger": trigger,
            "summary": summary[:300],
        },
    )
    if created and project.owner_id:
        open_todo(
            key=f"attendance.interview:{interview.pk}",
            kind="attendance.interview",
            # the to-do names its subject: who, in which unit, on which project
            title=(
                f"约谈{assignment.person.name}（{assignment.participant.organisation.name}"
                f"·{assignment.get_position_display()}）：{summary}"
            ),
            detail=f"{interview_kind_label(kind)}；项目：{project.name}",
            organisation_id=project.owner_id,
            role=Role.OWNER_PROJECT_LEADER,
            project_id=project.pk,
            subject=interview,
            url=reverse("attendance_interview", args=[interview.pk]),
            basis={
                InterviewKind.ABSENCE_STREAK.value: "R-ATT-07（SY 第42条）",
                InterviewKind.LOW_MONTHLY_RATE.value: "R-ATT-08（SY 第42条）",
                InterviewKind.CHEAT.value: "R-ATT-04（SY 第47条）",
            }[str(kind)],
        )
    return interview if created else None


def close_interview(
    *,
    actor: Actor,
    interview: AttendanceInterview,
    held_on: dt.date,
    record: Any,
    penalty_note: str = "",
    criticism_note: str = "",
) -> AttendanceInterview:
    """The owner closes the interview (the step ``close`` of ``attendance.steps``):
    checked by the registry, on the locked row again."""
    from .. import steps as att_steps

    step = att_steps.CLOSE_INTERVIEW
    core_steps.check(step, interview, actor)
    if not record:
        raise ValidationFailed("请上传约谈记录", field="record")
    if held_on > clock.today():
        raise ValidationFailed("约谈日期不能晚于今天", field="held_on")
    checked = check_upload(record, field="record")
    if interview.kind == InterviewKind.LOW_MONTHLY_RATE and not (
        penalty_note.strip() and criticism_note.strip()
    ):
        raise ValidationFailed(
            f"{low_rate_text()}：须同时填写依约处罚情况和通报批评情况（SY 第42条）",
            field="penalty_note",
        )
    with core_steps.write(step, interview, actor, project_id=interview.project_id) as w:
        it = w.obj
        it.state = InterviewState.DONE
        it.held_on = held_on
        files.save(it.record, checked)
        it.record_name = checked.name
        it.penalty_note = penalty_note[:300]
        it.criticism_note = criticism_note[:300]
        it.closed_by_name = actor.display_name
        it.closed_at = clock.now()
        w.after.update(
            {
                "held_on": held_on,
                "record": _file_facts(it.record_name, checked),
                "penalty": it.penalty_note,
                "criticism": it.criticism_note,
            }
        )
        close_todos(key=f"attendance.interview:{it.pk}")
    return it  # type: ignore[no-any-return]
