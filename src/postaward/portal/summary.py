"""The monthly public summary (月度监管工作公开; R-REP-07, HC 三(二)(三);
ADR 0922): for each month, the platform's public figures, computed from what
the public site already publishes and nothing else:

- projects under supervision: published projects (``projects.selectors.
  public_projects``) awarded by the month's end, by stage and by industry,
  and those awarded in the month. The stage is the project's stage today
  (the platform keeps no stage history per month);
- inspections: the inspections whose results are published (state
  ``published``) visited in the month, the problems they found and, of those,
  the rectifications closed (销号) by today;
- penalty decisions published (``portal.publications``, kind penalty) in the
  month;
- complaints and reports received in the month (by receipt day), of those the
  finished ones and the finished on time (``complaints.stats.compute``, the
  same rule as the public complaint statistics);
- credit: the current annual scores of the enterprises of the month's year
  (``credit.public_credit.published_scores``) by colour.

Counts only: no name, no text, no number of a person (R-REP-04). A month is
one of the last ``MONTHS`` months up to this one (this month is 'to date'); a
month before the platform's first year or after this month is not found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q
from django.db.models.functions import ExtractMonth, ExtractYear

from postaward.complaints import stats as complaint_stats
from postaward.complaints.models import Complaint
from postaward.core import clock, public_cache
from postaward.credit.choices import Colour
from postaward.credit.public_credit import published_scores
from postaward.inspections.models.visits import Finding, Inspection, InspectionState, OrderState
from postaward.orgs.choices import Industry
from postaward.projects import selectors as projects

from . import publications
from .models import Publication

MONTHS = 12  # the months the index lists (this one and the eleven before)
FIRST_YEAR = 2020


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        nxt = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    def back(self, n: int) -> Month:
        i = self.year * 12 + self.month - 1 - n
        return Month(i // 12, i % 12 + 1)


def this_month() -> Month:
    t = clock.today()
    return Month(t.year, t.month)


def recent() -> list[Month]:
    """The months the index lists, newest first."""
    now = this_month()
    return [now.back(i) for i in range(MONTHS)]


def parse(key: str) -> Month | None:
    """``YYYY-MM`` of a month from the platform's first year to this month; else None."""
    try:
        year, month = (int(x) for x in key.split("-"))
    except ValueError:
        return None
    if not (year >= FIRST_YEAR and 1 <= month <= 12 and len(key) == 7):
        return None
    m = Month(year, month)
    return m if m.first <= this_month().first else None


@dataclass
class Summary:
    month: Month
    to_date: bool  # this month: figures up to today
    projects: int = 0
    new_projects: int = 0
    by_stage: list[tuple[str, int]] = field(default_factory=list)
    by_industry: list[tuple[str, int]] = field(default_factory=list)
    inspections: int = 0
    findings: int = 0
    rectified: int = 0
    penalties: int = 0
    complaints: int = 0
    complaints_finished: int = 0
    complaints_on_time: int = 0
    credit_year: int = 0
    colours: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def on_time_rate(self) -> str:
        if not self.complaints_finished:
            return "—"
        return f"{self.complaints_on_time / self.complaints_finished * 100:.1f}%"

    @property
    def credit_total(self) -> int:
        return sum(n for _, _, n in self.colours)


def _local_range(m: Month) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(m.first, dt.time.min, tzinfo=clock.LOCAL_TZ)
    end = dt.datetime.combine(m.last + dt.timedelta(days=1), dt.time.min, tzinfo=clock.LOCAL_TZ)
    return start, end


def published_inspections() -> Any:
    """Inspections whose results the public site shows (R-INS-06)."""
    return Inspection.objects.filter(state=InspectionState.PUBLISHED, visited_at__isnull=False)


