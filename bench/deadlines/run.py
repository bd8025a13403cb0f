"""Benchmark of the deadline sweep (ADR 0301): 1,000,000 open deadlines, 1 % due.

One command: ``.venv/bin/python bench/deadlines/run.py`` (PostgreSQL at
``BENCH_PG``, default postgresql://postgres@127.0.0.1:5432; the script creates
and migrates its own database ``postaward_bench_deadlines``). ``BENCH_TOTAL``
(default 1,000,000) and ``BENCH_ROUNDS`` (default 5) make a smaller run.

Measured in the same run, round by round (the figures are the medians):
- index read: reading the due rows from the partial index alone (the ids of
  the open, running deadlines whose due time has come): issue #5's baseline;
- plain UPDATE: one ``UPDATE core_deadline SET state='missed', closed_at=…
  WHERE state='open' AND paused_at IS NULL AND due_at <= now`` of the same
  rows, committed (marks them, emits nothing);
- sweep only: ``deadlines.sweep()`` (reminders and missed: lock, read the due
  ids, publish one outbox batch per 2,000 deadlines), rolled back. It marks no
  row and delivers no event;
- end-to-end: ``deadlines.sweep()`` committed, then ``events.dispatch_pending``
  until nothing is pending (each batch claimed with one conditional UPDATE,
  its deadlines handed to the subscribers as ``DeadlineMissed`` facts),
  *with the real subscribers*: the alerts capability opens or joins an alert
  per missed deadline, routed down the four-level chain of the bench's
  district (200 projects, 14 kinds handled at the four levels in turn), with
  its disposal deadline, history steps, to-do, audit record and
  notifications, set-wise per batch (ADR 0517; ``BENCH_ONE_BY_ONE=1``: one
  by one). After each round it checks that every due deadline is marked
  missed and was delivered exactly once, that nothing is left pending or
  failed, that a second sweep finds nothing, and that the alerts' rows are
  all there (a hit per deadline; per alert a disposal deadline, to-do,
  audit record, two steps and its notifications). The end-to-end time is
  split: the part spent in the database (every statement from sent to
  answered, and the commits, where PostgreSQL checks the deferred foreign
  keys) and the rest, the application's own work per deadline; the rows
  written are counted against the plain UPDATE's one per deadline.
The rows written by the plain UPDATE and the end-to-end rounds are put back
(open again, the round's outbox rows and alerts' rows deleted, VACUUM) outside
the timings; the audit chain keeps growing.
The last lines printed are the ratios: sweep only, end-to-end and the
database's part of end-to-end against the plain UPDATE, and sweep only and
end-to-end against the index read (issue #5's goal: sweep only /
index read <= 2).
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


PROJECTS = 200
LEVELS = ("owner", "superior_unit", "industry_authority", "leading_group")


def load_district() -> list[int]:
    """The organisations the alerts are routed to and their accounts (two per
    unit, so each new alert notifies two or three people), and 200 projects;
    14 kinds of deadline, handled at each of the four levels in turn. Returns
    the projects' ids."""
    import datetime as dt
    from decimal import Decimal

    from postaward.core import deadlines
    from postaward.orgs.choices import Industry, OrgKind, Role
    from postaward.projects.choices import ProjectStatus
    from postaward.projects.models import Project
    from postaward.testing import account, org

    k = OrgKind
    office = org(None, "基准区监管办", k.SUPERVISION_OFFICE)
    housing = org(office, "基准区住建局", k.INDUSTRY_AUTHORITY, industry=Industry.HOUSING)
    edu = org(office, "基准区教育局", k.SUPERIOR_UNIT)
    line = org(edu, "基建条线", k.LINE)
    owners = [org(line, f"基准区第{i + 1}学校", k.OWNER) for i in range(20)]
    for i, (unit, role) in enumerate(
        [
            (office, Role.OFFICE_STAFF),
            (housing, Role.AUTHORITY_STAFF),
            (edu, Role.UNIT_LEADER),
            (line, Role.LINE_SUPERVISOR),
        ]
        + [(o, Role.ADMIN) for o in owners]
    ):
        account(unit, f"bench{i}a", [role])
        account(unit, f"bench{i}b", [Role.ADMIN])
    start = dt.date(2026, 1, 5)
    projects = Project.objects.bulk_create(
        [
            Project(
                code=f"JZ-{i:04d}",
                name=f"基准工程{i}",
                owner=owners[i % len(owners)],
                industry=Industry.HOUSING,
                contract_amount=Decimal(1_000_000 + 10_000 * i),
                superior_unit=edu,
                line=line if i % 3 else None,
                industry_authority=housing if i % 5 else None,
                planned_start=start,
                status=ProjectStatus.UNDER_CONSTRUCTION,
                actual_start=start,
            )
            for i in range(PROJECTS)
        ]
    )
    for i in range(14):
        deadlines.register_kind(
            f"bench.k{i}", f"基准期限{i}", "R-ACC-01", "实施细则第三十一条(一)", LEVELS[i % 4]
        )
    return [p.pk for p in projects]


