"""The mobile verification code of a public filing and the platform's short
messages to the complainant (ADR 0521; R-CMP-05 anti-abuse, R-CMP-02 the
answer on closing, R-CMP-04 no other person's identity in a message)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pytest
import time_machine
from django.db.models import F
from django.test import Client

from postaward.complaints import services as complaint_services
from postaward.complaints.models import Complaint, MobileCode
from postaward.core import clock, sms
from postaward.core.models import AuditRecord
from postaward.orgs import services as org_services
from postaward.orgs.choices import Role

from .test_public import COMPLAINT, _code, _file, api_sms_code, sms_code, solved

pytestmark = pytest.mark.django_db

URL = "/public/complaints/new/"
MOBILE = COMPLAINT["mobile"]


def _post(client: Client, data: dict) -> tuple[int, str]:
    r = client.post(URL, {**data, **solved()})
    return r.status_code, r.content.decode()


def test_r_cmp_05_the_right_code_files_and_the_receipt_reaches_the_mobile(district, caplog):
    c = Client()
    caplog.set_level(logging.INFO, logger="postaward.sms")
    page = c.get(URL).content.decode()
    assert 'name="send_code"' in page and "获取验证码" in page
    code = sms_code(c, MOBILE)
    assert code not in caplog.text  # the console backend never logs a code in clear
    status, html = _post(c, {**COMPLAINT, "sms_code": code})
    assert status == 201
    number, query = _code(html)
    receipt = sms.outbox[-1]
    assert receipt.purpose == "receipt" and receipt.mobile == MOBILE
    assert number in receipt.text and query in receipt.text
    assert query not in caplog.text and "138****5678" in caplog.text
    assert MobileCode.objects.get().used_at is not None
    # a used code files nothing more (other content, so not a retry)
    before = Complaint.objects.count()
    status, html = _post(
        c, {**COMPLAINT, "facts": "另一件事：现场安全员长期不在岗", "sms_code": code}
    )
    assert status == 422 and "验证码已使用" in html and Complaint.objects.count() == before


@pytest.mark.parametrize(
    ("given", "message"),
    [("", "请填写手机验证码"), ("000000", "验证码不正确，还可尝试 4 次")],
)
def test_r_cmp_05_a_missing_or_wrong_code_stores_nothing(district, given, message):
    c = Client()
    code = sms_code(c, MOBILE)
    status, html = _post(c, {**COMPLAINT, "sms_code": given if given != code else "111111"})
    assert status == 422 and message in html and 'data-testid="error-sms_code"' in html
    assert not Complaint.objects.exists()
    assert [m.purpose for m in sms.outbox] == ["verify"]


def test_r_cmp_05_five_wrong_tries_spend_the_code(district):
    c = Client()
    code = sms_code(c, MOBILE)
    wrong = "999999" if code != "999999" else "888888"
    for left in (4, 3, 2, 1):
        assert f"还可尝试 {left} 次" in _post(c, {**COMPLAINT, "sms_code": wrong})[1]
    assert "验证码错误次数过多" in _post(c, {**COMPLAINT, "sms_code": wrong})[1]
    # the right code no longer helps after five wrong tries
    status, html = _post(c, {**COMPLAINT, "sms_code": code})
    assert status == 422 and "验证码错误次数过多" in html
    assert not Complaint.objects.exists()


def test_r_cmp_05_a_code_expires_after_ten_minutes(district):
    c = Client()
    code = sms_code(c, MOBILE)
    with time_machine.travel(clock.now() + dt.timedelta(minutes=10, seconds=1)):
        status, html = _post(c, {**COMPLAINT, "sms_code": code})
    assert status == 422 and "验证码已过期" in html and not Complaint.objects.exists()
    with time_machine.travel(clock.now() + dt.timedelta(minutes=9, seconds=50)):
        assert _post(c, {**COMPLAINT, "sms_code": code})[0] == 201


def test_r_cmp_05_codes_are_limited_per_mobile_and_per_address(district):
    c = Client(REMOTE_ADDR="10.3.0.1")
    sms_code(c, MOBILE)
    again = c.post(URL, {"mobile": MOBILE, "send_code": "1"})
    assert again.status_code == 429 and "请 1 分钟后再重新获取" in again.content.decode()
    # ten an hour per address (other mobiles, a minute apart)
    for i in range(9):
        sms_code(c, f"1391234560{i}")
    assert MobileCode.objects.count() == 10
    blocked = c.post(URL, {"mobile": "13712345678", "send_code": "1"})
    assert blocked.status_code == 429 and "获取验证码过于频繁" in blocked.content.decode()
    assert MobileCode.objects.count() == 10
    # a bad number gets a Chinese error and no code
    bad = Client().post(URL, {"mobile": "1234", "send_code": "1"})
    assert bad.status_code == 422 and 'data-testid="code-error"' in bad.content.decode()
    assert MobileCode.objects.count() == 10


def test_r_cmp_05_ten_codes_a_day_per_mobile(district):
    for i in range(10):
        sms_code(Client(REMOTE_ADDR=f"10.4.0.{i}"), MOBILE)
    MobileCode.objects.update(created_at=F("created_at") - dt.timedelta(minutes=2))
    r = Client(REMOTE_ADDR="10.4.1.1").post(URL, {"mobile": MOBILE, "send_code": "1"})
    assert r.status_code == 429 and "今日获取验证码次数已达上限" in r.content.decode()


def test_r_cmp_05_an_anonymous_report_without_a_mobile_needs_no_code(district):
    report = {
        "kind": "report",
        "standing": "public",
        "subject_text": "某监理公司总监",
        "facts": "总监理工程师长期不在岗，监理日志由他人代签",
        "anonymous": "on",
    }
    assert _file(Client(), report).status_code == 201
    assert not MobileCode.objects.exists() and sms.outbox == []


def test_r_cmp_05_the_public_api_needs_the_code_but_an_integration_account_does_not(district):
    c = Client()
    body = {**COMPLAINT, "channel": "hotline"}
    missing = c.post("/api/v1/public/complaints", json.dumps(body), content_type="application/json")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "sms_code"
    assert not Complaint.objects.exists()
    code = api_sms_code(c, MOBILE)
    ok = c.post(
        "/api/v1/public/complaints",
        json.dumps({**body, "sms_code": code}),
        content_type="application/json",
    )
    assert ok.status_code == 201
    # the 12345 hotline's integration account verified the caller itself
    d = district
    feed, _ = org_services.create_account(
        actor=d.actor("office_admin"),
        organisation=d.orgs["office"],
        username="hotline_12345",
        roles=[Role.INTEGRATOR],
    )
    _, token = org_services.create_api_token(actor=d.actor("office_admin"), user=feed, name="12345")
    hotline = {**body, "mobile": "13600001111", "facts": "热线来电：项目经理长期不在岗"}
    r = Client().post(
        "/api/v1/public/complaints",
        json.dumps(hotline),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 201, r.content
    saved = Complaint.objects.get(receipt_number=r.json()["receipt_number"])
    assert saved.channel == "hotline" and saved.filed_by_id == feed.pk
    # a person's token does not skip the code
    _, personal = org_services.create_api_token(
        actor=d.actor("office_staff"), user=d.users["office_staff"], name="手机"
    )
    refused = Client().post(
        "/api/v1/public/complaints",
        json.dumps({**hotline, "facts": "又一件：项目经理长期不在岗"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {personal}",
    )
    assert refused.status_code == 403 and Complaint.objects.count() == 2


def test_r_cmp_02_the_answer_on_closing_reaches_the_complainant_and_nobody_else(district):
    d = district
    other = {
        **COMPLAINT,
        "name": "李四",
        "mobile": "13900001234",
        "id_number": "11010119900307803X",
    }
    number, _ = _code(_file(Client(REMOTE_ADDR="10.5.0.2"), other).content.decode())
    mine, _ = _code(_file(Client(REMOTE_ADDR="10.5.0.1"), COMPLAINT).content.decode())
    c = Complaint.objects.get(receipt_number=mine)
    staff = d.actor("office_staff")
    complaint_services.accept_complaint(actor=staff, complaint=c)
    c.refresh_from_db()
    complaint_services.close_complaint(
        actor=staff,
        complaint=c,
        outcome="substantiated",
        answer="经核查，反映问题属实，已责令整改。",
    )
    answer = sms.outbox[-1]
    assert answer.purpose == "answer" and answer.mobile == MOBILE
    assert mine in answer.text and "经核查，反映问题属实，已责令整改。" in answer.text
    for message in sms.outbox:
        for foreign in ("李四", "13900001234", "张三", COMPLAINT["id_number"]):
            assert foreign not in message.text
        if message.mobile == MOBILE:
            assert number not in message.text
    sent = AuditRecord.objects.get(action="complaints.answer_sent")
    assert MOBILE not in json.dumps(sent.after) and sent.after["sent"] is True
    assert re.search(r"收件编号 [A-Z]{2}\d{8}-\d{4}", answer.text)
