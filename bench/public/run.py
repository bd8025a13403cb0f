"""Benchmark of the public site's project pages (R-REP-04, ADR 0930).

One command: ``.venv/bin/python bench/public/run.py``. Environment:
``BENCH_REQUESTS`` (per measurement, default 300), ``BENCH_PROJECTS`` (the
demo district's size, default 12).

1. Migrates a fresh SQLite database in a temporary directory and builds the
   demo district (``postaward.demo.build``).
2. Through Django's test client (the whole stack: middleware, the view, the
   template), sequentially, ``BENCH_REQUESTS`` requests each of: the project
   list (``/public/projects/``), the list searched by an owner's name, and the
   detail pages (rotating over the published projects), the inspections'
   and the credit public lists (``/public/inspections/``, ``/public/credit/``,
   ADR 0921) and the monthly summary (``/public/summary/``, ADR 0922); each once *cold*
   (the cache cleared before every request: the page is rendered) and once
   *warm* (the configured cache, as visitors meet it: the stamp query and the
   cached bytes).
3. Baseline in the same run: raw SELECTs of the same rows through Django's
   connection (the list's page of projects with owner and contractors; one
   project with its participants and key personnel); for the inspections,
   credit and summary pages the ORM query of the rows shown (a page of
   disclosed inspections, a page of published scores, the month's figures).

Prints p50/p95 in milliseconds and the ratios page / SQL. Nothing is asserted
(docs/performance.md records the figures; tests carry no time limits).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

N = int(os.environ.get("BENCH_REQUESTS", "300"))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "12"))

LIST_SQL = (
    "SELECT p.id, p.code, p.name, p.industry, p.status, p.contract_amount, p.award_date, "
    "o.name, (SELECT group_concat(c.name) FROM projects_participant x "
    "JOIN orgs_organisation c ON c.id = x.organisation_id "
    "WHERE x.project_id = p.id AND x.role = 'contractor') "
    "FROM projects_project p LEFT JOIN orgs_organisation o ON o.id = p.owner_id "
    "WHERE p.award_date IS NOT NULL AND p.award_date <= %s "
    "AND NOT (p.status = 'terminated' AND p.actual_start IS NULL) "
    "ORDER BY p.award_date DESC, p.id DESC LIMIT 20"
)
DETAIL_SQL = (
    "SELECT p.id, p.name, p.contract_amount, p.status, p.award_date, p.planned_start, "
    "p.planned_completion, p.actual_start, p.actual_completion, p.accepted_on, o.name "
    "FROM projects_project p LEFT JOIN orgs_organisation o ON o.id = p.owner_id "
    "WHERE p.code = %s",
    "SELECT x.role, c.name FROM projects_participant x "
    "JOIN orgs_organisation c ON c.id = x.organisation_id WHERE x.project_id = %s",
    "SELECT a.position, pe.name, c.name, q.number FROM projects_keypersonassignment a "
    "JOIN orgs_person pe ON pe.id = a.person_id "
    "JOIN projects_participant x ON x.id = a.participant_id "
    "JOIN orgs_organisation c ON c.id = x.organisation_id "
    "LEFT JOIN orgs_qualification q ON q.id = a.certificate_id "
    "WHERE a.project_id = %s AND a.ended_on IS NULL",
)


def setup() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="postaward-bench-public-"))
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{var_dir / 'bench.sqlite3'}",
            "POSTAWARD_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "postaward.settings",
            "POSTAWARD_LOG_LEVEL": "WARNING",
            "POSTAWARD_TESTING": "1",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from postaward import demo

    demo.build(projects=PROJECTS)


def timed(n: int, call: Callable[[int], None]) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        call(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1]


def main() -> None:
    setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from postaward.core import clock
    from postaward.projects import selectors

    published = list(selectors.public_projects().values_list("pk", "code", "owner__name"))
    if not published:
        raise SystemExit("no published project")
    owner = next(o for _, _, o in published if o)
    client = Client()
    today = clock.today().isoformat()

    def get(url_of: Callable[[int], str], cold: bool) -> Callable[[int], None]:
        def call(i: int) -> None:
            if cold:
                cache.clear()
            r = client.get(url_of(i))
            if r.status_code != 200:
                raise SystemExit(f"HTTP {r.status_code} for {url_of(i)}")

        return call

    def list_sql(i: int) -> None:
        with connection.cursor() as cur:
            cur.execute(LIST_SQL, [today])
            cur.fetchall()

    def detail_sql(i: int) -> None:
        pk, code, _ = published[i % len(published)]
        with connection.cursor() as cur:
            cur.execute(DETAIL_SQL[0], [code])
            cur.fetchall()
            for q in DETAIL_SQL[1:]:
                cur.execute(q, [pk])
                cur.fetchall()

    from postaward.credit.public_credit import published_scores
    from postaward.inspections.public_visits import disclosed
    from postaward.portal import summary

    def inspections_sql(i: int) -> None:
        list(disclosed().order_by("-seq")[:20])

    def credit_sql(i: int) -> None:
        list(published_scores().order_by("-score")[:20])

    def summary_sql(i: int) -> None:
        summary.index_rows()
        summary.month_summary(summary.this_month())

    pages: dict[str, tuple[Callable[[int], str], Callable[[int], None]]] = {
        "list": (lambda i: "/public/projects/", list_sql),
        "search": (lambda i: f"/public/projects/?q={owner}", list_sql),
        "detail": (lambda i: f"/public/projects/{published[i % len(published)][1]}/", detail_sql),
        "inspections": (lambda i: "/public/inspections/", inspections_sql),
        "credit": (lambda i: "/public/credit/", credit_sql),
        "summary": (lambda i: "/public/summary/", summary_sql),
    }
    print(f"{len(published)} published projects, {N} requests each (ms)")
    print(f"{'page':<18}{'p50':>8}{'p95':>8}{'sql p95':>9}{'ratio':>8}")
    for name, (url_of, sql) in pages.items():
        timed(10, get(url_of, cold=False))  # warm-up
        base = timed(N, sql)
        for mode in ("cold", "warm"):
            xs = timed(N, get(url_of, cold=mode == "cold"))
            ratio = p95(xs) / p95(base)
            print(
                f"{name + ' ' + mode:<18}{statistics.median(xs):>8.2f}{p95(xs):>8.2f}"
                f"{p95(base):>9.3f}{ratio:>8.1f}"
            )


if __name__ == "__main__":
    main()
