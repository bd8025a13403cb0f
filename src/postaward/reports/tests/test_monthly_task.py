"""R-REP-02: the worker opens the month just ended on the 1st, so every
department's clock runs without anyone starting a draft."""

from __future__ import annotations

import datetime as dt

from ..models import MonthlyReport
from ..tasks import open_last_month


def test_r_rep_02_on_the_1st_the_month_just_ended_is_opened_for_every_department(district):
    assert open_last_month(dt.date(2026, 6, 1)) == 3
    opened = MonthlyReport.objects.filter(year=2026, month=5)
    assert {(r.department.name, r.summary) for r in opened} == {
        ("测试区住建局", False),
        ("测试区交通局", False),
        ("测试区监管办", True),
    }
    # the 1st of January opens December of the year before
    assert open_last_month(dt.date(2027, 1, 1)) == 3
    assert MonthlyReport.objects.filter(year=2026, month=12).count() == 3


def test_r_rep_02_opening_the_month_again_opens_nothing_more(district):
    assert open_last_month(dt.date(2026, 6, 1)) == 3
    assert open_last_month(dt.date(2026, 6, 1)) == 0
    assert MonthlyReport.objects.filter(year=2026, month=5).count() == 3
