"""The due dates of the monthly reports (YJ 四(三); R-REP-02, ADR 0920): the
ONE place of the 20th and the 25th.

Each reporting department reports month M "于每月20日前" to the coordinating
body; that body sends the district summary "于每月25日前" to the city and the
district discipline commission. Both days are of the month after M (a month
is reported once it is over), and 前 includes the day: the period ends at
24:00 of the 20th (25th). A 20th (25th) that is a rest day moves to the next
working day (Civil Code art. 203, R-CAL-01); a make-up working day stays.

The clock is an ordinary calendar-day period of ``core.deadlines``: it
starts on the 1st of the following month (not counted) and runs ``day - 1``
days, so the engine's own roll moves it off a rest day.
"""

from __future__ import annotations

import datetime as dt

from postaward.core import business_calendar, clock
from postaward.core.business_calendar import Unit
from postaward.core.deadlines import register_kind

DEPARTMENT_DAY = 20  # 各行业主管部门：每月20日前报送区发改局
SUMMARY_DAY = 25  # 牵头单位：每月25日前报送市发改委和区纪委监委

BASIS = (
    "资阳市雁江区工程招标投标领域突出问题系统治理实施方案 第四部分（三）："
    "形成报告……于每月20日前报送区发改局，由区发改局汇总形成全区招投标系统治理"
    "工作推进情况报告后于每月25日前报送市发改委和区纪委监委"
)

MONTHLY_REPORT = register_kind(
    "reports.monthly_report",
    "行业系统治理月度报告报送期限",
    "R-REP-02",
    BASIS,
    "industry_authority",
)
MONTHLY_SUMMARY = register_kind(
    "reports.monthly_summary",
    "全区系统治理推进情况报告报送期限",
    "R-REP-02",
    BASIS,
    "leading_group",
)


def first_of_next(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1)


def length(summary: bool) -> int:
    """The period's length in calendar days from the 1st (not counted)."""
    return (SUMMARY_DAY if summary else DEPARTMENT_DAY) - 1


def nominal_due(year: int, month: int, *, summary: bool) -> dt.date:
    return first_of_next(year, month) + dt.timedelta(days=length(summary))


def due_on(year: int, month: int, *, summary: bool) -> dt.date:
    """The last day for month ``month`` of ``year`` (the rest day rolled)."""
    return business_calendar.period_end(first_of_next(year, month), length(summary), UNIT)


def start_at(year: int, month: int) -> dt.datetime:
    return clock.start_of_day(first_of_next(year, month))


UNIT = Unit.CALENDAR_DAYS
