"""Two departments' selections on one project become one joint inspection, in
the browser (issue 15 "done when"; R-INS-05): the office sees the candidate on
联合检查, picks the lead department's inspection and merges the other into it;
the page counts the visit saved and both departments' items are on the one
inspection."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_ins_05_two_departments_inspections_merged_into_one_visit(page, district):
    from postaward.inspections.models.visits import Inspection, InspectionState
    from postaward.inspections.services_visits import ChecklistItem
    from postaward.inspections.tests import factories_visits as f

    housing = f.scheduled(district, start=dt.date(2026, 3, 10))
    transport = f.scheduled(
        district,
        dept="transport",
        team=("transport_staff", "office_staff"),
        items=[
            ChecklistItem(
                "农民工工资支付", "《保障农民工工资支付条例》第二十四条", "资料检查", "标后"
            )
        ],
        start=dt.date(2026, 3, 15),
    )

    login(page, "office_staff", PASSWORD)
    page.goto(f"{page.base_url}/inspections/visits/joint/")
    settle(page)
    candidate = page.inner_text("[data-testid=candidate]")
    assert housing.number in candidate and transport.number in candidate
    assert "合并后节省 1 次" in candidate
    form = "[data-testid=merge-form]"
    page.select_option(f"{form} select[name=lead_id]", str(housing.pk))
    page.check(f"{form} input[name=other_ids][value='{transport.pk}']")
    page.click("[data-testid=merge-submit]")
    settle(page)
    body = page.inner_text("body")
    assert "农民工工资支付" in body and "测试区交通局" in body
    screenshot(page, "inspections-joint-merged")

    merged = Inspection.objects.get(pk=transport.pk)
    assert merged.state == InspectionState.MERGED and merged.merged_into_id == housing.pk
    page.goto(f"{page.base_url}/inspections/visits/joint/")
    settle(page)
    assert page.inner_text("[data-testid=visits-saved]") == "1"
    assert page.is_visible("[data-testid=no-candidates]")
