"""An authority's year against the minimum (R-INS-03; ADR 0806): the projects
it supervised that were awarded in the year (交易总数, per industry), the
minimum number of them to inspect — ``draw.minimum_samples``, the one place
the 5 % / 10 % / 30 rule lives — and the projects it actually inspected.

Read by accountability's detector (QZ 附件2 art. 6(一)); nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from postaward.core import clock
from postaward.projects.models import Project

from . import draw as algo
from .models import Inspection, InspectionDepartment, InspectionKind, InspectionState

# The visit is done once the inspectors signed the record; later stages are
# paperwork (report, sign-off, disclosure) and count as well.
DONE_STATES = (
    InspectionState.RECORD_SIGNED,
    InspectionState.REPORTED,
    InspectionState.SIGNED_OFF,
    InspectionState.PUBLISHED,
)
# The minimum is one of random checks (双随机抽查, special rounds included);
# routine visits registered by hand are not a sample.
SAMPLE_KINDS = (InspectionKind.RANDOM, InspectionKind.SPECIAL)


@dataclass(frozen=True)
class YearMinimum:
    """One authority's year: ``counts`` of awarded projects per industry,
    ``minimum`` to inspect (with the lines saying how it was reached) and the
    projects ``inspected``."""

    organisation_id: int
    year: int
    counts: dict[str, int]
    minimum: int
    inspected: int
    lines: list[str] = field(default_factory=list)

    @property
    def pool(self) -> int:
        return sum(self.counts.values())

    @property
    def short(self) -> int:
        return max(self.minimum - self.inspected, 0)


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return clock.start_of_day(dt.date(year, 1, 1)), clock.start_of_day(dt.date(year + 1, 1, 1))


def awarded_counts(organisation_id: int, year: int) -> dict[str, int]:
    """The authority's projects awarded in ``year``, per industry."""
    rows = (
        Project.objects.filter(industry_authority_id=organisation_id, award_date__year=year)
        .values("industry")
        .annotate(n=Count("id"))
    )
    return {r["industry"]: r["n"] for r in rows}


def inspected_projects(organisation_id: int, year: int) -> int:
    """Distinct projects the authority inspected in ``year`` (alone or as one
    of the departments of a joint inspection): random or special inspections
    whose visit took place in the year and whose record is signed."""
    start, end = _year_bounds(year)
    ids = InspectionDepartment.objects.filter(department_id=organisation_id).values("inspection_id")
    return (
        Inspection.objects.filter(
            pk__in=ids,
            kind__in=SAMPLE_KINDS,
            state__in=DONE_STATES,
            visited_at__gte=start,
            visited_at__lt=end,
        )
        .values("project_id")
        .distinct()
        .count()
    )


def year_minimum(organisation_id: int, year: int) -> YearMinimum:
    """The authority's ``year`` against the minimum (0 when it had no
    project awarded in the year)."""
    counts = awarded_counts(organisation_id, year)
    try:
        quota = algo.minimum_samples(counts, "random")
        minimum, lines = quota.total, quota.lines
    except algo.DrawRefused:
        minimum, lines = 0, []
    return YearMinimum(
        organisation_id=organisation_id,
        year=year,
        counts=counts,
        minimum=minimum,
        inspected=inspected_projects(organisation_id, year) if minimum else 0,
        lines=lines,
    )
