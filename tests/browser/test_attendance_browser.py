"""Attendance in a real browser: the phone check-in page with an emulated
position inside and outside the site fence (R-ATT-01), and the statistics
page drawing its chart (R-ATT-03)."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.testing import PASSWORD

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SITE = {"longitude": 120.87, "latitude": 30.03}  # p_school: a 200 m circle
OUTSIDE = {"longitude": 120.8800, "latitude": 30.0300, "accuracy": 15}  # about 960 m east


def test_check_in_inside_is_accepted_and_outside_is_refused(phone, district):
    from postaward.attendance.models import CheckIn

    login(phone, "pm_a", PASSWORD)
    phone.goto(f"{phone.base_url}/attendance/checkin/")
    assert phone.inner_text("[data-testid=project-name]") == "第一中学教学楼工程"
    button = phone.locator("[data-testid=checkin-button]")
    phone.wait_for_function(
        "() => !document.querySelector('[data-testid=checkin-button]').disabled"
    )
    # The distance is computed in the page from the site fence and the position.
    phone.wait_for_function(
        "() => document.querySelector('[data-testid=distance]').textContent.includes('在场地内')"
    )
    assert "±12 米" in phone.inner_text("[data-testid=accuracy]")
    screenshot(phone, "attendance-checkin-phone")

    button.click()
    result = phone.locator("[data-testid=checkin-result][data-state=accepted]")
    result.wait_for()
    assert "打卡成功" in result.inner_text()
    phone.wait_for_selector("[data-testid^=today-] li:has-text('打卡成功')")
    screenshot(phone, "attendance-checkin-accepted")

    # Walk away from the site: the page follows the position, the server refuses.
    phone.context.set_geolocation(OUTSIDE)
    phone.wait_for_function(
        "() => /^\\d+ 米/.test(document.querySelector('[data-testid=distance]').textContent)"
    )
    assert "米（允许 45 米以内）" in phone.inner_text("[data-testid=distance]")
    button.click()
    refused = phone.locator("[data-testid=checkin-result][data-state=refused]")
    refused.wait_for()
    text = refused.inner_text()
    assert "打卡失败" in text and "不在施工场地范围内" in text and "已留存记录" in text
    phone.wait_for_selector("[data-testid^=today-] li:has-text('打卡失败')")
    screenshot(phone, "attendance-checkin-refused")

    # Both are stored: one accepted, one refused with its reason; nothing dropped.
    rows = list(CheckIn.objects.order_by("at").values_list("accepted", "refusal", "distance_m"))
    assert [(a, r) for a, r, _ in rows] == [(True, ""), (False, "out_of_fence")]
    assert rows[1][2] > 700
    assert CheckIn.objects.values("idempotency_key").distinct().count() == 2


def test_statistics_draw_the_rates_lowest_first(page, district):
    from postaward.attendance import services
    from postaward.core import clock

    services.close_month(clock.today() - dt.timedelta(days=1), detect=False)
    login(page, "office_admin", PASSWORD)
    page.goto(f"{page.base_url}/attendance/stats/")
    page.wait_for_selector("[data-testid=chart] canvas")
    row = page.locator("[data-testid=rate-table] tbody tr").first
    assert "第一中学教学楼工程" in row.inner_text()
    assert "/" in row.inner_text() and "%" in row.inner_text()  # numerator/denominator = rate
    screenshot(page, "attendance-stats")
    row.get_by_role("link", name="看板（逐日）").click()
    page.wait_for_selector("[data-testid=board]")
    assert "考勤率 = 有效考勤天数 / 实际施工天数" in page.inner_text("main")
    screenshot(page, "attendance-board")
