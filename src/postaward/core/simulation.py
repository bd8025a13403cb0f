"""What a capability registers with the simulator (``postaward simulate``).

Each capability registers what happens on a simulated day with ``@daily`` (check-
ins, approvals, complaints …) and its scheduled sweeps with ``@sweep``, in its own
``simulation.py``; ``postaward.simulate`` runs them. The registry lives in the
kernel so that an app registers without importing the composition above it
(ADR 0055).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from . import clock

Activity = Callable[["SimDay"], None]
_activities: list[tuple[int, str, Activity]] = []
_sweeps: list[tuple[int, str, Activity]] = []


@dataclass
class SimDay:
    day: dt.date
    rng: random.Random

    def at(self, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
        return dt.datetime.combine(self.day, dt.time(hour, minute, second), tzinfo=clock.LOCAL_TZ)


def daily(order: int = 100) -> Callable[[Activity], Activity]:
    def wrap(fn: Activity) -> Activity:
        if all(f is not fn for _, _, f in _activities):
            _activities.append((order, fn.__name__, fn))
        return fn

    return wrap


def sweep(order: int = 100) -> Callable[[Activity], Activity]:
    def wrap(fn: Activity) -> Activity:
        if all(f is not fn for _, _, f in _sweeps):
            _sweeps.append((order, fn.__name__, fn))
        return fn

    return wrap


@contextmanager
def platform_time(moment: dt.datetime) -> Iterator[None]:
    """Make ``clock.now()`` return ``moment`` (in this process) for the block."""
    previous = clock.offset().total_seconds()
    from django.utils import timezone

    clock.set_offset((moment - timezone.now()).total_seconds())
    try:
        yield
    finally:
        clock.set_offset(previous)
