"""Monthly reports on the small district (R-REP-02): the month opened for
the office (housing and transport report; the office is the coordinating
body, the district having no DRC), drafted, submitted."""

from __future__ import annotations

from postaward.core import clock
from postaward.testing import District

from .. import services_monthly as sm
from ..models import MonthlyReport


def this_month() -> tuple[int, int]:
    today = clock.today()
    return today.year, today.month


def opened(d: District, year: int | None = None, month: int | None = None) -> MonthlyReport:
    """The month opened; returns housing's report."""
    y, m = (year, month) if year and month else this_month()
    sm.open_month(d.orgs["office"], y, m)
    return MonthlyReport.objects.get(department=d.orgs["housing"], year=y, month=m)


def drafted(d: District, unit: str = "housing") -> MonthlyReport:
    y, m = this_month()
    sm.open_month(d.orgs["office"], y, m)
    r = MonthlyReport.objects.get(department=d.orgs[unit], year=y, month=m)
    return sm.draft(actor=d.actor(f"{unit}_staff"), report=r)


def submitted(d: District, unit: str = "housing") -> MonthlyReport:
    r = drafted(d, unit)
    return sm.submit(actor=d.actor(f"{unit}_staff"), obj=r)


def summary_of(d: District) -> MonthlyReport:
    y, m = this_month()
    sm.open_month(d.orgs["office"], y, m)
    return MonthlyReport.objects.get(summary=True, year=y, month=m)
