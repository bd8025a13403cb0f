"""Attendance fixtures: the small district at a fixed time, and helpers to check
in as a person at a given local time."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
import time_machine

from postaward.core import clock

SITE = (120.87, 30.03)  # p_school's site centre, radius 200 m
_keys = itertools.count()


def local(y: int, m: int, d: int, hh: int = 8, mm: int = 0, ss: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=clock.LOCAL_TZ)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads (approval forms, evidence, interview records) go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def at():
    """``with at(local(...)):`` moves the platform clock (time-machine)."""

    def travel(moment: dt.datetime):
        return time_machine.travel(moment, tick=False)

    return travel


@pytest.fixture
def checkin(district):
    """checkin(username, moment, **kw) -> CheckInResult, inside the site by default."""
    from postaward.attendance import services

    def do(
        username: str,
        moment: dt.datetime,
        *,
        project: str = "p_school",
        lon: float = SITE[0],
        lat: float = SITE[1],
        accuracy_m: float = 8.5,
        key: str | None = None,
        **kw,
    ):
        with time_machine.travel(moment, tick=False):
            return services.check_in(
                actor=district.actor(username),
                project_id=district.projects[project].pk,
                lon=lon,
                lat=lat,
                accuracy_m=accuracy_m,
                idempotency_key=key or f"k{next(_keys)}-{uuid.uuid4().hex[:6]}",
                **kw,
            )

    return do
