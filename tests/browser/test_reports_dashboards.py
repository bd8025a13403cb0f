"""The dashboards (R-REP-05, ADR 0913-0915): the office drills down from its
district to a project on a phone; the command-centre screen fills a
1920×1080 display with the map and the charts, and its JSON answers the
poll under the site's CSP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.reports.tests import factories as f
from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_rep_05_office_dashboard_drilled_down_on_a_phone(phone, district):
    f.known(district)
    login(phone, "office_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('reports_dashboard')}")
    head = phone.inner_text("[data-testid=headline]")
    assert "项目总数" in head and "未办结预警" in head and "信访举报在办" in head
    phone.wait_for_selector("#chart-stage canvas")
    phone.wait_for_selector("#chart-alerts canvas")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "reports-dashboard-phone")
    # district → industry → unit → project → the project's page
    phone.click("[data-testid=drill-rows] >> text=房建市政")
    settle(phone)
    assert "industry=housing" in phone.url
    phone.click("[data-testid=drill-rows] >> text=测试区第一中学")
    settle(phone)
    phone.click("[data-testid=drill-rows] >> text=第一中学教学楼工程")
    settle(phone)
    assert "第一中学教学楼工程" in phone.inner_text("[data-testid=drill]")
    phone.click("[data-testid=project-link]")
    settle(phone)
    assert phone.url.endswith(reverse("project_detail", args=[district.projects["p_school"].pk]))


def test_r_rep_05_screen_at_1920_by_1080(page, district):
    f.known(district)
    page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, "office_staff", PASSWORD)
    page.goto(f"{page.base_url}{reverse('reports_screen')}")
    page.wait_for_selector("#sc-map .leaflet-interactive")
    assert page.locator("#sc-map .leaflet-interactive").count() == 2  # both sites
    for chart in ("sc-alerts", "sc-clocks", "sc-rows", "sc-stage"):
        page.wait_for_selector(f"#{chart} canvas")
    # one screen, nothing to scroll
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.inner_text("#k-projects") == "2"
    # the poll's address answers under the CSP (connect-src 'self')
    status = page.evaluate(
        "fetch('/api/v1/reports/dashboard?points=1', {credentials: 'same-origin'}).then(r => r.status)"
    )
    assert status == 200
    screenshot(page, "reports-screen-1920")


def test_r_rep_05_screen_readable_on_a_phone(phone, district):
    f.known(district)
    login(phone, "office_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('reports_screen')}")
    phone.wait_for_selector("#sc-map .leaflet-interactive")
    phone.wait_for_selector("#sc-alerts canvas")
    # one column, nothing wider than the phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.inner_text("#k-alerts") == "2"
    screenshot(phone, "reports-screen-phone")
