"""The monthly closing (R-ATT-03, R-ATT-08): valid days, construction days,
rates and the below-threshold interviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from postaward.core import clock, events
from postaward.projects.choices import STAGED_POSITIONS
from postaward.projects.models import KeyPersonAssignment, Project

from .. import duty as duty_mod
from ..choices import (
    DayStatus,
    InterviewKind,
    monthly_rate_threshold,
)
from ..events import (
    MonthlyRate,
)
from ..models import (
    AttendanceInterview,
    CheckIn,
    MonthlyAttendance,
)
from .closing import projects_on_duty
from .interviews import _open_interview

# --- monthly closing (R-ATT-03, R-ATT-08) ---------------------------------------------------------------


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def valid_days_sql(
    first: dt.date, last: dt.date, project_ids: list[int] | None = None
) -> tuple[str, list[Any]]:
    """One query: the (assignment, date) pairs with a valid day (R-ATT-02).

    The same statement (without ``project_ids``) is the baseline of bench/attendance."""
    if connection.vendor == "postgresql":
        span = "MAX(at) - MIN(at) >= INTERVAL '4 hours'"
    else:
        span = "(julianday(MAX(at)) - julianday(MIN(at))) * 86400.0 >= 14400 - 0.0005"
    table = CheckIn._meta.db_table
    params: list[Any] = [first, last]
    only = ""
    if project_ids is not None:
        only = f"AND project_id IN ({', '.join(['%s'] * len(project_ids)) or 'NULL'}) "
        params += list(project_ids)
    # The table name and the clauses are constants of this module; values are parameters.
    sql = (
        f"SELECT assignment_id, local_date FROM {table} "  # noqa: S608
        f"WHERE local_date >= %s AND local_date <= %s {only}AND accepted AND assignment_id IS NOT NULL "
        f"AND review <> 'confirmed' GROUP BY assignment_id, local_date HAVING COUNT(*) >= 2 AND {span}"
    )
    return sql, params


def valid_days(
    first: dt.date, last: dt.date, project_ids: list[int] | None = None
) -> dict[int, set[dt.date]]:
    """Valid days per assignment over [first, last] (R-ATT-02), from ``valid_days_sql``."""
    sql, params = valid_days_sql(first, last, project_ids)
    valid: dict[int, set[dt.date]] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for assignment_id, day in cur.fetchall():
            if isinstance(day, str):
                day = dt.date.fromisoformat(day)
            s = valid.get(assignment_id)
            if s is None:
                valid[assignment_id] = {day}
            else:
                s.add(day)
    return valid


@dataclass(frozen=True)
class PositionRow:
    """What the month computation needs of a position (a KeyPersonAssignment row)."""

    id: int
    project_id: int
    person_id: int
    position: str
    started_on: dt.date
    ended_on: dt.date | None
    organisation_id: int


_EMPTY: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class DayMask:
    """Valid days of one position within a month as bits (bit i = first + i days):
    what the closing's aggregate query returns, 10,000 integers instead of
    300,000 (position, date) pairs."""

    first: dt.date
    bits: int

    def __iter__(self):  # type: ignore[no-untyped-def]
        bits, day = self.bits, self.first
        while bits:
            if bits & 1:
                yield day
            bits >>= 1
            day += duty_mod.ONE_DAY


@dataclass(frozen=True)
class ConstructionDays:
    """A position's construction days over the duty's period (R-ATT-03) as a
    bitmask (bit i = ``first`` + i days), their number, and the excluded days
    by status. It needs no check-in, so the closing computes it while the
    check-in aggregate runs."""

    first: dt.date
    bits: int
    count: int
    excluded: dict[str, int]

    def valid(self, valid: Collection[dt.date] | DayMask) -> int:
        """Valid days that fall on construction days."""
        if isinstance(valid, DayMask):
            bits = valid.bits if valid.first == self.first else _bits(self.first, valid)
        else:
            bits = _bits(self.first, valid)
        return (bits & self.bits).bit_count()


def _bits(first: dt.date, days: Iterable[dt.date]) -> int:
    out = 0
    for d in days:
        i = (d - first).days
        if i >= 0:
            out |= 1 << i
    return out


def construction_days(duty: duty_mod.ProjectDuty, a: PositionRow) -> ConstructionDays:
    """The same answer as asking ``duty.status`` for each day (see the test that
    compares both), computed on intervals and bits because a district has tens
    of thousands of positions."""
    first = duty.first
    p = duty.project
    if p.actual_start is None:
        return ConstructionDays(first, 0, 0, {})
    lo = max(first, a.started_on, p.actual_start)
    hi = duty.last
    if a.ended_on is not None:
        hi = min(hi, a.ended_on - duty_mod.ONE_DAY)
    end = duty.works_end
    if end is not None:
        hi = min(hi, end)
    if lo > hi:
        return ConstructionDays(first, 0, 0, {})
    span = (hi - lo).days + 1
    window = ((1 << span) - 1) << (lo - first).days
    staged = a.position in STAGED_POSITIONS
    leave = duty.leave.get(a.id, _EMPTY)
    if not duty.suspended and not duty.non_construction and not staged and not leave:
        return ConstructionDays(first, window, span, {})
    removed = 0
    excluded: dict[str, int] = {}

    def take(status: str, days: Iterable[dt.date]) -> None:
        nonlocal removed
        bits = _bits(first, (d for d in days if lo <= d <= hi)) & ~removed
        if bits:
            excluded[status] = bits.bit_count()
            removed |= bits

    take(DayStatus.SUSPENDED.value, duty.suspended)
    take(DayStatus.NON_CONSTRUCTION.value, duty.non_construction)
    if staged:
        covered: set[dt.date] = set()
        for s_first, s_last, _name in duty.stages.get(a.position, []):
            covered.update(duty_mod.daterange(max(s_first, lo), min(s_last, hi)))
        take(
            DayStatus.OUTSIDE_STAGE.value,
            [d for d in duty_mod.daterange(lo, hi) if d not in covered],
        )
    take(DayStatus.LEAVE.value, leave)
    bits = window & ~removed
    return ConstructionDays(first, bits, bits.bit_count(), excluded)


def month_counts(
    duty: duty_mod.ProjectDuty, a: PositionRow, valid: Collection[dt.date] | DayMask
) -> tuple[int, int, dict[str, int]]:
    """(valid days, construction days, excluded days by status) of one position."""
    c = construction_days(duty, a)
    return c.valid(valid), c.count, c.excluded


def _rate(valid_count: int, construction: int) -> Decimal | None:
    """valid ÷ construction, half up to 4 places, in integer arithmetic (a
    closing computes it 10,000 times)."""
    if not construction:
        return None
    return Decimal((valid_count * 20000 + construction) // (2 * construction)).scaleb(-4)


def valid_masks_sql(
    first: dt.date, last: dt.date, project_ids: list[int] | None = None
) -> tuple[str, list[Any]]:
    """``valid_days_sql`` aggregated per position into a bitmask of the days
    (bit i = ``first`` + i days; a month fits in 31 bits): what the closing runs."""
    inner, params = valid_days_sql(first, last, project_ids)
    if connection.vendor == "postgresql":
        bit = "(1::bigint << (local_date - %s::date))"
    else:
        bit = "(1 << CAST(julianday(local_date) - julianday(%s) AS INTEGER))"
    sql = f"SELECT assignment_id, SUM({bit}) FROM ({inner}) AS v GROUP BY assignment_id"  # noqa: S608
    return sql, [first, *params]


def valid_masks(
    first: dt.date, last: dt.date, project_ids: list[int] | None = None
) -> dict[int, DayMask]:
    if (last - first).days > 62:
        raise ValueError("a bitmask covers at most 63 days")
    sql, params = valid_masks_sql(first, last, project_ids)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {a: DayMask(first, int(bits)) for a, bits in cur.fetchall()}


@dataclass(frozen=True)
class MonthRow:
    """One position's month, before it is written (a MonthlyAttendance row)."""

    assignment_id: int
    person_id: int
    project_id: int
    organisation_id: int
    month: dt.date
    valid_days: int
    construction_days: int
    excluded: dict[str, int]
    rate: Decimal | None
    below_threshold: bool
    closed_at: dt.datetime

    @property
    def rate_percent(self) -> Decimal | None:
        return None if self.rate is None else (self.rate * 100).quantize(Decimal("0.1"))


