"""The demo district's projects reach every lifecycle state through the
services, with sites, contracts, key personnel and their archives (issue: demo)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.core import audit, clock
from postaward.projects import workflows
from postaward.projects.choices import ProjectStatus, SuspensionState
from postaward.projects.models import (
    AbnormalAwardEvent,
    Interview,
    Project,
    Suspension,
    TimelineEntry,
)

pytestmark = pytest.mark.django_db


def test_demo_projects_cover_every_state_through_the_lifecycle():
    from postaward import demo

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        demo.build(projects=45)
    projects = Project.objects.all()
    assert projects.count() == 45
    assert set(projects.values_list("status", flat=True)) == set(ProjectStatus.values)
    for p in projects.exclude(status=ProjectStatus.REGISTERED):
        assert p.owner_leader_id and p.site is not None
    # Every started project was started by the service: its readiness held then,
    # and its timeline has the node.
    for p in projects.filter(actual_start__isnull=False):
        assert TimelineEntry.objects.filter(project=p, node="works_started").exists()
        assert p.participants.filter(role="contractor", contract_document__isnull=False).exists()
        assert p.assignments.filter(position="project_manager").exists()
    for p in projects.filter(status=ProjectStatus.SUSPENDED):
        assert Suspension.objects.filter(project=p, state=SuspensionState.CONFIRMED).exists()
    ready = [
        p for p in projects.filter(status=ProjectStatus.PREPARING) if not workflows.start_missing(p)
    ]
    assert ready, "at least one project is ready for the demo owner to start"
    assert Interview.objects.exists() and AbnormalAwardEvent.objects.exists()
    assert projects.filter(owner__isnull=True).exists()  # waiting for the chain
    assert audit.verify().ok
