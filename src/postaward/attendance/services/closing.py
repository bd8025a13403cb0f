"""The daily closing: day facts, catching up missed days, absence streaks
and overdue patrols (R-ATT-02, R-ATT-06, R-ATT-07)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from postaward.core import clock, events
from postaward.core.services import open_todo
from postaward.orgs.choices import Role
from postaward.projects.models import KeyPersonAssignment, Project

from .. import duty as duty_mod
from .. import rules
from ..choices import (
    CONSTRUCTION_DAY_STATUSES,
    DayStatus,
    InterviewKind,
    Review,
    absence_streak_min_days,
    patrol_interval_days,
)
from ..events import (
    AbsenceStreak,
    PatrolOverdue,
)
from ..models import (
    AttendanceDay,
    CheckIn,
    Patrol,
)
from .interviews import _open_interview
from .patrol import close_stale_patrols

# --- closings ---------------------------------------------------------------------------------------


def _counted_times(project_ids: list[int], day: dt.date) -> dict[int, list[dt.datetime]]:
    out: dict[int, list[dt.datetime]] = {}
    rows = (
        CheckIn.objects.filter(
            project_id__in=project_ids, local_date=day, accepted=True, assignment__isnull=False
        )
        .exclude(review=Review.CONFIRMED)
        .values_list("assignment_id", "at")
    )
    for assignment_id, at in rows:
        out.setdefault(assignment_id, []).append(at)
    return out


def projects_on_duty(
    first: dt.date,
    last: dt.date,
    *,
    fields: tuple[str, ...] | None = None,
    ids: list[int] | None = None,
) -> list[Project]:
    """Projects that may have had construction days in [first, last] (only
    those of ``ids`` when given)."""
    qs = (
        Project.objects.filter(actual_start__isnull=False, actual_start__lte=last)
        .filter(Q(actual_completion__isnull=True) | Q(actual_completion__gte=first))
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=first))
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    qs = qs.only(*fields) if fields else qs.select_related("owner")
    return list(qs)


def close_day(day: dt.date, *, project_ids: list[int] | None = None, detect: bool = True) -> int:
    """Close one day: an AttendanceDay per person in a position (idempotent:
    re-running replaces the day's rows), then the consequences (R-ATT-07, 06)."""
    # A re-closing names its projects: only those are loaded (ADR 0084).
    projects = projects_on_duty(
        day, day, ids=list(project_ids) if project_ids is not None else None
    )
    written = 0
    for project in projects:
        assignments = list(
            KeyPersonAssignment.objects.select_related("participant__organisation", "person")
            .filter(project=project, must_check_in=True, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        )
        if not assignments and not detect:
            continue
        # The day's facts in one round trip, as the check-in reads them (ADR 0084).
        duty = duty_mod.load_day(project, day, [a.pk for a in assignments])
        times = _counted_times([project.pk], day) if assignments else {}
        rows = []
        for a in assignments:
            status, reason = duty.status(a, day)
            result = rules.valid_day(times.get(a.pk, []))
            if status is None:
                if result.valid:
                    status, reason = DayStatus.VALID, ""
                elif result.count == 0:
                    status, reason = DayStatus.ABSENT, result.reason
                else:
                    status, reason = DayStatus.INVALID, result.reason
            rows.append(
                AttendanceDay(
                    assignment=a,
                    person_id=a.person_id,
                    project=project,
                    date=day,
                    status=status,
                    first_at=result.first_at,
                    last_at=result.last_at,
                    checkins=result.count,
                    reason=reason[:200],
                    closed_at=clock.now(),
                )
            )
        with transaction.atomic():
            if detect:
                # One closing of a project at a time (the nightly task and a
                # re-closing may overlap): the dedup checks below then see each
                # other's writes.
                list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
            if assignments:
                AttendanceDay.objects.filter(project=project, date=day).delete()
                AttendanceDay.objects.bulk_create(rows)
                written += len(rows)
            if detect:
                _detect_absence_streaks(
                    project, [r for r in rows if r.status in CONSTRUCTION_DAY_STATUSES], day
                )
                # R-ATT-06 applies with or without positions that check in.
                close_stale_patrols(project, day)
                _detect_patrol_overdue(project, day, duty)
    return written


CATCH_UP_DAYS = 7  # how far back the nightly closing looks for days it missed
# How far back a day's closing looks for the absence streak it extends: a
# day's streak is made of the days in [day - STREAK_LOOKBACK_DAYS, day].
STREAK_LOOKBACK_DAYS = 31


def unclosed_days(first: dt.date, last: dt.date) -> dict[dt.date, list[int]]:
    """The days in [first, last] the daily closing missed, with their projects: a
    project with a position that must check in that day but no closed day row
    (the 00:30 task did not run, or failed part way)."""
    projects = projects_on_duty(
        first, last, fields=("id", "actual_start", "actual_completion", "terminated_on")
    )
    if not projects:
        return {}
    ids = [p.pk for p in projects]
    closed = set(
        AttendanceDay.objects.filter(project_id__in=ids, date__gte=first, date__lte=last)
        .order_by()
        .values_list("date", "project_id")
        .distinct()
    )
    positions: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for project_id, started_on, ended_on in (
        KeyPersonAssignment.objects.filter(
            project_id__in=ids, must_check_in=True, started_on__lte=last
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .values_list("project_id", "started_on", "ended_on")
    ):
        positions.setdefault(project_id, []).append((started_on, ended_on))
    out: dict[dt.date, list[int]] = {}
    for day in duty_mod.daterange(first, last):
        for p in projects:
            if p.actual_start is None or p.actual_start > day or (day, p.pk) in closed:
                continue
            if p.actual_completion is not None and p.actual_completion < day:
                continue
            if p.terminated_on is not None and p.terminated_on < day:
                continue
            if any(s <= day and (e is None or e > day) for s, e in positions.get(p.pk, [])):
                out.setdefault(day, []).append(p.pk)
    return out


def catch_up(yesterday: dt.date, *, days: int = CATCH_UP_DAYS) -> int:
    """Close, oldest first and with their consequences, the days before
    ``yesterday`` (at most ``days`` back) that the nightly closing missed, so
    that an absence streak spanning a missed day is still found (R-ATT-07)."""
    missed = unclosed_days(yesterday - dt.timedelta(days=days), yesterday - dt.timedelta(days=1))
    return sum(close_day(day, project_ids=missed[day]) for day in sorted(missed))


def _detect_absence_streaks(
    project: Project, today_rows: list[AttendanceDay], day: dt.date
) -> None:
    """R-ATT-07: consecutive construction days without a valid day.

    Each day a streak grows, its facts are published (``AbsenceStreak``, from
    the first day): the alert indicator's configured ``min_days`` decides the
    alert, and the interview follows the same configured threshold (R-ALR-01).
    Days that are not construction days for the person (leave, suspension,
    non-construction, outside the stages) neither count nor break the streak."""
    failing = [r for r in today_rows if r.status != DayStatus.VALID]
    if not failing:
        return
    min_days = absence_streak_min_days()
    history: dict[int, list[AttendanceDay]] = {}
    for r in AttendanceDay.objects.filter(
        assignment_id__in=[r.assignment_id for r in failing],
        date__lt=day,
        date__gte=day - dt.timedelta(days=STREAK_LOOKBACK_DAYS),
        status__in=CONSTRUCTION_DAY_STATUSES,
    ).order_by("-date"):
        history.setdefault(r.assignment_id, []).append(r)
    streaks = []
    for row in failing:
        streak = [row]
        for prev in history.get(row.assignment_id, []):
            if prev.status == DayStatus.VALID:
                break
            streak.append(prev)
        key = f"absence:{row.assignment_id}:{streak[-1].date.isoformat()}:{len(streak)}"
        streaks.append((row, streak, key))
    from postaward.core.models import EventRecord

    published = set(
        EventRecord.objects.filter(
            name=AbsenceStreak.name, payload__dedup_key__in=[k for _, _, k in streaks]
        ).values_list("payload__dedup_key", flat=True)
    )
    for row, streak, dedup_key in streaks:
        first = streak[-1].date
        a = row.assignment
        days = sorted(r.date.isoformat() for r in streak)
        if dedup_key in published:
            continue
        events.publish(
            AbsenceStreak(
                project_id=project.pk,
                person_id=a.person_id,
                organisation_id=a.participant.organisation_id,
                assignment_id=a.pk,
                position=a.position,
                first_day=first.isoformat(),
                days=days,
                reasons=[r.reason for r in sorted(streak, key=lambda r: r.date)],
                dedup_key=dedup_key,
            )
        )
        if len(streak) < min_days:
            continue
        _open_interview(
            kind=InterviewKind.ABSENCE_STREAK,
            key=f"absence:{a.pk}:{first.isoformat()}",
            project=project,
            assignment=a,
            summary=f"自 {first:%Y-%m-%d} 起连续 {len(streak)} 个施工日未有效考勤",
            trigger={
                "days": days,
                "statuses": [r.status for r in sorted(streak, key=lambda r: r.date)],
            },
        )


def construction_days_since(project: Project, since: dt.date, day: dt.date) -> int:
    """How many days in (since, day] were construction days of the project:
    suspended (R-PRJ-07) and declared non-construction days do not count."""
    if day <= since:
        return 0
    duty = duty_mod.load(project, since + dt.timedelta(days=1), day, [])
    return sum(
        1
        for d in duty_mod.daterange(since + dt.timedelta(days=1), day)
        if d not in duty.suspended and d not in duty.non_construction
    )


def _detect_patrol_overdue(project: Project, day: dt.date, duty: duty_mod.ProjectDuty) -> None:
    """R-ATT-06: one valid patrol by the owner's project leader every 7
    construction days (the indicator's configured interval, R-ALR-01).

    Suspended days do not count (the leader is not overdue on the day works
    resume after a suspension), nor declared non-construction days. One
    ``PatrolOverdue`` per interval without a valid patrol: construction day 7,
    14, 21… after the last valid patrol (or the start of works). The period is
    the dedup key, stored in the event, so re-closing a day publishes nothing
    twice. The owner's to-do is opened only while the overdue is still current
    (no valid patrol after ``day``: a late re-closing does not ask for a patrol
    already made)."""
    from postaward.core.models import EventRecord

    if project.owner_leader_id is None or day in duty.suspended or project.actual_start is None:
        return
    if day in duty.non_construction:
        return
    interval = patrol_interval_days()
    end = clock.end_of_day(day)
    last = (
        Patrol.objects.filter(project=project, valid=True, started_at__lt=end)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    since = clock.local_date(last) if last else project.actual_start
    if (day - since).days < interval:
        return  # fewer calendar days than the interval: fewer construction days too
    gap = construction_days_since(project, since, day)
    if gap < interval:
        return
    key = f"patrol:{project.pk}:{since.isoformat()}:{gap // interval}"
    if EventRecord.objects.filter(name=PatrolOverdue.name, payload__dedup_key=key).exists():
        return
    events.publish(
        PatrolOverdue(
            project_id=project.pk,
            person_id=project.owner_leader_id,
            owner_id=project.owner_id,
            last_valid_patrol=last.isoformat() if last else None,
            days_without=gap,
            dedup_key=key,
        )
    )
    current = not Patrol.objects.filter(project=project, valid=True, started_at__gte=end).exists()
    if project.owner_id and current:
        open_todo(
            key=f"attendance.patrol:{project.pk}",
            kind="attendance.patrol",
            title=f"巡查超期：{project.name}已 {gap} 个施工日无有效巡查",
            organisation_id=project.owner_id,
            role=Role.OWNER_PROJECT_LEADER,
            project_id=project.pk,
            subject=project,
            url=reverse("attendance_patrol"),
            basis=f"R-ATT-06 建设单位项目负责人每{interval}个施工日巡查一次，每次超过10分钟",
        )