_MONTH_PROJECT_FIELDS = (
    "id",
    "name",
    "status",
    "owner_id",
    "owner_leader_id",
    "actual_start",
    "actual_completion",
    "terminated_on",
)


def month_rows(
    first: dt.date,
    last: dt.date,
    *,
    project_ids: list[int] | None = None,
    parallel: bool | None = None,
    while_counting: Any = None,
) -> tuple[list[Project], list[MonthRow]]:
    """The monthly attendance of every position over [first, last] (not saved).

    Valid days come from the check-ins (one aggregate query, a bitmask per
    position), construction days from the duty calendar; a valid day counts
    only on a construction day. Everything is loaded in a fixed number of
    queries, whatever the number of projects; on PostgreSQL the aggregate runs
    on a second connection while this one loads the duty calendar."""
    projects = list(projects_on_duty(first, last, fields=_MONTH_PROJECT_FIELDS))
    if project_ids is not None:
        wanted = set(project_ids)
        projects = [p for p in projects if p.pk in wanted]
    if not projects:
        return [], []
    ids = [p.pk for p in projects]
    only = ids if project_ids is not None else None
    if parallel is None:
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    if parallel:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="attendance-count")
        pending = pool.submit(_valid_masks_on_own_connection, first, last, only)
    else:
        valid = valid_masks(first, last, only)
    positions = [
        PositionRow(*row)
        for row in KeyPersonAssignment.objects.filter(
            project_id__in=ids, must_check_in=True, started_on__lte=last
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .order_by("project_id", "id")
        .values_list(
            "id",
            "project_id",
            "person_id",
            "position",
            "started_on",
            "ended_on",
            "participant__organisation_id",
        )
    ]
    duties = duty_mod.load_many(projects, first, last, None)
    plans = [(a, construction_days(duties[a.project_id], a)) for a in positions]
    if while_counting is not None:
        while_counting(ids)
    if parallel:
        valid = pending.result()
        pool.shutdown()
    now = clock.now()
    empty = DayMask(first, 0)
    threshold = monthly_rate_threshold()
    rows = []
    for a, c in plans:
        construction, excluded = c.count, c.excluded
        if construction == 0 and not excluded:
            continue
        valid_count = c.valid(valid.get(a.id, empty))
        rate = _rate(valid_count, construction)
        rows.append(
            MonthRow(
                a.id,
                a.person_id,
                a.project_id,
                a.organisation_id,
                first,
                valid_count,
                construction,
                excluded,
                rate,
                rate is not None and rate < threshold,
                now,
            )
        )
    return projects, rows


def _valid_masks_on_own_connection(
    first: dt.date, last: dt.date, project_ids: list[int] | None
) -> dict[int, DayMask]:
    try:
        return valid_masks(first, last, project_ids)
    finally:
        connection.close()  # this thread's own connection


_MONTH_COLUMNS = (
    "assignment_id",
    "person_id",
    "project_id",
    "organisation_id",
    "month",
    "valid_days",
    "construction_days",
    "excluded",
    "rate",
    "below_threshold",
    "closed_at",
)


def _delete_month(first: dt.date, project_ids: list[int]) -> None:
    MonthlyAttendance.objects.filter(month=first, project_id__in=project_ids).delete()


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _insert_month(rows: list[MonthRow]) -> None:
    """Insert the month's rows (inside the caller's transaction): one COPY on
    PostgreSQL, written as text in one piece."""
    if connection.vendor != "postgresql":
        MonthlyAttendance.objects.bulk_create(
            [MonthlyAttendance(**r.__dict__) for r in rows], batch_size=2000
        )
        return
    import json

    lines = []
    for r in rows:
        lines.append(
            "\t".join(
                [
                    str(r.assignment_id),
                    str(r.person_id),
                    str(r.project_id),
                    str(r.organisation_id),
                    r.month.isoformat(),
                    str(r.valid_days),
                    str(r.construction_days),
                    _copy_text(json.dumps(r.excluded)),
                    _copy_text(r.rate),
                    _copy_text(r.below_threshold),
                    r.closed_at.isoformat(),
                ]
            )
        )
    table = MonthlyAttendance._meta.db_table
    with (
        connection.cursor() as cur,
        cur.copy(f"COPY {table} ({', '.join(_MONTH_COLUMNS)}) FROM STDIN") as copy,
    ):
        copy.write("\n".join(lines) + "\n" if lines else "")


def close_month(
    month: dt.date, *, project_ids: list[int] | None = None, detect: bool = True
) -> int:
    """Close a month: valid days / construction days per person and position
    (R-ATT-03); a complete month publishes every position's rate as a fact
    (``MonthlyRate``) and opens the interview of a rate below the configured
    threshold (R-ATT-08, the indicator's threshold, R-ALR-01).

    Idempotent: re-running replaces the month's rows. A month still running is
    closed up to yesterday (month to date) and has no consequences yet."""
    first, last = month_bounds(month)
    last = (
        min(last, clock.today() - dt.timedelta(days=1)) if first <= clock.today() <= last else last
    )
    if last < first:
        return 0
    full = detect and last == month_bounds(month)[1]
    if connection.vendor == "postgresql":
        count, rows = _close_month_in_the_database(first, last, project_ids, returning=full)
        projects = list(
            Project.objects.filter(pk__in={r.project_id for r in rows if r.below_threshold}).only(
                *_MONTH_PROJECT_FIELDS
            )
        )
    else:
        with transaction.atomic():
            projects, rows = month_rows(
                first,
                last,
                project_ids=project_ids,
                parallel=False,
                while_counting=lambda ids: _delete_month(first, ids),
            )
            if not projects:
                return 0
            _insert_month(rows)
        count = len(rows)
    if full:
        by_pk = {p.pk: p for p in projects}
        positions = dict(
            KeyPersonAssignment.objects.filter(
                pk__in=[r.assignment_id for r in rows if r.rate is not None]
            ).values_list("pk", "position")
        )
        with transaction.atomic():
            events.publish_many(
                [
                    MonthlyRate(
                        project_id=r.project_id,
                        person_id=r.person_id,
                        organisation_id=r.organisation_id,
                        assignment_id=r.assignment_id,
                        position=positions[r.assignment_id],
                        month=f"{r.month:%Y-%m}",
                        valid_days=r.valid_days,
                        construction_days=r.construction_days,
                        rate=str(r.rate),
                    )
                    for r in rows
                    if r.rate is not None
                ]
            )
        for r in rows:
            if r.below_threshold:
                with transaction.atomic():
                    _low_rate(by_pk[r.project_id], r)
    return count


def _close_month_in_the_database(
    first: dt.date, last: dt.date, project_ids: list[int] | None, *, returning: bool
) -> tuple[int, list[MonthRow]]:
    """PostgreSQL (ADR 0518): the old rows of the projects on duty go, and
    one ``INSERT … SELECT`` computes and writes the month (``month_sql``);
    the rows come back only when the consequences need them."""
    from .month_sql import delete_month_sql, insert_month

    with transaction.atomic():
        with connection.cursor() as cur:
            # The statement's cost estimate (a series per position) would have
            # it compiled by the JIT: seconds of compiling for a sub-second run.
            cur.execute("SET LOCAL jit = off")
            cur.execute(*delete_month_sql(first, last, project_ids))
        count, raw = insert_month(
            first,
            last,
            threshold=monthly_rate_threshold(),
            closed_at=clock.now(),
            project_ids=project_ids,
            returning=returning,
        )
    return count, [MonthRow(*r) for r in raw]


def _low_rate(project: Project, r: MonthRow) -> None:
    """R-ATT-08: the interview of a month below the configured threshold."""
    key = f"monthly:{r.assignment_id}:{r.month:%Y-%m}"
    if AttendanceInterview.objects.filter(key=key).exists():
        return
    a = KeyPersonAssignment.objects.select_related("participant").get(pk=r.assignment_id)
    _open_interview(
        kind=InterviewKind.LOW_MONTHLY_RATE,
        key=key,
        project=project,
        assignment=a,
        summary=(
            f"{r.month:%Y年%m月} 考勤率 {r.valid_days}/{r.construction_days} = "
            f"{r.rate_percent}%，低于{monthly_rate_threshold() * 100:.0f}%"
        ),
        trigger={
            "month": f"{r.month:%Y-%m}",
            "valid_days": r.valid_days,
            "construction_days": r.construction_days,
            "rate": str(r.rate),
            "excluded": r.excluded,
        },
    )
