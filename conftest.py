"""Fixtures for the whole suite (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import pytest

from postaward.core import business_calendar, clock


@pytest.fixture(autouse=True)
def _fresh_platform_state():
    """Each test starts with no clock shift and an empty calendar cache."""
    clock.set_offset(0)
    business_calendar.invalidate()
    yield
    clock.set_offset(0)
    business_calendar.invalidate()


@pytest.fixture
def district(db):
    from postaward.testing import build_district

    return build_district()
