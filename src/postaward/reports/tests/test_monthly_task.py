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


def test_r_rep_02_a_department_generates_its_draft_from_the_list_page(district):
    from django.urls import reverse

    c = district.client("housing_staff")
    # a GET goes back to the list; the page is a write
    assert c.get(reverse("reports_monthly_new")).status_code == 302
    resp = c.post(reverse("reports_monthly_new"), {"year": "2026", "month": "5"})
    r = MonthlyReport.objects.get(year=2026, month=5, department__name="测试区住建局")
    assert resp.status_code == 302 and resp["Location"] == reverse(
        "reports_monthly_detail", args=[r.pk]
    )
    # the month was opened for every department with it, once
    assert MonthlyReport.objects.filter(year=2026, month=5).count() == 3
    # a bad month is refused and stores nothing
    resp = c.post(reverse("reports_monthly_new"), {"year": "2026", "month": "13"})
    assert resp.status_code == 302
    assert not MonthlyReport.objects.filter(month=13).exists()
    # a contractor may not
    assert district.client("pm_a").post(reverse("reports_monthly_new")).status_code == 403
