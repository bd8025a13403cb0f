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
    """The small district of ``postaward.testing`` (built once per moment and
    restored inside each test's transaction: ADR 0053)."""
    from postaward.testing import district_for_test

    return district_for_test()


@pytest.fixture(scope="session", autouse=True)
def _once_per_process():
    """Static-file scan and OpenAPI document built once per process (ADR 0083)."""
    from postaward import testing_speed

    testing_speed.install()
