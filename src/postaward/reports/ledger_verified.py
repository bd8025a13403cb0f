"""核查项目情况表 (YJ 二(二), R-REP-01): the projects verified on site in the
period. A project counts when an inspection of it that the actor may read
(the inspections app's scope), not merged into a joint one, had its on-site
visit (进场) within the period (ADR 0903); the row gives how many such visits,
the problems they found, the rectification orders and how many are closed."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.lists import Column
from postaward.inspections.models import Finding, Inspection, InspectionState, OrderState
from postaward.inspections.models import RectificationOrder as Order
from postaward.projects.models import Project

from .ledgers import Ledger, in_period, link, scope_filters
from .periods import Period


def visits(actor: Actor, period: Period) -> QuerySet:
    """The on-site visits of the period the actor may read."""
    return (
        Inspection.objects.visible_to(actor)
        .exclude(state=InspectionState.MERGED)
        .filter(visited_at__isnull=False)
        .filter(in_period("visited_at", period))
    )


def _count(qs: QuerySet, field: str = "project_id") -> Any:
    sub = (
        qs.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(c=Count("pk"))
        .values("c")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def rows(actor: Actor, period: Period) -> QuerySet:
    seen = visits(actor, period)
    ids = seen.values("pk")
    last = (
        seen.filter(project_id=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(m=Max("visited_at"))
        .values("m")
    )
    return (
        Project.objects.visible_to(actor)
        .filter(pk__in=seen.values("project_id"))
        .select_related("owner", "industry_authority")
        .annotate(
            n_visits=_count(seen),
            n_findings=_count(Finding.objects.filter(inspection__in=ids), "inspection__project_id"),
            n_orders=_count(Order.objects.filter(inspection__in=ids), "inspection__project_id"),
            n_closed=_count(
                Order.objects.filter(inspection__in=ids, state=OrderState.CLOSED),
                "inspection__project_id",
            ),
            last_visit=Subquery(last),
        )
    )


def columns() -> list[Column]:
    return [
        Column(
            "code",
            "项目编号",
            lambda p: p.code,
            sort="code",
            link=lambda p: link("project_detail", p.pk),
        ),
        Column("name", "项目名称", lambda p: p.name, sort="name"),
        Column("industry", "行业", lambda p: p.get_industry_display(), sort="industry"),
        Column("owner", "建设单位", lambda p: p.owner.name if p.owner_id else "—"),
        Column(
            "authority",
            "行业主管部门",
            lambda p: p.industry_authority.name if p.industry_authority_id else "—",
        ),
        Column("stage", "项目状态", lambda p: p.get_status_display(), sort="status"),
        Column("amount", "合同金额", lambda p: p.contract_amount, money="contract_amount"),
        Column("visits", "核查次数", lambda p: p.n_visits, sort="n_visits"),
        Column(
            "last",
            "最近核查日期",
            lambda p: f"{clock.localtime(p.last_visit):%Y-%m-%d}" if p.last_visit else "—",
            sort="last_visit",
        ),
        Column("findings", "发现问题", lambda p: p.n_findings, sort="n_findings"),
        Column("orders", "责令整改", lambda p: p.n_orders, sort="n_orders"),
        Column("closed", "已整改销号", lambda p: p.n_closed, sort="n_closed"),
    ]


def summary(qs: QuerySet) -> list[tuple[str, int]]:
    agg = qs.order_by().aggregate(
        n=Count("pk"),
        v=Sum("n_visits"),
        f=Sum("n_findings"),
        o=Sum("n_orders"),
        c=Sum("n_closed"),
        clean=Count("pk", filter=Q(n_findings=0)),
    )
    return [
        ("核查项目", agg["n"] or 0),
        ("核查次数", agg["v"] or 0),
        ("发现问题", agg["f"] or 0),
        ("责令整改", agg["o"] or 0),
        ("已整改销号", agg["c"] or 0),
        ("未发现问题的项目", agg["clean"] or 0),
    ]


LEDGER = Ledger(
    kind="verified",
    title="核查项目情况表",
    intro="统计期间内经现场检查核查的项目及检查发现问题、整改销号情况。依据：R-REP-01",
    rows=rows,
    columns=columns,
    filters=lambda actor: scope_filters(actor, ""),
    search=("name", "code"),
    search_label="项目名称或编号",
    default_sort="-last",
    summary=summary,
    project_of=lambda p: p.pk,
    row_url=lambda p: link("project_detail", p.pk),
)
