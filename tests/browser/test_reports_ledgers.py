"""On a phone: the office opens the post-award inspection ledger for this
year, reads its counts, and exports it in the exchanged layout (title, unit,
period, headings, totals, signature line) (R-REP-01)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from postaward.core import clock
from postaward.reports.tests import factories as f
from postaward.testing import PASSWORD
from postaward.testing_xlsx import read_cells

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r_rep_01_a_ledger_opened_and_exported_on_a_phone(phone, district):
    f.known(district)
    login(phone, "office_staff", PASSWORD)
    phone.goto(f"{phone.base_url}{reverse('reports_ledger_post_award')}")
    summary = phone.inner_text("[data-testid=ledger-summary]")
    assert f"{clock.today().year}年" in summary and "共发现问题 1" in summary
    assert "项目经理连续三日不在岗" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "reports-ledger-post-award-phone")
    # the filters (and the export) fold away on a phone
    phone.click("[data-testid=list-filters-toggle]")
    phone.wait_for_selector(".pa-list .collapse.show [data-testid=list-export]", state="visible")
    with phone.expect_download() as info:
        phone.click("[data-testid=list-export]")
    texts = [c.text for c in read_cells(Path(info.value.path()).read_bytes()) if c.text]
    assert texts[0] == "事后检查及整改台账"
    assert "填报单位：测试区监管办" in texts and f"统计期间：{clock.today().year}年" in texts
    assert "序号" in texts and "合计" in texts
    assert texts[-1].startswith("填报人：") and "审核人：" in texts[-1]
