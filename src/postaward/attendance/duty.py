"""Who must check in, where and when: the duty calendar of a project.

A day is a construction day for a person in a position (R-ATT-03) when the
person holds the position that day and must check in, the project is under
construction (started, not completed or terminated), not suspended (R-PRJ-07),
not a declared non-construction day, within the owner's stages for the technical
lead and the specialist engineer (R-ATT-01), and the person is not on approved
leave (R-ATT-05). Weekends and public holidays are construction days: works go
on, and the owner declares the days they do not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from postaward.core import clock, hotsql
from postaward.projects import selectors as project_selectors
from postaward.projects.choices import STAGED_POSITIONS, ProjectStatus, SuspensionState
from postaward.projects.models import CheckinStage, KeyPersonAssignment, Project, Suspension

from .choices import DayStatus, LeaveState
from .models import LeaveRequest, NonConstructionPeriod

ONE_DAY = dt.timedelta(days=1)


def daterange(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


@dataclass
class ProjectDuty:
    """Everything needed to say, for any day in [first, last], whether a person
    in a position on this project was on duty, without further queries."""

    project: Project
    first: dt.date
    last: dt.date
    suspended: set[dt.date] = field(default_factory=set)
    non_construction: dict[dt.date, str] = field(default_factory=dict)
    stages: dict[str, list[tuple[dt.date, dt.date, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    leave: dict[int, set[dt.date]] = field(default_factory=lambda: defaultdict(set))

    @property
    def works_end(self) -> dt.date | None:
        ends = [d for d in (self.project.actual_completion, self.project.terminated_on) if d]
        return min(ends) if ends else None

    def status(self, a: KeyPersonAssignment, day: dt.date) -> tuple[str | None, str]:
        """(excluded status, reason) or (None, "") when the day is a construction day."""
        p = self.project
        if not a.must_check_in:
            return DayStatus.NOT_ON_DUTY, "该岗位无须考勤"
        if not a.is_active_on(day):
            return DayStatus.NOT_ON_DUTY, "不在岗（到岗前或离岗后）"
        if p.actual_start is None or day < p.actual_start:
            return DayStatus.NOT_ON_DUTY, "项目尚未开工"
        end = self.works_end
        if end is not None and day > end:
            return DayStatus.NOT_ON_DUTY, "项目已完工或终止"
        if day in self.suspended:
            return DayStatus.SUSPENDED, "项目停工（停工期间不计入考勤率）"
        if day in self.non_construction:
            return DayStatus.NON_CONSTRUCTION, f"非施工日：{self.non_construction[day]}"
        if a.position in STAGED_POSITIONS:
            stage = next((s for s in self.stages.get(a.position, []) if s[0] <= day <= s[1]), None)
            if stage is None:
                return DayStatus.OUTSIDE_STAGE, "不在建设单位设定的考勤阶段内"
        if day in self.leave.get(a.pk, ()):
            return DayStatus.LEAVE, "已获准请假"
        return None, ""


def _suspension_days(
    started_at: dt.datetime, ended_at: dt.datetime | None, first: dt.date, last: dt.date
) -> Iterable[dt.date]:
    """A confirmed suspension covers the day it started to the day before
    resumption (a project resumed on day E works on day E)."""
    start = clock.local_date(started_at)
    end = clock.local_date(ended_at) - ONE_DAY if ended_at else last
    return daterange(max(start, first), min(end, last))


# R-PRJ-07: a suspension suspends attendance only once confirmed (and until
# resumption, which ends it). Decided by its state: a rejected suspension also
# carries a decision time and must not suspend anything.
SUSPENDING_STATES = project_selectors.SUSPENDING_STATES


def suspended_dates(project_id: int, first: dt.date, last: dt.date) -> set[dt.date]:
    """Confirmed suspensions: from the day it started to the day before resumption
    (a project resumed on day E works on day E)."""
    days: set[dt.date] = set()
    for s in Suspension.objects.filter(
        project_id=project_id, state__in=SUSPENDING_STATES, started_at__lt=clock.end_of_day(last)
    ):
        days.update(_suspension_days(s.started_at, s.ended_at, first, last))
    return days


def _unrecorded_suspension(duty: ProjectDuty, open_confirmed: bool) -> None:
    """A project whose status is "suspended" without an open confirmed suspension
    record (imported or legacy data): treat the days up to today as suspended
    rather than as absences of everyone on it (R-PRJ-07)."""
    if duty.project.status != ProjectStatus.SUSPENDED or open_confirmed:
        return
    duty.suspended.update(daterange(duty.first, min(duty.last, clock.today())))


def load(
    project: Project, first: dt.date, last: dt.date, assignment_ids: Iterable[int] | None = None
) -> ProjectDuty:
    return load_many([project], first, last, assignment_ids)[project.pk]


def load_many(
    projects: Iterable[Project],
    first: dt.date,
    last: dt.date,
    assignment_ids: Iterable[int] | None = None,
) -> dict[int, ProjectDuty]:
    """The duty calendars of many projects over [first, last] in four queries
    (suspensions, non-construction periods, stages, approved leave)."""
    duties = {p.pk: ProjectDuty(project=p, first=first, last=last) for p in projects}
    ids = list(duties)
    if not ids:
        return duties
    open_confirmed: set[int] = set()
    for pid, started_at, ended_at, state in Suspension.objects.filter(
        project_id__in=ids, state__in=SUSPENDING_STATES, started_at__lt=clock.end_of_day(last)
    ).values_list("project_id", "started_at", "ended_at", "state"):
        duties[pid].suspended.update(_suspension_days(started_at, ended_at, first, last))
        if ended_at is None and state == SuspensionState.CONFIRMED:
            open_confirmed.add(pid)
    for duty in duties.values():
        _unrecorded_suspension(duty, duty.project.pk in open_confirmed)
    for pid, starts_on, ends_on, reason in NonConstructionPeriod.objects.filter(
        project_id__in=ids, withdrawn_at__isnull=True, starts_on__lte=last, ends_on__gte=first
    ).values_list("project_id", "starts_on", "ends_on", "reason"):
        for day in daterange(max(starts_on, first), min(ends_on, last)):
            duties[pid].non_construction[day] = reason
    for pid, position, starts_on, ends_on, name in CheckinStage.objects.filter(
        project_id__in=ids, starts_on__lte=last, ends_on__gte=first
    ).values_list("project_id", "position", "starts_on", "ends_on", "name"):
        duties[pid].stages[position].append((starts_on, ends_on, name))
    leaves = LeaveRequest.objects.filter(
        project_id__in=ids, state=LeaveState.APPROVED, starts_on__lte=last, ends_on__gte=first
    )
    if assignment_ids is not None:
        leaves = leaves.filter(assignment_id__in=list(assignment_ids))
    for pid, assignment_id, starts_on, ends_on in leaves.values_list(
        "project_id", "assignment_id", "starts_on", "ends_on"
    ):
        for day in daterange(max(starts_on, first), min(ends_on, last)):
            duties[pid].leave[assignment_id].add(day)
    return duties


def load_day(project: Project, day: dt.date, assignment_ids: list[int]) -> ProjectDuty:
    """The same facts as ``load(project, day, day, assignment_ids)`` in one round
    trip: the check-in hot path. Four small indexed lookups joined by UNION ALL,
    written out once (building them through the ORM cost more than running them)."""
    from django.db import connection

    duty = ProjectDuty(project=project, first=day, last=day)
    ops = connection.ops
    start = ops.adapt_datetimefield_value(clock.start_of_day(day))
    end = ops.adapt_datetimefield_value(clock.end_of_day(day))
    d = ops.adapt_datefield_value(day)
    ids = list(assignment_ids) or [0]
    sql, names = _day_sql(len(ids))
    values = {"project_id": project.pk, "day_end": end, "day_start": start, "day": d}
    suspension_ids: list[int] = []
    with hotsql.cursor() as cur:
        cur.execute(sql, [*(values[n] for n in names), project.pk, d, d, project.pk, d, d, *ids])
        for kind, a, b in cur.fetchall():
            if kind == "s":
                suspension_ids.append(int(a))
            elif kind == "n":
                duty.non_construction[day] = b
            elif kind == "g":
                duty.stages[a].append((day, day, b))
            elif kind == "l":
                duty.leave[int(a)].add(day)
    open_confirmed = False
    if suspension_ids:
        # Rare: load the suspensions themselves for their exact local dates.
        for started_at, ended_at, state in Suspension.objects.filter(
            pk__in=suspension_ids
        ).values_list("started_at", "ended_at", "state"):
            duty.suspended.update(_suspension_days(started_at, ended_at, day, day))
            open_confirmed |= ended_at is None and state == SuspensionState.CONFIRMED
    _unrecorded_suspension(duty, open_confirmed)
    return duty


_DAY_SQL: dict[int, tuple[str, tuple[str, ...]]] = {}


def _day_sql(n_ids: int) -> tuple[str, tuple[str, ...]]:
    """The projects app's facts of the day (its statement, ADR 0055) and this
    app's own (declared non-construction days, approved leave) in one UNION ALL."""
    if n_ids not in _DAY_SQL:
        projects_sql, names = project_selectors.day_facts_sql()
        t = {"n": NonConstructionPeriod._meta.db_table, "l": LeaveRequest._meta.db_table}
        approved = LeaveState.APPROVED.value
        marks = ", ".join(["%s"] * n_ids)
        # Table names and constants come from this module; values are parameters.
        _DAY_SQL[n_ids] = (
            f"{projects_sql} "  # noqa: S608
            f"UNION ALL SELECT 'n', CAST(id AS TEXT), reason FROM {t['n']} "
            "WHERE project_id = %s AND withdrawn_at IS NULL AND starts_on <= %s AND ends_on >= %s "
            f"UNION ALL SELECT 'l', CAST(assignment_id AS TEXT), '' FROM {t['l']} "
            f"WHERE project_id = %s AND state = '{approved}' AND starts_on <= %s AND ends_on >= %s "
            f"AND assignment_id IN ({marks})",
            names,
        )
    return _DAY_SQL[n_ids]
