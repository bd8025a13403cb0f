"""Reads of the alerts capability: inboxes, the query page, statistics, the
map, the tuning figures of each indicator (R-ALR-03, R-REP-05). Every read
starts from ``visible_to(actor)``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.orgs.choices import DISTRICT_WIDE_KINDS, Industry, Role

from .choices import (
    LEVEL_RANK,
    OPEN_STATES,
    SEVERITY_COLOURS,
    UNRESOLVED_STATES,
    AlertState,
    Finding,
    Level,
    Severity,
    StepKind,
)
from .levels import ACTING_ROLES, level_of_kind
from .models import Alert, AlertStep, EvaluationRun, Indicator


def unresolved_on_projects(actor: Actor, project_ids: Any) -> QuerySet[Alert]:
    """The unresolved alerts the actor reads on projects it is known to see:
    ``project_ids`` come from ``Project.objects.visible_to(actor)`` (an ``Ids``
    or a list). The same rows as ``visible_to(actor)`` on those projects, read
    without the projects' scope (``Alert.scope_q(project_visible=True)``)."""
    qs = Alert.objects.filter(state__in=UNRESOLVED_STATES, project_id__any=project_ids)
    if actor.is_system:
        return qs
    if not actor.is_authenticated:
        return qs.none()
    return qs.filter(Alert.scope_q(actor, project_visible=True))


def alerts_for(actor: Actor) -> QuerySet[Alert]:
    return Alert.objects.visible_to(actor).select_related(
        "indicator", "project", "handling_org", "review_org", "disposal_deadline", "subject_org"
    )


def runs(actor: Actor) -> QuerySet[EvaluationRun]:
    """The indicator runs the actor may read (ADR 0015)."""
    return (
        EvaluationRun.objects.visible_to(actor)
        .select_related("indicator")
        .order_by("-requested_at", "-id")
    )


def run_rows(actor: Actor, run: EvaluationRun) -> list[dict[str, Any]]:
    """The hits listed in a run that the actor may read: those on a project
    the actor sees; a hit on no project (an enterprise, a person) only for a
    body that sees the whole district (R-ORG-04, ADR 0015)."""
    from postaward.projects.models import Project

    rows = [r for r in (run.result or []) if isinstance(r, dict)]
    if actor.is_system or not rows:
        return rows
    wanted = {r.get("project_id") for r in rows} - {None}
    seen = set(Project.objects.visible_to(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    whole_district = actor.org_kind in DISTRICT_WIDE_KINDS
    return [
        r
        for r in rows
        if (r.get("project_id") in seen) or (r.get("project_id") is None and whole_district)
    ]


def _acting(actor: Actor, qs: QuerySet[Alert], prefix: str) -> QuerySet[Alert]:
    if actor.is_system:
        return qs
    qs = qs.filter(**{f"{prefix}__path__startswith": actor.org_path})
    if actor.roles & ACTING_ROLES:
        return qs
    if Role.OWNER_PROJECT_LEADER in actor.roles and actor.person_id:
        return qs.filter(project__owner_leader_id=actor.person_id)
    return qs.none()


def to_dispose(actor: Actor) -> QuerySet[Alert]:
    """Alerts the actor's organisation must dispose now, most important first."""
    level = level_of_kind(actor.org_kind)
    if level is None and not actor.is_system:
        return Alert.objects.none()
    qs = alerts_for(actor).filter(state__in=list(OPEN_STATES))
    if level:
        qs = qs.filter(level=level)
    return _acting(actor, qs, "handling_org").order_by("-priority", "created_at", "id")


def to_review(actor: Actor) -> QuerySet[Alert]:
    level = level_of_kind(actor.org_kind)
    if level is None and not actor.is_system:
        return Alert.objects.none()
    qs = alerts_for(actor).filter(state=AlertState.DISPOSED)
    if level:
        kinds = [k for k, lv in _kind_levels().items() if lv == level]
        qs = qs.filter(review_org__kind__in=kinds)
    return _acting(actor, qs, "review_org").order_by("-priority", "disposed_at", "id")


def _kind_levels() -> dict[str, str]:
    from .levels import KIND_LEVEL

    return {str(k): v for k, v in KIND_LEVEL.items()}


def watched(actor: Actor) -> QuerySet[Alert]:
    """Unresolved alerts below the actor's level that it oversees (read-only)."""
    level = level_of_kind(actor.org_kind)
    qs = alerts_for(actor).exclude(state=AlertState.CLOSED)
    if level:
        below = [lv for lv, r in LEVEL_RANK.items() if r < LEVEL_RANK[level]]
        qs = qs.filter(level__in=below)
    return qs.order_by("-priority", "created_at")


def filter_alerts(qs: QuerySet[Alert], f: dict[str, Any]) -> QuerySet[Alert]:
    if f.get("q"):
        q = f["q"].strip()
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(project__name__icontains=q)
            | Q(project__code__icontains=q)
            | Q(subject_org__name__icontains=q)
        )
    for key, lookup in (
        ("indicator", "indicator_id"),
        ("state", "state"),
        ("severity", "severity"),
        ("level", "level"),
        ("industry", "project__industry"),
        ("region", "project__region_code"),
        ("area", "indicator__area"),
    ):
        value = f.get(key)
        if value not in (None, "", []):
            qs = qs.filter(**{lookup: value})
    if f.get("start"):
        qs = qs.filter(created_at__gte=clock.start_of_day(f["start"]))
    if f.get("end"):
        qs = qs.filter(created_at__lt=clock.end_of_day(f["end"]))
    if f.get("overdue"):
        qs = qs.filter(Q(overdue=True) | Q(escalations__gt=0))
    if f.get("finding"):
        qs = qs.filter(finding=f["finding"])
    return qs


def region_choices(actor: Actor) -> list[tuple[str, str]]:
    from postaward.projects.models import Project

    rows = (
        Project.objects.visible_to(actor)
        .exclude(region_code="")
        .values_list("region_code", "region_name")
        .distinct()
        .order_by("region_code")
    )
    return [(code, name or code) for code, name in rows]


# --- statistics ---------------------------------------------------------------------------------


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "（无）")


