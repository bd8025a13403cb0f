"""The daily jobs fire at their local (Asia/Shanghai) time, not at that hour
UTC (huey matches periodic tasks against UTC by default)."""

from __future__ import annotations

import datetime as dt

import pytest
from huey.contrib.djhuey import HUEY

from postaward.core import clock


def _huey_time(local: dt.datetime) -> dt.datetime:
    """The naive timestamp the consumer passes to the periodic tasks."""
    zone = dt.UTC if HUEY.utc else clock.LOCAL_TZ
    return local.astimezone(zone).replace(tzinfo=None)


def _fires(day: dt.date) -> dict[str, list[str]]:
    """Task name → the local minutes of ``day`` at which it is due."""
    import postaward.alerts.tasks
    import postaward.approvals.tasks
    import postaward.attendance.tasks
    import postaward.core.tasks  # noqa: F401

    out: dict[str, list[str]] = {}
    start = dt.datetime.combine(day, dt.time(0), tzinfo=clock.LOCAL_TZ)
    for minute in range(24 * 60):
        at = start + dt.timedelta(minutes=minute)
        for task in HUEY.read_periodic(_huey_time(at)):
            out.setdefault(task.name, []).append(f"{at:%H:%M}")
    return out


@pytest.mark.parametrize(
    ("name", "times"),
    [
        ("open_todays_log_slots", ["00:10"]),  # R-SUP-01
        ("close_yesterday", ["00:30"]),  # R-ATT-03
        ("run_data_indicators", ["01:10"]),  # R-ALR-01
    ],
)
def test_daily_jobs_fire_once_a_day_at_their_local_time(name, times):
    fires = _fires(dt.date(2026, 6, 16))
    assert fires.get(name) == times, {k: v[:3] for k, v in fires.items()}


def test_the_monthly_closing_fires_at_02_00_local_on_the_first():  # R-ATT-05
    first = _fires(dt.date(2026, 7, 1))
    second = _fires(dt.date(2026, 7, 2))
    monthly = [n for n, t in first.items() if t == ["02:00"] and n not in second]
    assert monthly, first
