"""The public window without an account (R-CMP-01, R-CMP-05): the home page
with the channels and contacts, the filing form (Chinese errors per field,
nothing stored when refused, a retry stored once), the receipt number and the
query code shown once, the tracking page (number + code, rate limited), the
public API with the channel recorded, and the limits per address and mobile."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from postaward.complaints.choices import Channel, State
from postaward.complaints.models import Complaint
from postaward.complaints.services import code_matches
from postaward.core.files import minimal_pdf
from postaward.testing import db_fingerprint

pytestmark = pytest.mark.django_db

ID_NUMBER = "110101199003074258"

COMPLAINT = {
    "kind": "complaint",
    "standing": "interested",
    "project": "T-0001",
    "subject_text": "甲建设有限公司",
    "facts": "中标后项目经理从未到岗，现场由他人代管",
    "requests": "请依法查处",
    "name": "张三",
    "id_number": ID_NUMBER,
    "mobile": "13812345678",
}


def solved() -> dict[str, str]:
    """A captcha answered as a person would: the challenge's stored answer."""
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def sms_code(client: Client, mobile: str) -> str:
    """The verification code as a citizen gets it: the "获取验证码" button,
    then the message the console SMS backend delivered (ADR 0521). Earlier
    codes are moved two minutes back (the one-a-minute limit has its own test)."""
    import datetime as dt

    from django.db.models import F

    from postaward.complaints.models import MobileCode
    from postaward.core import sms

    MobileCode.objects.update(created_at=F("created_at") - dt.timedelta(minutes=2))
    r = client.post("/public/complaints/new/", {"mobile": mobile, "send_code": "1"})
    assert r.status_code == 200 and 'data-testid="code-notice"' in r.content.decode(), r.content
    found = re.search(r"验证码为 (\d{6})", sms.outbox[-1].text)
    assert found and sms.outbox[-1].mobile == mobile
    return found.group(1)


def api_sms_code(client: Client, mobile: str) -> str:
    """The verification code through the public API (``…/code``)."""
    from postaward.core import sms

    r = client.post(
        "/api/v1/public/complaints/code",
        json.dumps({"mobile": mobile}),
        content_type="application/json",
    )
    assert r.status_code == 202, r.content
    assert r.json() == {"mobile": mobile[:3] + "****" + mobile[-4:], "valid_minutes": 10}
    found = re.search(r"验证码为 (\d{6})", sms.outbox[-1].text)
    assert found
    return found.group(1)


def _file(client: Client, data: dict) -> Any:
    data = dict(data)
    if re.fullmatch(r"1\d{10}", data.get("mobile", "")) and "sms_code" not in data:
        data["sms_code"] = sms_code(client, data["mobile"])
    return client.post("/public/complaints/new/", {**data, **solved()})


def _code(html: str) -> tuple[str, str]:
    number = re.search(r'data-testid="receipt-number">([A-Z0-9-]+)<', html)
    code = re.search(r'data-testid="query-code">([A-Z0-9]+)<', html)
    assert number and code, html[:500]
    return number.group(1), code.group(1)


def test_r_cmp_05_the_home_page_shows_the_channels_and_contacts_without_login(district):
    from postaward.portal import services as portal_services

    portal_services.save_contacts(
        actor=district.actor("office_staff"),
        contacts=[
            {"name": "测试区监管办", "complaint_phone": "0575-8800 1234", "office_hours": "工作日"}
        ],
    )
    r = Client().get("/public/")
    html = r.content.decode()
    assert r.status_code == 200
    for text in (
        "我要投诉",
        "我要举报",
        "查询办理情况",
        "接待时间",
        "0575-8800 1234",
        "15个工作日内办结",
    ):
        assert text in html


