"""The demo's cases and the simulator (R-CAS-01, R-CAS-03, R-CAS-04): the
enforcement pool is seeded, cases open in several stages; on simulated working
days the office opens cases from accepted complaints and drives open cases,
some of them to a penalty and its credit entry. Nothing drawn depends on a
database id (the same on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine

from postaward.core import clock, events

from ..choices import State
from ..models import Case, EnforcementCertificate
from . import factories as f

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ)  # a Monday


@pytest.fixture
def simulate_cases(monkeypatch):
    from postaward import simulate

    for app in ("complaints", "cases"):
        importlib.import_module(f"postaward.{app}.simulation")
    monkeypatch.setattr(
        simulate,
        "_activities",
        [a for a in simulate._activities if a[2].__module__ == "postaward.cases.simulation"],
    )
    monkeypatch.setattr(simulate, "_sweeps", [])
    yield simulate
    clock.set_offset(0)


def test_r_cas_01_seed_demo_opens_cases_in_several_stages(district):
    from postaward.cases.simulation import seed_demo

    f.staff(district)
    with time_machine.travel(START, tick=False):
        seed_demo()
    assert EnforcementCertificate.objects.count() >= 3
    states = sorted(Case.objects.values_list("state", flat=True))
    assert states == sorted([State.REGISTERED, State.INVESTIGATING])  # two projects


def test_r_cas_04_the_simulator_opens_cases_from_complaints_and_drives_them(
    district, simulate_cases
):
    from postaward.complaints.tests import factories as cf

    f.staff(district)
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            cf.accepted(district)
    with time_machine.travel(START, tick=False):
        simulate_cases.run(30, seed=3, log=lambda s: None)
        events.dispatch_pending(limit=100_000)
    cases = list(Case.objects.order_by("number"))
    assert cases, "no case opened from the accepted complaints"
    assert all(c.source == "complaint" for c in cases)
    assert any(c.state not in (State.REGISTERED,) for c in cases)
    assert [c.number for c in cases] == [f"AJ-2026-{i + 1:04d}" for i in range(len(cases))]
