"""The dashboards' numbers (issue 18, ADR 0913-0915): one plain function,
``dashboard(actor, filters) -> Dashboard``, for the office (its district),
an industry authority (its industry), an owner (its projects) and the
command-centre screen.

Every number is read through the owning app's own scope (``visible_to``):
the projects the actor sees, narrowed by the drill-down (industry → unit →
project), and for alerts, complaints and inspections the rows the actor
reads on those projects. Without a drill-down the alerts and complaints the
actor reads that hang off no project (an enterprise, a person, a complaint
naming no project) are counted too, in a row of their own.

A bounded number of queries whatever the data (grouped aggregates, no loop
over rows): the tests pin it (``test_r_rep_05_dashboard_queries_are_bounded``)
and ``bench/dashboards`` times it against hand-written SQL at province scale.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
)
from django.urls import reverse

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.errors import NotFound, ValidationFailed
from postaward.core.lookups import Ids
from postaward.orgs.choices import (
    DISTRICT_WIDE_KINDS,
    ENTERPRISE_KINDS,
    OWNER_KINDS,
    Industry,
)

# Levels of the drill-down, top to bottom.
DISTRICT, INDUSTRY, UNIT, PROJECT = "district", "industry", "unit", "project"
NEXT = {DISTRICT: INDUSTRY, INDUSTRY: UNIT, UNIT: PROJECT, PROJECT: ""}
LEVEL_LABELS = {DISTRICT: "全区", INDUSTRY: "行业", UNIT: "建设单位", PROJECT: "项目"}

# A clock "due soon" ends within this many calendar days (ADR 0914).
DUE_SOON_DAYS = 3
# The screen's map shows at most this many sites (the riskiest first).
MAP_LIMIT = 3000
# The risk colours of the map (ADR 0914): the highest unresolved alert's level.
RISK_COLOURS = {0: "green", 1: "blue", 2: "yellow", 3: "orange", 4: "red"}
RISK_LABELS = {0: "无未办结预警", 1: "蓝色", 2: "黄色", 3: "橙色", 4: "红色"}
NO_PROJECT = "未关联项目"
NO_OWNER = "未指定建设单位或未关联项目"

DENIED = "监管驾驶舱仅限监管办、行业主管部门、主管单位和建设单位等政府部门查看"


def may_view(actor: Actor) -> bool:
    """Government accounts with a role (the office, authorities, superior
    units, owners, district-wide bodies); never an enterprise (ADR 0913)."""
    return (
        actor.user_id is not None
        and bool(actor.org_path)
        and bool(actor.roles)
        and actor.org_kind not in ENTERPRISE_KINDS
    )


def base_level(actor: Actor) -> str:
    """Where the actor's dashboard starts: the district for district-wide
    bodies, the unit for an owner, the industry (its subtree) otherwise."""
    if actor.is_system or actor.org_kind in DISTRICT_WIDE_KINDS:
        return DISTRICT
    if actor.org_kind in OWNER_KINDS:
        return UNIT
    return INDUSTRY


@dataclass(frozen=True)
class Filters:
    industry: str = ""
    unit: int | None = None
    project: int | None = None

    @classmethod
    def parse(cls, params: Any) -> Filters:
        """From query parameters; bad ones are refused in Chinese."""
        industry = (params.get("industry") or "").strip()
        if industry and industry not in Industry.values:
            raise ValidationFailed("行业不正确", field="industry")

        def number(name: str, label: str) -> int | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
                raise ValidationFailed(f"{label}不正确", field=name)
            return int(raw)

        return cls(industry, number("unit", "建设单位"), number("project", "项目"))

    def query(self, **more: Any) -> str:
        values = {"industry": self.industry, "unit": self.unit, "project": self.project, **more}
        return "?" + urlencode({k: v for k, v in values.items() if v not in (None, "")})


@dataclass
class Count4:
    """Open alerts by colour."""

    red: int = 0
    orange: int = 0
    yellow: int = 0
    blue: int = 0

    @property
    def total(self) -> int:
        return self.red + self.orange + self.yellow + self.blue

    def add(self, severity: int, n: int) -> None:
        name = {4: "red", 3: "orange", 2: "yellow", 1: "blue"}.get(severity)
        if name:
            setattr(self, name, getattr(self, name) + n)


@dataclass
class Clocks:
    running: int = 0
    due_soon: int = 0
    overdue: int = 0


@dataclass
class Row:
    """One line of the drill-down table (an industry, a unit or a project)."""

    key: str
    label: str
    url: str = ""  # the next level's dashboard, or the project page
    projects: int = 0
    active: int = 0
    on_duty: int = 0
    checked_in: int = 0
    alerts: Count4 = field(default_factory=Count4)
    alerts_overdue: int = 0
    complaints_open: int = 0

    @property
    def rate(self) -> float | None:
        return round(self.checked_in / self.on_duty, 4) if self.on_duty else None


@dataclass
class Crumb:
    label: str
    url: str


@dataclass
class Point:
    id: int
    name: str
    lon: float
    lat: float
    risk: int
    url: str


@dataclass
class Dashboard:
    level: str
    breakdown: str  # the level of the rows ("" at a single project)
    title: str
    as_of: dt.datetime
    filters: Filters
    crumbs: list[Crumb]
    projects: int
    by_stage: list[dict[str, Any]]
    on_duty: int
    checked_in: int
    alerts: Count4
    alerts_overdue: int
    complaints_open: int
    complaint_clocks: Clocks
    approvals: Clocks
    inspections: int
    inspections_on_site: int
    inspected_projects: int
    year: int
    rows: list[Row]
    project_url: str = ""
    points: list[Point] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return round(self.checked_in / self.on_duty, 4) if self.on_duty else None

    @property
    def breakdown_label(self) -> str:
        return LEVEL_LABELS.get(self.breakdown, "")

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["as_of"] = clock.localtime(self.as_of).strftime("%Y-%m-%d %H:%M")
        out["rate"] = self.rate
        out["alerts"]["total"] = self.alerts.total
        out["breakdown_label"] = self.breakdown_label
        for row, raw in zip(self.rows, out["rows"], strict=True):
            raw["rate"] = row.rate
            raw["alerts"]["total"] = row.alerts.total
        out["filters"] = {
            "industry": self.filters.industry,
            "unit": self.filters.unit,
            "project": self.filters.project,
        }
        return out


def _level(base: str, f: Filters) -> str:
    if f.project:
        return PROJECT
    if f.unit:
        return UNIT
    if f.industry and base == DISTRICT:
        return INDUSTRY
    return base


class _Rows:
    """The drill-down rows being filled, keyed by the next level's key.

    The later queries group by project (``project_id``), not by the row's
    column: a grouping on the project's own column would join every counted
    alert, check-in or complaint to its project, which at province scale costs
    more than the count itself (ADR 0917). ``of_project`` maps a project to its
    row through the projects read once by ``_projects``."""

    def __init__(self, breakdown: str) -> None:
        self.breakdown = breakdown
        # the grouping column on a project
        self.on_project = {INDUSTRY: "industry", UNIT: "owner_id", PROJECT: "pk"}.get(breakdown)
        self.rows: dict[str, Row] = {}
        self.key_of: dict[int, str] = {}  # project id → row key

    def at(self, key: Any) -> Row | None:
        if not self.on_project:
            return None
        k = "" if key is None else str(key)
        if k not in self.rows:
            self.rows[k] = Row(key=k, label="")
        return self.rows[k]

    def of_project(self, project_id: int | None) -> Row | None:
        """The row of a project (the row without a project for None)."""
        if not self.on_project:
            return None
        if project_id is None:
            return self.at(None)
        return self.at(self.key_of[project_id])

    def learn(self, project_ids: set[int]) -> None:
        """The row keys of projects counted but outside the scope's list (a
        complaint the actor reads on a project it does not see as a project)."""
        from postaward.projects.models import Project

        missing = project_ids - self.key_of.keys()
        if not self.on_project or not missing:
            return
        col = self.on_project
        for pk, key in Project.objects.filter(pk__in=missing).values_list("pk", col):
            self.key_of[pk] = "" if key is None else str(key)


def _scoped(actor: Actor, f: Filters) -> tuple[Any, Any]:
    from postaward.projects.models import Project

    visible = Project.objects.visible_to(actor)
    scoped = visible
    if f.industry:
        scoped = scoped.filter(industry=f.industry)
    if f.unit:
        scoped = scoped.filter(owner_id=f.unit)
    if f.project:
        scoped = scoped.filter(pk=f.project)
    return visible, scoped


def _crumbs(actor: Actor, f: Filters, visible: Any, scoped: Any) -> tuple[list[Crumb], str]:
    """The path of the drill-down; a unit or a project out of scope is not found."""
    from postaward.orgs.models import Organisation

    crumbs = [Crumb(actor.org_name or "全区", "?")]
    if f.industry:
        crumbs.append(Crumb(str(Industry(f.industry).label), Filters(f.industry).query()))
    if f.unit:
        unit_name = (
            Organisation.objects.filter(pk=f.unit, pk__in=visible.values("owner_id"))
            .values_list("name", flat=True)
            .first()
        )
        if unit_name is None:
            raise NotFound()
        crumbs.append(Crumb(unit_name, Filters(f.industry, f.unit).query()))
    project_url = ""
    if f.project:
        name = scoped.values_list("name", flat=True).first()
        if name is None:
            raise NotFound()
        crumbs.append(Crumb(name, f.query()))
        project_url = reverse("project_detail", args=[f.project])
    return crumbs, project_url


def _projects(scoped: Any, rows: _Rows) -> tuple[list[dict[str, Any]], list[int], list[int]]:
    """The scope's projects, read once: the count by stage (and per row), every
    id and those under construction, so that the later queries read a plain
    list instead of repeating the scope's joins (ADR 0916)."""
    from postaward.projects.choices import ACTIVE_STATES, ProjectStatus

    counts: dict[str, int] = defaultdict(int)
    ids: list[int] = []
    building: list[int] = []
    col = rows.on_project
    fields = ["pk", "status", col] if col and col != "pk" else ["pk", "status"]
    for r in scoped.order_by().values(*fields):
        ids.append(r["pk"])
        counts[r["status"]] += 1
        if r["status"] == ProjectStatus.UNDER_CONSTRUCTION:
            building.append(r["pk"])
        row = rows.at(r[col]) if col else None
        if row:
            rows.key_of[r["pk"]] = row.key
            row.projects += 1
            if r["status"] in ACTIVE_STATES:
                row.active += 1
    stages = [
        {"key": str(s), "label": str(s.label), "value": counts.get(str(s), 0)}
        for s in ProjectStatus
    ]
    return stages, ids, building


