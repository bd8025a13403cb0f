"""Benchmark: the dashboards' data at province scale on PostgreSQL (issue 18,
performance goal P4; ADR 0916).

    .venv/bin/python bench/dashboards/run.py [--scale 1.0] [--repeat 20] [--reuse]

1. (Re)creates the database ``postaward_bench_dashboards``
   (``BENCH_DASHBOARDS_DATABASE_URL``, default
   ``postgresql://postgres@127.0.0.1:5432/postaward_bench_dashboards``) and
   migrates it (``--reuse``: keep the loaded database of an earlier run).
2. Loads a province, set-wise (``INSERT … SELECT … generate_series``) into the
   platform's own tables, at ``--scale`` × (50,000 projects across 10
   districts, 250,000 key personnel, 5,000,000 check-ins over 20 days,
   500,000 alerts, 100,000 complaints with their legal clocks, 50,000 approval
   clocks, 20,000 inspections), then ``VACUUM ANALYZE`` (as autovacuum leaves a
   live database). The setup is not measured.
3. Times, alternately and ``--repeat`` times each, on the same data:
   - ``reports.dashboards.dashboard(actor)`` for the office of district 1
     (its district), the housing authority of district 1 (its industry) and an
     owner of district 1 (its projects);
   - the baseline: hand-written SQL computing the same headline numbers for
     the same scope (projects by stage, today's attendance, open alerts by
     colour and overdue, complaints open and their clocks, approval clocks,
     inspections this year).
4. Checks the dashboard's numbers against the baseline's.

Prints, per dashboard, p50 and p95 in milliseconds and the ratio
dashboard p95 ÷ SQL p95 (target: p95 < 300 ms, ratio ≤ 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checkin"))
import benchdb

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postaward_bench_dashboards"
DISTRICTS = 10
INDUSTRIES = ["housing", "transport", "water", "urban", "agriculture", "other"]
SUPERIORS = 5  # superior units per district
OWNERS_PER_SUPERIOR = 20  # 100 owners per district
CONTRACTORS = 50  # per district
POSITIONS = 5  # key personnel per project (3 contractor, 2 supervising firm)
DAYS = 20  # days of check-ins


def sizes(scale: float) -> dict[str, int]:
    def n(x: int) -> int:
        return max(DISTRICTS, int(x * scale))

    return {
        "projects": n(50_000),
        "checkins": n(5_000_000),
        "alerts": n(500_000),
        "complaints": n(100_000),
        "approvals": n(50_000),
        "inspections": n(20_000),
    }


# --- set-wise loading ------------------------------------------------------------------------------


def insert_select(model: Any, from_sql: str, exprs: dict[str, str]) -> int:
    """``INSERT INTO <model's table> SELECT …`` with ``exprs`` per column (SQL
    over ``from_sql``); every other column gets its field's default (NULL
    where nullable), as the ORM would write it."""
    from django.db import connection

    cols: list[str] = []
    vals: list[str] = []
    params: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f'"{f.column}"')
        if f.column in exprs:
            vals.append(exprs[f.column].replace("%", "%%"))
        elif f.null:
            vals.append("NULL")
        else:
            vals.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    unknown = set(exprs) - {f.column for f in model._meta.concrete_fields}
    assert not unknown, f"{model.__name__}: no columns {unknown}"
    sql = (
        f'INSERT INTO "{model._meta.db_table}" ({", ".join(cols)}) '
        f"SELECT {', '.join(vals)} FROM {from_sql.replace('%', '%%')}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def arr(ids: list[int]) -> str:
    return "'{" + ",".join(str(i) for i in ids) + "}'::bigint[]"


def load(scale: float) -> dict[str, Any]:
    from django.db import connection, transaction

    from postaward.alerts.models import Alert
    from postaward.alerts.services import indicator_for
    from postaward.attendance.models import CheckIn
    from postaward.complaints.models import Complaint
    from postaward.core import clock
    from postaward.core.models import Deadline
    from postaward.inspections.models import Inspection, InspectionDepartment
    from postaward.orgs.choices import OrgKind as K
    from postaward.orgs.choices import Role
    from postaward.orgs.models import Person
    from postaward.projects.models import KeyPersonAssignment, Participant, Project
    from postaward.testing import account, org

    n = sizes(scale)
    now = clock.now()
    today = clock.local_date(now)
    t0 = time.perf_counter()
    offices, authorities, superiors, owners, contractors, firms = [], [], [], [], [], []
    users: dict[str, str] = {}
    with transaction.atomic():
        for d in range(DISTRICTS):
            office = org(None, f"第{d + 1}区监管办", K.SUPERVISION_OFFICE)
            offices.append(office.pk)
            for ind in INDUSTRIES:
                a = org(office, f"第{d + 1}区{ind}主管部门", K.INDUSTRY_AUTHORITY, industry=ind)
                authorities.append(a.pk)
                if d == 0 and ind == "housing":
                    users["authority"] = account(
                        a, "bench_authority", [Role.AUTHORITY_STAFF]
                    ).username
            for s in range(SUPERIORS):
                sup = org(office, f"第{d + 1}区主管单位{s + 1}", K.SUPERIOR_UNIT)
                superiors.append(sup.pk)
                for o in range(OWNERS_PER_SUPERIOR):
                    ow = org(sup, f"第{d + 1}区建设单位{s + 1}-{o + 1}", K.OWNER)
                    owners.append(ow.pk)
                    if d == 0 and s == 0 and o == 0:
                        users["owner"] = account(ow, "bench_owner", [Role.ADMIN]).username
            for c in range(CONTRACTORS):
                contractors.append(org(office, f"第{d + 1}区施工企业{c + 1}", K.CONTRACTOR).pk)
                firms.append(org(office, f"第{d + 1}区监理企业{c + 1}", K.SUPERVISING_FIRM).pk)
            if d == 0:
                users["office"] = account(office, "bench_office", [Role.OFFICE_STAFF]).username
        indicator = indicator_for("attendance.absence_streak")
    print(f"  organisations and accounts: {time.perf_counter() - t0:.1f} s")

    per_d_owner = SUPERIORS * OWNERS_PER_SUPERIOR
    P = n["projects"]
    status = (
        "(ARRAY['under_construction','under_construction','under_construction',"
        "'under_construction','under_construction','under_construction','under_construction',"
        "'under_construction','under_construction','under_construction','under_construction',"
        "'under_construction','preparing','preparing','suspended','registered','completed',"
        "'accepted','settled','funds_paid'])[1 + (i / 10) % 20]"
    )
    with transaction.atomic():
        t = time.perf_counter()
        # project i: district i % 10, industry (i / 10) % 6, owner (i / 60) % 100 of the district
        d_ = "(i % 10)"
        insert_select(
            Project,
            f"generate_series(0, {P - 1}) g(i)",
            {
                "code": "'BD-' || lpad(i::text, 6, '0')",
                "name": "'基准项目' || i",
                "project_class": "'under_20m'",
                "industry": f"(ARRAY{INDUSTRIES!r})[1 + (i / 10) % 6]".replace('"', "'"),
                "contract_amount": "1000000 + (i % 97) * 100000",
                "owner_id": f"({arr(owners)})[1 + {d_} * {per_d_owner} + (i / 60) % {per_d_owner}]",
                "superior_unit_id": f"({arr(superiors)})[1 + {d_} * {SUPERIORS} + ((i / 60) % {per_d_owner}) / {OWNERS_PER_SUPERIOR}]",
                "industry_authority_id": f"({arr(authorities)})[1 + {d_} * 6 + (i / 10) % 6]",
                "status": status,
                "actual_start": f"DATE '{today}' - 200",
                "region_code": "'33060' || (i % 10)",
                "region_name": "'基准街道'",
                "site_kind": "'circle'",
                "site_lon": "115 + (i % 10) * 0.6 + ((i / 10) % 100) * 0.004",
                "site_lat": "28 + ((i / 1000) % 50) * 0.01",
                "site_radius_m": "200",
                "created_at": "now()",
                "updated_at": "now()",
            },
        )
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TABLE bench_prj AS SELECT row_number() OVER (ORDER BY p.id) - 1 AS rn, "
                "p.id, p.owner_id, p.industry_authority_id AS authority_id, p.status, "
                "(SELECT o.id FROM orgs_organisation o WHERE o.path = split_part(ow.path, '/', 1) || '/') AS office_id "
                "FROM projects_project p JOIN orgs_organisation ow ON ow.id = p.owner_id"
            )
            cur.execute("CREATE UNIQUE INDEX ON bench_prj (rn)")
        nd = CONTRACTORS
        insert_select(
            Participant,
            "bench_prj p CROSS JOIN generate_series(0, 1) r",
            {
                "project_id": "p.id",
                "organisation_id": f"CASE WHEN r = 0 THEN ({arr(contractors)})[1 + (p.rn % 10) * {nd} + (p.rn / 10) % {nd}] "
                f"ELSE ({arr(firms)})[1 + (p.rn % 10) * {nd} + (p.rn / 10) % {nd}] END",
                "role": "CASE WHEN r = 0 THEN 'contractor' ELSE 'supervising_firm' END",
                "created_at": "now()",
                "updated_at": "now()",
            },
        )
        print(f"  {P:,} projects and their participants: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        # 5 people per project: 3 with the contractor, 2 with the supervising firm
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TABLE bench_slot AS SELECT row_number() OVER (ORDER BY x.project_id, k) - 1 AS rn, "
                "x.id AS participant_id, x.project_id, x.organisation_id, k "
                "FROM projects_participant x CROSS JOIN generate_series(0, 4) k "
                "WHERE (x.role = 'contractor' AND k < 3) OR (x.role = 'supervising_firm' AND k >= 3)"
            )
            cur.execute("SELECT coalesce(max(id), 0) FROM orgs_person")
            first_person = cur.fetchone()[0] + 1
        insert_select(
            Person,
            "bench_slot s",
            {
                "organisation_id": "s.organisation_id",
                "name": "'人员' || s.rn",
                "created_at": "now()",
                "updated_at": "now()",
            },
        )
        with connection.cursor() as cur:
            cur.execute("SELECT min(id) FROM orgs_person WHERE name LIKE '人员%%'")
            first_person = cur.fetchone()[0]
        positions = "(ARRAY['project_manager','technical_lead','safety_officer','chief_supervising_engineer','supervisor'])[1 + s.k]"
        insert_select(
            KeyPersonAssignment,
            "bench_slot s",
            {
                "project_id": "s.project_id",
                "participant_id": "s.participant_id",
                "person_id": f"{first_person} + s.rn",
                "position": positions,
                "must_check_in": "true",
                "started_on": f"DATE '{today}' - 200",
                "created_at": "now()",
                "updated_at": "now()",
            },
        )
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TABLE bench_asg AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, "
                "id, person_id, project_id FROM projects_keypersonassignment"
            )
            cur.execute("CREATE UNIQUE INDEX ON bench_asg (rn)")
            cur.execute("SELECT count(*) FROM bench_asg")
            A = cur.fetchone()[0]
        print(f"  {A:,} key personnel: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        # check-in n: assignment n % A, day (n / A) % 20 before today; 80 % accepted
        day = f"(DATE '{today}' - ((n / {A}) % {DAYS})::int)"
        insert_select(
            CheckIn,
            f"generate_series(0, {n['checkins'] - 1}) g(n) JOIN bench_asg a ON a.rn = g.n % {A}",
            {
                "person_id": "a.person_id",
                "project_id": "a.project_id",
                "assignment_id": "a.id",
                "at": f"({day} + time '08:30') AT TIME ZONE 'Asia/Shanghai'",
                "local_date": day,
                "lon": "120.8",
                "lat": "30.0",
                "accuracy_m": "10",
                "accepted": "(n * 7) % 10 < 8",
                "idempotency_key": "'b' || n",
                "row_hash": "md5(n::text)",
            },
        )
        print(f"  {n['checkins']:,} check-ins: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        insert_select(
            Alert,
            f"generate_series(0, {n['alerts'] - 1}) g(n) JOIN bench_prj p ON p.rn = (g.n::bigint * 7919) % {P}",
            {
                "indicator_id": str(indicator.pk),
                "dedup_key": "'b' || n",
                "title": "'基准预警' || n",
                "explanation": "'基准'",
                "severity": "1 + n % 4",
                "project_id": "p.id",
                "origin_level": "'owner'",
                "level": "'owner'",
                "handling_org_id": "p.owner_id",
                "review_org_id": "p.owner_id",
                "state": "CASE n % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'disposed' WHEN 2 THEN 'returned' ELSE 'closed' END",
                "overdue": "n % 50 = 0",
                "first_hit_at": "now() - (n % 365) * interval '1 day'",
                "last_hit_at": "now() - (n % 365) * interval '1 day'",
                "created_at": "now() - (n % 365) * interval '1 day'",
                "updated_at": "now()",
            },
        )
        print(f"  {n['alerts']:,} alerts: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        insert_select(
            Complaint,
            f"generate_series(0, {n['complaints'] - 1}) g(n) JOIN bench_prj p ON p.rn = (g.n::bigint * 104729) % {P}",
            {
                "kind": "'complaint'",
                "channel": "'letter'",
                "standing": "'interested'",
                "office_id": "p.office_id",
                "project_id": "CASE WHEN n % 10 < 7 THEN p.id END",
                "subject_text": "'基准企业'",
                "facts": "'基准事实和理由'",
                "receipt_number": "'B' || n",
                "receipt_day": f"DATE '{today}' - (n % 365)",
                "receipt_seq": "n",
                "received_at": "now() - (n % 365) * interval '1 day'",
                "query_code_hash": "md5(n::text)",
                "state": "CASE n % 10 WHEN 0 THEN 'received' WHEN 1 THEN 'transferred' ELSE 'closed' END",
                "handling_org_id": "CASE WHEN n % 10 = 1 THEN p.authority_id END",
                "created_at": "now()",
            },
        )
        # the open complaints' clocks: decided and closed from receipt; some run out
        insert_select(
            Deadline,
            "complaints_complaint c CROSS JOIN generate_series(0, 1) k WHERE c.state <> 'closed'",
            {
                "kind": "CASE WHEN k = 0 THEN 'complaints.complaint_decision' ELSE 'complaints.complaint_close' END",
                "subject_type": "'complaints.complaint'",
                "subject_id": "c.id::text",
                "project_id": "c.project_id",
                "started_at": "c.received_at",
                "length": "CASE WHEN k = 0 THEN 3 ELSE 15 END",
                "unit": "'working_days'",
                "due_at": "now() + ((c.id % 20) - 5) * interval '1 day'",
                "state": "CASE WHEN c.id % 20 < 2 THEN 'missed' ELSE 'open' END",
                "closed_at": "CASE WHEN c.id % 20 < 2 THEN now() END",
            },
        )
        insert_select(
            Deadline,
            f"generate_series(0, {n['approvals'] - 1}) g(n) JOIN bench_prj p ON p.rn = (g.n::bigint * 13) % {P}",
            {
                "kind": "'approvals.hidden_review'",
                "subject_type": "'approvals.bench'",
                "subject_id": "n::text",
                "project_id": "p.id",
                "started_at": "now() - interval '10 days'",
                "length": "3",
                "unit": "'working_days'",
                "due_at": "now() + ((n % 10) - 3) * interval '1 day'",
                "state": "CASE n % 5 WHEN 0 THEN 'missed' WHEN 1 THEN 'open' WHEN 2 THEN 'open' ELSE 'met' END",
                "closed_at": "CASE WHEN n % 5 = 0 THEN now() - (n % 200) * interval '1 day' END",
            },
        )
        insert_select(
            Inspection,
            f"generate_series(0, {n['inspections'] - 1}) g(n) JOIN bench_prj p ON p.rn = (g.n::bigint * 31) % {P}",
            {
                "number": "'JC' || n",
                "year": f"{today.year} - n % 2",
                "seq": "n",
                "office_id": "p.office_id",
                "department_id": "p.authority_id",
                "project_id": "p.id",
                "kind": "'routine'",
                "source": "'plan'",
                "period_start": f"DATE '{today}'",
                "period_end": f"DATE '{today}'",
                "state": "'reported'",
                "visited_at": "CASE WHEN n % 3 > 0 THEN now() END",
                "created_at": "now()",
            },
        )
        # the lead department takes part in its inspection
        insert_select(
            InspectionDepartment,
            "inspections_inspection i",
            {"inspection_id": "i.id", "department_id": "i.department_id", "lead": "true"},
        )
        print(f"  complaints, clocks, inspections: {time.perf_counter() - t:.1f} s")
        with connection.cursor() as cur:
            cur.execute("DROP TABLE bench_prj, bench_slot, bench_asg")
    with connection.cursor() as cur:
        # what autovacuum does to a live database: statistics, and the
        # visibility map that lets an index answer alone (index-only scans)
        cur.execute("VACUUM ANALYZE")
    print(f"  loaded in {time.perf_counter() - t0:.1f} s")
    return users


# --- the hand-written baseline ---------------------------------------------------------------------

UNRESOLVED = "('pending','returned','disposed')"
OPEN_COMPLAINTS = "('received','accepted','transferred','replied','reviewed','split')"


def baseline(kind: str, actor: Any, now: dt.datetime, today: dt.date) -> dict[str, Any]:
    """The same headline numbers in hand-written SQL, for the office (its
    district), the housing authority (its projects) or an owner."""
    from django.db import connection

    soon = now + dt.timedelta(days=3)
    year_start = dt.datetime(today.year, 1, 1, tzinfo=now.tzinfo)
    if kind == "office":
        scope = (
            "SELECT p.id FROM projects_project p WHERE p.owner_id IN "
            "(SELECT id FROM orgs_organisation WHERE path LIKE %(path)s) OR (p.owner_id IS NULL "
            "AND p.industry_authority_id IN (SELECT id FROM orgs_organisation WHERE path LIKE %(path)s))"
        )
        alert_scope = (
            "a.handling_org_id IN (SELECT id FROM orgs_organisation WHERE path LIKE %(path)s)"
        )
        complaint_scope = (
            "c.office_id IN (SELECT id FROM orgs_organisation WHERE path LIKE %(path)s)"
        )
        inspection_scope = (
            "i.office_id IN (SELECT id FROM orgs_organisation WHERE path LIKE %(path)s)"
        )
        path = actor.district_path + "%"
    else:
        # the platform's rules for a unit, written by hand: projects whose
        # owner (an owner: itself), superior unit, line or industry authority
        # lies in its subtree; alerts it handles or handled, or at its level and
        # below on those projects; complaints transferred to it or to its
        # person; inspections of its department or its inspector
        sub = "SELECT id FROM orgs_organisation WHERE path LIKE %(opath)s"
        if kind == "authority":
            scope = (
                f"SELECT p.id FROM projects_project p WHERE p.owner_id IN ({sub}) "
                f"OR p.superior_unit_id IN ({sub}) OR p.line_id IN ({sub}) "
                f"OR p.industry_authority_id IN ({sub})"
            )
            levels = "('owner','superior_unit','industry_authority')"
        else:
            scope = f"SELECT p.id FROM projects_project p WHERE p.owner_id IN ({sub})"
            levels = "('owner')"
        alert_scope = (
            f"a.project_id IN ({scope}) AND (a.handling_org_id IN ({sub}) "
            f"OR a.level IN {levels} OR a.id IN (SELECT alert_id FROM alerts_alert_handled_by "
            "WHERE organisation_id = %(org)s))"
        )
        complaint_scope = (
            "((c.handling_org_id = %(org)s OR c.handler_id = %(user)s) "
            "AND c.state IN ('transferred','replied','reviewed','closed') "
            "OR c.id IN (SELECT complaint_id FROM complaints_complaintassignment "
            "WHERE org_id = %(org)s OR handler_id = %(user)s))"
        )
        inspection_scope = (
            "i.id IN (SELECT inspection_id FROM inspections_inspectiondepartment WHERE department_id = %(org)s "
            "UNION SELECT inspection_id FROM inspections_inspectioninspector WHERE person_id = %(person)s)"
        )
        path = ""
    args = {
        "path": path,
        "opath": actor.org_path + "%",
        "user": actor.user_id,
        "person": actor.person_id or 0,
        "org": actor.organisation_id,
        "now": now,
        "soon": soon,
        "today": today,
        "year": today.year,
        "year_start": year_start,
    }
    sql = {
        "stages": f"SELECT status, count(*) FROM projects_project WHERE id IN ({scope}) GROUP BY status",
        "attendance": (
            "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM attendance_checkin c "
            "WHERE c.assignment_id = k.id AND c.local_date = %(today)s AND c.accepted)) "
            "FROM projects_keypersonassignment k JOIN projects_project p ON p.id = k.project_id "
            f"WHERE p.id IN ({scope}) AND p.status = 'under_construction' AND k.must_check_in "
            "AND k.started_on <= %(today)s AND (k.ended_on IS NULL OR k.ended_on > %(today)s)"
        ),
        "alerts": (
            "SELECT severity, count(*), count(*) FILTER (WHERE overdue) FROM alerts_alert a "
            f"WHERE a.state IN {UNRESOLVED} AND {alert_scope} GROUP BY severity"
        ),
        "complaints": f"SELECT count(*) FROM complaints_complaint c WHERE c.state IN {OPEN_COMPLAINTS} AND {complaint_scope}",
        "clocks": (
            "SELECT count(*) FILTER (WHERE d.state = 'open' AND (d.paused_at IS NOT NULL OR d.due_at >= %(now)s)), "
            "count(*) FILTER (WHERE d.state = 'open' AND d.paused_at IS NULL AND d.due_at >= %(now)s AND d.due_at < %(soon)s), "
            "count(*) FILTER (WHERE d.state = 'missed' OR (d.state = 'open' AND d.paused_at IS NULL AND d.due_at < %(now)s)) "
            "FROM core_deadline d JOIN complaints_complaint c ON d.subject_id = c.id::text "
            "WHERE d.subject_type = 'complaints.complaint' AND d.kind LIKE 'complaints.%%' "
            f"AND d.state IN ('open','missed') AND c.state IN {OPEN_COMPLAINTS} AND {complaint_scope}"
        ),
        "approvals": (
            "SELECT count(*) FILTER (WHERE d.state = 'open' AND (d.paused_at IS NOT NULL OR d.due_at >= %(now)s)), "
            "count(*) FILTER (WHERE d.state = 'open' AND d.paused_at IS NULL AND d.due_at >= %(now)s AND d.due_at < %(soon)s), "
            "count(*) FILTER (WHERE (d.state = 'missed' AND d.closed_at >= %(year_start)s) OR (d.state = 'open' AND d.paused_at IS NULL AND d.due_at < %(now)s)) "
            f"FROM core_deadline d WHERE d.kind LIKE 'approvals.%%' AND d.project_id IN ({scope}) "
            "AND (d.state = 'open' OR (d.state = 'missed' AND d.closed_at >= %(year_start)s))"
        ),
        "inspections": (
            "SELECT count(*), count(*) FILTER (WHERE visited_at IS NOT NULL), count(DISTINCT project_id) "
            f"FROM inspections_inspection i WHERE i.year = %(year)s AND i.state <> 'merged' "
            f"AND i.project_id IN ({scope}) AND {inspection_scope}"
        ),
    }
    out: dict[str, Any] = {}
    with connection.cursor() as cur:
        for key, q in sql.items():
            cur.execute(q, args)
            out[key] = cur.fetchall()
    alerts = {sev: (n, od) for sev, n, od in out["alerts"]}
    return {
        "projects": sum(n for _, n in out["stages"]),
        "on_duty": out["attendance"][0][0],
        "checked_in": out["attendance"][0][1],
        "alerts": tuple(alerts.get(s, (0, 0))[0] for s in (4, 3, 2, 1)),
        "alerts_overdue": sum(od for _, od in alerts.values()),
        "complaints_open": out["complaints"][0][0],
        "complaint_clocks": tuple(out["clocks"][0]),
        "approvals": tuple(out["approvals"][0]),
        "inspections": tuple(out["inspections"][0]),
    }


def numbers(b: Any) -> dict[str, Any]:
    return {
        "projects": b.projects,
        "on_duty": b.on_duty,
        "checked_in": b.checked_in,
        "alerts": (b.alerts.red, b.alerts.orange, b.alerts.yellow, b.alerts.blue),
        "alerts_overdue": b.alerts_overdue,
        "complaints_open": b.complaints_open,
        "complaint_clocks": (
            b.complaint_clocks.running,
            b.complaint_clocks.due_soon,
            b.complaint_clocks.overdue,
        ),
        "approvals": (b.approvals.running, b.approvals.due_soon, b.approvals.overdue),
        "inspections": (b.inspections, b.inspections_on_site, b.inspected_projects),
    }


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def measure(
    users: dict[str, str], repeat: int
) -> list[tuple[str, float, float, float, float, bool]]:
    from django.db import connection

    from postaward.core import clock
    from postaward.orgs.actors import actor_for_username
    from postaward.reports.dashboards import dashboard

    now = clock.now()
    today = clock.local_date(now)
    rows = []
    for kind, label in (
        ("office", "监管办（全区）"),
        ("authority", "行业主管部门（本行业）"),
        ("owner", "建设单位（本单位项目）"),
    ):
        actor = actor_for_username(users[kind])
        # warm both once, and compare their numbers
        same = numbers(dashboard(actor, now=now)) == (base := baseline(kind, actor, now, today))
        if not same:
            print(
                f"  ! {kind}: the numbers differ\n    dashboard {numbers(dashboard(actor, now=now))}\n    SQL       {base}"
            )
        dash_t: list[float] = []
        sql_t: list[float] = []
        for _ in range(repeat):
            t = time.perf_counter()
            dashboard(actor, now=now)
            dash_t.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            baseline(kind, actor, now, today)
            sql_t.append((time.perf_counter() - t) * 1000)
        connection.close()
        rows.append(
            (
                label,
                statistics.median(dash_t),
                pct(dash_t, 0.95),
                statistics.median(sql_t),
                pct(sql_t, 0.95),
                same,
            )
        )
        print(
            f"  {label}: projects {base['projects']:,}, on duty {base['on_duty']:,}, open alerts {sum(base['alerts']):,}"
        )
    return rows


def pages(users: dict[str, str], repeat: int) -> list[tuple[str, float, float, int]]:
    """The pages themselves, as a browser asks for them (middleware, scope,
    templates): the office's dashboard, the four ledgers' first pages with their
    counts, the monthly data-meeting pack's data step, and the public project
    search (uncached: the cache is cleared before each request). p50, p95 and
    the page's size; no ratio (the dashboards above carry the ratios)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from postaward.core import clock
    from postaward.orgs.actors import actor_for_username
    from postaward.reports import meeting_data

    client = Client()
    client.force_login(get_user_model().objects.get(username=users["office"]))
    anonymous = Client()
    office = actor_for_username(users["office"])
    today = clock.today()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)

    def page(c: Any, url: str) -> Callable[[], int]:
        def call() -> int:
            cache.clear()
            r = c.get(url)
            if r.status_code != 200:
                raise SystemExit(f"HTTP {r.status_code} for {url}")
            return len(r.content)

        return call

    def meeting() -> int:
        meeting_data.compute(office, last.year, last.month)
        return 0

    cases: list[tuple[str, Callable[[], int]]] = [
        ("监管驾驶舱 page (office)", page(client, "/reports/dashboard/")),
        ("事中监管及整改台账 p.1", page(client, "/reports/ledgers/in-process/")),
        ("事后检查及整改台账 p.1", page(client, "/reports/ledgers/post-award/")),
        ("信访举报办理情况表 p.1", page(client, "/reports/ledgers/complaints/")),
        ("核查项目情况表 p.1", page(client, "/reports/ledgers/verified/")),
        ("数据会商 data step", meeting),
        ("public project search", page(anonymous, "/public/projects/?q=%E5%B7%A5%E7%A8%8B")),
    ]
    rows = []
    for label, call in cases:
        size = call()  # warm
        times: list[float] = []
        for _ in range(repeat):
            t = time.perf_counter()
            call()
            times.append((time.perf_counter() - t) * 1000)
        connection.close()
        rows.append((label, statistics.median(times), pct(times, 0.95), size))
    return rows


