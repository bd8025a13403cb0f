"""How a due time reads on a page (R-CAL-01): a legal period ends at 24:00 of its
last day, so a due time of 00:00 local reads as "24:00" of the day before — the
same words as the period's description ("至 2026-12-18 24:00")."""

from __future__ import annotations

import datetime as dt

from postaward.core.clock import LOCAL_TZ, end_of_day
from postaward.core.templatetags.pa import due


def test_r_cal_01_a_period_end_reads_24_00_of_its_last_day():
    assert due(end_of_day(dt.date(2026, 12, 18))) == "2026-12-18 24:00"


def test_a_utc_due_time_is_shown_in_local_time():
    # 2026-12-18 16:00 UTC is 2026-12-19 00:00 in Shanghai: the end of the 18th
    assert due(dt.datetime(2026, 12, 18, 16, 0, tzinfo=dt.UTC)) == "2026-12-18 24:00"
    assert due(dt.datetime(2026, 12, 18, 7, 27, tzinfo=dt.UTC)) == "2026-12-18 15:27"


def test_no_due_time_is_a_dash():
    assert due(None) == "—"
    assert due(dt.datetime(2026, 1, 1, 9, 5, tzinfo=LOCAL_TZ)) == "2026-01-01 09:05"
