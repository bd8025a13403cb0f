"""Fixtures of the approval tests: the small district at a fixed moment (a
Monday, 2026-06-15 09:30 in Shanghai) with the DRC, a township and its village,
and a supervising firm on the hospital's project."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.core import clock, events
from postaward.testing import replay

from .factories import extras

NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def d(frozen, district):
    """The district with ``extras``: built once per process and moment, then
    replayed (ADR 0053)."""
    return replay("approvals:extras", lambda: extras(district), on=district)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=clock.LOCAL_TZ)


def published(name: str) -> list[dict]:
    from postaward.core.models import EventRecord

    return [r.payload for r in EventRecord.objects.filter(name=name).order_by("id")]


def run_sweep(now: dt.datetime | None = None) -> tuple[int, int]:
    """The scheduled sweep and the worker's dispatch of what it published."""
    from postaward.core import deadlines

    result = deadlines.sweep(now=now)
    events.dispatch_pending(limit=100_000)
    return result


class Recorder:
    """The per-deadline facts the alerts capability would receive."""

    def __init__(self) -> None:
        self.missed: list[dict] = []
        self.reminded: list[dict] = []

    def __call__(self, evt) -> None:  # type: ignore[no-untyped-def]
        (self.missed if evt.name == "deadline.missed" else self.reminded).append(evt.to_payload())

    def kinds(self) -> list[str]:
        return [e["kind"] for e in self.missed]


@pytest.fixture
def alerts():
    from postaward.core import deadlines

    rec = Recorder()
    events.subscribe(deadlines.DeadlineMissed, deadlines.DeadlineReminder)(rec)
    yield rec
    events.unsubscribe(rec, deadlines.DeadlineMissed, deadlines.DeadlineReminder)
