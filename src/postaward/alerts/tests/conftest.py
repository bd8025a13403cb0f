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
