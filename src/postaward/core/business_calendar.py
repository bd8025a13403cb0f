"""The business calendar: working days under the Chinese statutory calendar.

A working day is Monday to Friday, except public holidays, plus the make-up
working days (调休上班) on weekends. Exceptions live in ``CalendarDay`` (seeded
from ``chinesecalendar``, editable by administrators); a year without a
``CalendarYear`` row falls back to "weekends off" and is reported by
``uncovered_years`` so the shell can warn.

Periods follow the Civil Code, arts. 201-203 (R-CAL-01, ADR 0035): the day on
which the period starts is not counted (期间开始之日不计入), a period ends at
24:00 of its last day, and a period counted in calendar days whose last day is a
rest day (a statutory holiday, or a Saturday or Sunday that is not a make-up
working day) ends at 24:00 of the next working day. Working-day periods always
end on a working day and need no roll.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from . import clock

_CACHE_SECONDS = 60.0
_lock = threading.Lock()


@dataclass(frozen=True)
class _Data:
    overrides: dict[dt.date, str]  # date -> CalendarDay.Kind value
    names: dict[dt.date, str]
    covered: frozenset[int]


# ``generation`` grows with every invalidation: a reader that loaded the table
# before an edit committed must not store its (stale) copy after the edit's
# ``invalidate()``, or the old calendar would be served for a whole cache period.
_cache: dict[str, object] = {"data": None, "at": 0.0, "generation": 0}


def invalidate() -> None:
    """Forget the cached exceptions (after an edit, or between tests).

    Other processes (web workers, the task worker) see an edit within
    ``_CACHE_SECONDS``.
    """
    with _lock:
        _cache["data"] = None
        _cache["generation"] = int(_cache["generation"]) + 1  # type: ignore[call-overload]


def _data() -> _Data:
    with _lock:
        data = _cache["data"]
        at = float(_cache["at"])  # type: ignore[arg-type]
        generation = _cache["generation"]
    if data is not None and time.monotonic() - at < _CACHE_SECONDS:
        return data  # type: ignore[return-value]
    from .models import CalendarDay, CalendarYear

    overrides: dict[dt.date, str] = {}
    names: dict[dt.date, str] = {}
    for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        overrides[day] = kind
        names[day] = name
    covered = frozenset(CalendarYear.objects.values_list("year", flat=True))
    fresh = _Data(overrides=overrides, names=names, covered=covered)
    with _lock:
        if _cache["generation"] == generation:
            _cache["data"] = fresh
            _cache["at"] = time.monotonic()
    return fresh


def is_working_day(day: dt.date) -> bool:
    kind = _data().overrides.get(day)
    if kind == "holiday":
        return False
    if kind == "makeup_workday":
        return True
    return day.weekday() < 5


def describe_day(day: dt.date) -> str:
    """A short Chinese label: 工作日 / 周末 / 国庆节（休） / 调休上班."""
    data = _data()
    kind = data.overrides.get(day)
    name = data.names.get(day, "")
    if kind == "holiday":
        return f"{name or '节假日'}（休）"
    if kind == "makeup_workday":
        return f"调休上班{('（' + name + '）') if name else ''}"
    return "工作日" if day.weekday() < 5 else "周末"


def is_covered(year: int) -> bool:
    return year in _data().covered


def uncovered_years(first: int, last: int) -> list[int]:
    """Years in [first, last] that fall back to weekends-only."""
    covered = _data().covered
    return [y for y in range(first, last + 1) if y not in covered]


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_days(start: dt.date, days: int) -> dt.date:
    """The last day of a legal period of ``days`` calendar days starting on ``start``
    (R-CAL-01, Civil Code arts. 201-203).

    The start day is not counted: an event on 2026-03-01 with 20 days ends on
    2026-03-21 (at 24:00). Holidays inside the period count; but if the last day
    is a rest day the period ends on the next working day: a report received on
    2026-09-30 with 5 days ends on 2026-10-08, not on the holiday 10-05. A period
    of 0 days ends on the day itself ("当日"), never rolled."""
    return calendar_period(start, days)[1]


def calendar_period(start: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """(nominal last day, last day after the roll) of a calendar-day period."""
    if days < 0:
        raise ValueError("days must be >= 0")
    nominal = start + dt.timedelta(days=days)
    return nominal, (next_working_day(nominal) if days else nominal)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (the start day not counted).

    Received 2026-09-30 (Wednesday), 3 working days: 10-01..10-07 are the
    National Day holiday, 10-08 and 10-09 are days 1 and 2, and Saturday 10-10 is
    a make-up working day, so the period ends on 2026-10-10.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie in (start, end]: the start day not counted."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


class Unit:
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    LABELS = {WORKING_DAYS: "工作日", CALENDAR_DAYS: "自然日"}


def period_end(start: dt.date, length: int, unit: str) -> dt.date:
    """The last day of a period in either unit (a calendar-day period rolled
    off a rest day, R-CAL-01)."""
    return period_ends(start, length, unit)[1]


def period_ends(
    start: dt.date, length: int, unit: str, *, roll: bool = True
) -> tuple[dt.date, dt.date]:
    """(nominal last day, actual last day): they differ when a calendar-day
    period's nominal last day is a rest day and the period rolls (R-CAL-01).
    ``roll=False``: a deadline fixed by a date of fact (the day of the work),
    not a period, ends on that day whatever it is."""
    if unit == Unit.WORKING_DAYS:
        end = add_working_days(start, length)
        return end, end
    if unit == Unit.CALENDAR_DAYS:
        nominal, end = calendar_period(start, length)
        return nominal, (end if roll else nominal)
    raise ValueError(f"unknown unit {unit!r}")


def rest_day_label(day: dt.date) -> str:
    """Why a day is a rest day: 法定节假日 / 周六 / 周日 (empty for a working day)."""
    if is_working_day(day):
        return ""
    if _data().overrides.get(day) == "holiday":
        return "法定节假日"
    return "周六" if day.weekday() == 5 else "周日"


def roll_note(nominal: dt.date | None, end: dt.date) -> str:
    """ "原届满 10-05 为法定节假日，顺延至 10-08" when the period rolled, else ""."""
    if nominal is None or nominal == end:
        return ""
    fmt = "%m-%d" if nominal.year == end.year else "%Y-%m-%d"
    why = rest_day_label(nominal) or "休息日"
    return f"原届满 {nominal:{fmt}} 为{why}，顺延至 {end:{fmt}}"


def due_at(start: dt.datetime | dt.date, length: int, unit: str) -> dt.datetime:
    """When a period that starts with an event at ``start`` runs out (24:00 local)."""
    start_day = clock.local_date(start) if isinstance(start, dt.datetime) else start
    return clock.end_of_day(period_end(start_day, length, unit))


def describe_period(
    start: dt.date, length: int, unit: str, basis: str = "", *, roll: bool = True
) -> str:
    """ "自 2026-09-30 起 3 个工作日，至 2026-10-10 24:00（依据 …）"; a period that
    rolled off a rest day says so: "…至 2026-10-08 24:00（原届满 10-05 为法定节假日，
    顺延至 10-08）".

    A period of length 0 ends on the day it starts (the daily supervision log):
    "当日（2026-06-15）24:00 前" rather than "0 个自然日"."""
    nominal, end = period_ends(start, length, unit, roll=roll)
    if length == 0:
        text = f"当日（{end:%Y-%m-%d}）24:00 前"
    else:
        text = f"自 {start:%Y-%m-%d} 起 {length} 个{Unit.LABELS[unit]}，至 {end:%Y-%m-%d} 24:00"
        if note := roll_note(nominal, end):
            text += f"（{note}）"
    return f"{text}（依据：{basis}）" if basis else text


def seed_from_chinesecalendar(years: range | None = None) -> int:
    """Load holidays and make-up working days from the chinesecalendar package.

    Idempotent: years already present (from either source) are left alone, so
    that an administrator's edits are never overwritten. Returns the number of
    years added.
    """
    import chinese_calendar

    from .models import CalendarDay, CalendarYear

    holidays = chinese_calendar.constants.holidays
    workdays = chinese_calendar.constants.workdays
    known_years = sorted({d.year for d in holidays} | {d.year for d in workdays})
    wanted = years if years is not None else range(known_years[0], known_years[-1] + 1)
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    added = 0
    for year in wanted:
        if year in existing or year not in known_years:
            continue
        rows = []
        for day, holiday in holidays.items():
            if day.year == year:
                rows.append(
                    CalendarDay(
                        date=day,
                        kind=CalendarDay.Kind.HOLIDAY,
                        name=_holiday_name(holiday),
                        source=CalendarYear.Source.CHINESECALENDAR,
                    )
                )
        for day, holiday in workdays.items():
            if day.year == year and day.weekday() >= 5:
                rows.append(
                    CalendarDay(
                        date=day,
                        kind=CalendarDay.Kind.MAKEUP_WORKDAY,
                        name=_holiday_name(holiday),
                        source=CalendarYear.Source.CHINESECALENDAR,
                    )
                )
        CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
        CalendarYear.objects.create(
            year=year,
            source=CalendarYear.Source.CHINESECALENDAR,
            notice=f"国务院办公厅关于{year}年部分节假日安排的通知",
        )
        added += 1
    invalidate()
    return added


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(holiday: object) -> str:
    english = getattr(holiday, "value", holiday)
    if isinstance(english, tuple):
        english = english[0]
    return _HOLIDAY_NAMES.get(str(english), str(english))
