"""The reporting period of a ledger (ADR 0902): a month, a quarter, a year or
a date range, from the query string. A range (``from``/``to``) wins; otherwise
``year`` (default: this year) narrowed by ``quarter`` or ``month``."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from postaward.core import clock

QUARTERS = [(str(q), f"第{'一二三四'[q - 1]}季度") for q in range(1, 5)]
MONTHS = [(str(m), f"{m}月") for m in range(1, 13)]


def year_choices() -> list[tuple[str, str]]:
    this = clock.today().year
    return [(str(y), f"{y}年") for y in range(this, this - 6, -1)]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The local-midnight bounds [start, end + 1 day) for a moment field."""
        return clock.start_of_day(self.start), clock.start_of_day(self.end + dt.timedelta(days=1))


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _int(text: str | None, lo: int, hi: int) -> int | None:
    raw = (text or "").strip()
    if not raw.isdigit():
        return None
    n = int(raw)
    return n if lo <= n <= hi else None


def period_of(params: Any) -> Period:
    """``params``: a QueryDict or a dict (``from``, ``to``, ``year``, ``quarter``, ``month``)."""
    first, last = _day(params.get("from")), _day(params.get("to"))
    if first or last:
        first = first or dt.date(1990, 1, 1)
        last = last or clock.today()
        if last < first:
            first, last = last, first
        return Period(first, last, f"{first:%Y年%m月%d日}至{last:%Y年%m月%d日}")
    this = clock.today().year
    year = _int(params.get("year"), this - 5, this) or this
    month = _int(params.get("month"), 1, 12)
    quarter = _int(params.get("quarter"), 1, 4)
    if month:
        end = calendar.monthrange(year, month)[1]
        return Period(dt.date(year, month, 1), dt.date(year, month, end), f"{year}年{month}月")
    if quarter:
        m1 = 3 * quarter - 2
        end = calendar.monthrange(year, m1 + 2)[1]
        return Period(
            dt.date(year, m1, 1),
            dt.date(year, m1 + 2, end),
            f"{year}年第{'一二三四'[quarter - 1]}季度",
        )
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")
