"""The platform clock.

All business code asks ``clock.now()`` / ``clock.today()`` instead of the system
time, so that tests (time-machine) and the simulator can move time. The simulator
moves time by a persisted offset (``ClockState``) that every process reads at the
start of each request or task; production sets ``ALLOW_CLOCK_SHIFT`` off.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_state = threading.local()
_offset_seconds: float = 0.0


def set_offset(seconds: float) -> None:
    """Set the process-wide offset (loaded from ``ClockState``)."""
    global _offset_seconds
    _offset_seconds = float(seconds) if settings.POSTAWARD["ALLOW_CLOCK_SHIFT"] else 0.0


def offset() -> dt.timedelta:
    return dt.timedelta(seconds=_offset_seconds)


_refreshed_at: float = float("-inf")


def refresh_offset(max_age: float = 0.0) -> None:
    """Read the persisted simulator offset (one primary-key lookup), unless it was
    read less than ``max_age`` seconds ago in this process (the web middleware
    passes 1 s: the check-in path is hot, the simulator moves the clock rarely)."""
    global _refreshed_at
    from .models import ClockState

    moment = time.monotonic()
    if max_age and moment - _refreshed_at < max_age:
        return
    state = ClockState.objects.filter(pk=1).only("offset_seconds").first()
    set_offset(state.offset_seconds if state else 0.0)
    _refreshed_at = moment


def now() -> dt.datetime:
    """Aware UTC datetime, shifted by the simulator offset if any."""
    return timezone.now() + offset()


def localtime(value: dt.datetime | None = None) -> dt.datetime:
    return (value or now()).astimezone(LOCAL_TZ)


def today() -> dt.date:
    """The local (Asia/Shanghai) date: the day a rule talks about."""
    return localtime().date()


def local_date(value: dt.datetime) -> dt.date:
    return value.astimezone(LOCAL_TZ).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """00:00 local time of ``day`` as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 local time of ``day`` (= 00:00 of the next day): when a legal period ends."""
    return start_of_day(day + dt.timedelta(days=1))
