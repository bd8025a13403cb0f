"""Fixtures for the whole suite (SQLite by default, PostgreSQL with DATABASE_URL),
and the order in which the workers take the test files.

The order: the longest test files first (ADR 0089).

``make test`` runs two workers with ``--dist loadfile``: each file goes whole to
one worker, in the order of the collection. Left to itself, xdist hands out
the files with the most tests first, but the cost of a file is not its count:
a file of three tests that builds the demo district twice, or drives Chromium,
takes longer than one of three hundred table rows. When such a file comes
last, one worker finishes it alone while the other waits.

So the collection is ordered by each file's measured time, longest first
(longest-processing-time scheduling), from ``tests/durations.json``; a file it
does not know yet counts as its number of tests times the suite's median
seconds per test. Tests keep their order inside a file. ``make durations``
measures the suite again and rewrites the file (``--store-durations``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from statistics import median
from typing import Any

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


DURATIONS = Path(__file__).parent / "tests" / "durations.json"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-durations",
        action="store_true",
        help="write each test file's measured seconds to tests/durations.json",
    )


def _known() -> dict[str, float]:
    try:
        return {str(k): float(v) for k, v in json.loads(DURATIONS.read_text()).items()}
    except (OSError, ValueError):
        return {}


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def file_order(nodeids: list[str], known: dict[str, float]) -> list[str]:
    """The files of ``nodeids``, longest expected first (ties: collection order)."""
    counts: dict[str, int] = {}
    for f in map(_file, nodeids):
        counts[f] = counts.get(f, 0) + 1
    per_test = [known[f] / c for f, c in counts.items() if f in known]
    guess = median(per_test) if per_test else 0.1
    first = {f: i for i, f in enumerate(counts)}
    return sorted(counts, key=lambda f: (-known.get(f, counts[f] * guess), first[f]))


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    rank = {f: i for i, f in enumerate(file_order([i.nodeid for i in items], _known()))}
    items.sort(key=lambda item: rank[_file(item.nodeid)])  # stable: a file keeps its order


_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report: Any) -> None:
    # On the controller too: the workers' reports arrive here with their durations.
    _seconds[_file(report.nodeid)] += report.duration


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not config.getoption("--store-durations") or hasattr(config, "workerinput"):
        return
    if exitstatus != 0:  # a partial or failed run would skew the order
        return
    merged = {**_known(), **{f: round(s, 1) for f, s in _seconds.items()}}
    DURATIONS.write_text(json.dumps(dict(sorted(merged.items())), indent=0) + "\n")
