"""事中监管及整改台账 (YJ 二(二), R-REP-01): the risks found during
construction (the alerts the platform raised, at every level) and their
disposal and rectification, read through the alerts app's own scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from postaward.alerts import selectors as alert_selectors
from postaward.alerts.choices import STATE_COLOURS as ALERT_COLOURS
from postaward.alerts.choices import UNRESOLVED_STATES, AlertState
from postaward.core.actor import Actor
from postaward.core.lists import Column

from .ledgers import Ledger, in_period, link, scope_filters
from .periods import Period


def rows(actor: Actor, period: Period) -> QuerySet:
    return (
        alert_selectors.alerts_for(actor)
        .select_related("project__owner")
        .filter(in_period("created_at", period))
    )


def columns() -> list[Column]:
    return [
        Column(
            "number",
            "预警编号",
            lambda a: a.number,
            sort="created_at",
            link=lambda a: link("alerts_detail", a.pk),
        ),
        Column.when("found", "发现时间", "created_at"),
        Column("project", "项目名称", lambda a: a.project.name if a.project_id else "—"),
        Column(
            "industry",
            "行业",
            lambda a: a.project.get_industry_display() if a.project_id else "—",
            sort="project__industry",
        ),
        Column(
            "owner",
            "建设单位",
            lambda a: a.project.owner.name if a.project_id and a.project.owner_id else "—",
        ),
        Column("problem", "发现问题", lambda a: a.title),
        Column("severity", "预警等级", lambda a: a.get_severity_display(), sort="severity"),
        Column(
            "handling",
            "处置单位",
            lambda a: a.handling_org.name if a.handling_org_id else "—",
        ),
        Column("finding", "处置（整改）情况", lambda a: a.get_finding_display() or "—"),
        Column.state("state", "办理状态", {str(k): v for k, v in ALERT_COLOURS.items()}),
        Column("overdue", "超期", lambda a: "超期" if a.overdue else "—", sort="overdue"),
        Column.when("closed", "办结时间", "closed_at"),
        Column("explanation", "预警说明", lambda a: a.explanation, export_only=True),
    ]


def summary(qs: QuerySet) -> list[tuple[str, int]]:
    agg = qs.order_by().aggregate(
        n=Count("pk"),
        closed=Count("pk", filter=Q(state=AlertState.CLOSED)),
        open=Count("pk", filter=Q(state__in=UNRESOLVED_STATES)),
        overdue=Count("pk", filter=Q(overdue=True)),
    )
    return [
        ("共", agg["n"]),
        ("已办结", agg["closed"]),
        ("办理中", agg["open"]),
        ("超期", agg["overdue"]),
    ]


LEDGER = Ledger(
    kind="in-process",
    title="事中监管及整改台账",
    intro="项目建设过程中平台发现的问题（预警）及其处置、整改情况。依据：R-REP-01",
    rows=rows,
    columns=columns,
    filters=lambda actor: scope_filters(actor, "project__"),
    search=("title", "project__name", "project__code"),
    search_label="问题或项目",
    default_sort="-number",
    summary=summary,
    project_of=lambda a: a.project_id,
    row_url=lambda a: link("alerts_detail", a.pk),
)
