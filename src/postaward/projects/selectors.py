"""Reads of the project registry, through the data-scope layer, and the
selectors other capabilities use (attendance: suspended days and check-in duty;
the bidding system: whether a person may be named)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from postaward.core import clock, hotsql
from postaward.core.actor import Actor
from postaward.core.geo import wgs84_to_gcj02

from . import workflows
from .choices import (
    ACTIVE_STATES,
    FINISHED_STATES,
    LIFECYCLE_ORDER,
    STAGED_POSITIONS,
    STATUS_COLOURS,
    ParticipantRole,
    ProjectClass,
    ProjectStatus,
    SuspensionState,
)
from .models import (
    CheckinStage,
    KeyPersonAssignment,
    Participant,
    Project,
    Suspension,
    TimelineEntry,
)

S = ProjectStatus

# Stage groups for the list filter ("stage" = one status or a group of them).
STAGE_GROUPS = {
    "before_start": ("开工前", (S.REGISTERED, S.PREPARING)),
    "building": ("施工中（含停工）", (S.UNDER_CONSTRUCTION, S.SUSPENDED)),
    "finished": ("完工后", tuple(FINISHED_STATES)),
}


CLASS_SHORT = {
    ProjectClass.GOV_BELOW: "政府投资<2000万",
    ProjectClass.GOV_ABOVE: "政府投资≥2000万",
    ProjectClass.SUPER_LARGE: "超大型工程",
    ProjectClass.VILLAGE: "村级工程",
}


def projects(actor: Actor, *, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """The projects an actor may see, filtered by class, industry, stage,
    region, owner, contractor and a text search."""
    f = filters or {}
    qs = Project.objects.visible_to(actor).select_related(
        "owner", "industry_authority", "superior_unit", "line"
    )
    if v := f.get("q"):
        qs = qs.filter(Q(name__icontains=v) | Q(code__icontains=v) | Q(ocid__icontains=v))
    for key in (
        "project_class",
        "industry",
        "status",
        "region_code",
        "region_name",
        "procurement_method",
    ):
        if v := f.get(key):
            qs = qs.filter(**{key: v})
    if v := f.get("stage"):
        qs = qs.filter(status__in=STAGE_GROUPS[v][1]) if v in STAGE_GROUPS else qs.filter(status=v)
    if v := f.get("owner_id"):
        qs = qs.filter(owner_id=v)
    if v := f.get("contractor_id"):
        qs = qs.filter(
            pk__in=Participant.objects.filter(
                organisation_id=v, role=ParticipantRole.CONTRACTOR
            ).values("project_id")
        )
    if v := f.get("owner"):
        qs = qs.filter(owner__name__icontains=v)
    if v := f.get("contractor"):
        qs = qs.filter(
            pk__in=Participant.objects.filter(
                organisation__name__icontains=v, role=ParticipantRole.CONTRACTOR
            ).values("project_id")
        )
    if f.get("small_works") in (True, "1", "true"):
        qs = qs.filter(is_small_works=True)
    if f.get("unassigned") in (True, "1", "true"):
        qs = qs.filter(status__in=ACTIVE_STATES).filter(
            Q(owner__isnull=True) | Q(owner_leader__isnull=True)
        )
    return qs.order_by("-created_at", "-pk")


def region_choices(actor: Actor) -> list[tuple[str, str]]:
    rows = (
        Project.objects.visible_to(actor)
        .exclude(region_name="")
        .values_list("region_name", flat=True)
        .distinct()
        .order_by("region_name")
    )
    return [(r, r) for r in rows]


# --- counts and map -----------------------------------------------------------------------------


def counts(actor: Actor, *, filters: dict[str, Any] | None = None) -> dict[str, list[dict]]:
    """Counts by stage, class and industry (each with its label and colour)."""
    qs = projects(actor, filters=filters).order_by()
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_class = dict(
        qs.values_list("project_class").annotate(n=Count("pk")).values_list("project_class", "n")
    )
    by_industry = dict(
        qs.values_list("industry").annotate(n=Count("pk")).values_list("industry", "n")
    )
    small = qs.filter(is_small_works=True).count()
    from postaward.orgs.choices import Industry

    return {
        "stage": [
            {
                "key": s,
                "label": S(s).label,
                "value": by_status.get(s, 0),
                "colour": STATUS_COLOURS[s],
            }
            for s in LIFECYCLE_ORDER
        ],
        "project_class": [
            {
                "key": c,
                "label": ProjectClass(c).label,
                "short": CLASS_SHORT[ProjectClass(c)],
                "value": by_class.get(c, 0),
            }
            for c in ProjectClass.values
        ],
        "industry": [
            {"key": i, "label": Industry(i).label, "value": by_industry.get(i, 0)}
            for i in Industry.values
            if by_industry.get(i, 0)
        ],
        "small_works": [{"key": "small", "label": "限额以下小额工程", "value": small}],
    }


def site_features(
    actor: Actor, *, filters: dict[str, Any] | None = None, crs: str = "wgs84", limit: int = 5000
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the visible project sites. Circles are
    Points with ``radius`` (metres) in properties. ``crs='gcj02'`` converts the
    coordinates for a map whose tiles are in GCJ-02."""
    conv: Callable[[float, float], tuple[float, float]] = (
        wgs84_to_gcj02 if crs == "gcj02" else (lambda x, y: (x, y))
    )
    feats = []
    rows = list(
        projects(actor, filters=filters)
        .select_related(None)
        .select_related("owner")
        .exclude(site_kind="")
        .only(
            "pk",
            "code",
            "name",
            "status",
            "site_kind",
            "site_lon",
            "site_lat",
            "site_radius_m",
            "site_polygon",
            "project_class",
            "owner__name",
        )[:limit]
    )
    levels = alert_levels([p.pk for p in rows])
    for p in rows:
        site = p.site
        if site is None:
            continue
        props = {
            "id": p.pk,
            "code": p.code,
            "name": p.name,
            "status": p.status,
            "status_label": p.get_status_display(),
            "colour": STATUS_COLOURS.get(p.status, "grey"),
            "owner": p.owner.name if p.owner else "",
            "url": f"/projects/{p.pk}/",
            "alert_level": levels.get(p.pk, 0),
        }
        if site.kind == "circle":
            geometry = {
                "type": "Point",
                "coordinates": list(conv(site.center_lon, site.center_lat)),
            }
            props["radius"] = site.radius_m
        else:
            geometry = {
                "type": "Polygon",
                "coordinates": [[list(conv(x, y)) for x, y in site.ring]],
            }
        feats.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "crs_name": crs, "features": feats}


