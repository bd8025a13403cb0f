"""Benchmark of the deadline sweep (ADR 0301): 1,000,000 open deadlines, 1 % due.

One command: ``.venv/bin/python bench/deadlines/run.py`` (PostgreSQL at
``BENCH_PG``, default postgresql://postgres@127.0.0.1:5432; the script creates
and migrates its own database ``postaward_bench_deadlines``).

Measured in the same run, each the median of several rounds:
- baseline: reading the due rows from the partial index alone (the ids of the
  open, running deadlines whose due time has come);
- sweep: ``deadlines.sweep()`` (reminders and missed: lock, read the due ids,
  publish one outbox batch per 2,000 deadlines). The sweep writes no deadline
  row, so a round is undone by deleting its batches;
- then, once, the dispatch of the batches (claim each batch with one
  conditional UPDATE, hand every deadline to the subscribers) and a check that
  every due deadline was reported exactly once.
The last line printed is the ratio sweep / baseline (the goal: ≤ 2).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

BASE = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DB = "postaward_bench_deadlines"
TOTAL = int(os.environ.get("BENCH_TOTAL", "1000000"))
DUE_SHARE = 0.01
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}"')
        conn.execute(f'CREATE DATABASE "{DB}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{BASE}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postaward.settings")
    os.environ.setdefault("POSTAWARD_VAR_DIR", "/tmp/postaward_bench_deadlines_var")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(now) -> int:  # type: ignore[no-untyped-def]
    """1,000,000 open deadlines: 1 % ran out an hour ago, the rest fall due over
    the next 1,000 hours; 1 in 10 has a reminder time still to come. Inserted
    in one statement in random order (ids do not follow due times)."""
    from django.db import connection

    due_every = int(1 / DUE_SHARE)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO core_deadline (kind, subject_type, subject_id, project_id, organisation_id,
                started_at, length, unit, basis, due_at, reminder_at, reminded_at, state,
                paused_at, paused_seconds, closed_at)
            SELECT 'bench.k' || (i %% 14), 'approvals.acceptancerequest', i::text, i %% 5000, NULL,
                   %s - interval '10 days', 20, 'calendar_days',
                   '实施细则第三十一条(一)：建设单位应在20天内组织验收',
                   CASE WHEN h %% %s = 0 THEN %s - interval '1 hour'
                        ELSE %s + ((1 + h %% 1000) || ' hours')::interval END,
                   CASE WHEN h %% 10 = 1 THEN %s + ((2 + h %% 500) || ' hours')::interval END,
                   NULL, 'open', NULL, 0, NULL
            FROM (SELECT i, (i::bigint * 7919) %% %s AS h FROM generate_series(1, %s) AS i) s
            """,
            [now, due_every, now, now, now, TOTAL, TOTAL],
        )
        cur.execute("VACUUM ANALYZE core_deadline")
    from postaward.core.models import Deadline

    return Deadline.objects.filter(state="open", due_at__lte=now).count()


def baseline(now) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from django.db import transaction

    from postaward.core import deadlines

    t = time.perf_counter()
    with transaction.atomic():
        n = len(
            list(deadlines._due_missed(now).order_by("due_at", "pk").values_list("pk", flat=True))
        )
        deadlines._due_reminders(now).values_list("pk", flat=True).first()
    return time.perf_counter() - t, n


def sweep_once(now) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from django.db import transaction

    from postaward.core import deadlines

    t = time.perf_counter()
    with transaction.atomic():  # the batches' on_commit dispatch is not part of the sweep
        _, missed = deadlines.sweep(now=now)
        transaction.set_rollback(True)
    return time.perf_counter() - t, missed


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    create_database()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from postaward.core import deadlines, events
    from postaward.core.models import Deadline, EventRecord

    now = timezone.now()
    t = time.perf_counter()
    due = load(now)
    print(f"loaded {TOTAL:,} open deadlines, {due:,} due, in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN SELECT id FROM core_deadline WHERE state='open' AND paused_at IS NULL "
            "AND due_at <= %s ORDER BY due_at, id",
            [now],
        )
        print("plan:", " / ".join(r[0].strip() for r in cur.fetchall()[:2]))
    # warm both paths once
    baseline(now)
    sweep_once(now)
    base_times, sweep_times = [], []
    for _ in range(ROUNDS):
        bt, n = baseline(now)
        st, m = sweep_once(now)
        assert n == due and m == due, (n, m, due)
        base_times.append(bt)
        sweep_times.append(st)
    b = statistics.median(base_times)
    s = statistics.median(sweep_times)
    print(
        f"baseline (read {due:,} due ids from the index): median {b * 1000:.1f} ms  {[round(x * 1000, 1) for x in base_times]}"
    )
    print(
        f"sweep    (publish {due:,} in batches of 2,000):  median {s * 1000:.1f} ms  {[round(x * 1000, 1) for x in sweep_times]}"
    )

    # Dispatch: the worker claims each batch and delivers per-deadline facts. Only
    # the bench's own subscriber listens: it measures the engine, not the alerts'
    # work (the bench's deadlines belong to no real project).
    events._subscribers["deadline.missed"].clear()
    events._subscribers["deadline.reminder"].clear()
    delivered: list[int] = []
    events.subscribe(deadlines.DeadlineMissed)(lambda e: delivered.append(e.deadline_id))
    deadlines.sweep(now=now)
    batches = EventRecord.objects.filter(
        name="deadline.missed_batch", dispatched_at__isnull=True
    ).count()
    t = time.perf_counter()
    events.dispatch_pending(limit=100_000)
    dt_dispatch = time.perf_counter() - t
    missed = Deadline.objects.filter(state="missed").count()
    assert len(delivered) == due == missed == len(set(delivered)), (len(delivered), due, missed)
    again = deadlines.sweep(now=now)
    assert again == (0, 0), again
    print(
        f"dispatch ({batches} batches → {len(delivered):,} DeadlineMissed, rows marked missed): "
        f"{dt_dispatch:.2f} s; every due deadline reported exactly once; a second sweep finds nothing"
    )
    print(f"ratio sweep / baseline: {s / b:.2f}")


if __name__ == "__main__":
    main()
