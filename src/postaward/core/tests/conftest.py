"""Fixtures of the core tests: a database that several threads really write at
once, and a helper that starts them together."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections

from postaward.core import business_calendar


@dataclass
class Outcome:
    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def run_concurrently(fn: Callable[[int], Any], workers: int) -> Outcome:
    """Run ``fn(i)`` in ``workers`` threads released at the same moment.

    Each thread has its own database connection (Django's are per thread) and
    closes it when done, so PostgreSQL can drop the test database afterwards.
    """
    barrier = threading.Barrier(workers)
    outcome = Outcome()
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            # connect first, so that the threads race on the work, not on connecting
            connections["default"].ensure_connection()
            barrier.wait()
            result = fn(i)
            with lock:
                outcome.results.append(result)
        except BaseException as exc:
            with lock:
                outcome.errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcome


@pytest.fixture
def concurrent_db(transactional_db, tmp_path) -> Iterator[str]:
    """A database that concurrent threads can write, committed for real.

    PostgreSQL: the test database itself (``transactional_db``: no wrapping
    transaction, so each thread's commits are visible to the others).

    SQLite: the in-memory test database is a shared-cache database, where a
    second writer fails at once with "database table is locked" instead of
    waiting (the busy timeout does not apply to shared-cache locks). For this
    test only, the ``default`` alias is pointed at a fresh file database under
    ``tmp_path`` with the production options (WAL, IMMEDIATE transactions,
    busy timeout), built by ``migrate`` like any new installation; the
    original connection is put back afterwards.

    Yields the database vendor.
    """
    conn = connections["default"]
    if conn.vendor != "sqlite" or not conn.is_in_memory_db():
        yield conn.vendor
        return
    original_settings = connections.settings["default"]
    file_name = str(tmp_path / "concurrency.sqlite3")
    connections.settings["default"] = {
        **original_settings,
        "NAME": file_name,
        "TEST": {**original_settings.get("TEST", {}), "NAME": file_name},
    }
    connections["default"] = connections.create_connection("default")
    business_calendar.invalidate()
    try:
        call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
        business_calendar.invalidate()
        yield conn.vendor
    finally:
        connections["default"].close()
        connections["default"] = conn
        connections.settings["default"] = original_settings
        business_calendar.invalidate()


def database_url() -> str:
    """A ``DATABASE_URL`` for another process to open the current test database
    (committed data only: use with ``concurrent_db``)."""
    from urllib.parse import quote

    s = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s.get("HOST") or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgresql://{auth}@{host}{port}/{s['NAME']}"
