"""Leave requests (R-ATT-05) and declared non-construction days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse

from postaward.core import audit, clock, files, writes
from postaward.core import steps as core_steps
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.files import check_upload
from postaward.core.services import close_todos, open_todo
from postaward.orgs.choices import Role
from postaward.projects.models import KeyPersonAssignment, Project

from .. import duty as duty_mod
from ..choices import (
    LeaveState,
)
from ..models import (
    LeaveRequest,
    NonConstructionPeriod,
)
from .closing import close_day
from .common import _file_facts, require_owner_side

# --- leave (R-ATT-05) ------------------------------------------------------------------------------


def request_leave(
    *,
    actor: Actor,
    assignment: KeyPersonAssignment,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
) -> LeaveRequest:
    if assignment.person_id != actor.person_id:
        raise Forbidden("只能为本人申请请假")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写请假事由", field="reason")
    today = clock.today()
    if starts_on <= today:
        raise ValidationFailed(
            f"请假须事先提出：最早可申请 {today + dt.timedelta(days=1):%Y-%m-%d} 起的假期（R-ATT-05）",
            field="starts_on",
            basis="SY 第26条：因特殊情况需请假的，应事先提出申请",
        )
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    if (ends_on - starts_on).days >= 31:
        raise ValidationFailed("单次请假不超过31天", field="ends_on")
    with transaction.atomic():
        overlap = LeaveRequest.objects.filter(
            assignment=assignment,
            state__in=[LeaveState.PENDING, LeaveState.APPROVED],
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        ).exists()
        if overlap:
            raise Conflict("与已提交的请假日期重叠", field="starts_on")
        leave = LeaveRequest.objects.create(
            person_id=assignment.person_id,
            project_id=assignment.project_id,
            assignment=assignment,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason[:300],
            requested_at=clock.now(),
            requested_by_name=actor.display_name,
        )
        writes.created(leave, actor=actor, action="attendance.request_leave")
        project = assignment.project
        if project.owner_id:
            open_todo(
                key=f"attendance.leave:{leave.pk}",
                kind="attendance.leave",
                title=f"请假审批：{actor.display_name}（{starts_on:%m-%d}至{ends_on:%m-%d}）",
                organisation_id=project.owner_id,
                role=Role.OWNER_PROJECT_LEADER,
                project_id=project.pk,
                subject=leave,
                url=reverse("attendance_leave_detail", args=[leave.pk]),
                due_at=clock.start_of_day(starts_on),
                basis="R-ATT-05 请假须经建设单位同意",
            )
    return leave


def _tell_leave_decision(lv: LeaveRequest, project: Project, actor: Actor) -> None:
    """The person who asked for leave and the owner leader are told the decision."""
    from postaward.core import notices
    from postaward.orgs.models import User
    from postaward.orgs.selectors import owner_leader_account_id

    requester = User.objects.filter(person_id=lv.person_id, is_active=True).values_list(
        "pk", flat=True
    )
    decision = lv.get_state_display()
    notices.tell(
        [*requester, owner_leader_account_id(project)],
        key=f"attendance.leave:{lv.pk}:{lv.state}",
        kind="decision",
        title=f"请假申请{decision}：{lv.requested_by_name}（{lv.starts_on:%m-%d}至{lv.ends_on:%m-%d}，{project.name}）",
        body=f"{actor.org_name} {actor.display_name}：{decision}"
        + (f"。意见：{lv.decision_note}" if lv.decision_note else ""),
        url=reverse("attendance_leave_detail", args=[lv.pk]),
        project=project,
        actor=actor,
    )


def decide_leave(
    *,
    actor: Actor,
    leave: LeaveRequest,
    approve: bool,
    note: str = "",
    approval_form: Any = None,
    evidence: Any = None,
) -> LeaveRequest:
    """The owner's decision (the steps ``approve`` / ``reject`` of
    ``attendance.steps``): checked by the registry, on the locked row again."""
    from .. import steps as leave_steps

    step = leave_steps.APPROVE if approve else leave_steps.REJECT
    core_steps.check(step, leave, actor)
    if approve and (not approval_form or not evidence):
        raise ValidationFailed(
            "同意请假须由建设单位上传请假审批单和证明材料",
            field="approval_form",
            basis="SY 第26条：请假审批单和证明材料由建设单位上传平台",
        )
    if not approve and not (note or "").strip():
        raise ValidationFailed("不同意请假须说明理由", field="note")
    form_file = check_upload(approval_form, field="approval_form") if approve else None
    evidence_file = check_upload(evidence, field="evidence") if approve else None
    with core_steps.write(step, leave, actor) as w:
        lv = w.obj
        lv.state = step.target
        lv.decided_at = clock.now()
        lv.decided_by_name = actor.display_name
        lv.decision_note = (note or "").strip()[:300]
        if form_file is not None and evidence_file is not None:
            files.save(lv.approval_form, form_file)
            lv.approval_form_name = form_file.name
            files.save(lv.evidence, evidence_file)
            lv.evidence_name = evidence_file.name
        w.after["approval_form"] = _file_facts(lv.approval_form_name, form_file)
        w.after["evidence"] = _file_facts(lv.evidence_name, evidence_file)
        close_todos(key=f"attendance.leave:{lv.pk}")
        _tell_leave_decision(lv, lv.project, actor)
        yesterday = clock.today() - dt.timedelta(days=1)
        if approve and lv.starts_on <= yesterday:
            for day in duty_mod.daterange(lv.starts_on, min(lv.ends_on, yesterday)):
                close_day(day, project_ids=[lv.project_id], detect=False)
    return lv  # type: ignore[no-any-return]


def cancel_leave(*, actor: Actor, leave: LeaveRequest) -> LeaveRequest:
    """The person withdraws a pending request (the step ``cancel``)."""
    from .. import steps as leave_steps

    with core_steps.write(leave_steps.CANCEL, leave, actor) as w:
        w.obj.state = LeaveState.CANCELLED
        close_todos(key=f"attendance.leave:{w.obj.pk}", state="cancelled")
    return w.obj  # type: ignore[no-any-return]


# --- non-construction days ---------------------------------------------------------------------------


def declare_non_construction(
    *, actor: Actor, project: Project, starts_on: dt.date, ends_on: dt.date, reason: str
) -> NonConstructionPeriod:
    """The owner declares days without construction, in advance or on the day."""
    require_owner_side(actor, project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写非施工原因（如春节停工）", field="reason")
    if starts_on < clock.today():
        raise ValidationFailed("非施工日须事先或当日申报，不能补报过去的日期", field="starts_on")
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    if (ends_on - starts_on).days >= 92:
        raise ValidationFailed("单次申报不超过92天；长期停工请申报停工", field="ends_on")
    with transaction.atomic():
        period = NonConstructionPeriod.objects.create(
            project=project,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason[:300],
            declared_at=clock.now(),
            declared_by_name=actor.display_name,
        )
        writes.created(
            period, actor=actor, action="attendance.declare_non_construction", project_id=project.pk
        )
    return period


def withdraw_non_construction(
    *, actor: Actor, period: NonConstructionPeriod
) -> NonConstructionPeriod:
    project = Project.objects.select_related("owner").get(pk=period.project_id)
    require_owner_side(actor, project)
    if period.starts_on <= clock.today():
        raise ValidationFailed("已开始的非施工日不能撤销")
    with transaction.atomic():
        period.withdrawn_at = clock.now()
        period.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=actor,
            action="attendance.withdraw_non_construction",
            obj=period,
            project_id=project.pk,
            after={"withdrawn_at": period.withdrawn_at},
        )
    return period