def load(now, project_ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    """1,000,000 open deadlines: 1 % ran out an hour ago, the rest fall due over
    the next 1,000 hours; 1 in 10 has a reminder time still to come. Inserted
    in one statement in random order (ids do not follow due times). Each is on
    one of the 200 projects (1 in 20 on none)."""
    from django.db import connection

    due_every = int(1 / DUE_SHARE)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO core_deadline (kind, subject_type, subject_id, project_id, organisation_id,
                started_at, length, unit, basis, due_at, reminder_at, reminded_at, state,
                paused_at, paused_seconds, closed_at, rolls)
            SELECT 'bench.k' || (i %% 14), 'approvals.acceptancerequest', i::text,
                   CASE WHEN i %% 20 = 0 THEN NULL ELSE (%s::bigint[])[1 + i %% %s] END, NULL,
                   %s - interval '10 days', 20, 'calendar_days',
                   '实施细则第三十一条(一)：建设单位应在20天内组织验收',
                   CASE WHEN h %% %s = 0 THEN %s - interval '1 hour'
                        ELSE %s + ((1 + h %% 1000) || ' hours')::interval END,
                   CASE WHEN h %% 10 = 1 THEN %s + ((2 + h %% 500) || ' hours')::interval END,
                   NULL, 'open', NULL, 0, NULL, true
            FROM (SELECT i, (i::bigint * 7919) %% %s AS h FROM generate_series(1, %s) AS i) s
            """,
            [project_ids, len(project_ids), now, due_every, now, now, now, TOTAL, TOTAL],
        )
        cur.execute("VACUUM ANALYZE core_deadline")
    from postaward.core.models import Deadline

    return Deadline.objects.filter(state="open", due_at__lte=now).count()


def baseline(now) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Index read: the due ids from the partial index alone."""
    from django.db import transaction

    from postaward.core import deadlines

    t = time.perf_counter()
    with transaction.atomic():
        n = len(
            list(deadlines._due_missed(now).order_by("due_at", "pk").values_list("pk", flat=True))
        )
        deadlines._due_reminders(now).values_list("pk", flat=True).first()
    return time.perf_counter() - t, n


def plain_update(now) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """One plain UPDATE of the same rows (same selection as the sweep), committed."""
    from django.db import transaction

    from postaward.core import deadlines
    from postaward.core.models import Deadline

    t = time.perf_counter()
    with transaction.atomic():
        n = deadlines._due_missed(now).update(state=Deadline.State.MISSED, closed_at=now)
    return time.perf_counter() - t, n


def sweep_once(now) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Sweep only: publish the batches, then roll back (no row marked, nothing delivered)."""
    from django.db import transaction

    from postaward.core import deadlines

    t = time.perf_counter()
    with transaction.atomic():  # the batches' on_commit dispatch is not part of the sweep
        _, missed = deadlines.sweep(now=now)
        transaction.set_rollback(True)
    return time.perf_counter() - t, missed


class DatabaseWait:
    """Wall time spent inside the database calls (statement sent → answer
    read, and the commits, where PostgreSQL checks the deferred foreign keys)
    and the number of statements: what the database and the round trips cost
    of a round, the rest being the application's own work."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements = 0

    def commit(self, original):  # type: ignore[no-untyped-def]
        def timed():  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return original()
            finally:
                self.seconds += time.perf_counter() - t

        return timed

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t
            self.statements += 1


def end_to_end(  # type: ignore[no-untyped-def]
    now, delivered: list[int], wait: DatabaseWait | None = None
) -> tuple[float, int, int]:
    """Sweep committed, then dispatch what it queued until nothing is pending.
    Returns (seconds, deadlines published, batches dispatched); ``wait``
    accumulates the time spent in the database's statements."""
    import contextlib

    from django.db import connection, connections

    from postaward.core import deadlines, events

    delivered.clear()
    db = connections["default"]
    if wait:
        db._commit = wait.commit(db._commit)  # type: ignore[attr-defined]
    try:
        with connection.execute_wrapper(wait) if wait else contextlib.nullcontext():
            t = time.perf_counter()
            _, published = deadlines.sweep(now=now)
            batches = 0
            while n := events.dispatch_pending(limit=1000):
                batches += n
            return time.perf_counter() - t, published, batches
    finally:
        db.__dict__.pop("_commit", None)


def check_end_to_end(now, due: int, published: int, delivered: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Nothing lost, nothing twice: every due deadline marked missed and delivered once."""
    from postaward.core import deadlines
    from postaward.core.models import Deadline, EventRecord

    missed = Deadline.objects.filter(state=Deadline.State.MISSED).count()
    still_due = deadlines._due_missed(now).count()
    pending = EventRecord.objects.filter(dispatched_at__isnull=True).count()
    failed = EventRecord.objects.exclude(last_error="").count()
    assert published == due, (published, due)
    assert missed == due and still_due == 0, (missed, still_due, due)
    assert len(delivered) == due == len(set(delivered)), (len(delivered), len(set(delivered)), due)
    assert pending == 0 and failed == 0, (pending, failed)
    again = deadlines.sweep(now=now)
    assert again == (0, 0), again
    check_alerts(due)


def check_alerts(due: int) -> dict[str, int]:
    """The alerts' work: every missed deadline is one hit, each hit opened an
    alert or joined one, every new alert has its disposal deadline, history,
    to-do, audit record and notifications."""
    from postaward.alerts.models import Alert, AlertHit, AlertStep, Notification
    from postaward.core.models import AuditRecord, Deadline, Todo

    counts = {
        "hits": AlertHit.objects.filter(indicator__code__startswith="deadline.bench.").count(),
        "alerts": Alert.objects.count(),
        "disposal deadlines": Deadline.objects.filter(kind="alert.disposal").count(),
        "steps": AlertStep.objects.count(),
        "to-dos": Todo.objects.filter(kind="alerts.dispose", state="open").count(),
        "notifications": Notification.objects.filter(kind="alert_new").count(),
        "audit records": AuditRecord.objects.filter(
            action="alerts.create_alert", seq__gt=_audit_since[0]
        ).count(),
    }
    n = counts["alerts"]
    assert counts["hits"] == due and 0 < n <= due, counts
    assert counts["disposal deadlines"] == counts["to-dos"] == counts["audit records"] == n, counts
    assert counts["steps"] == 2 * n and counts["notifications"] >= 2 * n, counts
    return counts


_audit_since = [0]


def _round_rows() -> list[tuple[str, str]]:
    """The tables the alerts' work of a round writes to, parents first, each
    with the condition that picks the round's rows."""
    from postaward.alerts.models import (
        Alert,
        AlertHit,
        AlertStep,
        Notification,
        NotificationDelivery,
    )
    from postaward.core.models import AuditRecord, Deadline, Todo

    t = lambda m: m._meta.db_table  # noqa: E731
    return [
        (t(Deadline), "kind = 'alert.disposal'"),
        (t(Alert), "true"),
        (t(Alert.handled_by.through), "true"),
        (t(AlertHit), "true"),
        (t(AlertStep), "true"),
        (t(Notification), "true"),
        (t(NotificationDelivery), "true"),
        (t(Todo), "kind = 'alerts.dispose'"),
        (t(AuditRecord), f"seq > {int(_audit_since[0])}"),
    ]


def rows_floor() -> tuple[float, int]:
    """The database's floor for the alerts' work of the round just run: the
    same rows taken out (COPY TO, then deleted; not timed) and written back
    with COPY, the fastest way PostgreSQL takes rows, in one transaction
    with its indexes and its commit (the deferred foreign keys checked).
    No implementation that writes these rows can cost the database less.
    Returns (seconds, rows)."""
    from django.db import connection, transaction

    tables = _round_rows()
    taken: list[tuple[str, bytes]] = []
    with connection.cursor() as cur:
        for table, where in tables:
            with cur.copy(
                f"COPY (SELECT * FROM {table} WHERE {where}) TO STDOUT (FORMAT BINARY)"
            ) as copy:
                taken.append((table, b"".join(bytes(b) for b in copy)))
        rows = 0
        for table, where in tables:
            cur.execute(f"SELECT count(*) FROM {table} WHERE {where}")
            rows += cur.fetchone()[0]
        with transaction.atomic():
            for table, where in reversed(tables):
                cur.execute(f"DELETE FROM {table} WHERE {where}")
        for table, _ in tables:
            cur.execute(f"VACUUM ANALYZE {table}")
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for table, data in taken:
            with cur.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
    return time.perf_counter() - t, rows


def reset() -> None:
    """Put the rows back as loaded (open) and drop the round's outbox rows; VACUUM
    so that the next round reads the same indexes. Not timed."""
    from django.db import connection

    from postaward.alerts.models import (
        Alert,
        AlertHit,
        AlertStep,
        Notification,
        NotificationDelivery,
    )
    from postaward.core.models import AuditRecord, Deadline, EventRecord, Todo

    Deadline.objects.filter(state=Deadline.State.MISSED).update(
        state=Deadline.State.OPEN, closed_at=None
    )
    EventRecord.objects.filter(name__startswith="deadline.").delete()
    # the alerts' rows go (the audit chain only grows: the round's records stay)
    tables = [
        m._meta.db_table
        for m in (
            NotificationDelivery,
            Notification,
            AlertStep,
            AlertHit,
            Alert.handled_by.through,
            Alert,
        )
    ]
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cur.execute("DELETE FROM core_deadline WHERE kind = 'alert.disposal'")
        cur.execute(f"DELETE FROM {Todo._meta.db_table} WHERE kind = 'alerts.dispose'")
        cur.execute("VACUUM ANALYZE core_deadline")
        cur.execute("VACUUM ANALYZE core_eventrecord")
        for table in [*tables, Todo._meta.db_table, AuditRecord._meta.db_table]:
            cur.execute(f"VACUUM ANALYZE {table}")
    _audit_since[0] = (
        AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    )


def ms(xs: list[float]) -> list[float]:
    return [round(x * 1000, 1) for x in xs]


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    create_database()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from postaward.core import deadlines, events

    now = timezone.now()
    t = time.perf_counter()
    due = load(now, load_district())
    print(f"loaded {TOTAL:,} open deadlines, {due:,} due, in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN SELECT id FROM core_deadline WHERE state='open' AND paused_at IS NULL "
            "AND due_at <= %s ORDER BY due_at, id",
            [now],
        )
        print("plan:", " / ".join(r[0].strip() for r in cur.fetchall()[:2]))

    # Dispatch delivers per-deadline facts to the real subscribers (the alerts
    # capability: an alert opened or joined per missed deadline, ADR 0517) and to
    # the bench's own, which counts them. BENCH_ONE_BY_ONE=1 turns the set-wise
    # form off: the alerts' work is then done deadline by deadline.
    if os.environ.get("BENCH_ONE_BY_ONE"):
        events._batch_forms.clear()
    delivered: list[int] = []
    events.subscribe(deadlines.DeadlineMissed)(lambda e: delivered.append(e.deadline_id))

    # warm every path once
    baseline(now)
    sweep_once(now)
    plain_update(now)
    reset()
    _, published, _ = end_to_end(now, delivered)
    check_end_to_end(now, due, published, delivered)
    counts = check_alerts(due)
    reset()

    base_times, update_times, sweep_times, e2e_times = [], [], [], []
    waits: list[tuple[float, int]] = []
    floors: list[float] = []
    floor_rows = 0
    batches = 0
    for _ in range(ROUNDS):
        bt, n = baseline(now)
        st, m = sweep_once(now)
        assert n == due and m == due, (n, m, due)
        ut, u = plain_update(now)
        assert u == due, (u, due)
        reset()
        wait = DatabaseWait()
        et, published, batches = end_to_end(now, delivered, wait)
        check_end_to_end(now, due, published, delivered)
        ft, floor_rows = rows_floor()
        reset()
        floors.append(ft)
        waits.append((wait.seconds, wait.statements))
        base_times.append(bt)
        sweep_times.append(st)
        update_times.append(ut)
        e2e_times.append(et)
    b = statistics.median(base_times)
    u = statistics.median(update_times)
    s = statistics.median(sweep_times)
    e = statistics.median(e2e_times)
    print(
        f"index read   (the {due:,} due ids from the partial index):  median {b * 1000:.1f} ms  {ms(base_times)}"
    )
    print(
        f"plain UPDATE (the same {due:,} rows set missed, committed): median {u * 1000:.1f} ms  {ms(update_times)}"
    )
    print(
        f"sweep only   (publish {due:,} ids in batches of 2,000; nothing marked, nothing delivered): median {s * 1000:.1f} ms  {ms(sweep_times)}"
    )
    print(
        f"end-to-end   (sweep committed + dispatch of its {batches} outbox batch(es): {due:,} rows marked missed, "
        f"{due:,} DeadlineMissed delivered, alerts opened or joined): median {e * 1000:.1f} ms  {ms(e2e_times)}"
    )
    db_wait = statistics.median(w for w, _ in waits)
    statements = statistics.median(n for _, n in waits)
    rows = due + sum(counts.values())
    print(
        f"  of which in the database (statements sent to answered, and commits): median {db_wait * 1000:.1f} ms "
        f"in {statements:.0f} statements, writing {rows:,} rows ({rows / due:.1f} per deadline, "
        f"the plain UPDATE 1); the rest, {(e - db_wait) * 1000 / due:.3f} ms per deadline, is Python"
    )
    f = statistics.median(floors)
    print(
        f"rows floor   (the alerts' {floor_rows:,} rows of the round written back with COPY in one "
        f"transaction, indexes and commit included; the deadlines' marking not included): "
        f"median {f * 1000:.1f} ms  {ms(floors)}"
    )
    print(
        f"checked every round: {due:,} deadlines missed = {due:,} events delivered, each once; "
        "nothing pending or failed; a second sweep finds nothing"
    )
    print(
        "alerts' work in each end-to-end round: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + (" (one by one)" if os.environ.get("BENCH_ONE_BY_ONE") else " (set-wise per batch)")
    )
    print(f"ratio sweep only  / plain UPDATE: {s / u:.2f}")
    print(f"ratio end-to-end  / plain UPDATE: {e / u:.2f}")
    print(f"ratio the database's part of end-to-end / plain UPDATE: {db_wait / u:.2f}")
    print(
        f"ratio rows floor  / plain UPDATE: {f / u:.2f}  (no implementation writing these rows goes below)"
    )
    print(f"ratio sweep only  / index read:   {s / b:.2f}  (issue #5 goal: <= 2)")
    print(f"ratio end-to-end  / index read:   {e / b:.2f}")


if __name__ == "__main__":
    main()
