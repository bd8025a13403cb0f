"""Bounded input types for the API: what the database and the calendar can hold.

A Python ``int`` has no upper bound and a ``date`` runs from year 1 to 9999; the
database stores 64-bit integers, and the calendar, deadlines and UTC conversion
overflow near either end of the date range. Every input schema, query and path
parameter of the API uses these types, so an out-of-range value is refused at
the edge with a Chinese 422 (and the OpenAPI document states the bound).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field, Strict

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

#: Any integer the database can store (signed 64 bits).
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]

#: A primary key or a reference to one (1 … 2⁶³-1).
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]

#: A count, offset or size (0 … 2⁶³-1).
Count = Annotated[int, Field(ge=0, le=INT64_MAX)]

#: The window of dates the platform accepts: a project, a leave, a change or a
#: deadline outside it is a typing error, and the calendar cannot reason about it.
MIN_DATE = dt.date(1980, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
DATE_WINDOW_MESSAGE = "日期应在 1980-01-01 至 2100-12-31 之间"


def check_date(value: dt.date) -> dt.date:
    """``value`` if inside the window, else a ``ValueError`` with the Chinese reason."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(DATE_WINDOW_MESSAGE)
    return value


def _check_datetime(value: dt.datetime) -> dt.datetime:
    check_date(value.date())
    return value


#: A calendar date inside the window.
Date = Annotated[dt.date, AfterValidator(check_date)]

#: A moment whose (local) date is inside the window.
DateTime = Annotated[dt.datetime, AfterValidator(_check_datetime)]

#: The same, for schemas that refuse ``"12"`` for ``12`` (strict mode).
StrictId = Annotated[int, Strict(), Field(ge=1, le=INT64_MAX)]
StrictInt64 = Annotated[int, Strict(), Field(ge=INT64_MIN, le=INT64_MAX)]

#: A GeoJSON position: [longitude, latitude] (an altitude, if sent, is ignored).
GeoPosition = Annotated[list[float], Field(min_length=2, max_length=3)]