# How alarming each project is (1 blue .. 4 red), for the map's colours. The alerts
# app gives it in its ready(): projects does not import the layers above it (ADR 0055).
SITE_LEVEL_HOOKS: list[Callable[[list[int]], dict[int, int]]] = []


def alert_levels(project_ids: list[int]) -> dict[int, int]:
    """Per project, the highest level any registered hook gives it (the alerts
    app: its highest unresolved alert); projects without one are left out."""
    out: dict[int, int] = {}
    if not project_ids:
        return out
    for hook in SITE_LEVEL_HOOKS:
        for pid, level in hook(project_ids).items():
            out[pid] = max(out.get(pid, 0), level)
    return out


# --- suspension and check-in duty (for the attendance capability) ---------------------------------


def _days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}


def suspension_days(s: Suspension, *, until: dt.date | None = None) -> set[dt.date]:
    """The local dates a suspension covers: from the day it started to the day
    before works resumed (a suspension resumed on its first day covers that day);
    an ongoing one up to ``until`` (today by default)."""
    first = clock.local_date(s.started_at)
    if s.ended_at is not None:
        last = max(first, clock.local_date(s.ended_at) - dt.timedelta(days=1))
    else:
        last = until or clock.today()
    if last < first:
        return set()
    return _days(first, last)


