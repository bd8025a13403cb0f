"""The contact channels the supervision office publishes (R-CMP-05: 公布投诉
举报电话、通信地址、接待时间): edited by the office's staff and leaders on the
back office and through the API, audited, shown on the public home; other
roles and other districts refused (ADR 0520)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from postaward.core.models import AuditRecord
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import User
from postaward.portal import services
from postaward.portal.models import PublicContact
from postaward.testing import account, db_fingerprint, org

pytestmark = pytest.mark.django_db

PAGE = "/portal/contacts/"


def _form(rows: list[dict[str, str]], total: int | None = None) -> dict[str, str]:
    data = {
        "c-TOTAL_FORMS": str(total or len(rows)),
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "10",
    }
    for i, row in enumerate(rows):
        data.update({f"c-{i}-{k}": v for k, v in row.items()})
    return data


OFFICE_ROW = {
    "name": "测试区监管办",
    "complaint_phone": "0575-8800 1234",
    "report_phone": "0575-8800 1235",
    "mailing_address": "测试区清溪大道 88 号",
    "reception_address": "行政服务中心 3 楼 312 室",
    "office_hours": "工作日 8:30-12:00，14:00-17:30",
}


def test_r_cmp_05_contacts_edited_by_the_office_appear_on_the_public_page(district):
    d = district
    home = Client().get("/public/").content.decode()
    assert 'data-testid="contact-none"' in home
    staff = d.client("office_staff")
    page = staff.get(PAGE)
    assert page.status_code == 200 and 'data-testid="contacts-form"' in page.content.decode()
    hotline = {"name": "12345 热线", "complaint_phone": "12345", "office_hours": "全天 24 小时"}
    r = staff.post(PAGE, _form([OFFICE_ROW, hotline]))
    assert r.status_code == 302
    assert [c.name for c in services.of_office(d.orgs["office"].pk)] == [
        "测试区监管办",
        "12345 热线",
    ]
    home = Client().get("/public/").content.decode()
    for text in ("0575-8800 1234", "0575-8800 1235", "测试区清溪大道 88 号", "全天 24 小时"):
        assert text in home, text
    assert home.index("测试区监管办") < home.index("12345 热线")
    record = AuditRecord.objects.filter(action="portal.save_contacts").latest("pk")
    assert record.before == {"contacts": []}
    assert [c["name"] for c in record.after["contacts"]] == ["测试区监管办", "12345 热线"]
    # the office edits: drops the hotline, changes the hours
    edited = {**OFFICE_ROW, "office_hours": "工作日 9:00-17:00"}
    r = staff.post(PAGE, _form([edited, {**hotline, "delete": "on"}]))
    assert r.status_code == 302
    home = Client().get("/public/").content.decode()
    assert "工作日 9:00-17:00" in home and "12345 热线" not in home
    assert 'value="工作日 9:00-17:00"' in staff.get(PAGE).content.decode()
    # the same list again changes nothing and writes no audit record
    count = AuditRecord.objects.filter(action="portal.save_contacts").count()
    staff.post(PAGE, _form([edited]))
    assert AuditRecord.objects.filter(action="portal.save_contacts").count() == count


def test_r_cmp_05_bad_contacts_get_a_chinese_error_and_change_nothing(district):
    staff = district.client("office_staff")
    before = (db_fingerprint(), PublicContact.objects.count())
    r = staff.post(PAGE, _form([{"name": "监管办", "office_hours": "工作日"}]))
    assert r.status_code == 422 and "请至少填写投诉电话或举报电话" in r.content.decode()
    api = staff.put(
        "/api/v1/portal/contacts",
        json.dumps({"contacts": [{"name": "", "complaint_phone": "1"}]}),
        content_type="application/json",
    )
    assert api.status_code == 422 and "请填写受理机构" in api.json()["message"]
    assert (db_fingerprint(), PublicContact.objects.count()) == before


def test_r_cmp_05_the_api_reads_publicly_and_the_office_replaces_its_list(district):
    d = district
    body = {"contacts": [OFFICE_ROW]}
    r = d.client("office_staff").put(
        "/api/v1/portal/contacts", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 200 and r.json()[0]["office"] == d.orgs["office"].name
    listed = Client().get("/api/v1/portal/contacts")
    assert listed.status_code == 200
    assert listed.json()[0]["complaint_phone"] == "0575-8800 1234"


@pytest.mark.parametrize(
    ("user", "status"),
    [
        (None, 302),  # anonymous: to the login page
        ("office_admin", 403),  # the office's administrator manages accounts, not contacts
        ("housing_staff", 403),  # another unit's staff
        ("roleless", 403),
    ],
)
def test_r_cmp_05_only_the_offices_staff_and_leaders_edit_the_contacts(district, user, status):
    d = district
    c = d.client(user) if user else Client()
    before = (db_fingerprint(), PublicContact.objects.count())
    assert c.get(PAGE).status_code == status
    assert c.post(PAGE, _form([OFFICE_ROW])).status_code == status
    assert (db_fingerprint(), PublicContact.objects.count()) == before
    api = c.put(
        "/api/v1/portal/contacts",
        json.dumps({"contacts": [OFFICE_ROW]}),
        content_type="application/json",
    )
    assert api.status_code == (401 if user is None else 403)
    assert not PublicContact.objects.exists()


def test_r_cmp_05_another_districts_office_edits_only_its_own_list(district):
    d = district
    services.save_contacts(actor=d.actor("office_staff"), contacts=[OFFICE_ROW])
    other = org(None, "邻区监管办", OrgKind.SUPERVISION_OFFICE)
    account(other, "other_office_staff", [Role.OFFICE_STAFF])
    c = Client()
    c.force_login(User.objects.get(username="other_office_staff"))
    page = c.get(PAGE).content.decode()
    assert "0575-8800 1234" not in page  # it does not see, nor edit, our list
    r = c.post(PAGE, _form([{"name": "邻区监管办", "complaint_phone": "0571-1111 2222"}]))
    assert r.status_code == 302
    ours = services.of_office(d.orgs["office"].pk)
    assert [x.complaint_phone for x in ours] == ["0575-8800 1234"]
    assert [x.complaint_phone for x in services.of_office(other.pk)] == ["0571-1111 2222"]
    # everyone reads both offices' contacts on the public home
    home = Client().get("/public/").content.decode()
    assert "0575-8800 1234" in home and "0571-1111 2222" in home
