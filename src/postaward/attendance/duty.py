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

from postaward.core import clock
from postaward.projects.choices import STAGED_POSITIONS
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


def suspended_dates(project_id: int, first: dt.date, last: dt.date) -> set[dt.date]:
    """Confirmed suspensions: from the day it started to the day before resumption
    (a project resumed on day E works on day E)."""
    days: set[dt.date] = set()
    for s in Suspension.objects.filter(
        project_id=project_id, confirmed_at__isnull=False, started_at__lt=clock.end_of_day(last)
    ):
        start = clock.local_date(s.started_at)
        end = clock.local_date(s.ended_at) - ONE_DAY if s.ended_at else last
        for day in daterange(max(start, first), min(end, last)):
            days.add(day)
    return days


def load(
    project: Project, first: dt.date, last: dt.date, assignment_ids: Iterable[int] | None = None
) -> ProjectDuty:
    duty = ProjectDuty(project=project, first=first, last=last)
    duty.suspended = suspended_dates(project.pk, first, last)
    for period in NonConstructionPeriod.objects.filter(
        project=project, withdrawn_at__isnull=True, starts_on__lte=last, ends_on__gte=first
    ):
        for day in daterange(max(period.starts_on, first), min(period.ends_on, last)):
            duty.non_construction[day] = period.reason
    for stage in CheckinStage.objects.filter(
        project=project, starts_on__lte=last, ends_on__gte=first
    ):
        duty.stages[stage.position].append((stage.starts_on, stage.ends_on, stage.name))
    leaves = LeaveRequest.objects.filter(
        project=project, state=LeaveState.APPROVED, starts_on__lte=last, ends_on__gte=first
    )
    if assignment_ids is not None:
        leaves = leaves.filter(assignment_id__in=list(assignment_ids))
    for leave in leaves:
        for day in daterange(max(leave.starts_on, first), min(leave.ends_on, last)):
            duty.leave[leave.assignment_id].add(day)
    return duty