def suspended_dates(project: Project | int, start: dt.date, end: dt.date) -> set[dt.date]:
    """R-PRJ-07 / R-ATT-03: confirmed suspended days of the project within
    [start, end]; they do not count in the attendance rate."""
    pid = project if isinstance(project, int) else project.pk
    out: set[dt.date] = set()
    for s in Suspension.objects.filter(
        project_id=pid,
        state__in=(SuspensionState.CONFIRMED, SuspensionState.ENDED),
        confirmed_at__isnull=False,
        started_at__lt=clock.end_of_day(end),
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=clock.start_of_day(start))):
        out |= {d for d in suspension_days(s, until=end) if start <= d <= end}
    return out


def is_suspended_on(project: Project | int, day: dt.date) -> bool:
    return bool(suspended_dates(project, day, day))


def is_construction_day(project: Project, day: dt.date) -> bool:
    """Works started, not completed, not terminated, not suspended on ``day``."""
    if project.actual_start is None or day < project.actual_start:
        return False
    if project.actual_completion is not None and day > project.actual_completion:
        return False
    if project.terminated_on is not None and day >= project.terminated_on:
        return False
    return not is_suspended_on(project, day)


def _staged_on(project: Project, day: dt.date) -> set[str]:
    return set(
        CheckinStage.objects.filter(
            project=project, starts_on__lte=day, ends_on__gte=day
        ).values_list("position", flat=True)
    )