def _attendance(building: Ids, today: dt.date, rows: _Rows) -> tuple[int, int]:
    """Today's attendance of key personnel (ADR 0914): positions that must check
    in, and those with an accepted check-in today."""
    from postaward.attendance.models import CheckIn
    from postaward.projects.models import KeyPersonAssignment

    checked = CheckIn.objects.filter(assignment_id=OuterRef("pk"), local_date=today, accepted=True)
    duty = KeyPersonAssignment.objects.filter(
        project_id__any=building, must_check_in=True, started_on__lte=today
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
    # Two counts, each grouped by project: the positions, then those with a
    # check-in (a semi-join: one probe per position). One query counting both
    # lets the planner hash the whole province's check-ins of the day first,
    # twice as slow at province scale (ADR 0917).
    per_project: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for slot, qs in enumerate((duty, duty.filter(Exists(checked)))):
        for pid, n in qs.order_by().values_list("project_id").annotate(n=Count("pk")):
            per_project[pid][slot] += n
    on_duty = checked_in = 0
    for pid, (n, c) in per_project.items():
        on_duty += n
        checked_in += c
        row = rows.of_project(pid)
        if row:
            row.on_duty += n
            row.checked_in += c
    return on_duty, checked_in


def _alerts(actor: Actor, ids: Ids, drilled: bool, rows: _Rows) -> tuple[Count4, int, Any]:
    """Unresolved alerts by colour and the overdue ones: those on the projects
    (driven from the projects), then, at the top, those on no project — two
    selective queries rather than one over every alert."""
    from postaward.alerts.choices import UNRESOLVED_STATES
    from postaward.alerts.models import Alert
    from postaward.alerts.selectors import unresolved_on_projects

    visible = Alert.objects.visible_to(actor).filter(state__in=UNRESOLVED_STATES)
    on_projects = unresolved_on_projects(actor, ids)
    group = ["severity", "project_id"] if rows.on_project else ["severity"]
    counts = Q(overdue=True)
    found = list(
        on_projects.order_by()
        .values(*group)
        .annotate(n=Count("*"), od=Count("severity", filter=counts))
    )
    if not drilled:
        found += [
            {**r, "project_id": None}
            for r in visible.filter(project__isnull=True)
            .order_by()
            .values("severity")
            .annotate(n=Count("*"), od=Count("severity", filter=counts))
        ]
    total = Count4()
    overdue = 0
    for r in found:
        total.add(r["severity"], r["n"])
        overdue += r["od"]
        row = rows.of_project(r.get("project_id"))
        if row:
            row.alerts.add(r["severity"], r["n"])
            row.alerts_overdue += r["od"]
    return total, overdue, on_projects


def _complaints(
    actor: Actor, ids: Ids, drilled: bool, rows: _Rows, now: dt.datetime
) -> tuple[int, Clocks]:
    """Complaints open and their legal clocks."""
    from postaward.complaints.choices import OPEN_STATES
    from postaward.complaints.models import Complaint
    from postaward.core.models import Deadline

    qs = Complaint.objects.visible_to(actor).filter(state__in=OPEN_STATES)
    if drilled:
        qs = qs.filter(project_id__any=ids)
    # The open complaints read once (id and project): counted per row here,
    # and their clocks read by id, without evaluating the scope twice.
    found = list(qs.order_by().values_list("pk", "project_id"))
    rows.learn({pid for _, pid in found if pid is not None})
    for _, pid in found:
        row = rows.of_project(pid)
        if row:
            row.complaints_open += 1
    clocks = _clocks(
        Deadline.objects.filter(
            subject_type=Complaint._meta.label_lower,
            kind__startswith="complaints.",
            subject_id__any=Ids(pk for pk, _ in found),
        ),
        now,
    )
    open_ = len(found)
    return open_, clocks


def _inspections(actor: Actor, ids: Ids, year: int) -> dict[str, int]:
    from postaward.inspections.models import Inspection, InspectionState

    r = (
        Inspection.objects.visible_to(actor)
        .filter(year=year, project_id__any=ids)
        .exclude(state=InspectionState.MERGED)
        .aggregate(
            n=Count("pk"),
            on_site=Count("pk", filter=Q(visited_at__isnull=False)),
            projects=Count("project_id", distinct=True),
        )
    )
    return {k: v or 0 for k, v in r.items()}


def dashboard(
    actor: Actor,
    filters: Filters | None = None,
    *,
    now: dt.datetime | None = None,
    points: bool = False,
) -> Dashboard:
    """The numbers of the actor's dashboard at ``filters`` (the drill-down).

    A unit or project outside the actor's scope is "not found" (never named).
    ``points``: the screen's map sites with their risk colours, too."""
    from postaward.core.models import Deadline

    f = filters or Filters()
    now = now or clock.now()
    today = clock.local_date(now)
    level = _level(base_level(actor), f)
    rows = _Rows(NEXT[level])
    drilled = bool(f.industry or f.unit or f.project)

    visible, scoped = _scoped(actor, f)
    crumbs, project_url = _crumbs(actor, f, visible, scoped)
    by_stage, project_ids, building_ids = _projects(scoped, rows)
    ids, building = Ids(project_ids), Ids(building_ids)
    on_duty, checked_in = _attendance(building, today, rows)
    alerts, alerts_overdue, alerts_qs = _alerts(actor, ids, drilled, rows)
    complaints_open, complaint_clocks = _complaints(actor, ids, drilled, rows, now)
    approvals = _clocks(
        Deadline.objects.filter(kind__startswith="approvals.", project_id__any=ids),
        now,
        missed_since=clock.start_of_day(dt.date(today.year, 1, 1)),
    )
    ins = _inspections(actor, ids, today.year)
    board = Dashboard(
        level=level,
        breakdown=rows.breakdown,
        title=crumbs[-1].label,
        as_of=now,
        filters=f,
        crumbs=crumbs,
        projects=len(ids),
        by_stage=by_stage,
        on_duty=on_duty,
        checked_in=checked_in,
        alerts=alerts,
        alerts_overdue=alerts_overdue,
        complaints_open=complaints_open,
        complaint_clocks=complaint_clocks,
        approvals=approvals,
        inspections=ins["n"],
        inspections_on_site=ins["on_site"],
        inspected_projects=ins["projects"],
        year=today.year,
        rows=_label_rows(rows.rows, rows.breakdown, f),
        project_url=project_url,
    )
    if points:
        board.points = _points(scoped, alerts_qs)
    return board


def _clocks(qs: Any, now: dt.datetime, missed_since: dt.datetime | None = None) -> Clocks:
    """Running (open), due within ``DUE_SOON_DAYS``, overdue (open past its end,
    or missed — since ``missed_since`` when given)."""
    from postaward.core.models import Deadline

    soon = now + dt.timedelta(days=DUE_SOON_DAYS)
    missed = Q(state=Deadline.State.MISSED)
    if missed_since is not None:
        missed &= Q(closed_at__gte=missed_since)
    open_ = Q(state=Deadline.State.OPEN)
    running = open_ & (Q(paused_at__isnull=False) | Q(due_at__gte=now))
    r = (
        qs.filter(open_ | missed)
        .order_by()
        .aggregate(
            running=Count("pk", filter=running),
            soon=Count(
                "pk", filter=open_ & Q(paused_at__isnull=True, due_at__gte=now, due_at__lt=soon)
            ),
            overdue=Count(
                "pk", filter=missed | (open_ & Q(paused_at__isnull=True, due_at__lt=now))
            ),
        )
    )
    return Clocks(r["running"] or 0, r["soon"] or 0, r["overdue"] or 0)


def _label_rows(rows: dict[str, Row], breakdown: str, f: Filters) -> list[Row]:
    from postaward.orgs.models import Organisation
    from postaward.projects.models import Project

    if not rows:
        return []
    ids = [int(k) for k in rows if k.isdigit()]
    names: dict[str, str] = {}
    if breakdown == UNIT:
        names = {
            str(pk): n
            for pk, n in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    elif breakdown == PROJECT:
        names = {
            str(pk): n for pk, n in Project.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    for key, row in rows.items():
        if key == "":
            row.label = NO_OWNER if breakdown == UNIT else NO_PROJECT
            continue
        if breakdown == INDUSTRY:
            row.label = str(Industry(key).label) if key in Industry.values else key
            row.url = Filters(key).query()
        elif breakdown == UNIT:
            row.label = names.get(key, "")
            row.url = Filters(f.industry, int(key)).query()
        else:
            row.label = names.get(key, "")
            row.url = Filters(f.industry, f.unit, int(key)).query()
    # the riskiest first, then the most projects; the row without a project last
    return sorted(
        rows.values(),
        key=lambda r: (
            r.key == "",
            -r.alerts.red,
            -r.alerts.orange,
            -r.alerts.total,
            -r.projects,
            r.label,
        ),
    )


def _points(scoped: Any, alerts_qs: Any) -> list[Point]:
    """The sites of the projects under way (or any project with an
    unresolved alert), coloured by their highest unresolved alert."""
    from postaward.projects.choices import ACTIVE_STATES

    risk = {
        r["project_id"]: r["m"]
        for r in alerts_qs.filter(project__isnull=False)
        .order_by()
        .values("project_id")
        .annotate(m=Max("severity"))
    }
    sites = (
        scoped.filter(site_lon__isnull=False, site_lat__isnull=False)
        .filter(Q(status__in=ACTIVE_STATES) | Q(pk__in=list(risk)[:MAP_LIMIT]))
        .order_by("pk")
        .values_list("pk", "name", "site_lon", "site_lat")
    )
    url = reverse("project_detail", args=[0]).replace("/0/", "/{}/")
    out = [
        Point(pk, name, round(lon, 6), round(lat, 6), int(risk.get(pk, 0)), url.format(pk))
        for pk, name, lon, lat in sites[: MAP_LIMIT * 2]
    ]
    out.sort(key=lambda p: (-p.risk, p.id))
    return out[:MAP_LIMIT]
