"""事中监管及整改台账 (YJ 二(二), R-REP-01): the problems found during
construction and their disposal and rectification, from two sources read
through their own apps' scopes (ADR 0932):

- the alerts the platform raised, at every level (``alerts_for``), and
- the supervising firms' rectification notices (监理通知单, R-SUP-01/02;
  ``approvals.selectors.notices``), with their rectification state, the due
  date, the reply and the closing.

The two tables are one list (``union_rows.UnionRows``): filtered, searched,
sorted, counted and paged together; the 来源 filter keeps one of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import Cast

from postaward.alerts import selectors as alert_selectors
from postaward.alerts.choices import STATE_COLOURS as ALERT_COLOURS
from postaward.alerts.choices import UNRESOLVED_STATES, AlertState
from postaward.approvals import selectors as approval_selectors
from postaward.approvals.choices import NoticeState
from postaward.core import clock
from postaward.core.actor import Actor
from postaward.core.lists import Column, Filter

from .ledgers import Ledger, in_period, link, scope_filters
from .periods import Period
from .union_rows import KEY_BASE, Part, UnionRows

ALERT = "alert"
NOTICE = "notice"
SOURCES = [(ALERT, "平台预警"), (NOTICE, "监理通知单")]

NOTICE_CLOSED = (NoticeState.CLOSED, NoticeState.HANDLED)
NOTICE_OPEN = (NoticeState.ISSUED, NoticeState.REPLIED, NoticeState.REFUSED)
NOTICE_COLOURS = {
    NoticeState.ISSUED: "orange",
    NoticeState.REPLIED: "blue",
    NoticeState.CLOSED: "green",
    NoticeState.REFUSED: "red",
    NoticeState.HANDLED: "grey",
}


def notice_overdue_q(today: Any = None) -> Q:
    """超期 for a notice: it was overdue once (the sweep's ``overdue``), or it
    is still awaiting the reply after its due date."""
    today = today or clock.today()
    return Q(overdue=True) | Q(state=NoticeState.ISSUED, required_by__lt=today)


@dataclass
class Row:
    """One row of the ledger, whichever table it comes from (``pk``: the list's
    key, ``union_rows``; ``record_id``: the record's own id)."""

    pk: int
    record_id: int
    source: str
    number: str
    url: str
    found_at: Any
    project: Any
    problem: str
    severity: str
    handling: str
    handled: str
    due_on: Any
    state: str
    state_label: str
    colour: str
    overdue: bool
    closed_at: Any
    detail: str

    @property
    def source_label(self) -> str:
        return dict(SOURCES)[self.source]


def _alert_rows(objs: list[Any]) -> list[Row]:
    return [
        Row(
            pk=a.pk * KEY_BASE + 0,
            record_id=a.pk,
            source=ALERT,
            number=a.number,
            url=link("alerts_detail", a.pk),
            found_at=a.created_at,
            project=a.project,
            problem=a.title,
            severity=a.get_severity_display(),
            handling=a.handling_org.name if a.handling_org_id else "—",
            handled=a.get_finding_display() or "—",
            due_on=None,
            state=a.state,
            state_label=a.get_state_display(),
            colour=ALERT_COLOURS.get(a.state, "grey"),
            overdue=a.overdue,
            closed_at=a.closed_at,
            detail=a.explanation,
        )
        for a in objs
    ]


def _notice_handled(n: Any) -> str:
    if n.state == NoticeState.HANDLED:
        return f"行业主管部门调查处理：{n.handling_note}"
    if n.state == NoticeState.REFUSED:
        return f"拒不整改（{clock.localtime(n.refused_at):%Y-%m-%d}）：{n.refusal_note}"
    if n.replied_at:
        text = f"整改回复（{clock.localtime(n.replied_at):%Y-%m-%d}）：{n.reply}"
        if n.review_opinion:
            text += f"；复查意见：{n.review_opinion}"
        return text
    return "待整改回复"


def _notice_rows(objs: list[Any]) -> list[Row]:
    today = clock.today()
    return [
        Row(
            pk=n.pk * KEY_BASE + 1,
            record_id=n.pk,
            source=NOTICE,
            number=n.number,
            url=link("approval_notice_detail", n.pk),
            found_at=n.issued_at,
            project=n.project,
            problem=n.title,
            severity="监理通知单" + (f"（第{n.round}轮）" if n.round > 1 else ""),
            handling=n.participant.organisation.name,
            handled=_notice_handled(n),
            due_on=n.required_by,
            state=n.state,
            state_label=n.get_state_display(),
            colour=NOTICE_COLOURS.get(n.state, "grey"),
            overdue=n.overdue or (n.state == NoticeState.ISSUED and n.required_by < today),
            closed_at=n.closed_at or n.handled_at,
            detail=f"{n.content}（签发：{n.issued_by_org} {n.issued_by_name}）",
        )
        for n in objs
    ]


# common field names (the filters', the search's) → the notices' own
NOTICE_NAMES = {"created_at": "issued_at", "severity": "", "handling_org": ""}


def rows(actor: Actor, period: Period) -> UnionRows:
    alerts = alert_selectors.alerts_for(actor).filter(in_period("created_at", period))
    notices = approval_selectors.notices(actor).filter(in_period("issued_at", period))
    text = CharField()
    return UnionRows(
        [
            Part(
                ALERT,
                alerts,
                names={},
                sort={
                    "at": F("created_at"),
                    "industry": Cast("project__industry", text),
                    "severity": Cast("severity", IntegerField()),
                    "state": Cast("state", text),
                    "overdue": ExpressionWrapper(Q(overdue=True), BooleanField()),
                    "closed_at": Cast("closed_at", DateTimeField()),
                },
                wrap=_alert_rows,
                select=("project__owner", "handling_org"),
            ),
            Part(
                NOTICE,
                notices,
                names=NOTICE_NAMES,
                sort={
                    "at": F("issued_at"),
                    "industry": Cast("project__industry", text),
                    "severity": Value(0, output_field=IntegerField()),
                    "state": Cast("state", text),
                    "overdue": ExpressionWrapper(notice_overdue_q(), BooleanField()),
                    "closed_at": Cast("closed_at", DateTimeField()),
                },
                wrap=_notice_rows,
                select=("project__owner", "participant__organisation"),
            ),
        ]
    )


def columns() -> list[Column]:
    return [
        Column("number", "编号", lambda r: r.number, sort="at", link=lambda r: r.url),
        Column("source", "来源", lambda r: r.source_label),
        Column.when("found", "发现时间", "found_at", sortable=False),
        Column("project", "项目名称", lambda r: r.project.name if r.project else "—"),
        Column(
            "industry",
            "行业",
            lambda r: r.project.get_industry_display() if r.project else "—",
            sort="industry",
        ),
        Column(
            "owner",
            "建设单位",
            lambda r: r.project.owner.name if r.project and r.project.owner_id else "—",
        ),
        Column("problem", "发现问题", lambda r: r.problem),
        Column("severity", "预警等级/类别", lambda r: r.severity, sort="severity"),
        Column("handling", "处置（整改）单位", lambda r: r.handling),
        Column("finding", "处置（整改）情况", lambda r: r.handled),
        Column(
            "due",
            "整改期限",
            lambda r: f"{r.due_on:%Y-%m-%d}" if r.due_on else "—",
            export=lambda r: r.due_on,
        ),
        Column("state", "办理状态", lambda r: r.state_label, sort="state", tag=lambda r: r.colour),
        Column("overdue", "超期", lambda r: "超期" if r.overdue else "—", sort="overdue"),
        Column.when("closed", "办结（整改完成）时间", "closed_at", sortable=False),
        Column("explanation", "问题说明", lambda r: r.detail, export_only=True),
    ]


def summary(qs: UnionRows) -> list[tuple[str, int]]:
    agg = (
        qs.part(ALERT)
        .order_by()
        .aggregate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(state=AlertState.CLOSED)),
            open=Count("pk", filter=Q(state__in=UNRESOLVED_STATES)),
            overdue=Count("pk", filter=Q(overdue=True)),
        )
    )
    nagg = (
        qs.part(NOTICE)
        .order_by()
        .aggregate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(state__in=NOTICE_CLOSED)),
            open=Count("pk", filter=Q(state__in=NOTICE_OPEN)),
            overdue=Count("pk", filter=notice_overdue_q()),
        )
    )
    return [
        ("共", agg["n"] + nagg["n"]),
        ("已办结", agg["closed"] + nagg["closed"]),
        ("办理中", agg["open"] + nagg["open"]),
        ("超期", agg["overdue"] + nagg["overdue"]),
        ("其中监理通知单", nagg["n"]),
    ]


def _source(qs: Any, value: str) -> Any:
    return qs.only_kind(value)


def filters(actor: Actor) -> list[Filter]:
    return [
        *scope_filters(actor, "project__"),
        Filter("source", "来源", "source", choices=SOURCES, apply=_source),
    ]


LEDGER = Ledger(
    kind="in-process",
    title="事中监管及整改台账",
    intro="项目建设过程中发现的问题（平台预警、监理通知单）及其处置、整改情况。依据：R-REP-01",
    rows=rows,  # type: ignore[arg-type]
    columns=columns,
    filters=filters,
    search=("title", "project__name", "project__code"),
    search_label="问题或项目",
    default_sort="-number",
    summary=summary,  # type: ignore[arg-type]
    project_of=lambda r: r.project.pk if r.project else None,
    record_of=lambda r: (r.source, r.record_id),
    row_url=lambda r: r.url,
)
