"""The whole way of a complaint and a report (issue #13, "done when";
R-CMP-01, R-CMP-02, R-CMP-03, R-CMP-05): a citizen on a phone files a
complaint and an anonymous report on the public site, reads the receipt
numbers and query codes and tracks both; the office accepts the complaint
(受理告知书) and, after the platform clock has passed the report's decision
clock and the sweep has raised the alert, rejects the report with reasons
(不予受理通知书); the complaint goes down to the owner, the owner answers, the
office approves the answer and closes; the citizen's tracking page shows the
answer."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from postaward.core import clock, deadlines, events, sms
from postaward.core.actor import SYSTEM
from postaward.core.models import Deadline
from postaward.core.services import set_clock_offset
from postaward.testing import PASSWORD

from .conftest import answer_captcha, login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "经核查，项目经理确未按投标承诺到岗，已责令施工单位限期整改并记入信用档案。"


def _file(phone, kind: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    phone.goto(f"{phone.base_url}/public/")
    phone.click(f"[data-testid=go-{kind}]")
    if kind == "complaint":
        phone.select_option("#id_standing", "interested")
        phone.fill("#id_project", "T-0001")
        phone.fill("#id_subject_text", "甲建设有限公司")
        phone.fill("#id_facts", "中标后项目经理从未到岗，现场由他人代管")
        phone.fill("#id_requests", "请依法查处")
        phone.fill("#id_name", "张三")
        phone.fill("#id_id_number", "110101199003074258")
        phone.fill("#id_mobile", "13812345678")
        # the mobile verification code (ADR 0521), read from the log backend's outbox
        phone.click("[data-testid=send-code]")
        sent = re.search(r"验证码为 (\d{6})", sms.outbox[-1].text)
        assert sent
        phone.fill("#id_sms_code", sent.group(1))
    else:
        phone.select_option("#id_standing", "public")
        phone.fill("#id_project", "人民医院停车场道路工程")
        phone.fill("#id_subject_text", "乙建设有限公司")
        phone.fill("#id_facts", "夜间违规施工，扬尘未采取任何防护措施")
        phone.check("#id_anonymous")
    answer_captcha(phone)
    phone.click("[data-testid=filing-submit]")
    number = phone.inner_text("[data-testid=receipt-number]")
    code = phone.inner_text("[data-testid=query-code]")
    assert re.fullmatch(r"(TS|JB)\d{8}-\d{4}", number) and len(code) == 8
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    return number, code


def _track(phone, number: str, code: str) -> str:  # type: ignore[no-untyped-def]
    phone.goto(f"{phone.base_url}/public/complaints/track/")
    phone.fill("#id_number", number)
    phone.fill("#id_code", code)
    phone.click("button[type=submit]")
    return phone.inner_text("[data-testid=tracked-state]")


def _open(page, number: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{page.base_url}/complaints/")
    page.click(f"text={number}")
    settle(page)


def _as(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def _submit(page, step: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"[data-testid={step}-submit]")
    settle(page)


def _downloads(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """The document is listed on the case page; its PDF and Word files download."""
    row = page.locator("[data-testid=documents] div", has_text=title)
    assert row.count() == 1
    for link, magic in (("PDF", b"%PDF"), ("Word", b"PK")):
        href = row.get_by_role("link", name=link).get_attribute("href")
        resp = page.request.get(f"{page.base_url}{href}")
        assert resp.status == 200 and resp.body().startswith(magic), (title, link)


def test_r_cmp_01_a_complaint_and_a_report_from_the_phone_to_the_answer(phone, page, district):
    # The citizen files a complaint and an anonymous report and tracks both.
    complaint, c_code = _file(phone, "complaint")
    report, r_code = _file(phone, "report")
    assert report.startswith("JB")
    assert _track(phone, complaint, c_code) == "待受理"
    assert _track(phone, report, r_code) == "待受理"

    # The office sees the legal clocks (R-CMP-02) and accepts the complaint.
    login(page, "office_staff", PASSWORD)
    _open(page, complaint)
    clocks = page.inner_text("[data-testid=clocks]")
    assert "投诉受理决定期限" in clocks and "投诉办结期限" in clocks
    page.fill("[data-testid=accept-form] textarea[name=note]", "经会商，决定受理")
    _submit(page, "accept")
    assert page.inner_text("[data-testid=complaint-state]") == "已受理（办理中）"
    _downloads(page, "受理告知书")

    # Nobody decides on the report: the platform clock moves past its 5 days and
    # the scheduled sweep runs; the missed clock is an alert on the alert list.
    # Past the report's own due time (5 days from the day after receipt, rolled
    # off a weekend or holiday: from 7 to more days, depending on today).
    due = (
        Deadline.objects.filter(kind="complaints.report_decision", state=Deadline.State.OPEN)
        .latest("id")
        .due_at
    )
    try:
        set_clock_offset(actor=SYSTEM, offset=due - clock.now() + dt.timedelta(hours=1))
        deadlines.sweep()
        events.dispatch_pending()
        page.goto(f"{page.base_url}/alerts/")
        table = page.inner_text("[data-testid=alert-table]")
        assert "举报受理决定期限超期" in table and report in table
        # the office's own duty, not an enterprise's: no "企业层面" under the subject
        assert "本单位事项" in table and "企业层面" not in table
        screenshot(page, "complaints-flow-alert")
        _open(page, report)
        assert "已超期" in page.inner_text("[data-testid=clocks]")

        # Rejected late, with reasons from the list: 不予受理通知书 (R-CMP-03).
        page.check("[data-testid=reject-form] input[value=no_facts]")
        page.fill(
            "[data-testid=reject-form] textarea[name=note]", "未提供具体时间和证据，可补充后再反映"
        )
        _submit(page, "reject")
        assert page.inner_text("[data-testid=complaint-state]") == "不予受理"
        assert page.inner_text("[data-testid=decision]").startswith("不予受理")
        assert "没有具体的请求和必要的事实依据" in page.inner_text("[data-testid=reject-reasons]")
        _downloads(page, "不予受理通知书")

        # The complaint goes down to the owner (R-CMP-01), the owner answers.
        _open(page, complaint)
        page.select_option(
            "[data-testid=transfer-form] select[name=handling_org_id]", label="测试区第一中学"
        )
        page.fill("[data-testid=transfer-form] input[name=handling_days]", "5")
        page.fill("[data-testid=transfer-form] textarea[name=note]", "请核实项目经理到岗情况并回复")
        _submit(page, "transfer")
        assert page.inner_text("[data-testid=complaint-state]") == "已转办"

        _as(page, "school_admin")
        _open(page, complaint)
        page.fill(
            "[data-testid=reply-form] textarea[name=reply]",
            "经核查考勤记录，项目经理确未到岗，已约谈施工单位并责令整改",
        )
        _submit(page, "reply")
        assert page.inner_text("[data-testid=complaint-state]") == "已回复待审核"

        # The office approves the answer and closes with the answer (R-CMP-05).
        _as(page, "office_staff")
        _open(page, complaint)
        _submit(page, "approve_reply")
        assert page.inner_text("[data-testid=complaint-state]") == "回复已审核"
        page.select_option("[data-testid=close-form] select[name=outcome]", "substantiated")
        page.fill("[data-testid=close-form] textarea[name=answer]", ANSWER)
        _submit(page, "close")
        assert page.inner_text("[data-testid=complaint-state]") == "已办结"
        # the decision reads as what it was (受理), not the state the case is in now
        assert page.inner_text("[data-testid=decision]").startswith("受理（")
        screenshot(page, "complaints-flow-closed")

        # The citizen reads the answer; the report shows why it was not accepted.
        assert _track(phone, complaint, c_code) == "已办结"
        assert phone.inner_text("[data-testid=tracked-answer]") == ANSWER
        # ... and has it on the mobile too (the log backend's outbox)
        assert complaint in sms.outbox[-1].text and ANSWER[:20] in sms.outbox[-1].text
        screenshot(phone, "complaints-flow-answer-phone")
        assert _track(phone, report, r_code) == "不予受理"
        assert "没有具体的请求和必要的事实依据" in phone.inner_text("[data-testid=tracked]")
    finally:
        set_clock_offset(actor=SYSTEM, offset=dt.timedelta(0))
