"""Foundation in a real browser: two users, two scopes, two portals (R-ORG-04)."""

from __future__ import annotations

import pytest

from postaward.testing import PASSWORD

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_authority_and_contractor_each_see_only_their_scope(page, district):
    # R-ORG-04: the housing authority sees the housing project, not the transport one.
    login(page, "housing_staff", PASSWORD)
    assert "监管工作台" in page.inner_text("main")
    assert "政务端" in page.inner_text(".pa-brand")
    assert page.inner_text("[data-stat=projects_total] .pa-stat-value") == "1"
    screenshot(page, "home-industry-authority")
    page.goto(f"{page.base_url}/projects/")
    table = page.inner_text("[data-testid=list-projects]")
    assert "第一中学教学楼工程" in table
    assert "人民医院停车场道路工程" not in table
    page.goto(f"{page.base_url}/projects/{district.projects['p_hospital'].pk}/")
    assert "对象不存在或无权访问" in page.inner_text("main")

    # R-ORG-04: contractor B works only on the hospital project, through the enterprise portal.
    page.context.clear_cookies()
    login(page, "contractor_b_admin", PASSWORD)
    assert "企业工作台" in page.inner_text("main")
    assert "企业端" in page.inner_text(".pa-brand")
    assert page.inner_text("[data-stat=projects_total] .pa-stat-value") == "1"
    screenshot(page, "home-contractor")
    page.goto(f"{page.base_url}/projects/")
    table = page.inner_text("[data-testid=list-projects]")
    assert "人民医院停车场道路工程" in table
    assert "第一中学教学楼工程" not in table


def test_login_lockout_message_in_browser(page, district):
    from postaward.orgs.services import login_failed_message

    login(page, "nobody", "wrong-password")
    unknown = page.inner_text("[data-testid=login-error]")
    for _ in range(5):
        login(page, "pm_a", "wrong-password")
    # One answer for an unknown account, a wrong password and a lock (ADR 0020).
    assert page.inner_text("[data-testid=login-error]") == unknown == login_failed_message()
    assert "暂停登录" in unknown
    login(page, "pm_a", PASSWORD)  # the right password does not open a locked account
    assert page.inner_text("[data-testid=login-error]") == unknown
