"""Statistics of complaints and reports (R-REP-01, R-CMP-02, ADR 0505): counts
by month of receipt, kind, industry and outcome, and the on-time rate, over
the complaints the actor may read (``selectors.complaints``).

On time: a finished complaint (rejected, or closed) none of whose legal
clocks (decision, closing; ``deadline_kinds``) was missed — a clock closed
after it ran out counts as missed (``core.deadlines.close_deadline``). The
unit's handling deadline is the office's internal term and does not count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from postaward.core import deadlines
from postaward.core.errors import ValidationFailed
from postaward.orgs.choices import Industry

from .choices import Kind, Outcome, State
from .deadline_kinds import CLOSE_KINDS, DECISION_KINDS
from .models import Complaint

FINISHED = (State.REJECTED, State.CLOSED)
NO_PROJECT = "未关联项目"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Stats:
    year: int
    month_from: int
    month_to: int
    kind: str
    total: int
    by_month: list[Row]
    by_kind: list[Row]
    by_industry: list[Row]
    by_outcome: list[Row]
    finished: int
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.finished if self.finished else None

    @property
    def rate_text(self) -> str:
        rate = self.on_time_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    @property
    def sections(self) -> list[tuple[str, list[Row]]]:
        return [
            ("按月份", self.by_month),
            ("按类别", self.by_kind),
            ("按行业", self.by_industry),
            ("按办理结果", self.by_outcome),
        ]


def check(year: int, month_from: int, month_to: int, kind: str) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度不正确", field="year")
    if not 1 <= month_from <= 12:
        raise ValidationFailed("起始月份应为 1 至 12", field="month_from")
    if not 1 <= month_to <= 12:
        raise ValidationFailed("截止月份应为 1 至 12", field="month_to")
    if month_from > month_to:
        raise ValidationFailed("起始月份不能晚于截止月份", field="month_to")
    if kind and kind not in Kind.values:
        raise ValidationFailed("类别不正确", field="kind")


def _late(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    late = deadlines.missed("complaints.complaint", kind__in=DECISION_KINDS + CLOSE_KINDS)
    return qs.annotate(_late=late).filter(_late=True)


def _counts(qs: QuerySet[Complaint], field: str) -> dict[Any, int]:
    return {r[field]: r["n"] for r in qs.order_by().values(field).annotate(n=Count("pk"))}


def compute(
    qs: QuerySet[Complaint], *, year: int, month_from: int = 1, month_to: int = 12, kind: str = ""
) -> Stats:
    """The statistics of ``qs`` (already scoped) received in ``year`` between
    the two months (inclusive), of one kind or both."""
    check(year, month_from, month_to, kind)
    qs = qs.filter(
        receipt_day__year=year,
        receipt_day__month__gte=month_from,
        receipt_day__month__lte=month_to,
    )
    if kind:
        qs = qs.filter(kind=kind)
    months = _counts(qs, "receipt_day__month")
    kinds = _counts(qs, "kind")
    industries = _counts(qs, "project__industry")
    states = _counts(qs, "state")
    outcomes = _counts(qs.filter(state=State.CLOSED), "outcome")
    finished_qs = qs.filter(state__in=FINISHED)
    finished = finished_qs.count()
    late = _late(finished_qs).count()
    by_outcome = [Row(str(v), str(label), outcomes.get(v, 0)) for v, label in Outcome.choices]
    by_outcome.append(Row("rejected", "不予受理", states.get(State.REJECTED, 0)))
    open_n = sum(n for s, n in states.items() if s not in FINISHED)
    by_outcome.append(Row("open", "办理中", open_n))
    by_industry = [Row(str(v), str(label), industries.get(v, 0)) for v, label in Industry.choices]
    by_industry.append(Row("none", NO_PROJECT, industries.get(None, 0)))
    return Stats(
        year=year,
        month_from=month_from,
        month_to=month_to,
        kind=kind,
        total=sum(kinds.values()),
        by_month=[
            Row(f"{year}-{m:02d}", f"{year}年{m}月", months.get(m, 0))
            for m in range(month_from, month_to + 1)
        ],
        by_kind=[Row(str(v), str(label), kinds.get(v, 0)) for v, label in Kind.choices],
        by_industry=by_industry,
        by_outcome=by_outcome,
        finished=finished,
        on_time=finished - late,
    )


def export_rows(s: Stats) -> list[tuple[str, str, int, float | None]]:
    """The rows of the spreadsheet: section, item, count, share of the total;
    the last one is the on-time rate."""
    rows: list[tuple[str, str, int, float | None]] = [("合计", "收件总数", s.total, None)]
    for title, items in s.sections:
        rows.extend(
            (title, r.label, r.count, r.count / s.total if s.total else None) for r in items
        )
    rows.append(("按期办结", "按期办结件数 / 已办结件数", s.on_time, s.on_time_rate))
    return rows


def public(year: int) -> Stats:
    """The district-wide statistics the public site shows (R-REP-04, ADR 0930):
    counts only, no complainant, no text, over every complaint received."""
    return compute(Complaint.objects.all(), year=year)
