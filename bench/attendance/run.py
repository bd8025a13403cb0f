"""Benchmark: the monthly attendance closing for 10,000 people on PostgreSQL.

    python bench/attendance/run.py [--people 10000] [--repeat 5]

1. (Re)creates the database ``postaward_bench`` (``BENCH_DATABASE_URL``) and
   migrates it.
2. Loads a district for last month: 2,000 projects under construction with
   5 positions each (10,000 people, 4 organisation kinds), about 600,000
   check-ins (91 % of person-days two check-ins ≥ 4 h apart, 1 % two too close, 4 % one, 4 %
   none, a few refused, a few confirmed cheats), approved leave, 60 suspended
   projects, 100 projects with declared non-construction days, technical
   leads with stages (bulk-loaded: the setup is not what is measured).
3. Times, alternately and ``--repeat`` times each, on the same data:
   - the baseline: ``services.valid_days_sql`` — one hand-written SQL query
     that computes the same valid days (executed and fetched);
   - ``services.close_month`` — the real monthly closing (valid days, the duty
     calendar of every position, construction days, rates, and writing the
     10,000 MonthlyAttendance rows; consequences off, as they are timed apart).
4. Checks the closing against the baseline: the valid days it counted equal
   the baseline's valid days on construction days.

The ratio (closing ÷ baseline, medians) is printed last; the target is ≤ 1.5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checkin"))
import benchdb

POSITIONS_PER_PROJECT = 5


def load(n_people: int, month: dt.date) -> dict:
    """Bulk-load the district and the month's check-ins (COPY)."""
    from django.db import connection, transaction

    from postaward.attendance.models import CheckIn, LeaveRequest, NonConstructionPeriod
    from postaward.attendance.services import month_bounds
    from postaward.core import clock
    from postaward.core.actor import SYSTEM
    from postaward.orgs.choices import Industry, OrgKind
    from postaward.orgs.models import Person
    from postaward.projects.choices import ParticipantRole, Position, ProjectStatus
    from postaward.projects.models import (
        CheckinStage,
        KeyPersonAssignment,
        Participant,
        Project,
        Suspension,
    )
    from postaward.testing import org

    rng = random.Random(2026)
    first, last = month_bounds(month)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    now = clock.now()
    k = OrgKind
    office = org(None, "基准区监管办", k.SUPERVISION_OFFICE)
    housing = org(office, "基准区住建局", k.INDUSTRY_AUTHORITY, industry=Industry.HOUSING)
    edu = org(office, "基准区教育局", k.SUPERIOR_UNIT)
    line = org(edu, "基建条线", k.LINE)
    owners = [org(line, f"基准区第{i + 1}学校", k.OWNER) for i in range(20)]
    contractors = [org(office, f"基准第{i + 1}建设有限公司", k.CONTRACTOR) for i in range(100)]
    supervisors = [org(office, f"基准第{i + 1}监理有限公司", k.SUPERVISING_FIRM) for i in range(40)]
    del SYSTEM

    n_projects = n_people // POSITIONS_PER_PROJECT
    start = first - dt.timedelta(days=90)
    projects = Project.objects.bulk_create(
        [
            Project(
                code=f"BA-{i + 1:05d}",
                name=f"基准工程{i + 1}",
                project_class="under_20m",
                owner=owners[i % len(owners)],
                industry=Industry.HOUSING,
                contract_amount=Decimal("8500000"),
                superior_unit=edu,
                line=line,
                industry_authority=housing,
                status=ProjectStatus.UNDER_CONSTRUCTION,
                actual_start=start if i % 50 else first + dt.timedelta(days=10),
                region_code="330604",
                region_name=["百官街道", "曹娥街道", "东关街道", "章镇镇", "丰惠镇"][i % 5],
                site_kind="circle",
                site_lon=120.8 + (i % 100) * 0.002,
                site_lat=30.0 + (i // 100) * 0.002,
                site_radius_m=200.0,
                created_at=now,
                updated_at=now,
            )
            for i in range(n_projects)
        ],
        batch_size=2000,
    )
    parts = []
    for i, p in enumerate(projects):
        parts.append(
            Participant(
                project=p,
                organisation=contractors[i % len(contractors)],
                role=ParticipantRole.CONTRACTOR,
                created_at=now,
                updated_at=now,
            )
        )
        parts.append(
            Participant(
                project=p,
                organisation=supervisors[i % len(supervisors)],
                role=ParticipantRole.SUPERVISING_FIRM,
                created_at=now,
                updated_at=now,
            )
        )
    parts = Participant.objects.bulk_create(parts, batch_size=4000)
    layout = [
        (0, Position.PROJECT_MANAGER),
        (0, Position.SAFETY_OFFICER),
        (0, Position.TECHNICAL_LEAD),
        (1, Position.CHIEF_SUPERVISING_ENGINEER),
        (1, Position.SUPERVISOR),
    ]
    people = Person.objects.bulk_create(
        [
            Person(
                organisation_id=parts[
                    2 * (n // POSITIONS_PER_PROJECT) + layout[n % 5][0]
                ].organisation_id,
                name=f"人员{n}",
                created_at=now,
                updated_at=now,
            )
            for n in range(n_projects * POSITIONS_PER_PROJECT)
        ],
        batch_size=5000,
    )
    assignments = KeyPersonAssignment.objects.bulk_create(
        [
            KeyPersonAssignment(
                project=projects[n // POSITIONS_PER_PROJECT],
                participant=parts[2 * (n // POSITIONS_PER_PROJECT) + layout[n % 5][0]],
                person=people[n],
                position=layout[n % 5][1],
                must_check_in=True,
                started_on=start,
                # A few leave mid-month.
                ended_on=first + dt.timedelta(days=20) if n % 97 == 0 else None,
                created_at=now,
                updated_at=now,
            )
            for n in range(len(people))
        ],
        batch_size=5000,
    )
    # The technical lead checks in within the owner's stages (R-ATT-01).
    CheckinStage.objects.bulk_create(
        [
            CheckinStage(
                project=p,
                position=Position.TECHNICAL_LEAD,
                name="主体结构施工",
                starts_on=first + dt.timedelta(days=5 if i % 3 else 0),
                ends_on=last + dt.timedelta(days=60),
                set_by_name="基准",
                set_at=now,
            )
            for i, p in enumerate(projects)
        ],
        batch_size=5000,
    )
    # 60 projects suspended for a week (R-PRJ-07), 100 with declared non-construction days.
    Suspension.objects.bulk_create(
        [
            Suspension(
                project=p,
                state="ended",
                started_at=clock.start_of_day(first + dt.timedelta(days=8)),
                reason="基准停工",
                declared_at=clock.start_of_day(first + dt.timedelta(days=8)),
                declared_by_name="基准",
                confirmed_at=clock.start_of_day(first + dt.timedelta(days=8)),
                ended_at=clock.start_of_day(first + dt.timedelta(days=15)),
            )
            for p in projects[5:65]
        ]
    )
    NonConstructionPeriod.objects.bulk_create(
        [
            NonConstructionPeriod(
                project=p,
                starts_on=first + dt.timedelta(days=20),
                ends_on=first + dt.timedelta(days=22),
                reason="基准非施工日",
                declared_at=now,
                declared_by_name="基准",
            )
            for p in projects[100:200]
        ]
    )
    leaves = []
    for a in assignments[::40]:
        d0 = first + dt.timedelta(days=rng.randrange(0, 25))
        leaves.append(
            LeaveRequest(
                person_id=a.person_id,
                project_id=a.project_id,
                assignment=a,
                starts_on=d0,
                ends_on=d0 + dt.timedelta(days=rng.randrange(0, 3)),
                reason="基准请假",
                state="approved",
                requested_at=now,
                requested_by_name="基准",
                decided_at=now,
            )
        )
    LeaveRequest.objects.bulk_create(leaves)

    # The month's check-ins, written with COPY.
    table = CheckIn._meta.db_table
    cols = (
        "person_id, project_id, assignment_id, at, local_date, lon, lat, accuracy_m, "
        "distance_m, accepted, refusal, refusal_detail, device_id, mock_location, user_agent, "
        "ip, idempotency_key, suspicion_score, signals, review, reviewed_by_name, review_note, "
        "row_hash"
    )
    n = 0
    with (
        transaction.atomic(),
        connection.cursor() as cur,
        cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
    ):
        for a in assignments:
            p = projects[(a.person_id - people[0].pk) // POSITIONS_PER_PROJECT]
            for day in days:
                roll = rng.random()
                if roll < 0.04:
                    continue
                t1 = clock.start_of_day(day) + dt.timedelta(
                    hours=7, minutes=rng.randrange(20, 120), seconds=rng.randrange(60)
                )
                times = [t1]
                if roll >= 0.09:
                    times.append(t1 + dt.timedelta(hours=rng.uniform(4.1, 9.5)))
                elif roll >= 0.08:
                    times.append(t1 + dt.timedelta(hours=rng.uniform(2.0, 3.9)))
                for t in times:
                    refused = rng.random() < 0.01
                    review = "confirmed" if rng.random() < 0.002 else "none"
                    n += 1
                    copy.write_row(
                        (
                            a.person_id,
                            p.pk,
                            a.pk,
                            t,
                            day,
                            p.site_lon,
                            p.site_lat,
                            9.5,
                            900.0 if refused else 0.0,
                            not refused,
                            "out_of_fence" if refused else "",
                            "",
                            f"dev-{a.person_id}",
                            False,
                            "bench",
                            "",
                            f"b-{n}",
                            0,
                            "[]",
                            review,
                            "",
                            "",
                            "0" * 64,
                        )
                    )
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {table}")
        cur.execute("ANALYZE")
    return {"projects": len(projects), "people": len(people), "checkins": n}


def median_time(fn, repeat: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="timing rounds on the same data (each --repeat pairs; each round's ratio printed)",
    )
    args = ap.parse_args()

    url = benchdb.bench_url()
    var_dir = Path(tempfile.mkdtemp(prefix="postaward-bench-attendance-"))
    print(f"machine: {benchdb.machine()}")
    print(f"database: {url}")
    t = time.perf_counter()
    benchdb.recreate_database(url)
    benchdb.setup_django(url, var_dir)
    benchdb.migrate()
    from django.db import connection

    from postaward.attendance import services
    from postaward.attendance.models import MonthlyAttendance
    from postaward.core import clock

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        print(f"PostgreSQL {cur.fetchone()[0]}")
    month = (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    sizes = load(args.people, month)
    print(
        f"setup: {sizes['people']} people on {sizes['projects']} projects, "
        f"{sizes['checkins']} check-ins in {month:%Y-%m} loaded in {time.perf_counter() - t:.0f} s"
    )
    first, last = services.month_bounds(month)
    sql, params = services.valid_days_sql(first, last)

    def baseline() -> int:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return len(cur.fetchall())

    def closing() -> int:
        return services.close_month(month, detect=False)

    baseline()  # warm the cache once for both
    closing()
    round_ratios: list[float] = []
    for r in range(args.rounds):
        base_times: list[float] = []
        close_times: list[float] = []
        for _ in range(args.repeat):
            base_times.append(median_time(baseline, 1)[0])
            close_times.append(median_time(closing, 1)[0])
        base, close = statistics.median(base_times), statistics.median(close_times)
        round_ratios.append(close / base)
        if args.rounds > 1:
            print(
                f"round {r + 1}: baseline {base * 1000:.0f} ms, close_month {close * 1000:.0f} ms, "
                f"ratio {close / base:.2f}  (load {os.getloadavg()[0]:.1f})"
            )
    pairs = baseline()
    rows = MonthlyAttendance.objects.filter(month=first)
    written = rows.count()

    # The closing counts the baseline's valid days, minus those not on construction days.
    from django.db.models import Sum

    counted = rows.aggregate(v=Sum("valid_days"), c=Sum("construction_days"))
    excluded_valid = _valid_on_excluded_days(services, first, last)
    assert counted["v"] == pairs - excluded_valid, (counted["v"], pairs, excluded_valid)
    # ... and every row is the reference computation's (month_rows, ADR 0518)
    _, reference = services.month_rows(first, last, parallel=False)
    fields = ("assignment_id", "person_id", "project_id", "organisation_id", "valid_days")
    fields += ("construction_days", "excluded", "rate", "below_threshold")
    assert sorted(rows.values_list(*fields)) == sorted(
        tuple(getattr(r, f) for f in fields) for r in reference
    ), "the closing's rows differ from month_rows"

    t0 = time.perf_counter()
    services.close_month(month, detect=True)
    consequences = time.perf_counter() - t0
    below = rows.filter(below_threshold=True).count()

    print()
    print(f"baseline  valid_days_sql: {pairs} valid (position, day) pairs")
    print(
        f"  median {base * 1000:8.1f} ms   runs {', '.join(f'{x * 1000:.0f}' for x in base_times)} ms"
    )
    print(
        f"close_month: {written} MonthlyAttendance rows "
        f"({counted['v']} valid days / {counted['c']} construction days)"
    )
    print(
        f"  median {close * 1000:8.1f} ms   runs {', '.join(f'{x * 1000:.0f}' for x in close_times)} ms"
    )
    print(
        f"close_month with consequences (first run: {below} rates below 80 % → events, "
        f"interviews, to-dos): {consequences:.1f} s"
    )
    if args.rounds > 1:
        print(f"ratios of the {args.rounds} rounds: {', '.join(f'{x:.2f}' for x in round_ratios)}")
    print(f"ratio close_month ÷ valid_days_sql = {close / base:.2f}")


def _valid_on_excluded_days(services, first: dt.date, last: dt.date) -> int:  # type: ignore[no-untyped-def]
    """Valid (position, day) pairs that fall on days that are not construction days."""
    from postaward.attendance import duty as duty_mod
    from postaward.projects.models import KeyPersonAssignment

    valid = services.valid_days(first, last)
    projects = {p.pk: p for p in services.projects_on_duty(first, last)}
    duties = duty_mod.load_many(projects.values(), first, last)
    n = 0
    for a in KeyPersonAssignment.objects.filter(pk__in=list(valid)):
        duty = duties[a.project_id]
        n += sum(1 for d in valid[a.pk] if duty.status(a, d)[0] is not None)
    return n


if __name__ == "__main__":
    main()
