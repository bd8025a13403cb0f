"""Fixtures of the project tests: the small district at a fixed moment, plus the
audit and finance bureaus."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.core import clock
from postaward.testing import replay

from .factories import bureaus

# A Monday in term time: 2026-06-15 09:30 Asia/Shanghai.
NOW = dt.datetime(2026, 6, 15, 9, 30, tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def d(frozen, district):
    """The district with ``bureaus``: built once per process and moment, then
    replayed (ADR 0053)."""
    return replay("projects:bureaus", lambda: bureaus(district), on=district)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