def statistics(qs: QuerySet[Alert]) -> dict[str, Any]:
    """Counts by indicator, level, industry, region and month; disposal on time
    vs late; the slowest units. Each figure names what it counts."""
    base = qs.order_by()
    by_indicator = [
        {"label": r["indicator__name"], "value": r["n"], "key": r["indicator_id"]}
        for r in base.values("indicator_id", "indicator__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ]
    by_level = [
        {"label": _label(Level, r["level"]), "value": r["n"], "key": r["level"]}
        for r in base.values("level").annotate(n=Count("pk"))
    ]
    by_level.sort(key=lambda r: LEVEL_RANK.get(r["key"], 9))
    by_industry = [
        {
            "label": _label(Industry, r["project__industry"])
            if r["project__industry"]
            else "（无项目）",
            "value": r["n"],
            "key": r["project__industry"] or "",
        }
        for r in base.values("project__industry").annotate(n=Count("pk")).order_by("-n")
    ]
    by_region = [
        {"label": r["project__region_name"] or "（无区域）", "value": r["n"]}
        for r in base.values("project__region_name").annotate(n=Count("pk")).order_by("-n")
    ]
    by_month = [
        {"label": f"{r['m']:%Y-%m}", "value": r["n"]}
        for r in base.annotate(m=TruncMonth("created_at", tzinfo=clock.LOCAL_TZ))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by("m")
        if r["m"]
    ]
    by_severity = [
        {
            "label": _label(Severity, r["severity"]),
            "value": r["n"],
            "colour": SEVERITY_COLOURS.get(r["severity"], "grey"),
        }
        for r in base.values("severity").annotate(n=Count("pk")).order_by("severity")
    ]
    by_state = [
        {"label": _label(AlertState, r["state"]), "value": r["n"], "key": r["state"]}
        for r in base.values("state").annotate(n=Count("pk"))
    ]
    return {
        "total": base.count(),
        "by_indicator": by_indicator,
        "by_level": by_level,
        "by_industry": by_industry,
        "by_region": by_region,
        "by_month": by_month,
        "by_severity": by_severity,
        "by_state": by_state,
        "timeliness": timeliness(qs),
        "slowest": slowest_units(qs),
        "escalated": base.filter(escalations__gt=0).count(),
    }


def timeliness(qs: QuerySet[Alert]) -> dict[str, int]:
    """Disposals on time vs late (a disposal after its deadline, or an
    escalation for a deadline that ran out)."""
    steps = AlertStep.objects.filter(alert__in=qs.order_by().values("pk"))
    on_time = steps.filter(kind=StepKind.DISPOSED, late=False).count()
    late = steps.filter(kind=StepKind.DISPOSED, late=True).count()
    escalated = steps.filter(kind__in=[StepKind.ESCALATED, StepKind.OVERDUE_AT_TOP]).count()
    return {"on_time": on_time, "late": late, "escalated": escalated}


def slowest_units(qs: QuerySet[Alert], limit: int = 10) -> list[dict[str, Any]]:
    """Handling units ranked by their average disposal time (days from the
    start of their deadline to their disposal), with late disposals and
    escalations away from them."""
    from postaward.core.models import Deadline

    ids = qs.order_by().values("pk")
    # The start of each disposal period: the deadline rows of the alerts.
    periods: dict[int, list[dt.datetime]] = defaultdict(list)
    for alert_id, started in Deadline.objects.filter(
        kind="alert.disposal",
        subject_type="alerts.alert",
        subject_id__in=[str(i) for i in ids.values_list("pk", flat=True)],
    ).values_list("subject_id", "started_at"):
        periods[int(alert_id)].append(started)
    totals: dict[int, dict[str, Any]] = {}
    for step in (
        AlertStep.objects.filter(alert__in=ids)
        .exclude(organisation=None)
        .filter(kind__in=[StepKind.DISPOSED, StepKind.ESCALATED, StepKind.OVERDUE_AT_TOP])
        .select_related("alert")
        .order_by("at")
    ):
        row = totals.setdefault(
            step.organisation_id,  # type: ignore[arg-type]
            {"name": step.organisation_name, "disposed": 0, "days": 0.0, "late": 0, "overdue": 0},
        )
        if step.kind == StepKind.DISPOSED:
            starts = [s for s in periods.get(step.alert_id, []) if s <= step.at]
            if starts:
                row["days"] += (step.at - max(starts)).total_seconds() / 86400
            row["disposed"] += 1
            row["late"] += 1 if step.late else 0
    # Escalation steps name the receiving organisation; count overdue against the one before.
    for step in AlertStep.objects.filter(
        alert__in=ids, kind__in=[StepKind.ESCALATED, StepKind.OVERDUE_AT_TOP]
    ):
        prev = (
            AlertStep.objects.filter(alert_id=step.alert_id, at__lte=step.at, id__lt=step.id)
            .filter(kind__in=[StepKind.DISPATCHED, StepKind.ESCALATED])
            .exclude(organisation=None)
            .order_by("-at", "-id")
            .first()
        )
        org_id = (
            prev.organisation_id
            if prev and step.kind == StepKind.ESCALATED
            else step.organisation_id
        )
        name = (
            prev.organisation_name
            if prev and step.kind == StepKind.ESCALATED
            else step.organisation_name
        )
        if org_id is None:
            continue
        row = totals.setdefault(
            org_id, {"name": name, "disposed": 0, "days": 0.0, "late": 0, "overdue": 0}
        )
        row["overdue"] += 1
    out = []
    for org_id, row in totals.items():
        avg = row["days"] / row["disposed"] if row["disposed"] else None
        out.append({**row, "organisation_id": org_id, "avg_days": avg})
    out.sort(key=lambda r: (-(r["overdue"] + r["late"]), -(r["avg_days"] or 0)))
    return out[:limit]


def map_points(qs: QuerySet[Alert]) -> list[dict[str, Any]]:
    """Projects with a site, with their alert counts (open and total)."""
    rows = (
        qs.order_by()
        .exclude(project__site_lon=None)
        .values(
            "project_id", "project__name", "project__code", "project__site_lon", "project__site_lat"
        )
        .annotate(total=Count("pk"), open=Count("pk", filter=~Q(state=AlertState.CLOSED)))
    )
    return [
        {
            "id": r["project_id"],
            "name": r["project__name"],
            "code": r["project__code"],
            "lon": r["project__site_lon"],
            "lat": r["project__site_lat"],
            "total": r["total"],
            "open": r["open"],
        }
        for r in rows
        if r["project__site_lat"] is not None
    ]


def indicator_figures(indicator_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """How often each indicator's alerts were confirmed vs dismissed (for tuning)."""
    qs = Alert.objects.order_by()
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=indicator_ids)
    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"total": 0, "open": 0, "confirmed": 0, "dismissed": 0, "issue": 0, "escalated": 0}
    )
    for r in qs.values("indicator_id", "finding", "state").annotate(
        n=Count("pk"), esc=Count("pk", filter=Q(escalations__gt=0))
    ):
        row = out[r["indicator_id"]]
        row["total"] += r["n"]
        row["escalated"] += r["esc"]
        if r["state"] != AlertState.CLOSED:
            row["open"] += r["n"]
        elif r["finding"] == Finding.CONFIRMED:
            row["confirmed"] += r["n"]
        elif r["finding"] == Finding.DISMISSED:
            row["dismissed"] += r["n"]
        elif r["finding"] == Finding.ISSUE:
            row["issue"] += r["n"]
    for row in out.values():
        decided = row["confirmed"] + row["dismissed"]
        row["precision"] = row["confirmed"] / decided if decided else None
        row["decided"] = decided
    return out


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("source", "area", "code")


def unresolved_levels(project_ids: list[int]) -> dict[int, int]:
    """Per project, the highest severity (1 blue .. 4 red) of its alerts still
    waiting for disposal or review; projects without one are left out. One
    query per 900 projects; the project map colours the sites by it (given to
    ``projects.selectors.SITE_LEVEL_HOOKS``)."""
    from django.db.models import Max

    from .choices import UNRESOLVED_STATES

    out: dict[int, int] = {}
    for start in range(0, len(project_ids), 900):  # SQLite's variable limit
        chunk = project_ids[start : start + 900]
        for pid, level in (
            Alert.objects.filter(project_id__in=chunk, state__in=UNRESOLVED_STATES)
            .values("project_id")
            .annotate(level=Max("severity"))
            .values_list("project_id", "level")
        ):
            out[pid] = int(level)
    return out
