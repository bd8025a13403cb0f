"""Periodic task schedules in local time.

huey matches periodic tasks against naive UTC when ``utc`` is on (its
default), so a plain ``crontab(hour="0")`` would fire at 08:00 in Shanghai.
``local_crontab`` reads the fields in the platform's time zone whatever huey's
setting and whatever the server's own time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from huey import crontab

from . import clock


def local_crontab(**fields: str) -> Callable[[dt.datetime], bool]:
    """``huey.crontab(**fields)`` with the fields in local (Asia/Shanghai) time."""
    matches = crontab(**fields)

    def validate(timestamp: dt.datetime) -> bool:
        from huey.contrib.djhuey import HUEY

        zone = dt.UTC if HUEY.utc else clock.LOCAL_TZ
        local = timestamp.replace(tzinfo=zone).astimezone(clock.LOCAL_TZ).replace(tzinfo=None)
        return bool(matches(local))

    validate.__name__ = f"local_crontab({fields})"
    return validate
