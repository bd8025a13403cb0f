"""Suspension and resumption (R-PRJ-07): declare, withdraw, confirm, reject, resume.

Declaring and resuming are steps of ``projects.project``; confirming, not
confirming and withdrawing are steps of ``projects.suspension``, and
confirming takes the project's ``suspend`` in the same transaction
(``projects/steps.py``, ADR 0065).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from postaward.core import clock, deadlines, events, steps, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.services import close_todos, open_todo
from postaward.core.writes import text
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation

from .. import steps as project_steps
from ..choices import (
    SuspensionState,
)
from ..events import (
    ProjectResumed,
    ProjectSuspended,
    SuspensionDeclared,
    SuspensionRejected,
)
from ..models import (
    Project,
    Suspension,
)
from .common import _facts, _synced, node

# --- suspension (R-PRJ-07) ----------------------------------------------------------------------


def _confirming_org(project: Project) -> int | None:
    if project.line_id:
        return project.line_id
    if project.superior_unit_id:
        return project.superior_unit_id
    office = Organisation.objects.filter(
        kind=OrgKind.SUPERVISION_OFFICE,
        path=project.owner.district_path if project.owner else "",
    ).first()
    return office.pk if office else None


def declare_suspension(
    *, actor: Actor, project: Project, started_at: dt.datetime, reason: str
) -> Suspension:
    """SY 35: declared online by the owner on the day it starts, with the time and
    the reason; back-dating is refused. The step changes no state of the project
    (it is confirmed by ``confirm_suspension``)."""
    with transaction.atomic():
        p = writes.lock(Project, project.pk)
        steps.check(project_steps.DECLARE_SUSPENSION, p, actor)
        reason = text(reason, field="reason", label="停工原因", min_len=4, max_len=2000)
        if started_at is None:
            raise ValidationFailed("请填写停工时间", field="started_at")
        now = clock.now()
        if started_at.tzinfo is None:
            started_at = started_at.replace(tzinfo=clock.LOCAL_TZ)
        if clock.local_date(started_at) != clock.today():
            raise ValidationFailed(
                "停工须在停工当天申报：停工时间应为今天（不能补报或预报）",
                field="started_at",
                basis="R-PRJ-07（实施细则第三十五条）",
            )
        if started_at > now + dt.timedelta(minutes=5):
            raise ValidationFailed("停工时间不能晚于当前时间", field="started_at")
        try:
            with transaction.atomic():
                s = Suspension.objects.create(
                    project=p,
                    started_at=started_at,
                    reason=reason,
                    declared_at=now,
                    declared_by_id=actor.user_id,
                    declared_by_name=actor.display_name[:100],
                )
        except IntegrityError as exc:
            raise Conflict("已有待确认或进行中的停工") from exc
        writes.created(s, actor=actor, action="projects.declare_suspension")
        node(
            p,
            "suspension_declared",
            "申报停工",
            actor=actor,
            detail=f"停工时间 {clock.localtime(started_at):%Y-%m-%d %H:%M}；原因：{reason}",
        )
        events.publish(
            SuspensionDeclared(
                **_facts(p, actor),
                suspension_id=s.pk,
                started_at=started_at.isoformat(),
                reason=reason,
            )
        )
        org_id = _confirming_org(p)
        if org_id:
            open_todo(
                key=f"projects.suspension.{s.pk}",
                kind="projects.suspension_confirm",
                title=f"确认停工：{p.name}",
                organisation_id=org_id,
                project_id=p.pk,
                subject=s,
                url=f"/projects/{p.pk}/#suspensions",
                basis="R-PRJ-07（实施细则第三十五条）",
                detail=reason,
            )
    return s


def withdraw_suspension(*, actor: Actor, suspension: Suspension) -> Suspension:
    with steps.write(
        project_steps.WITHDRAW, suspension, actor, project_id=suspension.project_id
    ) as w:
        s = w.obj
        s.state = SuspensionState.WITHDRAWN
        node(s.project, "suspension_withdrawn", "撤回停工申报", actor=actor)
        close_todos(key=f"projects.suspension.{s.pk}", state="cancelled")
    return w.obj  # type: ignore[no-any-return]


def _tell_suspension_decision(s: Suspension, p: Project, actor: Actor) -> None:
    """The one who declared the suspension and the owner leader are told."""
    from postaward.core import notices
    from postaward.orgs.selectors import owner_leader_account_id

    decision = s.get_state_display()
    notices.tell(
        [s.declared_by_id, owner_leader_account_id(p)],
        key=f"projects.suspension:{s.pk}:{s.state}",
        kind="decision",
        title=f"停工申报{decision}：{p.name}",
        body=f"{actor.org_name} {actor.display_name}：{decision}"
        + (f"。意见：{s.decision_note}" if s.decision_note else ""),
        url=f"/projects/{p.pk}/#suspensions",
        project=p,
        actor=actor,
    )


def _decided(s: Suspension, actor: Actor, note: str) -> None:
    s.confirmed_at = clock.now()
    s.confirmed_by_id = actor.user_id
    s.confirmed_by_name = actor.display_name[:100]
    s.confirmed_by_org = actor.org_name[:200]
    s.decision_note = note


def confirm_suspension(*, actor: Actor, suspension: Suspension, note: str = "") -> Suspension:
    """Confirmed by the superior unit (line) or the supervision office (ADR 0101):
    the project is suspended from the declared time (its ``suspend`` step, in
    the same transaction); every open deadline of the project pauses
    (core.deadlines.pause_project), attendance duty stops."""
    with steps.write(
        project_steps.CONFIRM, suspension, actor, project_id=suspension.project_id
    ) as w:
        s = w.obj
        _decided(s, actor, (note or "").strip()[:300])
        with steps.write(project_steps.SUSPEND, s.project, actor) as wp:
            p = wp.obj
            p.updated_at = clock.now()
            node(
                p,
                "suspended",
                "停工（已确认）",
                actor=actor,
                detail=f"自 {clock.localtime(s.started_at):%Y-%m-%d %H:%M} 起停工；{s.reason}",
            )
            wp.publish(
                ProjectSuspended(
                    **_facts(p, actor),
                    suspension_id=s.pk,
                    started_at=s.started_at.isoformat(),
                    reason=s.reason,
                    declared_by=s.declared_by_name,
                    confirmed_by=s.confirmed_by_name,
                )
            )
        s.state = SuspensionState.CONFIRMED
        deadlines.pause_project(p.pk, s.started_at)
        close_todos(key=f"projects.suspension.{s.pk}")
        _tell_suspension_decision(s, p, actor)
    s.project = p
    return s


def reject_suspension(*, actor: Actor, suspension: Suspension, note: str) -> Suspension:
    with steps.write(
        project_steps.REJECT, suspension, actor, project_id=suspension.project_id
    ) as w:
        s = w.obj
        note = text(note, field="note", label="不予确认的理由", min_len=2, max_len=300)
        _decided(s, actor, note)
        s.state = SuspensionState.REJECTED
        p = s.project
        node(p, "suspension_rejected", "停工申报未予确认", actor=actor, detail=note)
        w.publish(SuspensionRejected(**_facts(p, actor), suspension_id=s.pk, note=note))
        close_todos(key=f"projects.suspension.{s.pk}")
        _tell_suspension_decision(s, p, actor)
    return w.obj  # type: ignore[no-any-return]


def resume_works(*, actor: Actor, project: Project, note: str = "") -> Project:
    """SY 35: resumption is switched on by the owner's project leader; the
    paused clocks restart, extended by the suspended time."""
    from ..selectors import suspension_days

    with steps.write(project_steps.RESUME, project, actor) as w:
        p = w.obj
        confirmed = Suspension.objects.filter(project=p, state=SuspensionState.CONFIRMED)
        with writes.audited(
            Suspension,
            pk=confirmed.values_list("pk", flat=True).get(),
            actor=actor,
            action="projects.end_suspension",
        ) as sw:
            s = sw.obj
            now = clock.now()
            s.ended_at = now
            s.resumed_by_id = actor.user_id
            s.resumed_by_name = actor.display_name[:100]
            s.resume_note = (note or "").strip()[:300]
            days = len(suspension_days(s))
            p.updated_at = now
            node(
                p,
                "resumed",
                "复工",
                actor=actor,
                detail=f"停工 {days} 天" + (f"；{s.resume_note}" if s.resume_note else ""),
            )
            w.publish(
                ProjectResumed(
                    **_facts(p, actor),
                    suspension_id=s.pk,
                    started_at=s.started_at.isoformat(),
                    ended_at=now.isoformat(),
                    suspended_days=days,
                )
            )
            s.state = SuspensionState.ENDED
        deadlines.resume_project(p.pk, now)
    return _synced(project, w.obj)
