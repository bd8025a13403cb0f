"""The numbers of the monthly data meeting (智慧监管数据会商, HC 四(三); R-REP-03).

:func:`compute` is a pure read: for one office's district and one month it
returns a :class:`MeetingData` (frozen dataclasses, no model instances) with
every indicator of the month beside the month before (环比) and the same
month a year earlier (同比), each broken down by industry and by unit.

One aggregate query per source (attendance, approvals' clocks, alerts,
complaints, inspections, cases, credit, accountability) covers the three
months at once: the rows are grouped by (month bucket, industry, unit) with a
``CASE`` on the source's date, and summed here (ADR 0905). Two more queries:
the open alerts' ages at each month's end and the projects under way (the
coverage's denominator, as they stand today). Ratios are computed from the
summed numerators and denominators, never averaged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from postaward.core import clock
from postaward.core.actor import Actor

NO_INDUSTRY = "未关联项目"
NO_UNIT = "未明确单位"
# How old an open alert is at the month's end (days): label, from, to (exclusive).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("7日以内", 0, 8),
    ("8至30日", 8, 31),
    ("31至90日", 31, 91),
    ("90日以上", 91, None),
)


@dataclass(frozen=True)
class Compared:
    """One number of the month beside the month before and a year earlier."""

    value: float
    prev: float
    last_year: float

    @staticmethod
    def _change(now: float, then: float) -> float | None:
        if then == 0:
            return None
        return round((now - then) / then * 100, 1)

    @property
    def mom(self) -> float | None:
        """环比 change in per cent (None: the month before had none)."""
        return self._change(self.value, self.prev)

    @property
    def yoy(self) -> float | None:
        """同比 change in per cent (None: a year earlier had none)."""
        return self._change(self.value, self.last_year)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str  # "%" (a rate) or "件"/"人次"/"分" (a count)
    group: str  # the theme it belongs to (考勤, 审批, …)
    total: Compared
    by_industry: tuple[tuple[str, Compared], ...] = ()
    by_unit: tuple[tuple[str, Compared], ...] = ()


@dataclass(frozen=True)
class MeetingData:
    year: int
    month: int
    indicators: tuple[Indicator, ...]
    alert_ages: tuple[tuple[str, Compared], ...] = ()
    projects_under_way: int = 0
    queries: int = 0  # how many queries it took (for the benchmark)
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


# --- months -------------------------------------------------------------------------------------


def months(year: int, month: int) -> tuple[tuple[int, int], ...]:
    """(this month, the month before, the same month a year earlier)."""
    prev = (year, month - 1) if month > 1 else (year - 1, 12)
    return ((year, month), prev, (year - 1, month))


def _first(y: int, m: int) -> dt.date:
    return dt.date(y, m, 1)


def _next_first(y: int, m: int) -> dt.date:
    return dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)


def _bounds(y: int, m: int, dates: bool) -> tuple[Any, Any]:
    if dates:
        return _first(y, m), _next_first(y, m)
    return clock.start_of_day(_first(y, m)), clock.start_of_day(_next_first(y, m))


# --- the grouped query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    queryset: Callable[[Actor], QuerySet]
    when: str  # the date or moment field that places a row in a month
    industry: Any  # field name or expression
    unit: Any
    sums: Callable[[], dict[str, Any]]
    dates: bool = False  # ``when`` is a DateField


Buckets = dict[str, list[dict[tuple[str, str], float]]]  # sum name → [bucket] → (dim, label) → n


def _grouped(src: Source, reader: Actor, ms: tuple[tuple[int, int], ...]) -> Buckets:
    bounds = [_bounds(y, m, src.dates) for y, m in ms]
    conds = [Q(**{f"{src.when}__gte": s, f"{src.when}__lt": e}) for s, e in bounds]
    bucket = Case(
        *[When(c, then=Value(i)) for i, c in enumerate(conds)], output_field=IntegerField()
    )
    ind = F(src.industry) if isinstance(src.industry, str) else src.industry
    unit = F(src.unit) if isinstance(src.unit, str) else src.unit
    sums = src.sums()
    rows = (
        src.queryset(reader)
        .filter(reduce(or_, conds))
        .annotate(mb=bucket, mi=ind, mu=unit)
        .values("mb", "mi", "mu")
        .annotate(**sums)
        .order_by()
    )
    out: Buckets = {name: [defaultdict(float) for _ in ms] for name in sums}
    for r in rows:
        b = r["mb"]
        if b is None:
            continue
        for name in sums:
            n = float(r[name] or 0)
            out[name][b][("all", "")] += n
            out[name][b][("i", r["mi"] or "")] += n
            out[name][b][("u", r["mu"] or "")] += n
    return out


# --- the sources --------------------------------------------------------------------------------


def _sources() -> list[Source]:
    from postaward.accountability.choices import ClueState
    from postaward.accountability.models import Clue
    from postaward.alerts.choices import Severity
    from postaward.alerts.models import Alert
    from postaward.attendance.models import MonthlyAttendance
    from postaward.cases.models import Case as EnforcementCase
    from postaward.complaints.models import Complaint
    from postaward.core.models import Deadline
    from postaward.credit.models import CreditRecord
    from postaward.inspections.models import Inspection
    from postaward.projects.models import Project

    def approvals(reader: Actor) -> QuerySet:
        return Deadline.objects.filter(
            kind__startswith="approvals.",
            state__in=(Deadline.State.MET, Deadline.State.MISSED),
            project_id__in=Project.objects.visible_to(reader).values("pk"),
        )

    project_industry = Subquery(
        Project.objects.filter(pk=OuterRef("project_id")).values("industry")[:1]
    )
    today = clock.today()
    return [
        Source(
            "attendance",
            lambda r: MonthlyAttendance.objects.visible_to(r).filter(rate__isnull=False),
            "month",
            "project__industry",
            "project__industry_authority__name",
            lambda: {
                "att_n": Count("pk"),
                "att_rate": Sum("rate"),
                "att_below": Count("pk", filter=Q(below_threshold=True)),
            },
            dates=True,
        ),
        Source(
            "approvals",
            approvals,
            "closed_at",
            project_industry,
            "organisation__name",
            lambda: {
                "ap_all": Count("pk"),
                "ap_met": Count("pk", filter=Q(state=Deadline.State.MET)),
            },
        ),
        Source(
            "alerts",
            lambda r: Alert.objects.visible_to(r),
            "created_at",
            "project__industry",
            "handling_org__name",
            lambda: {
                "al_n": Count("pk"),
                **{f"al_s{s.value}": Count("pk", filter=Q(severity=s.value)) for s in Severity},
            },
        ),
        Source(
            "complaints",
            lambda r: Complaint.objects.visible_to(r),
            "received_at",
            "project__industry",
            "handling_org__name",
            lambda: {
                "cp_n": Count("pk"),
                "cp_closed": Count("pk", filter=Q(closed_at__isnull=False)),
                "cp_late": Count(
                    "pk",
                    filter=Q(handling_due__isnull=False)
                    & (
                        Q(closed_at__date__gt=F("handling_due"))
                        | Q(closed_at__isnull=True, handling_due__lt=today)
                    ),
                ),
            },
        ),
        Source(
            "inspections",
            lambda r: Inspection.objects.visible_to(r).filter(visited_at__isnull=False),
            "visited_at",
            "project__industry",
            "department__name",
            lambda: {
                "in_n": Count("pk"),
                "in_projects": Count("project", distinct=True),
            },
        ),
        Source(
            "cases",
            lambda r: EnforcementCase.objects.visible_to(r),
            "registered_at",
            "project__industry",
            "department__name",
            lambda: {
                "cs_n": Count("pk"),
                "cs_filed": Count("pk", filter=Q(filed_at__isnull=False)),
            },
        ),
        Source(
            "credit",
            lambda r: CreditRecord.objects.visible_to(r),
            "entered_on",
            "project__industry",
            "department__name",
            lambda: {"cr_n": Count("pk"), "cr_points": Sum("points")},
            dates=True,
        ),
        Source(
            "accountability",
            lambda r: Clue.objects.visible_to(r),
            "created_at",
            "project__industry",
            "unit__name",
            lambda: {
                "ac_n": Count("pk"),
                "ac_open": Count("pk", filter=Q(state=ClueState.REGISTERED)),
            },
        ),
    ]


# The indicators: key, label, unit, group, numerator, denominator (None: a count).
INDICATORS: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    ("attendance_rate", "关键岗位人员平均月考勤率", "%", "人员到岗", "att_rate", "att_n"),
    ("attendance_below", "月考勤率低于80%的人次", "人次", "人员到岗", "att_below", None),
    ("approvals_on_time", "审批事项按时办结率", "%", "过程审批", "ap_met", "ap_all"),
    ("approvals_closed", "审批事项办结数", "件", "过程审批", "ap_all", None),
    ("alerts_new", "新增预警", "件", "预警处置", "al_n", None),
    ("alerts_red", "新增红色预警", "件", "预警处置", "al_s4", None),
    ("alerts_orange", "新增橙色预警", "件", "预警处置", "al_s3", None),
    ("alerts_yellow", "新增黄色预警", "件", "预警处置", "al_s2", None),
    ("alerts_blue", "新增蓝色预警", "件", "预警处置", "al_s1", None),
    ("complaints_received", "收到信访举报", "件", "信访举报", "cp_n", None),
    ("complaints_closed", "信访举报已办结", "件", "信访举报", "cp_closed", None),
    ("complaints_late", "信访举报超过办理时限", "件", "信访举报", "cp_late", None),
    ("inspections_done", "开展检查", "次", "检查抽查", "in_n", None),
    ("inspections_projects", "检查覆盖项目", "个", "检查抽查", "in_projects", None),
    ("cases_registered", "案件登记", "件", "案件查处", "cs_n", None),
    ("cases_filed", "案件立案", "件", "案件查处", "cs_filed", None),
    ("credit_records", "信用记分记录", "条", "信用管理", "cr_n", None),
    ("credit_points", "信用记分合计", "分", "信用管理", "cr_points", None),
    ("clues_new", "问责线索登记", "条", "责任追究", "ac_n", None),
    ("clues_open", "问责线索待核实", "条", "责任追究", "ac_open", None),
)


def _value(b: Buckets, i: int, dim: tuple[str, str], num: str, den: str | None) -> float:
    n = b[num][i].get(dim, 0.0)
    if den is None:
        return n
    d = b[den][i].get(dim, 0.0)
    return round(n / d * 100, 1) if d else 0.0


def _compared(b: Buckets, dim: tuple[str, str], num: str, den: str | None) -> Compared:
    return Compared(*(_value(b, i, dim, num, den) for i in range(3)))


def _labels(kind: str, b: Buckets, num: str) -> list[str]:
    seen: set[str] = set()
    for bucket in b[num]:
        seen |= {label for d, label in bucket if d == kind}
    return sorted(seen, key=lambda s: (s == "", s))


def _alert_ages(reader: Actor, ms: tuple[tuple[int, int], ...]) -> tuple[tuple[str, Compared], ...]:
    """The alerts still open at each month's end, by how old they were then (one query)."""
    from postaward.alerts.models import Alert

    aggs: dict[str, Any] = {}
    for i, (y, m) in enumerate(ms):
        end = clock.start_of_day(_next_first(y, m))
        open_then = Q(created_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        for j, (_label, lo, hi) in enumerate(AGE_BANDS):
            q = open_then & Q(created_at__lte=end - dt.timedelta(days=lo))
            if hi is not None:
                q &= Q(created_at__gt=end - dt.timedelta(days=hi))
            aggs[f"a{i}_{j}"] = Count("pk", filter=q)
    got = Alert.objects.visible_to(reader).order_by().aggregate(**aggs)
    return tuple(
        (label, Compared(*(float(got[f"a{i}_{j}"] or 0) for i in range(3))))
        for j, (label, _lo, _hi) in enumerate(AGE_BANDS)
    )


def compute(reader: Actor, year: int, month: int) -> MeetingData:
    """Every indicator of ``month`` as ``reader`` (the office's view of its
    district) sees the data; pure (reads only)."""
    from postaward.orgs.choices import Industry
    from postaward.projects.choices import ProjectStatus
    from postaward.projects.models import Project

    industries = dict(Industry.choices)
    ms = months(year, month)
    buckets: Buckets = {}
    sources = _sources()
    for src in sources:
        buckets.update(_grouped(src, reader, ms))
    ages = _alert_ages(reader, ms)
    under_way = (
        Project.objects.visible_to(reader)
        .filter(status__in=(ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.SUSPENDED))
        .count()
    )
    out = []
    for key, label, unit, group, num, den in INDICATORS:
        out.append(
            Indicator(
                key,
                label,
                unit,
                group,
                _compared(buckets, ("all", ""), num, den),
                tuple(
                    (industries.get(i, i) or NO_INDUSTRY, _compared(buckets, ("i", i), num, den))
                    for i in _labels("i", buckets, num)
                ),
                tuple(
                    (u or NO_UNIT, _compared(buckets, ("u", u), num, den))
                    for u in _labels("u", buckets, num)
                ),
            )
        )
    return MeetingData(year, month, tuple(out), ages, under_way, queries=len(sources) + 2)
