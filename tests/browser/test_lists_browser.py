"""The list component and the phone in a real browser (issue 11 §4, §6): a
ledger filtered, sorted, totalled and exported (the workbook holds exactly the
filtered rows, R-REP-05); the same ledger as cards at 390 px; the check-in
double tap recording one check-in; a check-in without a network queued on the
phone and sent when the network returns (R-ATT-01)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from postaward.testing import PASSWORD
from postaward.testing_xlsx import read_cells

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _changes(district, n: int = 24) -> None:  # type: ignore[no-untyped-def]
    from postaward.approvals.tests import factories as f

    d = f.extras(district)
    titles = ["基础换填", "楼梯间调整", "外墙保温变更", "屋面防水调整"]
    for i in range(n):
        f.change(
            d,
            title=f"{titles[i % 4]}{i:02d}",
            cost_delta=Decimal(12500 * (i + 1)),
            days_delta=i % 3,
        )


def _rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("[data-testid=list] tbody tr td[data-label=事项]").all_inner_texts()


def test_a_ledger_filters_sorts_totals_and_exports_the_filtered_rows(page, district):  # R-REP-05
    _changes(district)
    login(page, "pm_a", PASSWORD)
    page.goto(f"{page.base_url}/approvals/changes/")
    assert page.inner_text("[data-testid=list-count]") == "24"
    assert len(_rows(page)) == 20  # the first page
    page.fill("#lf-q", "楼梯间")
    page.click("[data-testid=list-search]")
    settle(page)
    assert page.inner_text("[data-testid=list-count]") == "6"
    # sort by cost, largest first (two clicks on the header)
    page.click("[data-testid=sort-cost]")
    page.click("[data-testid=sort-cost]")
    settle(page)
    rows = _rows(page)
    assert rows == [f"楼梯间调整{i:02d}" for i in (21, 17, 13, 9, 5, 1)]
    # totals of the filtered rows: 12,500 x (2+6+10+14+18+22) = 900,000.00 元
    totals = page.inner_text("[data-testid=list-totals]")
    assert "900,000.00" in totals and "合计（6 条）" in totals
    screenshot(page, "ledger-filters")
    with page.expect_download() as info:
        page.click("[data-testid=list-export]")
    cells = read_cells(Path(info.value.path()).read_bytes())
    exported = [c.text for c in cells if c.ref.startswith("C")][2:-1]  # title, heading, totals
    assert exported == rows
    # page size: 50 shows all 24 once the filter is cleared
    page.goto(f"{page.base_url}/approvals/changes/")
    page.select_option("[data-testid=list-per]", "50")
    settle(page)
    assert len(_rows(page)) == 24


def test_a_ledger_is_cards_on_a_phone(phone, district):
    _changes(district, 5)
    login(phone, "pm_a", PASSWORD)
    phone.goto(f"{phone.base_url}/approvals/changes/")
    row = phone.locator("[data-testid=list] tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    assert (
        phone.locator("[data-testid=list] thead").evaluate("h => getComputedStyle(h).display")
        == "none"
    )
    # every cell says what it is; nothing is wider than the phone
    label = row.locator("td[data-label=状态]").evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert "状态" in label
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # the banners do not eat the screen: no calendar warning for a contractor
    assert phone.locator("[data-testid=calendar-warning]").count() == 0
    screenshot(phone, "ledger-phone")
    # the detail page stacks: label above value, nothing wider than the phone
    row.get_by_role("link", name="办理/查看").click()
    phone.wait_for_selector("[data-testid=facts]")
    th = phone.locator("[data-testid=facts] th").first
    assert th.evaluate("t => getComputedStyle(t).display") == "block"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_fast_double_tap_records_one_check_in(phone, district):  # R-ATT-01
    from postaward.attendance.models import CheckIn

    login(phone, "pm_a", PASSWORD)
    phone.goto(f"{phone.base_url}/attendance/checkin/")
    phone.wait_for_function(
        "() => !document.querySelector('[data-testid=checkin-button]').disabled"
    )
    # two taps in the same task: the second finds the button disabled and busy
    disabled = phone.evaluate(
        "() => { const b = document.querySelector('[data-testid=checkin-button]');"
        " b.click(); b.click(); return b.disabled; }"
    )
    assert disabled is True  # disabled at once, until the answer
    phone.locator("[data-testid=checkin-result][data-state=accepted]").wait_for()
    settle(phone)
    assert CheckIn.objects.count() == 1
    # a real double tap: the second tap lands on the disabled button
    phone.wait_for_function(
        "() => !document.querySelector('[data-testid=checkin-button]').disabled"
    )
    phone.locator("[data-testid=checkin-button]").dblclick()
    phone.wait_for_function(
        "() => !document.querySelector('[data-testid=checkin-button]').disabled"
    )
    settle(phone)
    keys = list(CheckIn.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == 2 and len(set(keys)) == 2


def test_a_check_in_without_network_is_queued_and_sent_when_it_returns(phone, district):
    from postaward.attendance.models import CheckIn

    login(phone, "pm_a", PASSWORD)
    phone.goto(f"{phone.base_url}/attendance/checkin/")
    phone.wait_for_function(
        "() => !document.querySelector('[data-testid=checkin-button]').disabled"
    )
    phone.context.set_offline(True)
    phone.click("[data-testid=checkin-button]")
    phone.locator("[data-testid=checkin-result][data-state=queued]").wait_for()
    assert "已离线保存" in phone.inner_text("[data-testid=checkin-result]")
    assert "1" in phone.inner_text("[data-testid=checkin-queue]")
    queued = phone.evaluate("JSON.parse(localStorage.getItem('pa-checkin-queue'))")
    assert len(queued) == 1 and queued[0]["body"]["queued"] is True
    assert re.match(r"\d{4}-\d\d-\d\dT", queued[0]["body"]["client_at"])
    assert CheckIn.objects.count() == 0
    screenshot(phone, "attendance-checkin-offline")
    phone.context.set_offline(False)
    phone.wait_for_function(
        "() => document.querySelector('[data-testid=checkin-result]').textContent.includes('补传')"
    )
    phone.wait_for_function(
        "() => JSON.parse(localStorage.getItem('pa-checkin-queue')).length === 0"
    )
    c = CheckIn.objects.get()
    assert c.accepted and [s["code"] for s in c.signals] == ["delayed_upload"]
    assert c.idempotency_key == queued[0]["key"]
