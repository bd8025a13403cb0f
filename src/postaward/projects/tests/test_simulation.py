"""The simulator takes the demo district's projects through their whole
lifecycle and the approval processes through every step (``postaward simulate``):
down the assignment chain into preparation, prepared and started, accepted through
the acceptance process (returned, extended, village and township), settled, paid
and the deposit returned; key personnel changed, sites inspected, contractors
evaluated, refusals handled."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine

from postaward.core import audit, clock
from postaward.projects.choices import ProjectClass, ProjectStatus
from postaward.projects.models import Project, TimelineEntry

pytestmark = pytest.mark.django_db

DAYS = 30


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def simulate_projects_and_approvals(monkeypatch):
    """``simulate.run`` with only the activities of projects and approvals (the
    attendance back-fill of a fresh district alone takes longer than this test)."""
    from postaward import simulate

    for app in ("projects", "approvals", "attendance", "alerts"):
        importlib.import_module(f"postaward.{app}.simulation")
    mine = ("postaward.projects.simulation", "postaward.approvals.simulation")
    monkeypatch.setattr(
        simulate, "_activities", [a for a in simulate._activities if a[2].__module__ in mine]
    )
    monkeypatch.setattr(
        simulate, "_sweeps", [a for a in simulate._sweeps if a[2].__module__ in mine]
    )
    yield simulate
    clock.set_offset(0)


def _nodes(node: str) -> int:
    return TimelineEntry.objects.filter(node=node).count()


def test_a_month_of_simulation_moves_projects_through_the_lifecycle(
    simulate_projects_and_approvals,
):
    from postaward import demo
    from postaward.approvals.choices import AcceptanceKind, AcceptanceState
    from postaward.approvals.models import (
        AcceptanceExtension,
        AcceptanceRequest,
        ContractorEvaluation,
        HiddenWork,
        Inspection,
        PersonnelChange,
        UsageBeforeAcceptance,
    )
    from postaward.core.models import AuditRecord

    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        demo.build(projects=30)
        # One super-large work past its planned completion, so that it asks for more time.
        big = Project.objects.filter(status=ProjectStatus.UNDER_CONSTRUCTION).order_by("id").first()
        Project.objects.filter(pk=big.pk).update(
            project_class=ProjectClass.SUPER_LARGE,
            contract_amount=150_000_000,
            planned_completion=clock.today() - dt.timedelta(days=5),
        )
        before = {
            n: _nodes(n)
            for n in (
                "preparing",
                "works_started",
                "accepted",
                "settled",
                "funds_paid",
                "deposit_returned",
            )
        }
        # One work long past its planned completion, so that it is taken into use
        # before acceptance (R-ACC-06).
        late = (
            Project.objects.filter(status=ProjectStatus.UNDER_CONSTRUCTION)
            .exclude(pk=big.pk)
            .order_by("code")
            .first()
        )
        Project.objects.filter(pk=late.pk).update(
            planned_completion=clock.today() - dt.timedelta(days=60)
        )
        statuses = dict(Project.objects.values_list("pk", "status"))
        simulate_projects_and_approvals.run(DAYS, seed=11, log=lambda _: None)
        after = {n: _nodes(n) for n in before}
        moved = {p: s for p, s in Project.objects.values_list("pk", "status") if statuses[p] != s}
        # Down the chain into preparation, prepared and started (R-ORG-03, R-PRJ-03).
        actions = set(
            AuditRecord.objects.filter(action__startswith="projects.assign_").values_list(
                "action", flat=True
            )
        )
        assert "projects.assign_owner_leader" in actions
        assert after["preparing"] > before["preparing"]
        assert after["works_started"] > before["works_started"]
        # Accepted through the acceptance process, then settled, paid, deposit returned.
        assert after["accepted"] > before["accepted"]
        assert after["settled"] > before["settled"]
        assert after["funds_paid"] > before["funds_paid"]
        assert after["deposit_returned"] > before["deposit_returned"]
        assert ProjectStatus.DEPOSIT_RETURNED in moved.values()
        reqs = AcceptanceRequest.objects.all()
        assert reqs.filter(state=AcceptanceState.RETURNED).exists()
        assert reqs.filter(kind=AcceptanceKind.TOWNSHIP).exists()
        assert reqs.filter(kind=AcceptanceKind.VILLAGE_SELF, state=AcceptanceState.PASSED).exists()
        assert AcceptanceExtension.objects.filter(project=big).exists()
        # The other approval processes.
        assert PersonnelChange.objects.exists()
        assert Inspection.objects.exists() and ContractorEvaluation.objects.exists()
        assert UsageBeforeAcceptance.objects.exists()
        assert HiddenWork.objects.filter(is_important=True).exists()
        assert clock.today() == dt.date(2026, 11, 23) + dt.timedelta(days=DAYS)
    assert audit.verify().ok


def test_simulate_on_an_empty_database_loads_the_demo_first(simulate_projects_and_approvals):
    """Issue 11 §7: ``make simulate`` on a fresh database printed a traceback;
    the command now migrates and loads the demo district before moving it on."""
    import io

    from django.core.management import call_command

    from postaward.orgs.models import Organisation

    assert not Organisation.objects.exists()
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ)):
        call_command("simulate", days=1, demo_projects=6, stdout=out)
    assert "先装入演示区县" in out.getvalue() and "模拟完成" in out.getvalue()
    assert Organisation.objects.exists() and Project.objects.count() >= 6
