"""The public site's interference register (R-ACT-06) and the reporter's
protection (R-CMP-04): anonymous filing with a captcha, a clear Chinese error
and nothing stored on bad input, one record per idempotency key, the follow-up
and additions by number and query code, the limits; and the reporter's
identity in no list, API answer, export, event, notice or page for anyone but
the office's handling staff, each reveal audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from postaward.core import clock
from postaward.core.models import AuditRecord, EventRecord, Todo

from .. import services_interference as svc
from ..models import InterferenceRecord
from . import factories_interference as f

pytestmark = pytest.mark.django_db

NEW = "/public/interference/new/"
TRACK = "/public/interference/track/"


def solved() -> dict[str, str]:
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def form(**kw: str) -> dict[str, str]:
    data = {
        "intervener_kind": "leader",
        "intervener_name": "李某",
        "intervener_post": "局长",
        "occurred_on": clock.today().isoformat(),
        "kind": "connections",
        "stage": "supervision",
        "project_text": "某道路工程",
        "request_text": "托人拉关系要求对质量问题不予处理",
        "contact": "13900001111",
        "idempotency_key": "pub-1",
    }
    data.update(kw)
    return data


def test_r_act_06_the_public_form_opens_without_an_account(district):
    page = Client().get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="captcha_1"' in html and "匿名登记" in html
    assert "/public/interference/new/" in Client().get("/public/").content.decode()


def test_r_act_06_a_wrong_captcha_is_refused_and_nothing_stored(district):
    r = Client().post(NEW, {**form(), "captcha_0": "x", "captcha_1": "1"})
    assert r.status_code == 422 and "验证码不正确" in r.content.decode()
    assert not InterferenceRecord.objects.exists()


def test_r_act_06_bad_public_input_answers_in_chinese_and_stores_nothing(district):
    r = Client().post(NEW, {**form(request_text="打招呼", intervener_name=""), **solved()})
    html = r.content.decode()
    assert r.status_code == 422
    assert "干预内容过短" in html or "请填写" in html
    assert not InterferenceRecord.objects.exists()
    assert not Todo.objects.filter(kind=svc.TODO_KIND).exists()


def test_r_act_06_public_filing_gives_number_and_code_and_reaches_office_and_discipline(
    district,
):
    r = Client().post(NEW, {**form(), **solved()})
    assert r.status_code == 201, r.content.decode()[:2000]
    rec = InterferenceRecord.objects.get()
    html = r.content.decode()
    assert rec.number in html and 'data-testid="query-code"' in html
    assert rec.channel == "public" and rec.reporter_user_id is None
    assert rec.reporter_contact_enc and "13900001111" not in rec.reporter_contact_enc
    orgs = set(
        Todo.objects.filter(kind=svc.TODO_KIND, state="open").values_list(
            "organisation_id", flat=True
        )
    )
    assert orgs == {district.orgs["office"].pk, district.orgs["discipline"].pk}
    assert InterferenceRecord.objects.visible_to(district.actor("discipline")).count() == 1
    # the same submission again (same key, same address): one record, a new code
    again = Client().post(NEW, {**form(), **solved()})
    assert again.status_code == 201 and InterferenceRecord.objects.count() == 1


def test_r_act_06_follow_up_and_add_with_number_and_code(district):
    filed = f.public_record(district)
    c = Client()
    src = {"REMOTE_ADDR": "10.0.0.9"}
    bad = c.post(TRACK, {"number": filed.record.number, "code": "WRONG123"}, **src)
    assert bad.status_code == 404 and "登记编号或查询码不正确" in bad.content.decode()
    ok = c.post(TRACK, {"number": filed.record.number, "code": filed.query_code}, **src)
    assert ok.status_code == 200 and 'data-testid="public-add-form"' in ok.content.decode()
    add = c.post(
        TRACK,
        {"number": filed.record.number, "code": filed.query_code, "text": "补充：当时有第三人在场"},
        **src,
    )
    assert add.status_code == 200 and 'data-testid="added"' in add.content.decode()
    rec = filed.record
    assert rec.additions.get().by == "reporter" and svc.verify_chain(rec)
    # a wrong code adds nothing
    c.post(TRACK, {"number": rec.number, "code": "WRONG123", "text": "冒充补充内容"}, **src)
    assert rec.additions.count() == 1


def test_r_act_06_public_filings_per_address_are_limited(district):
    from postaward.complaints.limits import TooMany

    for i in range(svc.PUBLIC_PER_HOUR):
        f.public_record(district, request_text=f"第{i}次登记的干预内容")
    with pytest.raises(TooMany):
        f.public_record(district, request_text="超过次数的干预内容")
    assert InterferenceRecord.objects.count() == svc.PUBLIC_PER_HOUR


# --- R-CMP-04: the reporter is not exposed --------------------------------------------------------


SECRETS = ("韩梅梅", "school_admin", "13900001111")


def _reported(d):
    person = d.users["school_admin"].person
    person.name = "韩梅梅"
    person.save(update_fields=["name"])
    staff = svc.record(actor=d.actor("school_admin"), report=f.report(concerns_officials=True))
    svc.add(actor=d.actor("school_admin"), record=staff, text="登记人补充的说明")
    public = f.public_record(d).record
    return staff, public


def _clean(where: str, text: str) -> None:
    for s in SECRETS:
        assert s not in text, f"{where} shows the reporter ({s})"


def test_r_cmp_04_r_act_06_reporter_in_no_list_api_export_event_notice_or_page(district):
    staff, public = _reported(district)
    for user in ("office_staff", "discipline", "office_admin"):
        c = district.client(user)
        for url in (
            "/accountability/interference/",
            "/accountability/interference/?export=xlsx",
            "/accountability/interference/?print=1",
            "/accountability/interference/monthly/",
            f"/accountability/interference/{staff.pk}/",
            f"/accountability/interference/{public.pk}/",
            "/api/v1/accountability/interference",
            f"/api/v1/accountability/interference/{staff.pk}",
            f"/api/v1/accountability/interference/{staff.pk}/additions",
            f"/api/v1/accountability/interference/monthly?month={clock.today():%Y-%m}",
        ):
            r = c.get(url)
            assert r.status_code == 200, (user, url, r.status_code)
            body = r.content.decode("utf-8", "replace") if "xlsx" not in url else ""
            if "xlsx" in url:
                from postaward.testing_xlsx import read_cells

                cells = read_cells(r.content)
                assert any("王某" in c.text for c in cells)  # the export holds the rows
                body = " ".join(c.text for c in cells)
            body = body.split("<main", 1)[-1]  # the header names the logged-in user
            _clean(f"{user} {url}", body)
    for e in EventRecord.objects.all():
        _clean(f"event {e.name}", json.dumps(e.payload, ensure_ascii=False))
    for t in Todo.objects.all():
        _clean("to-do", f"{t.title} {t.detail}")
    from postaward.alerts.models import Notification

    for n in Notification.objects.all():
        _clean(
            "notice",
            json.dumps(
                [str(getattr(n, f.attname)) for f in n._meta.concrete_fields], ensure_ascii=False
            ),
        )
    for a in AuditRecord.objects.filter(action__startswith="accountability."):
        _clean(f"audit {a.action}", json.dumps([a.before, a.after], ensure_ascii=False))


def test_r_cmp_04_only_the_office_handling_staff_reveal_the_reporter_audited(district):
    staff, public = _reported(district)
    url = f"/accountability/interference/{staff.pk}/reporter/"
    d = district.client("discipline")
    assert d.post(url, {"reason": "核查需要"}).status_code == 403
    c = district.client("office_staff")
    page = c.get(f"/accountability/interference/{staff.pk}/").content.decode()
    assert 'data-testid="reveal-form"' in page and "韩梅梅" not in page.split("<main", 1)[-1]
    assert c.post(url, {"reason": ""}).status_code == 422
    shown = c.post(url, {"reason": "核实干预情况需要联系登记人"})
    assert shown.status_code == 200 and "韩梅梅" in shown.content.decode()
    rec = AuditRecord.objects.get(action="accountability.interference_reporter_revealed")
    assert rec.after == {"reason": "核实干预情况需要联系登记人"}
    anon = c.post(
        f"/accountability/interference/{public.pk}/reporter/", {"reason": "核实需要"}
    ).content.decode()
    assert "匿名登记" in anon and "13900001111" in anon
    # every read of a record is audited
    assert AuditRecord.objects.filter(
        action="accountability.interference_read", object_id=str(staff.pk)
    ).exists()
