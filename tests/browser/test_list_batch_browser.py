"""The list component's batch write in a real browser (issue 11 §4, R-REP-05):
the messages filtered, exported (exactly the filtered rows), two of them
selected and marked read in one batch (the count told, each row audited), and
the same list as cards on a 390 px phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from postaward.testing import PASSWORD
from postaward.testing_xlsx import read_cells

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _messages(district) -> list:  # type: ignore[no-untyped-def]
    from postaward.alerts.models import Notification

    me = district.users["school_admin"]
    made = [
        Notification.objects.create(
            recipient=me, key=f"b:{i}", kind="alert_created", title=f"{word}提醒{i}"
        )
        for i, word in enumerate(["临期", "临期", "临期", "超期"])
    ]
    Notification.objects.create(
        recipient=district.users["hospital_admin"],
        key="b:x",
        kind="alert_created",
        title="临期提醒x",
    )
    return made


def test_a_list_filters_exports_and_marks_the_selection_read(page, district):
    from postaward.core.models import AuditRecord

    made = _messages(district)
    login(page, "school_admin", PASSWORD)
    page.goto(f"{page.base_url}/notifications/")
    page.fill("#lf-q", "临期")
    page.click("[data-testid=list-search]")
    settle(page)
    assert page.inner_text("[data-testid=list-count]") == "3"  # not the hospital's message
    with page.expect_download() as info:
        page.click("[data-testid=list-export]")
    cells = read_cells(Path(info.value.path()).read_bytes())
    # column B (消息) below the title and the heading rows
    exported = sorted(c.text for c in cells if c.ref.startswith("B") and int(c.ref[1:]) > 2)
    assert exported == ["临期提醒0", "临期提醒1", "临期提醒2"]
    # select two rows: the batch button wakes up; mark them read
    assert page.is_disabled("[data-testid=batch-read]")
    boxes = page.locator("[data-testid=list] tbody .pa-sel-one")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert page.inner_text(".pa-batch-n") == "2"
    page.click("[data-testid=batch-read]")
    settle(page)
    assert "标为已读：成功 2 条" in page.content()
    assert page.inner_text("[data-testid=list-count]") == "3"  # the filter is kept
    screenshot(page, "list-batch-read")
    read = [n for n in made if type(n).objects.get(pk=n.pk).read_at is not None]
    assert len(read) == 2 and all("临期" in n.title for n in read)
    assert AuditRecord.objects.filter(action="alerts.read_notification").count() == 2


def test_a_converted_list_is_cards_on_a_phone(phone, district):
    _messages(district)
    login(phone, "school_admin", PASSWORD)
    phone.goto(f"{phone.base_url}/notifications/")
    row = phone.locator("[data-testid=list] tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    label = row.locator("td[data-label=状态]").evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert "状态" in label
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(f"{phone.base_url}/projects/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "list-projects-phone")
