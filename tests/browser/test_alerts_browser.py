"""Alert disposal in a real browser (R-ALR-02, R-ORG-02): the owner disposes,
the superior unit's line sends it back, the owner disposes again with
evidence, the line closes it. Screenshots for the docs."""

from __future__ import annotations

import pytest

from postaward.alerts import services
from postaward.alerts.indicators import Hit
from postaward.alerts.models import Alert
from postaward.core.files import minimal_pdf
from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _alert(district) -> Alert:  # type: ignore[no-untyped-def]
    p = district.projects["p_school"]
    services.record_hit(
        services.indicator_for("attendance.absence_streak"),
        Hit(
            dedup_key="browser",
            title="连续 3 天未考勤：pm_a（项目负责人（项目经理））",
            facts={
                "project": p.name,
                "project_text": f"项目：{p.name}（{p.code}）。",
                "enterprise": "甲建设有限公司",
                "person": "pm_a",
                "position": "项目负责人（项目经理）",
                "first_day": "2026-03-06",
                "days": 3,
                "threshold": 2,
            },
            evidence=[{"label": "缺勤日期", "value": "2026-03-06、2026-03-07、2026-03-08"}],
            project_id=p.pk,
            subject_org_id=district.orgs["contractor_a"].pk,
            person_id=district.users["pm_a"].person.pk,
        ),
    )
    return Alert.objects.get()


def _open(page, alert: Alert) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}/alerts/")
    page.click(f"tr[data-pk='{alert.pk}'] td.actions a")
    settle(page)


def _dispose(page, note: str, evidence=None) -> None:  # type: ignore[no-untyped-def]
    page.check("input[name=finding][value=confirmed]")
    page.fill("textarea[name=note]", note)
    if evidence:
        page.set_input_files("input[name=evidence]", evidence)
    page.click("[data-testid=dispose-submit]")
    settle(page)


def _review(page, decision: str, note: str) -> None:  # type: ignore[no-untyped-def]
    """``decision``: the step ``close`` or ``send_back`` (alerts/steps.py)."""
    page.fill(f"[data-testid={decision}-form] textarea[name=note]", note)
    page.click(f"[data-testid={decision}-submit]")
    settle(page)


def _switch(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def test_owner_disposes_line_sends_back_owner_disposes_again_line_closes(page, district, tmp_path):
    alert = _alert(district)

    # The owner sees the alert in its inbox, with the deadline and its rule.
    login(page, "school_admin", PASSWORD)
    assert page.inner_text("[data-testid=notification-count]") == "1"
    page.goto(f"{page.base_url}/alerts/")
    assert alert.number in page.inner_text("[data-testid=alert-table]")
    screenshot(page, "alerts-inbox-owner")
    _open(page, alert)
    assert "连续 3 天无有效考勤" in page.inner_text("[data-testid=alert-explanation]")
    deadline = page.inner_text("[data-testid=deadline]")
    assert "个工作日" in deadline
    assert "建设单位" in page.inner_text("[data-testid=alert-chain] .current")
    screenshot(page, "alerts-detail-owner")
    _dispose(page, "已约谈项目经理，要求每日按时考勤")
    assert page.inner_text("[data-testid=alert-state]") == "已处置待审核"
    assert page.locator("[data-testid=dispose-form]").count() == 0

    # The line reviews and sends it back.
    _switch(page, "line_supervisor")
    page.goto(f"{page.base_url}/alerts/?tab=review")
    assert alert.number in page.inner_text("[data-testid=alert-table]")
    page.click(f"tr[data-pk='{alert.pk}'] td.actions a")
    settle(page)
    assert page.locator("[data-testid=dispose-form]").count() == 0  # read-only for disposal
    # The review is two steps of the registry (alerts/steps.py): close and send back.
    assert page.locator("[data-testid=close-form]").count() == 1
    page.locator("[data-testid=send_back-form]").scroll_into_view_if_needed()
    screenshot(page, "alerts-detail-review")
    # Sending back without a reason is refused beside the field, the page kept.
    page.click("[data-testid=send_back-submit]")
    settle(page)
    assert page.locator("[data-testid=send_back-form] .invalid-feedback").count() == 1
    assert page.inner_text("[data-testid=alert-state]") == "已处置待审核"
    _review(page, "send_back", "请上传约谈记录")
    assert page.inner_text("[data-testid=alert-state]") == "退回重办"

    # The owner disposes again, with the interview record.
    _switch(page, "school_admin")
    _open(page, alert)
    assert "请上传约谈记录" in page.inner_text("[data-testid=alert-history]")
    pdf = tmp_path / "约谈记录.pdf"
    pdf.write_bytes(minimal_pdf(["interview record"]))
    _dispose(page, "已上传约谈记录，项目经理已到岗", evidence=str(pdf))
    assert page.inner_text("[data-testid=alert-state]") == "已处置待审核"
    assert "约谈记录.pdf" in page.inner_text("[data-testid=alert-history]")

    # The line closes it.
    _switch(page, "line_supervisor")
    _open_review = f"{page.base_url}/alerts/{alert.pk}/"
    page.goto(_open_review)
    _review(page, "close", "同意办结")
    assert page.inner_text("[data-testid=alert-state]") == "已办结"
    history = page.inner_text("[data-testid=alert-history]")
    for step in ["生成预警", "派发", "处置反馈", "审核退回", "审核办结"]:
        assert step in history
    screenshot(page, "alerts-detail-closed")
    alert.refresh_from_db()
    assert alert.state == "closed" and alert.finding == "confirmed"
    assert [s.kind for s in alert.steps.order_by("at", "id")] == [
        "created",
        "dispatched",
        "disposed",
        "returned",
        "disposed",
        "closed",
    ]
    assert alert.attachments.count() == 1

    # The office's statistics page draws its charts and map.
    _switch(page, "office_admin")
    page.goto(f"{page.base_url}/alerts/stats/")
    page.wait_for_selector("#chart-month canvas")
    assert page.locator("#alert-map .leaflet-interactive").count() >= 1
    screenshot(page, "alerts-stats")
