"""Reads of attendance for the pages and the API: every read starts from a
scoped queryset (``visible_to``) or from the actor's own positions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.projects.choices import Position, ProjectStatus
from postaward.projects.models import KeyPersonAssignment, Project

from . import duty as duty_mod
from . import rules, services
from .choices import (
    ACCURACY_CREDIT_MAX_M,
    CONSTRUCTION_DAY_STATUSES,
    FENCE_MARGIN_M,
    MAX_ACCURACY_M,
    STATUS_COLOURS,
    DayStatus,
    InterviewState,
    LeaveState,
    Refusal,
    Review,
    monthly_rate_threshold,
    patrol_interval_days,
)
from .models import (
    AttendanceDay,
    AttendanceInterview,
    CheckIn,
    LeaveRequest,
    MonthlyAttendance,
    NonConstructionPeriod,
    Patrol,
)

# --- rates shown with their rule -----------------------------------------------------------------


def rate_of(valid: int, construction: int) -> Decimal | None:
    if not construction:
        return None
    return (Decimal(valid) / Decimal(construction)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def rate_text(valid: int, construction: int) -> str:
    """``19/23 = 82.6%``: every rate shows its numerator and denominator."""
    r = rate_of(valid, construction)
    if r is None:
        return f"{valid}/{construction}（无施工日）"
    return f"{valid}/{construction} = {(r * 100).quantize(Decimal('0.1'))}%"


def month_first(value: str | dt.date | None) -> dt.date:
    """``2026-11`` / a date / None (this month) → the first day of the month."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if value:
        try:
            y, m = str(value)[:7].split("-")
            return dt.date(int(y), int(m), 1)
        except ValueError:
            pass
    return clock.today().replace(day=1)