def assignments_due_on(project: Project, day: dt.date) -> list[KeyPersonAssignment]:
    """The key persons who must check in on ``day`` (R-ATT-01, R-PRJ-07, R-PRJ-09):
    none on a non-construction or suspended day; those the owner marked as
    checking in; the technical lead and specialist engineer only within a stage
    the owner set."""
    if not is_construction_day(project, day):
        return []
    staged = _staged_on(project, day)
    out = []
    for a in (
        KeyPersonAssignment.objects.filter(project=project, must_check_in=True, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .select_related("person", "participant__organisation")
        .order_by("position", "id")
    ):
        if a.position in STAGED_POSITIONS and a.position not in staged:
            continue
        out.append(a)
    return out


def required_checkin_positions(project: Project, day: dt.date) -> set[str]:
    return {a.position for a in assignments_due_on(project, day)}


# --- archive -----------------------------------------------------------------------------------------


def readiness(project: Project) -> list[workflows.Missing]:
    """What is still missing before works may start (R-PRJ-03)."""
    if project.status not in (S.REGISTERED, S.PREPARING):
        return []
    return workflows.start_missing(project)


def timeline(project: Project) -> QuerySet[TimelineEntry]:
    return project.timeline.select_related("document").order_by("at", "id")


@dataclass
class ArchiveSection:
    key: str
    title: str
    order: int
    render: Callable[[Project, Actor], dict[str, Any]]


_sections: dict[str, ArchiveSection] = {}


def register_archive_section(
    key: str, title: str, order: int
) -> Callable[[Callable[[Project, Actor], dict[str, Any]]], Callable[[Project, Actor], dict]]:
    """Other capabilities (changes, inspections, evaluation …) add a section to
    the project archive: ``fn(project, actor) -> {"columns": [...], "rows": [[...]],
    "empty": "…"}``. The archive page and its PDF show it in ``order``."""

    def wrap(fn: Callable[[Project, Actor], dict[str, Any]]) -> Callable[[Project, Actor], dict]:
        _sections[key] = ArchiveSection(key, title, order, fn)
        return fn

    return wrap


def extra_sections(project: Project, actor: Actor) -> list[dict[str, Any]]:
    out = []
    for sec in sorted(_sections.values(), key=lambda s: s.order):
        data = sec.render(project, actor)
        out.append({"key": sec.key, "title": sec.title, **data})
    return out


def _placeholder(what: str) -> Callable[[Project, Actor], dict[str, Any]]:
    def render(project: Project, actor: Actor) -> dict[str, Any]:
        return {"columns": [], "rows": [], "empty": f"暂无{what}记录"}

    return render


# The sections of R-PRJ-04 that later capabilities fill; until they register
# their own renderer, the archive shows the heading with "none yet".
for _key, _title, _order, _what in (
    ("changes", "工程变更情况", 50, "工程变更"),
    ("inspections", "日常检查", 60, "日常检查"),
    ("evaluation", "综合评价", 70, "综合评价"),
):
    if _key not in _sections:
        register_archive_section(_key, _title, _order)(_placeholder(_what))


# --- the check-in hot path (for the attendance capability) -------------------------------------
# Thousands of check-ins arrive within the same morning minutes. Building these
# statements through the ORM cost more CPU than running them (ADR 0203), so the
# statements over this app's tables are written out once here, with values as
# parameters and the models' own field conversions; attendance calls them and
# reads none of these tables itself (ADR 0055).


def _in_model_order(model: Any, names: set[str]) -> tuple[str, ...]:
    """``Model.from_db`` takes a subset of the fields in the model's own order."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)


_POSITION_FIELDS = _in_model_order(
    KeyPersonAssignment,
    {
        "id",
        "project_id",
        "person_id",
        "participant_id",
        "position",
        "must_check_in",
        "started_on",
        "ended_on",
    },
)
_PROJECT_FIELDS = _in_model_order(
    Project,
    {
        "id",
        "name",
        "status",
        "owner_id",
        "owner_leader_id",
        "actual_start",
        "actual_completion",
        "terminated_on",
        "site_kind",
        "site_lon",
        "site_lat",
        "site_radius_m",
        "site_polygon",
    },
)
_SQL: dict[str, str] = {}


def _positions_sql() -> str:
    if "positions" not in _SQL:
        a, p = KeyPersonAssignment._meta.db_table, Project._meta.db_table
        cols = [f"a.{c}" for c in _POSITION_FIELDS] + [f"p.{c}" for c in _PROJECT_FIELDS]
        _SQL["positions"] = (
            f"SELECT {', '.join(cols)} FROM {a} a JOIN {p} p ON p.id = a.project_id "  # noqa: S608
            "WHERE a.project_id = %s AND a.person_id = %s AND a.started_on <= %s "
            "AND (a.ended_on IS NULL OR a.ended_on > %s) ORDER BY a.id"
        )
    return _SQL["positions"]


def positions_on(*, person_id: int, project_id: int, day: dt.date) -> list[KeyPersonAssignment]:
    """The person's positions on the project on ``day``, each with its project
    (the same as ``select_related("project")``, with only the fields check-in
    uses), in one statement: the check-in hot path."""
    import json

    from django.db import connection

    d = connection.ops.adapt_datefield_value(day)
    with hotsql.cursor() as cur:
        cur.execute(_positions_sql(), [project_id, person_id, d, d])
        rows = cur.fetchall()
    if not rows:
        return []
    n = len(_POSITION_FIELDS)
    values = list(rows[0][n:])
    i = _PROJECT_FIELDS.index("site_polygon")
    if isinstance(values[i], str):
        values[i] = json.loads(values[i])
    project = Project.from_db(connection.alias, _PROJECT_FIELDS, values)
    out = []
    for row in rows:
        a = KeyPersonAssignment.from_db(connection.alias, _POSITION_FIELDS, row[:n])
        a.project = project
        out.append(a)
    return out


# A suspension counts for check-in duty once confirmed, also after it ended.
SUSPENDING_STATES = (SuspensionState.CONFIRMED, SuspensionState.ENDED)


def day_facts_sql() -> tuple[str, tuple[str, ...]]:
    """The project's facts of one day that decide check-in duty, as one SQL
    ``SELECT k, a, b`` (UNION ALL) for a caller to join to its own rows in the
    same round trip: suspensions touching the day (``'s'``, the suspension's id)
    and the check-in stages covering it (``'g'``, the position, the stage's
    name). With it, the names of its parameters in order: ``project_id``,
    ``day_end`` / ``day_start`` (the day's bounds, adapted datetimes) and ``day``
    (the adapted date)."""
    if "day_facts" not in _SQL:
        suspending = ", ".join(f"'{v.value}'" for v in SUSPENDING_STATES)
        s, g = Suspension._meta.db_table, CheckinStage._meta.db_table
        # Table names and constants come from this module; values are parameters.
        _SQL["day_facts"] = (
            f"SELECT 's' AS k, CAST(id AS TEXT) AS a, '' AS b FROM {s} "  # noqa: S608
            f"WHERE project_id = %s AND state IN ({suspending}) AND started_at < %s "
            "AND (ended_at IS NULL OR ended_at >= %s) "
            f"UNION ALL SELECT 'g', position, name FROM {g} "
            "WHERE project_id = %s AND starts_on <= %s AND ends_on >= %s"
        )
    return _SQL["day_facts"], ("project_id", "day_end", "day_start", "project_id", "day", "day")


# --- the public site (R-REP-04, ADR 0930) -------------------------------------------
# Published: past award (an award date on or before today) and not a project
# terminated before it started; registrations still waiting for their award and
# drafts are never public.
PUBLIC_FIELDS = (
    "pk",
    "code",
    "name",
    "industry",
    "status",
    "contract_amount",
    "region_name",
    "award_date",
    "planned_start",
    "planned_completion",
    "actual_start",
    "actual_completion",
    "accepted_on",
    "updated_at",
    "owner__name",
)


def public_projects(*, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """The projects the public site shows (no account): published ones only,
    searched by name, code, owner or contractor, filtered by industry and stage."""
    f = filters or {}
    qs = (
        Project.objects.filter(award_date__isnull=False, award_date__lte=clock.today())
        .exclude(status=S.TERMINATED, actual_start__isnull=True)
        .select_related("owner")
    )
    if v := (f.get("q") or "").strip():
        contractor = Participant.objects.filter(
            organisation__name__icontains=v, role=ParticipantRole.CONTRACTOR
        ).values("project_id")
        qs = qs.filter(
            Q(name__icontains=v)
            | Q(code__icontains=v)
            | Q(owner__name__icontains=v)
            | Q(pk__in=contractor)
        )
    if v := f.get("industry"):
        qs = qs.filter(industry=v)
    if v := f.get("stage"):
        qs = qs.filter(status__in=STAGE_GROUPS[v][1]) if v in STAGE_GROUPS else qs.filter(status=v)
    return qs.order_by("-award_date", "-pk")


def public_project(code: str) -> Project | None:
    """One published project by its code, or None (unpublished = not found)."""
    return public_projects().filter(code=code).first()


@dataclass(frozen=True)
class PublicParty:
    role: str
    name: str


@dataclass(frozen=True)
class PublicPerson:
    position: str
    name: str
    company: str
    certificate: str


def public_parties(project: Project) -> list[PublicParty]:
    """The units on the project (organisations, shown in full)."""
    rows = (
        Participant.objects.filter(project=project)
        .select_related("organisation")
        .order_by("role", "pk")
    )
    return [PublicParty(r.get_role_display(), r.organisation.name) for r in rows]


def public_personnel(project: Project) -> list[PublicPerson]:
    """The key personnel in post: position, name, company and certificate
    number (what the award notice publishes); never an ID number or a mobile."""
    rows = (
        KeyPersonAssignment.objects.filter(project=project, ended_on__isnull=True)
        .select_related("person", "participant__organisation", "certificate")
        .order_by("participant__role", "position", "pk")
    )
    return [
        PublicPerson(
            a.get_position_display(),
            a.person.name,
            a.participant.organisation.name,
            a.certificate.number if a.certificate else "",
        )
        for a in rows
    ]
