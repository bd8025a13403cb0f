"""Benchmark of the credit API for the bidding system (R-SCO-03, ADR 0651):
``GET /api/v1/credit/enterprises/{uscc}`` with a system account's token, at a
fixed rate, against reading the same row with one SQL query in the same run.

One command: ``.venv/bin/python bench/credit/run.py``. Environment:
``BENCH_RATE`` (requests per second, default 200), ``BENCH_SECONDS`` (default
10), ``BENCH_UNITS`` (scored units, default 200), ``BENCH_WORKERS`` (default 2), ``BENCH_DATABASE_URL`` (a
PostgreSQL database to drop and recreate, e.g.
``postgresql://postgres@127.0.0.1:5432/postaward_bench_credit``; default: a
SQLite file in a temporary directory).

1. Migrates a fresh database and builds the small test district
   (``postaward.testing.build_district``), then ``BENCH_UNITS`` contractors,
   each scored once on the school project and given its annual score
   (``annual.compute_annual``), and the bidding system's integration account
   with an API token.
2. Open loop through Django's test client (the whole stack: middleware, the
   bearer-token check, the scope, the query, the JSON) in ``BENCH_WORKERS``
   forked processes (default 2, like a server's workers, each with its own
   database connection): request *i* is due at ``t0 + i / rate``; the latency is measured from the due time (so
   queueing counts) and the service time from the send. Codes rotate over the
   units.
3. Baseline, same schedule, same codes: one SQL query that reads the same row
   (the unit's current annual score by its code) through Django's connection.

The setup's heap is frozen (``gc.freeze``) before the runs, as a server
worker does after loading the app. Prints p50/p99 of both and the ratios API / SQL. No limits are asserted here
(docs/performance.md records the figures).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench" / "checkin"))

RATE = int(os.environ.get("BENCH_RATE", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
UNITS = int(os.environ.get("BENCH_UNITS", "200"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))

SQL = (
    "SELECT o.uscc, o.name, s.year, s.score, s.colour, s.colour_reasons, s.version, "
    "s.computed_at FROM credit_annualscore s JOIN orgs_organisation o "
    "ON o.id = s.subject_org_id WHERE o.uscc = %s AND s.current "
    "ORDER BY s.year DESC LIMIT 1"
)


def setup_database() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="postaward-bench-credit-"))
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url:
        import benchdb

        benchdb.recreate_database(url)
    else:
        url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ.update(
        {
            "DATABASE_URL": url,
            "POSTAWARD_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "postaward.settings",
            "POSTAWARD_LOG_LEVEL": "WARNING",
            # cheap password hashing for the setup's accounts; the token check
            # under test does not use the password hasher
            "POSTAWARD_TESTING": "1",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(f"database: {url.split('@')[-1]}")


def build() -> tuple[list[str], str]:
    import datetime as dt

    from postaward.core import clock
    from postaward.core.actor import SYSTEM
    from postaward.credit import annual
    from postaward.credit.tests import factories_annual as fa
    from postaward.orgs import services as org_services
    from postaward.orgs.choices import OrgKind, Role
    from postaward.testing import account, build_district, org

    d = build_district()
    rs = fa.rule_set(d)
    year = clock.today().year
    codes = []
    for n in range(UNITS):
        unit = org(d.orgs["office"], f"基准测试建设有限公司{n:04d}", OrgKind.CONTRACTOR)
        code = "A1" if n % 3 else "A2"
        fa.event(d, rs, code, subject=unit, project=d.projects["p_school"], on=dt.date(year, 1, 5))
        annual.compute_annual(f"org:{unit.pk}", year, reason="基准测试")
        codes.append(str(unit.uscc))
    user = account(d.orgs["office"], "bidding_bench", [Role.INTEGRATOR])
    _, token = org_services.create_api_token(actor=SYSTEM, user=user, name="基准测试")
    return codes, token


CODES: list[str] = []
TOKEN = ""


def _call(kind: str) -> Callable[[int], None]:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    def api(i: int) -> None:
        r = client.get(f"/api/v1/credit/enterprises/{CODES[i % len(CODES)]}")
        if r.status_code != 200:
            raise SystemExit(f"HTTP {r.status_code}: {r.content[:200]!r}")

    def sql(i: int) -> None:
        with connection.cursor() as cur:
            cur.execute(SQL, [CODES[i % len(CODES)]])
            if cur.fetchone() is None:
                raise SystemExit("row not found")

    return api if kind == "api" else sql


def _worker(kind: str, k: int, t0: float) -> tuple[list[float], list[float]]:
    """Worker ``k`` sends requests k, k + WORKERS, … at their due times (a
    forked process with its own database connection, like a server worker)."""
    fn = _call(kind)
    for i in range(k, min(len(CODES), 50) * WORKERS, WORKERS):  # warm up this process
        fn(i)
    total = int(RATE * SECONDS)
    latency: list[float] = []
    service: list[float] = []
    for i in range(k, total, WORKERS):
        due = t0 + i / RATE
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        sent = time.perf_counter()
        fn(i)
        end = time.perf_counter()
        latency.append((end - due) * 1000)
        service.append((end - sent) * 1000)
    return latency, service


def open_loop(kind: str) -> tuple[list[float], list[float]]:
    """RATE requests per second for SECONDS over WORKERS forked processes;
    latencies from the due time and service times from the send (ms)."""
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(WORKERS) as pool:
        t0 = time.perf_counter() + 2.0  # after every worker's warm-up
        parts = pool.starmap(_worker, [(kind, k, t0) for k in range(WORKERS)])
    latency = [x for lat, _ in parts for x in lat]
    service = [x for _, svc in parts for x in svc]
    return latency, service


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    global TOKEN
    setup_database()
    codes, TOKEN = build()
    CODES.extend(codes)
    first = _call("api")
    first(0)
    # The setup's objects (the district, the migrations) are long-lived: move
    # them out of the collector's way, as a server worker does after loading
    # the app (without this, a full collection over the setup's heap stalls
    # one request for ~300 ms on this machine).
    gc.collect()
    gc.freeze()
    a_lat, a_svc = open_loop("api")
    s_lat, s_svc = open_loop("sql")
    n = len(a_lat)
    print(f"{n} requests at {RATE}/s over {SECONDS:g} s, {WORKERS} workers, {len(codes)} units")
    print(
        f"API  latency p50 {pct(a_lat, 50):.2f} ms  p99 {pct(a_lat, 99):.2f} ms  "
        f"(service p50 {pct(a_svc, 50):.2f} ms, p99 {pct(a_svc, 99):.2f} ms, "
        f"mean {statistics.fmean(a_svc):.2f} ms, max {max(a_svc):.1f} ms)"
    )
    slow = sum(1 for x in a_lat if x > 20)
    print(f"API  requests answered later than 20 ms after their due time: {slow} of {n}")
    print(
        f"SQL  latency p50 {pct(s_lat, 50):.3f} ms  p99 {pct(s_lat, 99):.3f} ms  "
        f"(service p50 {pct(s_svc, 50):.3f} ms, p99 {pct(s_svc, 99):.3f} ms)"
    )
    print(f"ratio API / SQL (service p50): {pct(a_svc, 50) / pct(s_svc, 50):.1f}")
    print(f"ratio API / SQL (service p99): {pct(a_svc, 99) / pct(s_svc, 99):.1f}")
    print(f"ratio API / SQL (latency p99): {pct(a_lat, 99) / pct(s_lat, 99):.1f}")


if __name__ == "__main__":
    main()
