"""The monthly closing in one statement on PostgreSQL (ADR 0518, R-ATT-03,
R-ATT-08).

The database computes every position's month and writes it: the positions
on duty, each one's window of days (``generate_series``), the construction-day
calendar joined day by day (suspended, declared non-construction, outside the
owner's stages, approved leave, in that order of precedence, as
``month.construction_days``), the valid days (the same statement as
``valid_days_sql``, the bench's baseline) joined on (position, day), the
counts, the excluded days by status, the rate half up to four places and the
threshold, in one ``INSERT … SELECT``. ``month_rows`` (Python, on bitmasks)
stays the reference and the path on SQLite; a test compares both.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db import connection

from postaward.core import clock
from postaward.projects.choices import STAGED_POSITIONS, ProjectStatus, SuspensionState
from postaward.projects.models import (
    CheckinStage,
    KeyPersonAssignment,
    Participant,
    Project,
    Suspension,
)

from .. import duty as duty_mod
from ..choices import DayStatus, LeaveState
from ..models import LeaveRequest, MonthlyAttendance, NonConstructionPeriod


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _date(d: dt.date) -> str:
    """A date as a SQL literal (a ``datetime.date``: nothing to escape)."""
    return f"DATE '{d.isoformat()}'"


def month_sql(
    first: dt.date,
    last: dt.date,
    *,
    threshold: Decimal,
    closed_at: dt.datetime,
    project_ids: list[int] | None,
    returning: bool,
) -> tuple[str, list[Any]]:
    """The ``INSERT … SELECT`` of the month's rows of the projects on duty
    (``projects_on_duty``; only ``project_ids`` when given). As in
    ``month_rows``, days are bits of a ``bigint`` (bit i = ``first`` + i days):
    each position's window, its project's suspended and non-construction
    days, the stages of its position, its leave and its valid days become one
    mask each, and the first status that claims a day wins."""
    from .month import valid_days_sql

    f, l_ = _date(first), _date(last)

    def bits(lo: str, hi: str) -> str:
        return (
            f"(CASE WHEN {lo} <= {hi} THEN ((1::bigint << ({hi} - {lo} + 1)) - 1) << ({lo} - {f})"
            " ELSE 0::bigint END)"
        )

    def count(mask: str) -> str:
        return f"bit_count(({mask})::bit(64))"

    only = "AND id = ANY(%s) " if project_ids is not None else ""
    valid, valid_params = valid_days_sql(first, last, project_ids)
    st = DayStatus
    params: list[Any] = [list(project_ids)] if project_ids is not None else []
    params += [str(clock.LOCAL_TZ), str(clock.LOCAL_TZ), list(duty_mod.SUSPENDING_STATES)]
    params += [clock.end_of_day(last), str(ProjectStatus.SUSPENDED)]
    params += [list(duty_mod.SUSPENDING_STATES), clock.end_of_day(last)]
    params += [str(SuspensionState.CONFIRMED), str(LeaveState.APPROVED)]
    params += valid_params
    params += [[str(p) for p in STAGED_POSITIONS]]
    params += [str(st.SUSPENDED), str(st.NON_CONSTRUCTION), str(st.OUTSIDE_STAGE), str(st.LEAVE)]
    params += [threshold, closed_at]
    columns = (
        "assignment_id, person_id, project_id, organisation_id, month, valid_days, "
        "construction_days, excluded, rate, below_threshold, closed_at"
    )
    today = _date(min(last, clock.today()))
    overlaps = f"starts_on <= {l_} AND ends_on >= {f}"
    span = bits(f"GREATEST(starts_on, {f})", f"LEAST(ends_on, {l_})")
    removed = "(e1 | e2 | e3 | e4)"
    # w, x and m are MATERIALIZED: inlined, each row's masks were computed again
    # in every expression that names them (the plan spelled ``win`` out ~60
    # times per row): ~300 ms of the closing's 1 s on 10,000 positions.
    # Table names come from the models, dates are literals of date objects,
    # everything else is a parameter.
    sql = f"""
