"""事后检查及整改台账 (YJ 二(二), R-REP-01): the problems the inspections
found, their disposition and the rectification orders to their closing (销号),
read through the inspections app's scope (the inspection's readers, and the
subject of an order its own orders)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.lists import Column
from postaward.inspections.models import Finding, Inspection, OrderState, RectificationOrder

from .ledgers import Ledger, in_period, scope_filters
from .periods import Period

ORDER_COLOURS: dict[str, str] = {
    OrderState.OPEN: "orange",
    OrderState.REPLIED: "blue",
    OrderState.CLOSED: "green",
}


def rows(actor: Actor, period: Period) -> QuerySet:
    seen = Q(inspection__in=Inspection.objects.visible_to(actor).values("pk")) | Q(
        order__in=RectificationOrder.objects.visible_to(actor).values("pk")
    )
    return (
        Finding.objects.filter(seen)
        .filter(in_period("recorded_at", period))
        .select_related("inspection__project__owner", "item", "order")
    )


def _order(f: Finding) -> RectificationOrder | None:
    try:
        return f.order
    except RectificationOrder.DoesNotExist:
        return None


def _order_state(f: Finding) -> str:
    o = _order(f)
    if o is None:
        return "无需整改" if f.disposition else "待处理"
    return str(o.get_state_display())


def _order_number(f: Finding) -> str:
    o = _order(f)
    return o.number if o is not None else "—"


def _due(f: Finding) -> str:
    o = _order(f)
    return f"{o.due_on:%Y-%m-%d}" if o is not None else "—"


def _colour(f: Finding) -> str:
    o = _order(f)
    return ORDER_COLOURS.get(str(o.state), "grey") if o is not None else "grey"


def _closed(f: Finding) -> str:
    o = _order(f)
    return f"{clock.localtime(o.closed_at):%Y-%m-%d}" if o is not None and o.closed_at else "—"


def columns() -> list[Column]:
    return [
        Column("number", "检查编号", lambda f: f.inspection.number, sort="inspection__number"),
        Column.when("found", "发现时间", "recorded_at"),
        Column(
            "kind", "检查类型", lambda f: f.inspection.get_kind_display(), sort="inspection__kind"
        ),
        Column("project", "项目名称", lambda f: f.inspection.project.name),
        Column(
            "industry",
            "行业",
            lambda f: f.inspection.project.get_industry_display(),
            sort="inspection__project__industry",
        ),
        Column(
            "owner",
            "建设单位",
            lambda f: f.inspection.project.owner.name if f.inspection.project.owner_id else "—",
        ),
        Column("subject", "责任主体", lambda f: f.subject_text),
        Column("problem", "发现问题", lambda f: f.description),
        Column("disposition", "处理方式", lambda f: f.get_disposition_display() or "待处理"),
        Column("order", "整改通知", _order_number),
        Column(
            "due",
            "整改期限",
            _due,
            sort="order__due_on",
        ),
        Column(
            "state",
            "整改状态",
            _order_state,
            sort="order__state",
            tag=_colour,
        ),
        Column(
            "closed",
            "销号时间",
            _closed,
        ),
    ]


def summary(qs: QuerySet) -> list[tuple[str, int]]:
    agg = qs.order_by().aggregate(
        n=Count("pk"),
        orders=Count("order"),
        closed=Count("order", filter=Q(order__state=OrderState.CLOSED)),
        open=Count("order", filter=~Q(order__state=OrderState.CLOSED)),
    )
    return [
        ("共发现问题", agg["n"]),
        ("责令整改", agg["orders"]),
        ("已销号", agg["closed"]),
        ("整改中", agg["open"]),
    ]


LEDGER = Ledger(
    kind="post-award",
    title="事后检查及整改台账",
    intro="检查中发现的问题、处理方式和整改销号情况。依据：R-REP-01",
    rows=rows,
    columns=columns,
    filters=lambda actor: scope_filters(actor, "inspection__project__"),
    search=("description", "subject_text", "inspection__number", "inspection__project__name"),
    search_label="问题、主体或项目",
    default_sort="-found",
    summary=summary,
    project_of=lambda f: f.inspection.project_id,
)
