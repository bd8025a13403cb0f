"""The simulator brings complaints and reports to the small district and takes
them through every step (R-CMP-01, R-CMP-02, R-CMP-03, R-CMP-05): filed through
the channels, named and anonymous, accepted or not, transferred down the
project's chain, replied (sometimes late, sometimes sent back), approved and
closed with the outcome; a missed legal clock raises an alert through the
deadline → alert routing, a substantiated one publishes ComplaintVerified.

Cheap: the small district of ``postaward.testing`` (two projects, the owners
with accounts), only this capability's activity and the deadline sweep. It
runs the same on SQLite and PostgreSQL: nothing the simulator draws depends on
a database id."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine

from postaward.core import audit, clock

from ..choices import Channel, State
from ..deadline_kinds import ALL as CLOCK_KINDS
from ..models import Complaint

pytestmark = pytest.mark.django_db

DAYS = 14
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.LOCAL_TZ)  # a Monday


@pytest.fixture
def simulate_complaints(monkeypatch):
    """``simulate.run`` with only the complaints' activity and the deadline sweep."""
    from postaward import simulate

    for app in ("complaints", "approvals"):
        importlib.import_module(f"postaward.{app}.simulation")
    monkeypatch.setattr(
        simulate,
        "_activities",
        [a for a in simulate._activities if a[2].__module__ == "postaward.complaints.simulation"],
    )
    monkeypatch.setattr(
        simulate, "_sweeps", [s for s in simulate._sweeps if s[1] == "approvals_sweep"]
    )
    yield simulate
    clock.set_offset(0)


def _run(simulate) -> list[tuple]:  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False):
        simulate.run(DAYS, seed=1, log=lambda _: None)
        assert clock.today() == START.date() + dt.timedelta(days=DAYS)
    return list(
        Complaint.objects.order_by("receipt_number").values_list(
            "receipt_number", "channel", "anonymous", "state", "outcome", "project__code"
        )
    )


def test_r_cmp_01_two_simulated_weeks_take_filings_through_every_step(
    district, simulate_complaints
):
    from postaward.alerts.indicators import deadline_code
    from postaward.alerts.models import Alert
    from postaward.core.models import AuditRecord, Deadline, EventRecord

    rows = _run(simulate_complaints)
    # a few filings a week through the channels, named and anonymous, most about
    # a project of the registry
    assert 5 <= len(rows) <= 40
    channels = {r[1] for r in rows}
    assert Channel.ONLINE in channels and len(channels) >= 4
    assert {True, False} <= {r[2] for r in rows}
    assert any(r[5] for r in rows) and any(r[0].startswith("TS") for r in rows)
    assert any(r[0].startswith("JB") for r in rows)
    # every step of the workflow taken, as the office and as the unit (R-CMP-01, 03, 05)
    actions = set(
        AuditRecord.objects.filter(action__startswith="complaints.").values_list(
            "action", flat=True
        )
    )
    for step in ("accept", "reject", "transfer", "reply", "send_back", "approve_reply", "close"):
        assert f"complaints.{step}" in actions, step
    office = district.orgs["office"].pk
    by = {
        a: set(AuditRecord.objects.filter(action=a).values_list("organisation_id", flat=True))
        for a in ("complaints.accept", "complaints.reply", "complaints.close")
    }
    assert by["complaints.accept"] == by["complaints.close"] == {office}
    units = {district.orgs[k].pk for k in ("housing", "transport", "edu", "edu_line")}
    assert by["complaints.reply"] <= units | {
        district.orgs["school"].pk,
        district.orgs["hospital"].pk,
    }
    assert {r[3] for r in rows} >= {State.CLOSED, State.REJECTED}
    # a legal clock missed (R-CMP-02) and its alert, through deadline → alert
    kinds = [k.kind for k in CLOCK_KINDS]
    missed = Deadline.objects.filter(kind__in=kinds, state=Deadline.State.MISSED)
    assert missed.exists()
    codes = {deadline_code(k) for k in missed.values_list("kind", flat=True)}
    assert Alert.objects.filter(indicator__code__in=codes).exists()
    # a substantiated one verified (R-CMP-05)
    assert EventRecord.objects.filter(name="complaints.verified").exists()
    assert audit.verify().ok
