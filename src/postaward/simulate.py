"""The simulator: moves the platform forward day by day with realistic activity.

Each capability registers what happens on a simulated day with ``@daily`` (check-
ins, approvals, complaints …) and its scheduled sweeps with ``@sweep``; the
simulator moves the platform clock to each day, runs the activities in order,
runs the sweeps, and leaves the clock on the last day (persisted, so the web
server and the worker see the same time; the shell shows a banner).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from postaward.core import clock, context, events
from postaward.core.actor import SYSTEM
from postaward.core.services import set_clock_offset
from postaward.core.simulation import (  # the registry the apps fill (ADR 0055)
    Activity,
    SimDay,
    _activities,
    _sweeps,
    daily,
    platform_time,
    sweep,
)

__all__ = ["Activity", "SimDay", "daily", "platform_time", "run", "sweep"]


def run(days: int, *, seed: int = 7, log: Callable[[str], None] = print) -> dt.date:
    """Simulate ``days`` days after the platform's current date; returns the last day."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():  # apps register activities in simulation.py
        if config.name.startswith("postaward."):
            try:
                importlib.import_module(f"{config.name}.simulation")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.simulation":
                    raise
    clock.refresh_offset()
    rng = random.Random(seed + clock.today().toordinal())
    start = clock.today()
    last = start
    for i in range(1, days + 1):
        day = start + dt.timedelta(days=i)
        sim = SimDay(day=day, rng=rng)
        with context.task_context("simulate"):
            for _, _name, fn in sorted(_activities, key=lambda x: x[0]):
                with platform_time(sim.at(8)):
                    fn(sim)
            for _, _name, fn in sorted(_sweeps, key=lambda x: x[0]):
                with platform_time(sim.at(23, 30)):
                    fn(sim)
            with platform_time(sim.at(23, 59)):
                events.dispatch_pending(limit=100_000)
        log(f"{day:%Y-%m-%d} 已模拟（{len(_activities)} 项日常活动，{len(_sweeps)} 项定时扫描）")
        last = day
    # Leave the platform on the last simulated day, at the same time of day as now.
    target = dt.datetime.combine(last, clock.localtime().timetz())
    from django.utils import timezone

    set_clock_offset(actor=SYSTEM, offset=target - timezone.now())
    return last
