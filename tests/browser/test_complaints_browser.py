"""A citizen files a complaint on a phone without an account, reads the receipt
number and the query code once (after the mobile verification code), and
tracks it; the office accepts it on its
page (R-CMP-01, R-CMP-05)."""

from __future__ import annotations

import re

import pytest

from postaward.core import sms
from postaward.testing import PASSWORD

from .conftest import answer_captcha, login, screenshot, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_files_and_tracks_a_complaint_on_a_phone(phone, page, district):
    phone.goto(f"{phone.base_url}/public/")
    phone.click("[data-testid=go-complaint]")
    phone.select_option("#id_standing", "interested")
    phone.fill("#id_project", "T-0001")
    phone.fill("#id_subject_text", "甲建设有限公司")
    phone.fill("#id_facts", "中标后项目经理从未到岗，现场由他人代管")
    phone.fill("#id_requests", "请依法查处")
    phone.fill("#id_name", "张三")
    phone.fill("#id_id_number", "110101199003074258")
    phone.fill("#id_mobile", "13812345678")
    # the verification code (ADR 0521): a plain submit, the form comes back filled in
    phone.click("[data-testid=send-code]")
    assert "138****5678" in phone.inner_text("[data-testid=code-notice]")
    assert phone.input_value("#id_facts") == "中标后项目经理从未到岗，现场由他人代管"
    sent = re.search(r"验证码为 (\d{6})", sms.outbox[-1].text)
    assert sent
    phone.fill("#id_sms_code", sent.group(1))
    answer_captcha(phone)
    phone.click("[data-testid=filing-submit]")
    number = phone.inner_text("[data-testid=receipt-number]")
    code = phone.inner_text("[data-testid=query-code]")
    assert re.fullmatch(r"TS\d{8}-\d{4}", number) and len(code) == 8
    screenshot(phone, "complaints-filed-phone")
    # the page is readable on the phone: nothing wider than the screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.goto(f"{phone.base_url}/public/complaints/track/")
    phone.fill("#id_number", number)
    phone.fill("#id_code", code)
    phone.click("button[type=submit]")
    assert phone.inner_text("[data-testid=tracked-state]") == "待受理"

    login(page, "office_staff", PASSWORD)
    page.goto(f"{page.base_url}/complaints/")
    page.click(f"text={number}")
    page.fill("#accept textarea", "经会商，决定受理")
    submit(page, "[data-testid=accept-submit]")
    assert page.inner_text("[data-testid=complaint-state]") == "已受理（办理中）"
    screenshot(page, "complaints-accepted")

    phone.goto(f"{phone.base_url}/public/complaints/track/")
    phone.fill("#id_number", number)
    phone.fill("#id_code", code)
    phone.click("button[type=submit]")
    assert phone.inner_text("[data-testid=tracked-state]") == "已受理（办理中）"
