"""Fixtures of the alerts tests: the small district (``postaward.testing``) and
helpers that publish events and deliver them through the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from postaward.core import clock, events


def deliver() -> int:
    """Deliver every pending event (what the worker does after commit)."""
    return events.dispatch_pending(limit=100_000)


def publish(evt: Any) -> None:
    from django.db import transaction

    with transaction.atomic():
        events.publish(evt)
    deliver()


def at(day: dt.date, hour: int = 10) -> Any:
    """time-machine travel to ``day`` at ``hour`` (local), not ticking."""
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LOCAL_TZ), tick=False
    )


@pytest.fixture
def d(district):
    return district


def change(d, *, participant, cost, days=0, approved=None, state="approved", n=[0]):  # noqa: B006
    """An engineering change row of the approvals capability (issue 5), as
    its services leave it once approved."""
    from decimal import Decimal

    from postaward.testing_factories import EngineeringChangeFactory

    n[0] += 1
    approved = approved or clock.now()
    return EngineeringChangeFactory(
        participant=participant,
        number=f"BG-T-{n[0]:04d}",
        title=f"测试变更{n[0]}",
        cost_delta=Decimal(str(cost)),
        days_delta=days,
        raised_at=approved,
        state=state,
    )


def contractor_of(d, key="p_school"):
    from postaward.projects.models import Participant

    return Participant.objects.get(project=d.projects[key], role="contractor")