# The production setting for solid-state storage (docs/operations.md, "PostgreSQL"):
# a random read costs about a sequential one, so the planner probes an index per
# row where that reads less (today's check-ins of 2,500 positions, not all 200,000).
STORAGE = {"random_page_cost": "1.1"}


def storage_settings(url: str) -> None:
    """Set ``STORAGE`` on the bench's database (both the dashboards and the
    hand-written SQL run under it) and reconnect so that they apply."""
    from django.db import connection

    name = url.rsplit("/", 1)[-1]
    with connection.cursor() as cur:
        for key, value in STORAGE.items():
            cur.execute(f'ALTER DATABASE "{name}" SET {key} = {value}')
    connection.close()
    print("settings: " + ", ".join(f"{k} = {v}" for k, v in STORAGE.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--scale", type=float, default=1.0, help="share of the province size (e.g. 0.1)"
    )
    ap.add_argument("--repeat", type=int, default=20, help="timed runs of each dashboard")
    ap.add_argument(
        "--reuse", action="store_true", help="keep the database loaded by an earlier run"
    )
    args = ap.parse_args()
    url = os.environ.get("BENCH_DASHBOARDS_DATABASE_URL", DEFAULT_URL)
    var_dir = Path(tempfile.mkdtemp(prefix="postaward-bench-dash-"))
    print(
        f"bench/dashboards — scale {args.scale} ({', '.join(f'{k} {v:,}' for k, v in sizes(args.scale).items())})"
    )
    print(f"machine: {benchdb.machine()}")
    users = {"office": "bench_office", "authority": "bench_authority", "owner": "bench_owner"}
    if not args.reuse:
        benchdb.recreate_database(url)
        benchdb.setup_django(url, var_dir)
        benchdb.migrate()
        users = load(args.scale)
    else:
        benchdb.setup_django(url, var_dir)
    storage_settings(url)
    rows = measure(users, args.repeat)
    print()
    print(
        f"{'dashboard':<26} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50':>8} {'SQL p95':>8} {'ratio p95':>9}  same numbers"
    )
    for label, d50, d95, s50, s95, same in rows:
        print(
            f"{label:<26} {d50:8.1f} {d95:8.1f} {s50:8.1f} {s95:8.1f} {d95 / s95:9.2f}  {'yes' if same else 'NO'}"
        )
    print("targets: p95 < 300 ms; ratio (dashboard p95 ÷ hand-written SQL p95) ≤ 2")
    print()
    print(f"{'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9}")
    for label, p50, p95, size in pages(users, args.repeat):
        print(f"{label:<30} {p50:8.1f} {p95:8.1f} {size:9,}")
    print("target: p95 < 300 ms")


if __name__ == "__main__":
    main()
