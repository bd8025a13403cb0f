"""The scheduled work of the approval processes: the daily supervision-log
slots (R-SUP-01) are opened by a huey periodic task, not only by the simulator."""

from __future__ import annotations

import datetime as dt

import pytest
from huey.contrib.djhuey import HUEY

from postaward.core import clock
from postaward.core.models import Deadline, Todo
from postaward.projects import services as project_services
from postaward.projects.choices import ProjectStatus

from .. import deadline_kinds as K
from ..choices import LogState
from ..models import SupervisionLog
from ..tasks import open_todays_log_slots
from . import factories as f
from .conftest import local

pytestmark = pytest.mark.django_db


def _huey_time(value: dt.datetime) -> dt.datetime:
    """The naive timestamp the huey consumer matches periodic tasks against."""
    if HUEY.utc:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.astimezone(clock.LOCAL_TZ).replace(tzinfo=None)


def _scheduled_at(value: dt.datetime) -> bool:
    due = HUEY.read_periodic(_huey_time(value))
    return any(isinstance(t, open_todays_log_slots.task_class) for t in due)


def test_r_sup_01_the_log_slots_task_runs_at_00_10_local_time():
    assert _scheduled_at(local(2026, 6, 16, 0, 10))
    assert not _scheduled_at(local(2026, 6, 16, 0, 11))
    assert not _scheduled_at(local(2026, 6, 16, 8, 10))  # 00:10 UTC


def test_r_sup_01_the_daily_task_opens_a_slot_and_deadline_per_construction_day(d, frozen):
    """R-SUP-01: the scheduled task (not the simulator) opens today's log slot with
    its deadline (24:00 of the day) for a project under construction, none for a
    suspended project; a second run opens nothing twice."""
    school = d.projects["p_school"]
    stopped = f.project(d, "T-SUS1")
    s = project_services.declare_suspension(
        actor=d.actor("school_leader"),
        project=stopped,
        started_at=clock.now(),
        reason="暴雨积水，停工排水",
    )
    project_services.confirm_suspension(actor=d.actor("line_supervisor"), suspension=s)
    stopped.refresh_from_db()
    assert stopped.status == ProjectStatus.SUSPENDED
    frozen.move_to(local(2026, 6, 16, 0, 10))
    day = dt.date(2026, 6, 16)

    opened = open_todays_log_slots.call_local()
    assert opened == 2  # the school's and the hospital's

    slot = SupervisionLog.objects.get(project=school, log_date=day)
    assert slot.state == LogState.DUE
    dl = Deadline.objects.get(
        kind=K.SUPERVISION_LOG.kind,
        subject_type="approvals.supervisionlog",
        subject_id=str(slot.pk),
    )
    assert dl.state == Deadline.State.OPEN
    assert dl.due_at == local(2026, 6, 17)  # 24:00 of the day
    assert dl.organisation_id == d.orgs["supervisor_a"].pk
    todos = Todo.objects.filter(subject_type="approvals.supervisionlog", subject_id=str(slot.pk))
    assert todos.exists() and {t.due_at for t in todos} == {local(2026, 6, 17)}
    n_todos = Todo.objects.count()
    assert not SupervisionLog.objects.filter(project=stopped).exists()

    assert open_todays_log_slots.call_local() == 0  # idempotent
    assert Todo.objects.count() == n_todos
    assert SupervisionLog.objects.filter(project=school, log_date=day).count() == 1
    assert (
        Deadline.objects.filter(
            kind=K.SUPERVISION_LOG.kind,
            subject_type="approvals.supervisionlog",
            subject_id=str(slot.pk),
        ).count()
        == 1
    )
