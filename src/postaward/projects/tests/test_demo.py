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
from postaward.testing import demo_build

pytestmark = pytest.mark.django_db


def test_demo_projects_cover_every_state_through_the_lifecycle():
    from postaward import demo

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        demo.build(projects=45)
    projects = Project.objects.all()
    assert projects.count() == 45 + 1  # and the field logins' live project (issue 11 §7)
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


def test_demo_has_the_district_of_the_issue_and_one_login_per_role():
    """Issue 2 section 7: 4+ industry authorities, 20+ owners, 40+ contractors,
    20+ supervising firms, intermediaries; one login per role (the public file
    complaints without an account)."""
    from postaward import demo
    from postaward.orgs.choices import INTERMEDIARY_KINDS, ROLES_BY_KIND, OrgKind, Role
    from postaward.orgs.models import Organisation, UserRole

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        demo_build(12)
    kinds = Organisation.objects.values_list("kind", flat=True)
    count = {k: list(kinds).count(k) for k in set(kinds)}
    assert count[OrgKind.INDUSTRY_AUTHORITY] >= 4
    assert count[OrgKind.OWNER] >= 20
    assert count[OrgKind.CONTRACTOR] >= 40
    assert count[OrgKind.SUPERVISING_FIRM] >= 20
    assert sum(count.get(k, 0) for k in INTERMEDIARY_KINDS) >= 1
    every_role = set().union(*ROLES_BY_KIND.values()) - {Role.PUBLIC_USER}
    granted = set(UserRole.objects.values_list("role", flat=True))
    assert every_role - granted == set()
    printed = {row.username for row in demo.demo_logins()}
    assert {"office_admin", "owner_leader", "owner_head", "pm", "chief_engineer"} <= printed
    # make run again: the data stays and the logins are printed again
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert "保留现有数据" in out.getvalue() and "owner_head" in out.getvalue()
    assert Organisation.objects.count() == len(kinds)


def test_demo_company_names_are_distinct_without_serial_numbers():
    """Issue 11 §7: no "（21）" suffixes; every contractor and supervising firm
    has its own real-looking name."""
    from postaward.orgs.choices import OrgKind
    from postaward.orgs.models import Organisation

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        demo_build(0)
    names = list(
        Organisation.objects.filter(
            kind__in=[OrgKind.CONTRACTOR, OrgKind.SUPERVISING_FIRM]
        ).values_list("name", flat=True)
    )
    assert len(names) >= 60
    assert len(names) == len(set(names)) and not [n for n in names if "（" in n]
