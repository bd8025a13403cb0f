"""A suspension confirmed late (R-PRJ-07): re-close its days and withdraw
the consequences they had."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from postaward.core import audit, clock, events
from postaward.core.services import close_todos
from postaward.projects.models import Project, Suspension

from ..choices import (
    DayStatus,
    InterviewKind,
    InterviewState,
    absence_streak_min_days,
)
from ..events import (
    AttendanceConsequenceWithdrawn,
)
from ..models import (
    AttendanceDay,
    AttendanceInterview,
    MonthlyAttendance,
)
from .closing import STREAK_LOOKBACK_DAYS, close_day
from .month import close_month, month_bounds

# --- a suspension confirmed late (R-PRJ-07, SY 35) ------------------------------------------------

SUSPENSION_CONFIRMED = "停工已确认"
_FAILING = (DayStatus.ABSENT, DayStatus.INVALID)


def reclose_after_suspension(
    project_id: int, started_at: dt.datetime, *, suspension_id: int | None = None
) -> int:
    """A suspension confirmed after the day it started (declared 03-10,
    confirmed 03-13): the days from its declared start that were closed
    without it are closed again, as suspended days, and the consequences of
    the old closing that no longer hold are withdrawn, nothing deleted: an
    absence-streak interview with fewer failing construction days left than
    the configured threshold is closed as "停工已确认", and
    ``AttendanceConsequenceWithdrawn`` tells the alerts capability to close the
    alert of the same streak with that reason. A complete month already closed
    is closed again and its low-rate interview withdrawn if the rate now meets
    the threshold. Returns the number of consequences withdrawn.

    Which days (ADR 0085): those already closed (a day never closed is the
    nightly closing's, which reads the suspension itself), from the declared
    start to yesterday, and no later than ``STREAK_LOOKBACK_DAYS`` after the
    day before the confirmation: the days closed after the confirmation knew
    the suspension, and only their absence streaks, which look back that far,
    counted the days closed without it. Handled on time this is the declared
    start to yesterday; handled late (a worker down, the demo district's
    events), the months after are left as they were closed."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    first = clock.local_date(started_at)
    last = clock.today() - dt.timedelta(days=1)
    confirmed_at = (
        Suspension.objects.filter(pk=suspension_id).values_list("confirmed_at", flat=True).first()
        if suspension_id is not None
        else None
    )
    if confirmed_at is not None:
        closed_without = clock.local_date(confirmed_at) - dt.timedelta(days=1)
        last = min(last, closed_without + dt.timedelta(days=STREAK_LOOKBACK_DAYS))
    if last < first:
        return 0
    closed = (
        AttendanceDay.objects.filter(project_id=project_id, date__gte=first, date__lte=last)
        .order_by("date")
        .values_list("date", flat=True)
        .distinct()
    )
    for day in list(closed):
        close_day(day, project_ids=[project_id])
    withdrawn = 0
    min_days = absence_streak_min_days()
    for it in AttendanceInterview.objects.filter(
        project_id=project_id, kind=InterviewKind.ABSENCE_STREAK, state=InterviewState.DUE
    ):
        days = list(it.trigger.get("days", []))
        if not days or max(days) < first.isoformat():
            continue
        assignment_id = int(it.key.split(":")[1])
        failing = AttendanceDay.objects.filter(
            assignment_id=assignment_id, date__in=days, status__in=_FAILING
        ).count()
        if failing >= min_days:
            continue
        with transaction.atomic():
            withdrawn += _withdraw_interview(it, assignment_id, days, "absence_streak")
    today = clock.today()
    month = first.replace(day=1)
    while month_bounds(month)[1] < today and month <= last:
        if MonthlyAttendance.objects.filter(project_id=project_id, month=month).exists():
            close_month(month, project_ids=[project_id])
            withdrawn += _withdraw_low_rates(project_id, month)
        month = month_bounds(month)[1] + dt.timedelta(days=1)
    return withdrawn


def _withdraw_low_rates(project_id: int, month: dt.date) -> int:
    """Low-rate interviews of a re-closed month whose rate is no longer low."""
    count = 0
    still_low = set(
        MonthlyAttendance.objects.filter(
            project_id=project_id, month=month, below_threshold=True
        ).values_list("assignment_id", flat=True)
    )
    for it in AttendanceInterview.objects.filter(
        project_id=project_id,
        kind=InterviewKind.LOW_MONTHLY_RATE,
        state=InterviewState.DUE,
        key__endswith=f":{month:%Y-%m}",
    ):
        assignment_id = int(it.key.split(":")[1])
        if assignment_id in still_low:
            continue
        with transaction.atomic():
            count += _withdraw_interview(it, assignment_id, [f"{month:%Y-%m}"], "low_monthly_rate")
    return count


def _withdraw_interview(
    it: AttendanceInterview, assignment_id: int, days: list[str], kind: str
) -> int:
    from postaward.core.actor import SYSTEM

    locked = AttendanceInterview.objects.select_for_update().get(pk=it.pk)
    if locked.state != InterviewState.DUE:
        return 0
    before = {"state": locked.state}
    locked.state = InterviewState.WITHDRAWN
    locked.closed_at = clock.now()
    locked.closed_by_name = "系统"
    locked.closed_reason = f"{SUSPENSION_CONFIRMED}：相关日期已按停工重新结算"
    locked.save(update_fields=["state", "closed_at", "closed_by_name", "closed_reason"])
    audit.record(
        actor=SYSTEM,
        action="attendance.withdraw_interview",
        obj=locked,
        project_id=locked.project_id,
        before=before,
        after={"state": locked.state, "reason": locked.closed_reason},
    )
    close_todos(key=f"attendance.interview:{locked.pk}", state="cancelled")
    first_day = locked.key.split(":")[2]
    events.publish(
        AttendanceConsequenceWithdrawn(
            project_id=locked.project_id,
            person_id=locked.person_id,
            assignment_id=assignment_id,
            kind=kind,
            first_day=first_day,
            days=days,
            reason=SUSPENSION_CONFIRMED,
            interview_id=locked.pk,
        )
    )
    return 1