WITH p AS (
    SELECT id, status, actual_start, LEAST(actual_completion, terminated_on) AS works_end
    FROM {_t(Project)}
    WHERE actual_start IS NOT NULL AND actual_start <= {l_}
      AND (actual_completion IS NULL OR actual_completion >= {f})
      AND (terminated_on IS NULL OR terminated_on >= {f}) {only}
), a AS (
    SELECT k.id, k.project_id, k.person_id, k.position, pt.organisation_id,
           GREATEST({f}, k.started_on, p.actual_start) AS lo,
           LEAST({l_}, k.ended_on - 1, p.works_end) AS hi
    FROM {_t(KeyPersonAssignment)} k
    JOIN p ON p.id = k.project_id
    JOIN {_t(Participant)} pt ON pt.id = k.participant_id
    WHERE k.must_check_in AND k.started_on <= {l_} AND (k.ended_on IS NULL OR k.ended_on > {f})
), s AS (
    SELECT project_id,
           GREATEST((started_at AT TIME ZONE %s)::date, {f}) AS lo,
           LEAST(CASE WHEN ended_at IS NULL THEN {l_}
                      ELSE (ended_at AT TIME ZONE %s)::date - 1 END, {l_}) AS hi
    FROM {_t(Suspension)}
    WHERE project_id IN (SELECT id FROM p) AND state = ANY(%s) AND started_at < %s
    UNION ALL
    SELECT p.id, {f}, {today} FROM p
    WHERE p.status = %s AND NOT EXISTS (
        SELECT 1 FROM {_t(Suspension)} x
        WHERE x.project_id = p.id AND x.state = ANY(%s) AND x.started_at < %s
          AND x.ended_at IS NULL AND x.state = %s)
), sb AS (
    SELECT project_id, bit_or({bits("lo", "hi")}) AS b FROM s GROUP BY project_id
), nb AS (
    SELECT project_id, bit_or({span}) AS b FROM {_t(NonConstructionPeriod)}
    WHERE project_id IN (SELECT id FROM p) AND withdrawn_at IS NULL AND {overlaps}
    GROUP BY project_id
), gb AS (
    SELECT project_id, position, bit_or({span}) AS b FROM {_t(CheckinStage)}
    WHERE project_id IN (SELECT id FROM p) AND {overlaps}
    GROUP BY project_id, position
), lb AS (
    SELECT project_id, assignment_id, bit_or({span}) AS b FROM {_t(LeaveRequest)}
    WHERE project_id IN (SELECT id FROM p) AND state = %s AND {overlaps}
    GROUP BY project_id, assignment_id
), vb AS (
    SELECT assignment_id, SUM(1::bigint << (local_date - {f}))::bigint AS b
    FROM ({valid}) AS v GROUP BY assignment_id
), w AS MATERIALIZED (
    SELECT a.id, a.project_id, a.person_id, a.organisation_id,
           {bits("a.lo", "a.hi")} AS win,
           COALESCE(sb.b, 0) AS sus, COALESCE(nb.b, 0) AS nc,
           CASE WHEN a.position = ANY(%s) THEN ~COALESCE(gb.b, 0) ELSE 0 END AS outside,
           COALESCE(lb.b, 0) AS lv, COALESCE(vb.b, 0) AS ok
    FROM a
    LEFT JOIN sb ON sb.project_id = a.project_id
    LEFT JOIN nb ON nb.project_id = a.project_id
    LEFT JOIN gb ON gb.project_id = a.project_id AND gb.position = a.position
    LEFT JOIN lb ON lb.project_id = a.project_id AND lb.assignment_id = a.id
    LEFT JOIN vb ON vb.assignment_id = a.id
), x AS MATERIALIZED (
    SELECT w.*, e1, e2, e3, win & lv & ~(e1 | e2 | e3) AS e4
    FROM w,
         LATERAL (SELECT win & sus AS e1) x1,
         LATERAL (SELECT win & nc & ~e1 AS e2) x2,
         LATERAL (SELECT win & outside & ~(e1 | e2) AS e3) x3
), m AS MATERIALIZED (
    SELECT id, project_id, person_id, organisation_id,
           {count(f"win & ~{removed}")} AS c,
           {count(f"win & ~{removed} & ok")} AS ok,
           jsonb_strip_nulls(jsonb_build_object(
               %s::text, NULLIF({count("e1")}, 0), %s::text, NULLIF({count("e2")}, 0),
               %s::text, NULLIF({count("e3")}, 0), %s::text, NULLIF({count("e4")}, 0)
           )) AS excluded
    FROM x
), r AS (
    SELECT m.*, CASE WHEN c > 0 THEN ((ok * 20000 + c) / (2 * c))::numeric / 10000 END AS rate
    FROM m
)
INSERT INTO {_t(MonthlyAttendance)} ({columns})
SELECT id, person_id, project_id, organisation_id, {f}, ok, c, excluded, rate,
       COALESCE(rate < %s, false), %s
FROM r WHERE c > 0 OR excluded <> '{{}}'::jsonb"""  # noqa: S608
    if returning:
        sql += f" RETURNING {columns}"
    return sql, params


def delete_month_sql(
    first: dt.date, last: dt.date, project_ids: list[int] | None
) -> tuple[str, list[Any]]:
    """Delete the month's rows of the projects on duty (the closing replaces
    them, ADR 0202)."""
    only = "AND id = ANY(%s) " if project_ids is not None else ""
    params: list[Any] = [first, last, first, first]
    if project_ids is not None:
        params.append(list(project_ids))
    sql = (
        f"DELETE FROM {_t(MonthlyAttendance)} WHERE month = %s AND project_id IN ("  # noqa: S608
        f"SELECT id FROM {_t(Project)} WHERE actual_start IS NOT NULL AND actual_start <= %s "
        "AND (actual_completion IS NULL OR actual_completion >= %s) "
        f"AND (terminated_on IS NULL OR terminated_on >= %s) {only})"
    )
    return sql, params


def insert_month(
    first: dt.date,
    last: dt.date,
    *,
    threshold: Decimal,
    closed_at: dt.datetime,
    project_ids: list[int] | None,
    returning: bool,
) -> tuple[int, list[tuple[Any, ...]]]:
    """Run ``month_sql``: (rows written, the rows if ``returning``)."""
    sql, params = month_sql(
        first,
        last,
        threshold=threshold,
        closed_at=closed_at,
        project_ids=project_ids,
        returning=returning,
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall() if returning else []
        count = cur.rowcount
    return count, [
        (*r[:7], json.loads(r[7]) if isinstance(r[7], str) else r[7], *r[8:]) for r in rows
    ]