def month_summary(m: Month) -> Summary:
    """The figures of one month (a fixed number of queries, ADR 0922)."""
    s = Summary(month=m, to_date=m == this_month())
    start, end = _local_range(m)
    live = projects.public_projects().order_by().filter(award_date__lte=m.last)
    s.projects = live.count()
    s.new_projects = live.filter(award_date__gte=m.first).count()
    status = dict(live.values_list("status").annotate(n=Count("pk")))
    s.by_stage = [
        (label, sum(status.get(st, 0) for st in states))
        for label, states in projects.STAGE_GROUPS.values()
    ]
    industries = dict(live.values_list("industry").annotate(n=Count("pk")))
    s.by_industry = [(str(lab), industries.get(v, 0)) for v, lab in Industry.choices]
    done = published_inspections().filter(visited_at__gte=start, visited_at__lt=end)
    s.inspections = done.count()
    found = Finding.objects.filter(inspection__in=done.values("pk")).aggregate(
        n=Count("pk"), r=Count("pk", filter=Q(order__state=OrderState.CLOSED))
    )
    s.findings, s.rectified = found["n"], found["r"]
    s.penalties = (
        publications.public()
        .filter(kind=Publication.Kind.PENALTY, published_at__gte=start, published_at__lt=end)
        .count()
    )
    cs = complaint_stats.compute(
        Complaint.objects.all(), year=m.year, month_from=m.month, month_to=m.month
    )
    s.complaints, s.complaints_finished, s.complaints_on_time = cs.total, cs.finished, cs.on_time
    s.credit_year = m.year
    colours = dict(
        published_scores()
        .filter(year=m.year)
        .order_by()
        .values_list("colour")
        .annotate(n=Count("pk"))
    )
    s.colours = [(str(v), str(lab), colours.get(v, 0)) for v, lab in Colour.choices]
    return s


def _by_month(qs: Any, field_name: str) -> dict[tuple[int, int], int]:
    rows = (
        qs.order_by()
        .annotate(_y=ExtractYear(field_name), _m=ExtractMonth(field_name))
        .values_list("_y", "_m")
        .annotate(n=Count("pk"))
    )
    return {(y, mo): n for y, mo, n in rows}


def index_rows() -> list[dict[str, Any]]:
    """The index's headline figures of each recent month, in five grouped
    queries whatever the number of months (ADR 0922)."""
    months = recent()
    oldest = months[-1]
    start, _ = _local_range(oldest)
    live = projects.public_projects().order_by()
    before = live.filter(award_date__lt=oldest.first).count()
    new = _by_month(live.filter(award_date__gte=oldest.first), "award_date")
    done = _by_month(published_inspections().filter(visited_at__gte=start), "visited_at")
    pens = _by_month(
        publications.public().filter(kind=Publication.Kind.PENALTY, published_at__gte=start),
        "published_at",
    )
    comp = _by_month(Complaint.objects.filter(receipt_day__gte=oldest.first), "receipt_day")
    rows = []
    running = before
    for m in reversed(months):
        k = (m.year, m.month)
        running += new.get(k, 0)
        rows.append(
            {
                "m": m,
                "to_date": m == this_month(),
                "projects": running,
                "new_projects": new.get(k, 0),
                "inspections": done.get(k, 0),
                "penalties": pens.get(k, 0),
                "complaints": comp.get(k, 0),
            }
        )
    return list(reversed(rows))


def stamp() -> tuple[Any, ...]:
    """The summary's cache stamp: the published projects, inspections and
    publications and the complaints (one aggregate each) and the audit chain
    (ADR 0921, 0922)."""
    p = projects.public_projects().order_by().aggregate(n=Count("pk"), t=Max("updated_at"))
    i = published_inspections().order_by().aggregate(n=Count("pk"), t=Max("published_at"))
    x = publications.public().order_by().aggregate(n=Count("pk"), t=Max("published_at"))
    c = Complaint.objects.order_by().aggregate(n=Count("pk"), m=Max("pk"), s=Max("state"))
    return public_cache.stamp(*p.values(), *i.values(), *x.values(), *c.values())
