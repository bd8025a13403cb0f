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
    (``projects_on_duty``; only ``project_ids`` when given)."""
    from .month import valid_days_sql

    tz = str(clock.LOCAL_TZ)
    end_of_last = clock.end_of_day(last)
    suspending = [str(s) for s in duty_mod.SUSPENDING_STATES]
    staged = [str(p) for p in STAGED_POSITIONS]
    only = "AND id = ANY(%s) " if project_ids is not None else ""
    valid, valid_params = valid_days_sql(first, last, project_ids)
    s = DayStatus
    params: list[Any] = [last, first, first]
    if project_ids is not None:
        params.append(list(project_ids))
    params += [first, last, last, first]  # positions
    params += [tz, first, last, tz, last, suspending, end_of_last]  # suspensions
    params += [first, min(last, clock.today()), str(ProjectStatus.SUSPENDED), suspending]
    params += [end_of_last, str(SuspensionState.CONFIRMED)]
    params += [first, last, first, last, first, first]  # non-construction
    params += [first, last, first, last, first, first]  # stages
    params += [first, last, first, str(LeaveState.APPROVED), last, first]  # leave
    params += valid_params
    params += [staged]
    params += [str(s.SUSPENDED), str(s.NON_CONSTRUCTION), str(s.OUTSIDE_STAGE), str(s.LEAVE)]
    params += [first, threshold, closed_at]
    columns = (
        "assignment_id, person_id, project_id, organisation_id, month, valid_days, "
        "construction_days, excluded, rate, below_threshold, closed_at"
    )
    # Table names come from the models, statuses and states are parameters.
    sql = f"""
WITH p AS (
    SELECT id, status, actual_start, LEAST(actual_completion, terminated_on) AS works_end
    FROM {_t(Project)}
    WHERE actual_start IS NOT NULL AND actual_start <= %s
      AND (actual_completion IS NULL OR actual_completion >= %s)
      AND (terminated_on IS NULL OR terminated_on >= %s) {only}
), a AS (
    SELECT k.id, k.project_id, k.person_id, k.position, pt.organisation_id,
           GREATEST(%s::date, k.started_on, p.actual_start) AS lo,
           LEAST(%s::date, k.ended_on - 1, p.works_end) AS hi
    FROM {_t(KeyPersonAssignment)} k
    JOIN p ON p.id = k.project_id
    JOIN {_t(Participant)} pt ON pt.id = k.participant_id
    WHERE k.must_check_in AND k.started_on <= %s AND (k.ended_on IS NULL OR k.ended_on > %s)
), s AS (
    SELECT project_id,
           GREATEST((started_at AT TIME ZONE %s)::date, %s::date) AS lo,
           LEAST(CASE WHEN ended_at IS NULL THEN %s::date
                      ELSE (ended_at AT TIME ZONE %s)::date - 1 END, %s::date) AS hi
    FROM {_t(Suspension)}
    WHERE project_id IN (SELECT id FROM p) AND state = ANY(%s) AND started_at < %s
    UNION ALL
    SELECT p.id, %s::date, %s::date FROM p
    WHERE p.status = %s AND NOT EXISTS (
        SELECT 1 FROM {_t(Suspension)} x
        WHERE x.project_id = p.id AND x.state = ANY(%s) AND x.started_at < %s
          AND x.ended_at IS NULL AND x.state = %s)
), sd AS (
    SELECT DISTINCT project_id, lo + i AS day FROM s, generate_series(0, hi - lo) i WHERE lo <= hi
), nd AS (
    SELECT DISTINCT project_id, GREATEST(starts_on, %s) + i AS day
    FROM {_t(NonConstructionPeriod)},
         generate_series(0, LEAST(ends_on, %s) - GREATEST(starts_on, %s)) i
    WHERE project_id IN (SELECT id FROM p) AND withdrawn_at IS NULL
      AND starts_on <= %s AND ends_on >= %s AND GREATEST(starts_on, %s) <= ends_on
), gd AS (
    SELECT DISTINCT project_id, position, GREATEST(starts_on, %s) + i AS day
    FROM {_t(CheckinStage)},
         generate_series(0, LEAST(ends_on, %s) - GREATEST(starts_on, %s)) i
    WHERE project_id IN (SELECT id FROM p) AND starts_on <= %s AND ends_on >= %s
      AND GREATEST(starts_on, %s) <= ends_on
), ld AS (
    SELECT DISTINCT project_id, assignment_id, GREATEST(starts_on, %s) + i AS day
    FROM {_t(LeaveRequest)},
         generate_series(0, LEAST(ends_on, %s) - GREATEST(starts_on, %s)) i
    WHERE project_id IN (SELECT id FROM p) AND state = %s AND starts_on <= %s AND ends_on >= %s
), v AS ({valid}
), d AS (
    SELECT a.id, a.project_id, a.person_id, a.organisation_id,
           CASE WHEN sd.day IS NOT NULL THEN 1
                WHEN nd.day IS NOT NULL THEN 2
                WHEN a.position = ANY(%s) AND gd.day IS NULL THEN 3
                WHEN ld.day IS NOT NULL THEN 4 END AS st,
           v.assignment_id IS NOT NULL AS ok
    FROM a
    CROSS JOIN LATERAL generate_series(0, a.hi - a.lo) i
    LEFT JOIN sd ON sd.project_id = a.project_id AND sd.day = a.lo + i
    LEFT JOIN nd ON nd.project_id = a.project_id AND nd.day = a.lo + i
    LEFT JOIN gd ON gd.project_id = a.project_id AND gd.position = a.position AND gd.day = a.lo + i
    LEFT JOIN ld ON ld.project_id = a.project_id AND ld.assignment_id = a.id AND ld.day = a.lo + i
    LEFT JOIN v ON v.assignment_id = a.id AND v.local_date = a.lo + i
    WHERE a.lo <= a.hi
), m AS (
    SELECT id, project_id, person_id, organisation_id,
           COUNT(*) FILTER (WHERE st IS NULL) AS c,
           COUNT(*) FILTER (WHERE st IS NULL AND ok) AS ok,
           jsonb_strip_nulls(jsonb_build_object(
               %s::text, NULLIF(COUNT(*) FILTER (WHERE st = 1), 0),
               %s::text, NULLIF(COUNT(*) FILTER (WHERE st = 2), 0),
               %s::text, NULLIF(COUNT(*) FILTER (WHERE st = 3), 0),
               %s::text, NULLIF(COUNT(*) FILTER (WHERE st = 4), 0))) AS excluded
    FROM d GROUP BY id, project_id, person_id, organisation_id
), r AS (
    SELECT m.*, CASE WHEN c > 0 THEN ((ok * 20000 + c) / (2 * c))::numeric / 10000 END AS rate
    FROM m
)
INSERT INTO {_t(MonthlyAttendance)} ({columns})
SELECT id, person_id, project_id, organisation_id, %s::date, ok, c, excluded, rate,
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
