"""Re-closing a past period (R-ATT-07): the one write behind the statistics
page's form and ``POST /api/v1/attendance/reclose``.

``reclose`` checks who may (an administrator of the supervision office, within
its scope), validates the period, hands the closing to the worker
(``tasks.reclose``: idempotent, rows are replaced) and writes the audit record.
A refusal raises before anything is queued or recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from postaward.core import audit, clock
from postaward.core.actor import Actor
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.orgs.choices import OrgKind, Role
from postaward.projects.models import Project

RECLOSE_MAX_DAYS = 92
RECLOSE_ACTION = "attendance.reclose"
RECLOSE_WHO = "仅监管办总管可以重新结算考勤"


@dataclass(frozen=True)
class Reclosing:
    """A re-closing handed to the worker."""

    first: dt.date
    last: dt.date
    project_ids: list[int]
    task_id: str
    message: str


def may_reclose(actor: Actor) -> bool:
    """The role: an administrator of the supervision office (whose scope is
    its district; the projects it may re-close are the ones it sees)."""
    return (
        actor.is_authenticated
        and actor.org_kind == OrgKind.SUPERVISION_OFFICE
        and Role.ADMIN in actor.roles
    )


def _start(p: Project) -> dt.date | None:
    return p.actual_start or p.planned_start


def validate_reclose(first: dt.date, last: dt.date, projects: list[Project] | None = None) -> None:
    """The period: past days only, at most ``RECLOSE_MAX_DAYS``, and not before
    the start of construction of the projects it re-closes (422, on the field)."""
    if last < first:
        raise ValidationFailed("结束日期不能早于开始日期", field="last")
    if last >= clock.today():
        raise ValidationFailed("只能重新结算今天以前的日期", field="last")
    if (last - first).days >= RECLOSE_MAX_DAYS:
        raise ValidationFailed(f"一次最多重新结算 {RECLOSE_MAX_DAYS} 天", field="first")
    if projects is None:
        return
    starts = [s for p in projects if (s := _start(p)) is not None]
    if not starts:
        raise ValidationFailed("没有已开工的项目可以重新结算", field="first")
    earliest = min(starts)
    if first < earliest:
        whose = projects[0].name if len(projects) == 1 else "辖区内最早的项目"
        raise ValidationFailed(
            f"{whose}于 {earliest:%Y-%m-%d} 开工，不能重新结算开工以前的日期",
            field="first",
        )


def reclose(
    *, actor: Actor, first: dt.date, last: dt.date, project_id: int | None = None
) -> Reclosing:
    """Re-close ``first``..``last`` for one project (``project_id``) or every
    project the actor sees: check, validate, queue, audit."""
    if not may_reclose(actor):
        raise Forbidden(RECLOSE_WHO)
    qs = Project.objects.visible_to(actor).only("pk", "name", "actual_start", "planned_start")
    if project_id is not None:
        projects = [get_visible_or_404(qs, actor, pk=project_id)]
    else:
        projects = list(qs.filter(actual_start__isnull=False).order_by("pk"))
    validate_reclose(first, last, projects)
    ids = [p.pk for p in projects]
    from .. import tasks

    result = tasks.reclose(first.isoformat(), last.isoformat(), ids)
    task_id = str(getattr(result, "id", ""))
    scope = projects[0].name if project_id is not None else f"辖区内 {len(ids)} 个项目"
    audit.record(
        actor=actor,
        action=RECLOSE_ACTION,
        object_type="attendance.reclose",
        object_repr=f"重新结算考勤 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}（{scope}）",
        after={
            "first": first,
            "last": last,
            "project_ids": ids,
            "task_id": task_id,
        },
        project_id=project_id,
    )
    return Reclosing(
        first=first,
        last=last,
        project_ids=ids,
        task_id=task_id,
        message=f"已提交后台重新结算 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}（{scope}）",
    )
