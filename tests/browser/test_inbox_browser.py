"""The one inbox in a real browser (R-ALR-02, R-CHG-01, R-REP-04): an alert
waiting for the housing bureau is in its 我的待办 with the bell's count and the
menu badge; the alert reads as sentences in local time; disposing it moves the
to-do to the reviewer; the operation log shows 处置预警 with the fields side by
side; the requester of a change is told the decision and sees it in 我发起的.
Screenshots for the docs."""

from __future__ import annotations

import re

import pytest

from postaward.alerts import services
from postaward.alerts.indicators import Hit
from postaward.alerts.models import Alert
from postaward.approvals import services as approval_services
from postaward.approvals.tests import factories as f
from postaward.core.actor import SYSTEM
from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIGNAL = {
    "code": "mock_location",
    "score": 100,
    "explanation": "客户端报告启用了模拟定位（虚拟定位软件）",
}
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _alert(district) -> Alert:  # type: ignore[no-untyped-def]
    p = district.projects["p_school"]
    ind = services.update_indicator(
        actor=SYSTEM,
        indicator=services.indicator_for("attendance.cheat_confirmed"),
        level="industry_authority",
    )
    services.record_hit(
        ind,
        Hit(
            dedup_key="browser-inbox",
            title="考勤作弊经确认：pm_a（项目负责人（项目经理））",
            facts={
                "project": p.name,
                "project_text": f"项目：{p.name}。",
                "person": "pm_a",
                "position": "项目负责人（项目经理）",
                "enterprise": "甲建设有限公司",
                "at": "2026-03-09T07:27:00+00:00",
                "signals": [SIGNAL],
                "confirmed_by": "school_leader",
            },
            evidence=[
                {"label": "打卡时间", "value": "2026-03-09T07:27:00+00:00"},
                {"label": "作弊信号", "value": str(SIGNAL)},
            ],
            project_id=p.pk,
            subject_org_id=district.orgs["contractor_a"].pk,
            person_id=district.users["pm_a"].person.pk,
        ),
    )
    return Alert.objects.get()


def _switch(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def _plain(text: str) -> None:
    assert "{'" not in text and not ISO.search(text)
    assert not re.search(r"R-[A-Z]{3}-\d\d", text)


def test_alert_in_the_inbox_disposed_reviewed_and_logged(page, district):
    alert = _alert(district)

    # housing_staff: the bell says 待办 with the inbox's count, the menu a badge
    login(page, "housing_staff", PASSWORD)
    bell = page.inner_text("[data-testid=todo-bell]")
    assert "待办" in bell
    assert "消息" in page.inner_text("[data-testid=notification-bell]")
    page.click("[data-testid=todo-bell]")
    settle(page)
    rows = page.locator("[data-testid=todo-row]")
    assert rows.count() == int(page.inner_text("[data-testid=todo-count]"))
    assert rows.count() == int(page.inner_text("[data-testid=inbox-count]"))
    first = rows.first.inner_text()
    assert "处置预警" in first and "第一中学教学楼工程" in first
    assert page.locator("a.active [data-testid=menu-badge], [data-testid=menu-badge]").count() >= 1
    _plain(page.inner_text("[data-testid=todo-table]"))
    screenshot(page, "inbox-todos")

    # the alert reads as sentences, in Shanghai time
    rows.first.locator("a", has_text="办理").click()
    settle(page)
    main = page.inner_text("main")
    _plain(main)
    assert "客户端报告启用了模拟定位" in main and "15:27" in main
    screenshot(page, "alert-plain-chinese")
    page.check("input[name=finding][value=confirmed]")
    page.fill("textarea[name=note]", "已约谈项目经理并责令整改")
    page.click("[data-testid=dispose-submit]")
    settle(page)
    page.goto(f"{page.base_url}/inbox/")
    assert "处置预警" not in page.inner_text("[data-testid=todo-table]")

    # the office reviews it from its inbox
    _switch(page, "office_staff")
    page.goto(f"{page.base_url}/inbox/")
    assert "审核预警处置" in page.inner_text("[data-testid=todo-table]")

    # the operation log: the Chinese label, found by it, fields side by side
    _switch(page, "office_admin")
    page.goto(f"{page.base_url}/system/audit/?action=处置预警")
    settle(page)
    assert page.locator("[data-testid=audit-row]").count() == 1
    page.locator("[data-testid=audit-row] td.actions a").first.click()
    settle(page)
    assert page.inner_text("[data-testid=audit-action]") == "处置预警"
    changes = page.inner_text("[data-testid=audit-changes]")
    assert "处置结论" in changes and "已处置待审核" in changes
    _plain(page.inner_text("main"))
    screenshot(page, "audit-log-entry")
    alert.refresh_from_db()
    assert alert.state == "disposed"


def test_requester_is_told_the_decision_and_follows_it_in_my_requests(page, district):
    c = f.change(district)
    approval_services.review_change(actor=district.actor("chief_a"), change=c, opinion="同意")
    login(page, "pm_a", PASSWORD)
    assert page.inner_text("[data-testid=notification-count]") == "1"
    page.goto(f"{page.base_url}/inbox/?tab=mine")
    row = page.locator("[data-testid=request-row]").first.inner_text()
    assert "工程变更" in row and c.get_state_display() in row
    screenshot(page, "inbox-my-requests")