def shift_month(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


# --- the person's positions today (check-in page, GET /duties/today) -----------------------------


@dataclass
class TodayPosition:
    assignment: KeyPersonAssignment
    project: Project
    required: bool
    refusal: str
    reason: str
    checkins: list[CheckIn] = field(default_factory=list)

    @property
    def counted_times(self) -> list[dt.datetime]:
        return [c.at for c in self.checkins if c.counts]

    @property
    def day(self) -> rules.DayResult:
        return rules.valid_day(self.counted_times)

    def _second_at(self) -> dt.datetime | None:
        times = self.counted_times
        if not times or self.day.valid:
            return None
        from .choices import VALID_DAY_SPAN

        return min(times) + VALID_DAY_SPAN

    @property
    def next_valid_at(self) -> dt.datetime | None:
        """When a second check-in makes today valid (first + 4 h), if still today."""
        at = self._second_at()
        if at is None or clock.local_date(at) != clock.local_date(min(self.counted_times)):
            return None
        return at

    @property
    def too_late(self) -> bool:
        """Four hours after the first check-in is already tomorrow."""
        return self._second_at() is not None and self.next_valid_at is None

    @property
    def site_geojson(self) -> dict[str, Any] | None:
        site = self.project.site
        return site.to_geojson() if site else None


def positions_today(actor: Actor) -> list[TodayPosition]:
    """The actor's positions held today, one per project, with whether a check-in
    is required today and why not, and today's check-ins (R-ATT-01)."""
    if not actor.person_id:
        return []
    today = clock.today()
    assignments = list(
        KeyPersonAssignment.objects.select_related("project", "participant__organisation")
        .filter(person_id=actor.person_id, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .order_by("project_id", "id")
    )
    by_project: dict[int, list[KeyPersonAssignment]] = defaultdict(list)
    for a in assignments:
        by_project[a.project_id].append(a)
    todays: dict[int, list[CheckIn]] = defaultdict(list)
    for c in CheckIn.objects.filter(person_id=actor.person_id, local_date=today).order_by("at"):
        todays[c.project_id].append(c)
    out = []
    for group in by_project.values():
        project = group[0].project
        duty_list = [a for a in group if a.must_check_in]
        if not duty_list:
            out.append(
                TodayPosition(group[0], project, False, "", "该岗位无须现场考勤（限额以下工程）")
            )
            continue
        refusal, why, chosen = services._duty_refusal(project, duty_list, today)
        reason = why or (Refusal(refusal).label if refusal else "")
        out.append(
            TodayPosition(
                chosen or duty_list[0],
                project,
                not refusal,
                refusal,
                reason,
                todays.get(project.pk, []),
            )
        )
    out.sort(key=lambda t: (not t.required, t.project.name))
    return out


def fence_rule_text() -> str:
    return (
        f"到场地边界的距离 ≤ {FENCE_MARGIN_M:.0f} 米 + 定位精度（最多计 {ACCURACY_CREDIT_MAX_M:.0f} 米）"
        f"即为在场；定位精度差于 ±{MAX_ACCURACY_M:.0f} 米时不予打卡"
    )


# --- lists -----------------------------------------------------------------------------------------


def checkins(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[CheckIn]:
    f = filters or {}
    qs = CheckIn.objects.visible_to(actor).select_related("person", "project")
    if f.get("project_id"):
        qs = qs.filter(project_id=f["project_id"])
    if f.get("person_id"):
        qs = qs.filter(person_id=f["person_id"])
    if f.get("date_from"):
        qs = qs.filter(local_date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(local_date__lte=f["date_to"])
    if f.get("accepted") is not None:
        qs = qs.filter(accepted=f["accepted"])
    if f.get("review"):
        qs = qs.filter(review=f["review"])
    return qs.order_by("-at", "-id")


def pending_reviews(actor: Actor) -> QuerySet[CheckIn]:
    return checkins(actor, {"review": Review.PENDING}).order_by("-suspicion_score", "-at")


def days(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[AttendanceDay]:
    f = filters or {}
    qs = AttendanceDay.objects.visible_to(actor).select_related("person", "project", "assignment")
    if f.get("project_id"):
        qs = qs.filter(project_id=f["project_id"])
    if f.get("person_id"):
        qs = qs.filter(person_id=f["person_id"])
    if f.get("date_from"):
        qs = qs.filter(date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(date__lte=f["date_to"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return qs.order_by("-date", "project_id", "person_id")


def monthly(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[MonthlyAttendance]:
    f = filters or {}
    qs = MonthlyAttendance.objects.visible_to(actor).select_related(
        "person", "project", "organisation", "assignment"
    )
    if f.get("month"):
        qs = qs.filter(month=month_first(f["month"]))
    if f.get("project_id"):
        qs = qs.filter(project_id=f["project_id"])
    if f.get("organisation_id"):
        qs = qs.filter(organisation_id=f["organisation_id"])
    if f.get("person_id"):
        qs = qs.filter(person_id=f["person_id"])
    if f.get("region"):
        qs = qs.filter(project__region_name=f["region"])
    if f.get("below_threshold") is not None:
        qs = qs.filter(below_threshold=f["below_threshold"])
    return qs.order_by(F("rate").asc(nulls_last=True), "project_id", "person_id")


def leave_requests(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[LeaveRequest]:
    f = filters or {}
    qs = LeaveRequest.objects.visible_to(actor).select_related("person", "project", "assignment")
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("project_id"):
        qs = qs.filter(project_id=f["project_id"])
    if f.get("mine"):
        qs = qs.filter(person_id=actor.person_id)
    return qs.order_by("-requested_at", "-id")


def interviews(
    actor: Actor, filters: dict[str, Any] | None = None
) -> QuerySet[AttendanceInterview]:
    f = filters or {}
    qs = AttendanceInterview.objects.visible_to(actor).select_related(
        "person", "project", "organisation"
    )
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("project_id"):
        qs = qs.filter(project_id=f["project_id"])
    return qs.order_by("state", "-created_at", "-id")


def patrols(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Patrol]:
    f = filters or {}
    qs = Patrol.objects.visible_to(actor).select_related("person", "project")
    if f.get("project_id"):
        qs = qs.filter(project_id=f["project_id"])
    return qs.order_by("-started_at", "-id")


def non_construction(actor: Actor, project: Project) -> QuerySet[NonConstructionPeriod]:
    return (
        NonConstructionPeriod.objects.visible_to(actor)
        .filter(project=project)
        .order_by("-starts_on", "-id")
    )


# --- owner side -----------------------------------------------------------------------------------


def owner_projects(actor: Actor) -> list[Project]:
    """Projects the actor acts on for the owner (R-ATT-05): led by them, or of
    the owner organisation they administer, under construction or suspended."""
    qs = (
        Project.objects.visible_to(actor)
        .select_related("owner", "owner_leader")
        .filter(status__in=[ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.SUSPENDED])
        .order_by("name")
    )
    return [p for p in qs if services.is_owner_side(actor, p)]


def led_projects(actor: Actor) -> list[Project]:
    """Projects on which the actor is the owner's project leader (patrols, R-ATT-06)."""
    if not actor.person_id:
        return []
    return list(
        Project.objects.visible_to(actor)
        .filter(owner_leader_id=actor.person_id, status=ProjectStatus.UNDER_CONSTRUCTION)
        .order_by("name")
    )


def last_valid_patrols(project_ids: list[int]) -> dict[int, dt.datetime]:
    out: dict[int, dt.datetime] = {}
    for pid, at in (
        Patrol.objects.filter(project_id__in=project_ids, valid=True)
        .order_by("project_id", "-started_at")
        .values_list("project_id", "started_at")
    ):
        out.setdefault(pid, at)
    return out


def patrol_due(project: Project, last: dt.datetime | None) -> tuple[int, dt.date]:
    """(construction days since the last valid patrol or the start of works, the
    day the next one is due if works go on) (R-ATT-06: suspended days do not count)."""
    today = clock.today()
    since = clock.local_date(last) if last else (project.actual_start or today)
    gap = services.construction_days_since(project, since, today)
    return gap, today + dt.timedelta(days=max(0, patrol_interval_days() - gap))


# --- the grid: person × day ---------------------------------------------------------------------


@dataclass
class Cell:
    day: dt.date
    status: str  # a DayStatus, "today", "future" or ""
    label: str
    colour: str
    reason: str
    checkins: int = 0
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        """The tooltip: date, status, times, reason."""
        parts = [f"{self.day:%Y-%m-%d}", self.label]
        if self.first_at:
            t = f"{clock.localtime(self.first_at):%H:%M}"
            if self.last_at and self.last_at != self.first_at:
                t += f"–{clock.localtime(self.last_at):%H:%M}"
            parts.append(f"打卡 {self.checkins} 次 {t}")
        if self.reason:
            parts.append(self.reason)
        return "｜".join(parts)

    @property
    def short(self) -> str:
        return {
            DayStatus.VALID: "✓",
            DayStatus.INVALID: "!",
            DayStatus.ABSENT: "✗",
            DayStatus.LEAVE: "假",
            DayStatus.SUSPENDED: "停",
            DayStatus.NON_CONSTRUCTION: "休",
            DayStatus.OUTSIDE_STAGE: "—",
            DayStatus.NOT_ON_DUTY: "",
            "today": "今",
        }.get(self.status, "")


@dataclass
class Row:
    assignment: KeyPersonAssignment
    cells: list[Cell]
    valid: int
    construction: int

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.valid, self.construction)

    @property
    def rate_text(self) -> str:
        return rate_text(self.valid, self.construction)

    @property
    def below(self) -> bool:
        r = self.rate
        return r is not None and r < monthly_rate_threshold()


@dataclass
class Grid:
    first: dt.date
    last: dt.date
    counted_to: dt.date | None  # the last day that counts in the month to date
    days: list[dt.date]
    rows: list[Row]

    @property
    def valid(self) -> int:
        return sum(r.valid for r in self.rows)

    @property
    def construction(self) -> int:
        return sum(r.construction for r in self.rows)

    @property
    def rate_text(self) -> str:
        return rate_text(self.valid, self.construction)


def grid(assignments: list[KeyPersonAssignment], month: dt.date) -> Grid:
    """Each position × each day of the month: the same decision as the daily
    closing (duty calendar, then the valid-day rule on counted check-ins);
    today and later are shown, not counted."""
    first, last = services.month_bounds(month)
    today = clock.today()
    counted_to = min(last, today - dt.timedelta(days=1)) if first < today else None
    days = list(duty_mod.daterange(first, last))
    if not assignments:
        return Grid(first, last, counted_to, days, [])
    projects = {a.project_id: a.project for a in assignments}
    duties = duty_mod.load_many(list(projects.values()), first, last, [a.pk for a in assignments])
    times: dict[tuple[int, dt.date], list[dt.datetime]] = defaultdict(list)
    for assignment_id, day, at in (
        CheckIn.objects.filter(
            assignment_id__in=[a.pk for a in assignments],
            local_date__gte=first,
            local_date__lte=min(last, today),
            accepted=True,
        )
        .exclude(review=Review.CONFIRMED)
        .values_list("assignment_id", "local_date", "at")
    ):
        times[(assignment_id, day)].append(at)
    rows = []
    for a in assignments:
        duty = duties[a.project_id]
        cells = []
        valid = construction = 0
        for day in days:
            if day > today:
                cells.append(Cell(day, "future", "", "", ""))
                continue
            status, reason = duty.status(a, day)
            result = rules.valid_day(times.get((a.pk, day), []))
            if status is None:
                if result.valid:
                    status, reason = DayStatus.VALID, ""
                elif day == today:
                    cells.append(
                        Cell(
                            day,
                            "today",
                            "今日（未结算）",
                            "today",
                            result.reason if result.count else "今日尚未打卡",
                            result.count,
                            result.first_at,
                            result.last_at,
                        )
                    )
                    continue
                elif result.count == 0:
                    status, reason = DayStatus.ABSENT, result.reason
                else:
                    status, reason = DayStatus.INVALID, result.reason
            counts = counted_to is not None and day <= counted_to
            if counts and status in CONSTRUCTION_DAY_STATUSES:
                construction += 1
                valid += status == DayStatus.VALID
            cells.append(
                Cell(
                    day,
                    status,
                    DayStatus(status).label,
                    STATUS_COLOURS.get(DayStatus(status), "grey"),
                    reason,
                    result.count,
                    result.first_at,
                    result.last_at,
                )
            )
        rows.append(Row(a, cells, valid, construction))
    return Grid(first, last, counted_to, days, rows)


def project_grid(project: Project, month: dt.date) -> Grid:
    first, last = services.month_bounds(month)
    assignments = list(
        KeyPersonAssignment.objects.select_related("person", "participant__organisation", "project")
        .filter(project=project, must_check_in=True, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .order_by("participant__role", "position", "id")
    )
    return grid(assignments, month)


def person_grid(actor: Actor, month: dt.date) -> Grid:
    first, last = services.month_bounds(month)
    if not actor.person_id:
        return grid([], month)
    assignments = list(
        KeyPersonAssignment.objects.select_related("person", "participant__organisation", "project")
        .filter(person_id=actor.person_id, must_check_in=True, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .order_by("project_id", "id")
    )
    return grid(assignments, month)


# --- rates for the authorities (R-ATT-03) ----------------------------------------------------------

GROUPS = {
    "project": ("project_id", "project__name", "project__code"),
    "enterprise": ("organisation_id", "organisation__name", "organisation__kind"),
    "region": ("project__region_name", "project__region_name", "project__region_code"),
    "industry": ("project__industry", "project__industry", "project__industry"),
}


@dataclass
class RateGroup:
    key: Any
    name: str
    extra: str
    valid: int
    construction: int
    people: int
    below: int

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.valid, self.construction)

    @property
    def rate_percent(self) -> float | None:
        r = self.rate
        return None if r is None else float((r * 100).quantize(Decimal("0.1")))

    @property
    def rate_text(self) -> str:
        return rate_text(self.valid, self.construction)


def rates(actor: Actor, month: dt.date, by: str, filters: dict[str, Any] | None = None) -> list:
    """Rates of the month grouped by project, enterprise, region or industry,
    lowest first; each with valid days / construction days summed over people."""
    key, name, extra = GROUPS[by]
    f = dict(filters or {})
    f["month"] = month
    qs = (
        monthly(actor, f)
        .order_by()
        .values(key, name, extra)
        .annotate(
            v=Sum("valid_days"),
            c=Sum("construction_days"),
            n=Count("id"),
            low=Count("id", filter=Q(below_threshold=True)),
        )
    )
    out = [
        RateGroup(
            row[key],
            row[name] or "（未填）",
            row[extra] or "",
            row["v"],
            row["c"],
            row["n"],
            row["low"],
        )
        for row in qs
    ]
    if by == "industry":
        from postaward.orgs.choices import Industry

        labels = dict(Industry.choices)
        for g in out:
            g.name = labels.get(g.key, g.key)
    out.sort(key=lambda g: (g.rate is None, g.rate if g.rate is not None else 0, g.name))
    return out


def months_with_rates(actor: Actor) -> list[dt.date]:
    return list(
        MonthlyAttendance.objects.visible_to(actor)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()[:24]
    )


def open_interviews_count(actor: Actor) -> int:
    return AttendanceInterview.objects.visible_to(actor).filter(state=InterviewState.DUE).count()


def pending_leave(actor: Actor) -> QuerySet[LeaveRequest]:
    return leave_requests(actor, {"state": LeaveState.PENDING})


POSITION_LABELS = dict(Position.choices)


def valid_days_on_several_sites(
    first: dt.date, last: dt.date
) -> list[tuple[int, dt.date, list[Any]]]:
    """Each person and date from ``first`` to ``last`` with a valid attendance
    day on two projects or more: ``(person_id, date, days)``, the days by
    project, each with its project and its position's participant loaded (the
    alerts capability's double-site indicator reads attendance through this)."""
    from .models import AttendanceDay

    valid = AttendanceDay.objects.filter(status="valid", date__gte=first, date__lte=last)
    pairs = (
        valid.values("person_id", "date")
        .annotate(n=Count("project_id", distinct=True))
        .filter(n__gte=2)
        .order_by("person_id", "date")
    )
    return [
        (
            pair["person_id"],
            pair["date"],
            list(
                valid.filter(person_id=pair["person_id"], date=pair["date"])
                .select_related("project", "assignment__participant")
                .order_by("project_id")
            ),
        )
        for pair in pairs
    ]