def test_r_cmp_01_a_citizen_files_a_complaint_and_tracks_it_with_number_and_code(district):
    c = Client()
    assert c.get("/public/complaints/new/?kind=complaint").status_code == 200
    pdf = minimal_pdf(["evidence"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = _file(
        c,
        {**COMPLAINT, "evidence": SimpleUploadedFile("证据.pdf", pdf, "application/pdf")},
    )
    assert r.status_code == 201
    number, code = _code(r.content.decode())
    saved = Complaint.objects.get(receipt_number=number)
    assert saved.channel == Channel.ONLINE and saved.state == State.RECEIVED
    assert saved.project == district.projects["p_school"] and saved.files.count() == 1
    assert code not in json.dumps(list(Complaint.objects.values()), default=str)
    assert code_matches(saved, code)

    wrong = c.post("/public/complaints/track/", {"number": number, "code": "WRONG123"})
    assert wrong.status_code == 404 and "收件编号或查询码不正确" in wrong.content.decode()
    assert 'data-testid="tracked"' not in wrong.content.decode()
    ok = c.post("/public/complaints/track/", {"number": number, "code": code.lower()})
    assert ok.status_code == 200 and "待受理" in ok.content.decode()


def test_r_cmp_01_bad_input_gets_chinese_errors_per_field_and_stores_nothing(district):
    before = db_fingerprint()
    r = _file(
        Client(),
        {**COMPLAINT, "standing": "public", "facts": "太短", "mobile": "123", "id_number": "1"},
    )
    html = r.content.decode()
    assert r.status_code == 422
    for message in (
        "投诉须由当事人或利害关系人提出",
        "事实和理由过短",
        "手机号码",
        "身份证号码应为18位",
    ):
        assert message in html, message
    anon = _file(Client(), {**COMPLAINT, "anonymous": "on"})
    assert anon.status_code == 422 and "投诉须实名提出" in anon.content.decode()
    assert db_fingerprint() == before


def test_r_cmp_01_an_anonymous_report_needs_no_identity(district):
    r = _file(
        Client(),
        {
            "kind": "report",
            "standing": "public",
            "subject_text": "某监理公司总监",
            "facts": "总监理工程师长期不在岗，监理日志由他人代签",
            "anonymous": "on",
        },
    )
    assert r.status_code == 201
    number, _ = _code(r.content.decode())
    assert number.startswith("JB") and Complaint.objects.get(receipt_number=number).anonymous


def test_r_cmp_01_a_retried_filing_is_stored_once(district):
    c = Client()
    first = _file(c, {**COMPLAINT, "idempotency_key": "k-1"})
    again = _file(c, {**COMPLAINT, "idempotency_key": "k-1"})
    same_content = _file(c, {**COMPLAINT, "idempotency_key": "k-2"})
    numbers = {_code(x.content.decode())[0] for x in (first, again, same_content)}
    assert len(numbers) == 1 and Complaint.objects.count() == 1
    # the code shown last is the one that works (the first answer may have been lost)
    saved = Complaint.objects.get()
    assert code_matches(saved, _code(same_content.content.decode())[1])
    assert not code_matches(saved, _code(first.content.decode())[1])


def test_r_cmp_05_filings_are_limited_per_address_and_per_mobile(district):
    c = Client(REMOTE_ADDR="10.1.2.3")
    for i in range(5):
        body = {**COMPLAINT, "facts": f"第{i}次反映：项目经理从未到岗，现场由他人代管"}
        body["mobile"] = f"1381234567{i}"
        assert _file(c, body).status_code == 201
    before = db_fingerprint()
    r = _file(c, {**COMPLAINT, "facts": "第六次反映：项目经理从未到岗"})
    assert r.status_code == 429 and "提交过于频繁" in r.content.decode()
    assert db_fingerprint() == before
    other = Client(REMOTE_ADDR="10.9.9.9")
    for i in range(5):
        other_ip = Client(REMOTE_ADDR=f"10.8.0.{i}")
        body = {**COMPLAINT, "mobile": "13900000000", "facts": f"第{i}件：拖欠工资未付"}
        assert _file(other_ip, body).status_code == 201
    limited = _file(
        other,
        {**COMPLAINT, "mobile": "13900000000", "facts": "又一件：拖欠农民工工资未付"},
    )
    assert (
        limited.status_code == 429 and "该手机号码今日提交次数已达上限" in limited.content.decode()
    )


def test_r_cmp_05_tracking_is_rate_limited_per_address(district):
    c = Client(REMOTE_ADDR="10.2.3.4")
    number, code = _code(_file(c, COMPLAINT).content.decode())
    for _ in range(10):
        assert (
            c.post("/public/complaints/track/", {"number": number, "code": "AAAA2222"}).status_code
            == 404
        )
    blocked = c.post("/public/complaints/track/", {"number": number, "code": code})
    assert blocked.status_code == 429 and "查询失败次数过多" in blocked.content.decode()
    # another address is not blocked
    assert (
        Client(REMOTE_ADDR="10.2.3.5")
        .post("/public/complaints/track/", {"number": number, "code": code})
        .status_code
        == 200
    )


def test_r_cmp_01_the_public_api_files_with_the_channel_and_tracks(district):
    c = Client()
    before = db_fingerprint()
    bad = c.post(
        "/api/v1/public/complaints",
        json.dumps({**COMPLAINT, "facts": ""}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert {"field": "facts", "message": "请填写事实和理由"} in bad.json()["errors"]
    assert db_fingerprint() == before
    code = api_sms_code(c, COMPLAINT["mobile"])
    r = c.post(
        "/api/v1/public/complaints",
        json.dumps({**COMPLAINT, "channel": "hotline", "sms_code": code}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="hotline-0001",
    )
    assert r.status_code == 201, r.content
    out = r.json()
    saved = Complaint.objects.get(receipt_number=out["receipt_number"])
    assert saved.channel == Channel.HOTLINE
    retry = c.post(
        "/api/v1/public/complaints",
        json.dumps({**COMPLAINT, "channel": "hotline", "sms_code": code}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="hotline-0001",
    )
    assert retry.json()["receipt_number"] == out["receipt_number"] and retry.json()["replayed"]
    assert Complaint.objects.count() == 1
    tracked = c.post(
        "/api/v1/public/complaints/track",
        json.dumps({"number": out["receipt_number"], "code": retry.json()["query_code"]}),
        content_type="application/json",
    )
    assert tracked.status_code == 200 and tracked.json()["state"] == "received"
    assert "张三" not in tracked.content.decode()


def test_r_cmp_05_the_filing_form_needs_the_captcha_answered(district):
    c = Client()
    page = c.get("/public/complaints/new/").content.decode()
    image = re.search(r'<img src="(/public/captcha/\w+/)"', page)
    assert image and 'name="captcha_1"' in page
    shown = c.get(image.group(1))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    wrong = c.post("/public/complaints/new/", {**COMPLAINT, "captcha_0": "x", "captcha_1": "1"})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.content.decode()
    missing = c.post("/public/complaints/new/", COMPLAINT)
    assert missing.status_code == 422 and "请填写验证码" in missing.content.decode()
    assert not Complaint.objects.exists()


def test_r_cmp_04_a_complainant_reports_retaliation_with_number_and_code(district):
    from postaward.core.models import AuditRecord, EventRecord

    c = Client()
    number, code = _code(_file(c, COMPLAINT).content.decode())
    tracked = c.post("/public/complaints/track/", {"number": number, "code": code})
    assert 'data-testid="retaliation"' in tracked.content.decode()
    url = "/public/complaints/retaliation/"
    wrong = c.post(url, {"number": number, "code": "AAAA2222", "note": "被项目经理威胁不得再投诉"})
    assert wrong.status_code == 404
    short = c.post(url, {"number": number, "code": code, "note": "威胁"})
    assert short.status_code == 422 and "遭受打击报复的情况过短" in short.content.decode()
    assert not Complaint.objects.get(receipt_number=number).retaliation
    ok = c.post(url, {"number": number, "code": code, "note": "投诉后被项目经理威胁不得再投诉"})
    assert ok.status_code == 200 and 'data-testid="retaliation-done"' in ok.content.decode()
    saved = Complaint.objects.get(receipt_number=number)
    assert saved.retaliation and "被项目经理威胁" in saved.retaliation_note
    assert AuditRecord.objects.filter(action="complaints.report_retaliation").exists()
    event = EventRecord.objects.get(name="complaints.retaliation_reported")
    assert event.payload["receipt_number"] == number and "张三" not in json.dumps(event.payload)
    office = district.client("office_staff")
    assert 'data-testid="retaliation"' in office.get(f"/complaints/{saved.pk}/").content.decode()
    listed = office.get("/complaints/?retaliation=1").content.decode()
    assert number in listed


def test_r_cmp_04_the_complainant_downloads_their_own_notices_with_number_and_code(district):
    from postaward.complaints import services as complaint_services
    from postaward.complaints.choices import DocumentKind

    c = Client()
    number, code = _code(
        _file(c, {**COMPLAINT, "project": "城东安置房二期EPC招标"}).content.decode()
    )
    saved = Complaint.objects.get(receipt_number=number)
    complaint_services.accept_complaint(actor=district.actor("office_staff"), complaint=saved)
    notice = saved.documents.get(kind=DocumentKind.ACCEPTANCE)
    suspension = saved.documents.get(kind=DocumentKind.SUSPENSION)
    page = c.post("/public/complaints/track/", {"number": number, "code": code}).content.decode()
    assert 'data-testid="tracked-documents"' in page and notice.number in page
    assert suspension.number not in page  # the tenderer's notice is not the complainant's
    url = "/public/complaints/track/document/"
    r = c.post(url, {"number": number, "code": code, "document": notice.pk})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment")
    assert (
        c.post(url, {"number": number, "code": code, "document": suspension.pk}).status_code == 404
    )
    wrong = c.post(url, {"number": number, "code": "WRONG123", "document": notice.pk})
    assert wrong.status_code == 404 and "收件编号或查询码不正确" in wrong.content.decode()
    assert c.get(url).status_code == 422
    tracked = c.post(
        "/api/v1/public/complaints/track",
        json.dumps({"number": number, "code": code}),
        content_type="application/json",
    ).json()
    assert tracked["documents"] == [
        {"id": notice.pk, "title": "受理告知书", "number": notice.number}
    ]
