"""信访举报办理情况表 (YJ 二(二), R-REP-01): the complaints and reports and
how they were handled, through the complaints app's selector and scope. The
complainant is never named: the table says only whether the complaint was
signed (实名, identity kept confidential by the complaints app) or anonymous;
no name, number or contact reaches a row or the workbook (R-CMP-04)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from postaward.complaints import selectors as complaint_selectors
from postaward.complaints.choices import OPEN_STATES, Channel, Kind, State
from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.lists import Column, Filter

from .ledgers import Ledger, link, scope_filters
from .periods import Period


def rows(actor: Actor, period: Period) -> QuerySet:
    return (
        complaint_selectors.complaints(actor)
        .select_related("project__owner")
        .filter(receipt_day__gte=period.start, receipt_day__lte=period.end)
    )


def complainant(c: object) -> str:
    """实名 or 匿名: the only thing the ledger says of who complained."""
    return "匿名" if getattr(c, "anonymous", False) else "实名（身份保密）"


def columns() -> list[Column]:
    return [
        Column(
            "number",
            "收件编号",
            lambda c: c.receipt_number,
            sort="receipt_number",
            link=lambda c: link("complaints_detail", c.pk),
        ),
        Column(
            "received",
            "收件日期",
            lambda c: f"{c.receipt_day:%Y-%m-%d}",
            sort="receipt_day",
            export=lambda c: c.receipt_day,
        ),
        Column("channel", "来源渠道", lambda c: c.get_channel_display(), sort="channel"),
        Column("kind", "类别", lambda c: c.get_kind_display(), sort="kind"),
        Column("who", "反映人", complainant),
        Column(
            "project",
            "涉及项目",
            lambda c: c.project.name if c.project_id else (c.project_text or "—"),
        ),
        Column("subject", "被反映对象", lambda c: c.subject_text),
        Column(
            "handling", "承办单位", lambda c: c.handling_org.name if c.handling_org_id else "监管办"
        ),
        Column("state", "办理状态", lambda c: c.get_state_display(), sort="state"),
        Column("outcome", "核查结论", lambda c: c.get_outcome_display() or "—"),
        Column(
            "closed",
            "办结日期",
            lambda c: f"{clock.localtime(c.closed_at):%Y-%m-%d}" if c.closed_at else "—",
            sort="closed_at",
        ),
    ]


def summary(qs: QuerySet) -> list[tuple[str, int]]:
    agg = qs.order_by().aggregate(
        n=Count("pk"),
        closed=Count("pk", filter=Q(state=State.CLOSED)),
        rejected=Count("pk", filter=Q(state=State.REJECTED)),
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
    )
    return [
        ("共收件", agg["n"]),
        ("已办结", agg["closed"]),
        ("不予受理", agg["rejected"]),
        ("办理中", agg["open"]),
    ]


def filters(actor: Actor) -> list[Filter]:
    return [
        *scope_filters(actor, "project__"),
        Filter("kind", "类别", "kind", choices=Kind.choices),
        Filter("channel", "来源渠道", "channel", choices=Channel.choices),
    ]


LEDGER = Ledger(
    kind="complaints",
    title="信访举报办理情况表",
    intro="收到的投诉、举报及其办理情况；投诉人身份保密，本表不显示其姓名和联系方式。依据：R-REP-01",
    rows=rows,
    columns=columns,
    filters=filters,
    search=("receipt_number", "subject_text", "project__name", "project_text"),
    search_label="编号、对象或项目",
    default_sort="-received",
    summary=summary,
    project_of=lambda c: c.project_id,
    row_url=lambda c: link("complaints_detail", c.pk),
)
