"""What the approval processes do when other things happen (domain events,
dispatched after commit; idempotent, since an event may be delivered again)."""

from __future__ import annotations

import datetime as dt

from postaward.core import deadlines, events
from postaward.projects.events import ProjectCompleted, ProjectTerminated, SettlementSubmitted
from postaward.projects.models import Project

from . import deadline_kinds as K


@events.subscribe(ProjectCompleted)
def start_settlement_clock(evt: ProjectCompleted) -> None:
    """R-SET-01: completion starts the owner's settlement period."""
    from .services import open_settlement_clock

    project = Project.objects.filter(pk=evt.project_id).first()
    if project is not None:
        open_settlement_clock(project, dt.date.fromisoformat(evt.actual_completion))


@events.subscribe(SettlementSubmitted)
def stop_settlement_clock(evt: SettlementSubmitted) -> None:
    from .services import close_settlement_clock

    project = Project.objects.filter(pk=evt.project_id).first()
    if project is not None:
        close_settlement_clock(project, dt.date.fromisoformat(evt.submitted_on))


@events.subscribe(ProjectTerminated)
def drop_todos_of_terminated(evt: ProjectTerminated) -> None:
    from .services.acceptance import cancel_project_clocks

    cancel_project_clocks(evt.project_id)


@events.subscribe(deadlines.DeadlineMissed)
def on_missed(evt: deadlines.DeadlineMissed) -> None:
    """R-SUP-02: a rectification notice not handled in time becomes an owner's
    to-do to interview the person responsible, and an event."""
    if evt.kind == K.RECTIFICATION.kind:
        from .services import mark_overdue

        mark_overdue(int(evt.subject_id))
