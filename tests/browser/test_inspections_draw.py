"""The double-random draw in the browser (issue 15 "done when"; R-INS-01,
R-INS-02): the office builds the plan (an item, a routine and a special
round), its head approves it, the office publishes the commitment, draws and
publishes the seed; an anonymous citizen opens the public verification page
and gets the same list, 一致."""

from __future__ import annotations

import pytest

from postaward.testing import PASSWORD

from .conftest import IN_FLIGHT, login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _go(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}{url}")
    settle(page)


def _click(page, testid: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"[data-testid={testid}]")
    settle(page)


def _round(page, quarter: str, kind: str, title: str, item: str) -> None:  # type: ignore[no-untyped-def]
    page.select_option("[name=round-quarter]", quarter)
    page.select_option("[name=round-kind]", kind)
    page.fill("[name=round-title]", title)
    page.select_option("[name=round-item_ids]", [item])
    _click(page, "round-submit")


def test_r_ins_02_office_draws_and_a_citizen_verifies(page, browser, live_server, district):
    from postaward.cases.tests import factories as cf
    from postaward.inspections.models import Draw, WorkItem

    cf.staff(district)
    login(page, "office_staff", PASSWORD)

    # the work list item (R-INS-01)
    _go(page, "/inspections/items/new/")
    page.fill("[name=name]", "关键岗位人员到岗履职情况")
    page.fill("[name=basis_document]", "衢州市政府投资工程建设项目标后监管实施细则")
    page.fill("[name=basis_article]", "第五条")
    page.fill("[name=ratio_pct]", "5")
    page.fill("[name=frequency]", "每季度")
    _click(page, "submit")
    assert "关键岗位人员到岗履职情况" in page.inner_text("[data-testid=inspection-items]")
    item = str(WorkItem.objects.get().pk)

    # the yearly plan with a routine and a special round
    _go(page, "/inspections/plans/new/")
    page.fill("[name=title]", "2026年度联合抽查计划")
    _click(page, "submit")
    _round(page, "2", "routine", "第二季度日常抽查", item)
    assert page.is_visible("[data-testid=no-special]")
    page.wait_for_selector("[data-testid=submit-refused]")  # no special inspection yet
    _round(page, "3", "special", "质量安全专项检查", item)
    _click(page, "submit-submit")
    assert "待审批" in page.inner_text("[data-testid=plan-state]")
    plan_url = page.url

    page.context.clear_cookies()
    login(page, "office_head", PASSWORD)
    page.goto(plan_url)
    _click(page, "approve-submit")
    assert "已批准" in page.inner_text("[data-testid=plan-state]")

    # commit, draw, reveal (R-INS-02)
    page.context.clear_cookies()
    login(page, "office_staff", PASSWORD)
    page.goto(plan_url)
    _click(page, "commit-submit")
    assert "已公布承诺" in page.inner_text("[data-testid=draw-state]")
    seed_hash = page.inner_text("[data-testid=seed-hash]")
    _click(page, "draw-submit")
    assert "已抽取" in page.inner_text("[data-testid=draw-state]")
    _click(page, "reveal-submit")
    assert "已公布种子" in page.inner_text("[data-testid=draw-state]")
    staff_list = page.inner_text("[data-testid=selections]")
    assert "第一中学教学楼工程" in staff_list
    assert "向上取整" in page.inner_text("[data-testid=explanation]")
    screenshot(page, "inspections-draw-revealed")
    number = Draw.objects.get().number

    # an anonymous citizen re-runs it on the public site
    citizen = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    citizen.add_init_script(IN_FLIGHT)
    try:
        pub = citizen.new_page()
        pub.goto(f"{live_server.url}/public/inspections/draws/")
        pub.click(f"text={number}")
        settle(pub)
        assert pub.inner_text("[data-testid=seed-hash]") == seed_hash
        pub.click("[data-testid=verify-link]")
        settle(pub)
        assert pub.inner_text("[data-testid=verify-result]").strip() == "一致"
        assert pub.inner_text("[data-testid=selections]") == staff_list
        screenshot(pub, "inspections-draw-public-verify")
    finally:
        citizen.close()
