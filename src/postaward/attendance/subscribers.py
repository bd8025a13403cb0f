"""What attendance does when other capabilities publish facts."""

from __future__ import annotations

import datetime as dt

from postaward.core import events
from postaward.projects.events import ProjectSuspended

from . import services


@events.subscribe(ProjectSuspended)
def on_project_suspended(evt: ProjectSuspended) -> None:
    """R-PRJ-07, SY 35: a suspension confirmed after the day it started
    re-closes the days since its declared start as suspended, and withdraws
    the consequences of the old closing."""
    services.reclose_after_suspension(
        evt.project_id,
        dt.datetime.fromisoformat(evt.started_at),
        suspension_id=evt.suspension_id,
    )
