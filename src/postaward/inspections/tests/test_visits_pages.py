"""The pages of the visits part: registration by hand, recording on a phone
through the page (photo with position and time), the ledger on the list
component, statistics, downloads; anonymous, wrong role, out of scope, in
scope (R-INS-05, R-INS-08, R-REP-01, R-ORG-04)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from postaward.cases.models import EnforcementCertificate
from postaward.testing_xlsx import read_cells

from ..models.visits import Evidence, Inspection, RectificationOrder
from . import factories_visits as f

pytestmark = pytest.mark.django_db


def _certs(d, *users: str) -> list[int]:
    return sorted(
        EnforcementCertificate.objects.filter(
            person__in=[d.users[u].person for u in users]
        ).values_list("pk", flat=True)
    )


def _form(d, **kw):
    data = {
        "project_id": d.projects["p_school"].pk,
        "department_id": d.orgs["housing"].pk,
        "inspector_ids": _certs(d, "housing_staff", "office_staff"),
        "common_items": ["key_staff", "wages"],
        "items_text": "安全文明施工｜住建部规定｜现场检查\n扬尘治理",
        "period_start": "2026-03-10",
        "period_end": "2026-03-20",
        "announced": "0",
        "kind": "special",
    }
    data.update(kw)
    return data


def test_r_ins_05_registration_by_hand_with_typed_and_picked_items(district):
    f.staff(district)
    r = district.client("office_staff").post("/inspections/visits/new/", _form(district))
    assert r.status_code == 302, r.content.decode()[:2000]
    i = Inspection.objects.get()
    assert [it.name for it in i.items.all()] == [
        "项目经理、总监等关键岗位人员到岗履职",
        "农民工工资支付",
        "安全文明施工",
        "扬尘治理",
    ]
    assert i.items.get(name="安全文明施工").basis == "住建部规定" and not i.announced


def test_r_ins_01_registration_by_hand_offers_the_work_list_items(district):
    """R-INS-01: the items a department registers by hand come from its work
    list (监管工作清单) of the year first, with their legal basis frozen on
    the inspection; another department's items are not offered to it."""
    from decimal import Decimal

    from postaward.core import clock

    from .. import services_draw

    f.staff(district)
    year = clock.local_date(clock.now()).year
    w = services_draw.create_item(
        actor=district.actor("housing_staff"),
        year=year,
        name="施工现场关键岗位人员到岗核查",
        basis_document="衢州市政府投资工程建设项目标后监管实施细则",
        basis_article="第五条",
        ratio_pct=Decimal("5"),
        frequency="每季度",
        method="on_site",
        stage="after",
        unannounced=False,
    )
    page = district.client("housing_staff").get("/inspections/visits/new/").content.decode()
    assert "施工现场关键岗位人员到岗核查" in page
    other = district.client("transport_staff").get("/inspections/visits/new/").content.decode()
    assert "施工现场关键岗位人员到岗核查" not in other
    # the office reads every department's work list and registers for housing
    r = district.client("office_staff").post(
        "/inspections/visits/new/",
        _form(district, common_items=[f"work-item:{w.pk}"], items_text=""),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    item = Inspection.objects.get().items.get()
    assert (item.name, item.basis, item.method) == (
        "施工现场关键岗位人员到岗核查",
        "《衢州市政府投资工程建设项目标后监管实施细则》第五条",
        "现场检查",
    )


def test_r_ins_09_registration_refuses_a_team_of_one_in_chinese(district):
    f.staff(district)
    r = district.client("office_staff").post(
        "/inspections/visits/new/", _form(district, inspector_ids=_certs(district, "housing_staff"))
    )
    assert r.status_code == 422 and "至少需要 2 名执法人员" in r.content.decode()
    assert not Inspection.objects.exists()


def test_r_ins_05_registration_scope(district):
    """A department registers only its own inspections; wrong roles are refused."""
    f.staff(district)
    assert Client().get("/inspections/visits/new/").status_code == 302
    assert district.client("contractor_a_admin").get("/inspections/visits/new/").status_code == 403
    r = district.client("transport_staff").post("/inspections/visits/new/", _form(district))
    assert r.status_code == 422 and not Inspection.objects.exists()
    api = district.client("transport_staff").post(
        "/api/v1/inspections/visits",
        {
            "project_id": district.projects["p_school"].pk,
            "department_id": district.orgs["housing"].pk,
            "inspector_ids": _certs(district, "housing_staff", "office_staff"),
            "common_items": ["key_staff"],
            "period_start": "2026-03-10",
            "period_end": "2026-03-20",
        },
        content_type="application/json",
    )
    assert api.status_code == 422 and not Inspection.objects.exists()


def test_r_ins_05_an_inspector_records_a_finding_with_a_photo_on_the_page(district):
    i = f.on_site(district)
    item = i.items.first()
    c = district.client("housing_staff")
    page = c.get(f"/inspections/visits/{i.pk}/").content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    r = c.post(
        f"/inspections/visits/{i.pk}/steps/record/",
        {
            "item_id": item.pk,
            "result": "finding",
            "description": "现场无项目经理",
            "subject_org_id": district.orgs["contractor_a"].pk,
            "photo": f.photo(),
            "lat": "30.031",
            "lon": "120.871",
            "accuracy": "12",
            "taken_at": "2026-03-10T01:30:00Z",
        },
    )
    assert r.status_code == 302
    e = Evidence.objects.get()
    assert (e.lat, e.lon, e.accuracy_m) == (30.031, 120.871, 12.0)
    assert e.taken_at == dt.datetime(2026, 3, 10, 1, 30, tzinfo=dt.UTC)
    # the photo through the one download path, in scope only
    assert c.get(f"/inspections/evidence/{e.pk}/").status_code == 200
    assert (
        district.client("transport_staff").get(f"/inspections/evidence/{e.pk}/").status_code == 404
    )
    assert Client().get(f"/inspections/evidence/{e.pk}/").status_code == 302


def test_r_ins_05_a_refused_record_changes_nothing(district):
    i = f.on_site(district)
    r = district.client("housing_staff").post(
        f"/inspections/visits/{i.pk}/steps/record/",
        {"item_id": i.items.first().pk, "result": "finding", "description": ""},
    )
    assert r.status_code == 422 and "请填写问题描述" in r.content.decode()
    assert not i.findings.exists()


def test_r_ins_05_detail_page_scope(district):
    i = f.scheduled(district)
    url = f"/inspections/visits/{i.pk}/"
    assert Client().get(url).status_code == 302
    assert district.client("transport_staff").get(url).status_code == 404
    assert district.client("contractor_a_admin").get(url).status_code == 404
    for user in ("office_staff", "housing_staff", "housing_admin"):
        assert district.client(user).get(url).status_code == 200
    assert district.client("contractor_a_admin").get("/inspections/visits/").status_code == 403
    assert district.client("office_staff").get("/inspections/visits/").status_code == 200


def test_r_rep_01_the_ledger_is_scoped_filtered_and_exported(district):
    with __import__("time_machine").travel(
        dt.datetime(2026, 3, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        o = f.order(district)
    for user in ("office_staff", "housing_staff", "contractor_a_admin"):
        r = district.client(user).get("/inspections/rectifications/")
        assert r.status_code == 200 and o.number in r.content.decode()
    r = district.client("contractor_b_admin").get("/inspections/rectifications/")
    assert r.status_code == 200 and o.number not in r.content.decode()
    assert district.client("discipline").get("/inspections/rectifications/").status_code == 403
    r = district.client("office_staff").get("/inspections/rectifications/?state=open&export=xlsx")
    texts = [c.text for c in read_cells(r.content)]
    assert o.number in texts and "项目经理连续三日不在岗" in texts
    r = district.client("office_staff").get("/inspections/rectifications/?state=closed")
    assert o.number not in r.content.decode()


def test_r_ins_08_the_subject_replies_on_the_page_and_the_inspector_verifies(district):
    o = f.order(district)
    url = f"/inspections/rectifications/{o.pk}/"
    assert district.client("contractor_b_admin").get(url).status_code == 404
    c = district.client("contractor_a_admin")
    assert c.get(url).status_code == 200
    r = c.post(f"{url}steps/reply/", {"text": "项目经理已到岗", "file": f.photo()})
    assert r.status_code == 302
    # the inspection itself stays out of the subject's reach
    assert c.get(f"/inspections/visits/{o.inspection_id}/").status_code == 404
    r = district.client("housing_staff").post(
        f"{url}steps/verify/", {"verdict": "passed", "note": "已核实"}
    )
    assert r.status_code == 302
    assert RectificationOrder.objects.get(pk=o.pk).state == "closed"
    reply = o.replies.get()
    assert c.get(f"/inspections/replies/{reply.pk}/file/").status_code == 200
    assert (
        district.client("contractor_b_admin")
        .get(f"/inspections/replies/{reply.pk}/file/")
        .status_code
        == 404
    )


def test_statistics_page_and_export(district):
    f.order(district)
    c = district.client("office_staff")
    r = c.get("/inspections/visits/statistics/")
    assert r.status_code == 200 and "项目经理到岗履职" in r.content.decode()
    r = c.get("/inspections/visits/statistics/?export=xlsx")
    assert r.status_code == 200 and read_cells(r.content)
    assert (
        district.client("contractor_a_admin").get("/inspections/visits/statistics/").status_code
        == 403
    )


def test_r_ins_05_a_document_goes_with_the_result_through_the_checked_upload(district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from postaward.core.files import minimal_pdf

    i = f.on_site(district)
    url = f"/inspections/visits/{i.pk}/steps/record/"
    c = district.client("housing_staff")
    bad = SimpleUploadedFile("记录.pdf", b"<html>not a pdf</html>", "application/pdf")
    r = c.post(url, {"item_id": i.items.first().pk, "result": "compliant", "document": bad})
    assert r.status_code == 422 and "只接受" in r.content.decode()
    assert not Evidence.objects.exists()
    pdf = SimpleUploadedFile("检查记录.pdf", minimal_pdf(["jiancha"]), "application/pdf")
    r = c.post(url, {"item_id": i.items.first().pk, "result": "compliant", "document": pdf})
    assert r.status_code == 302
    e = Evidence.objects.get()
    assert e.content_type == "application/pdf" and e.original_name == "检查记录.pdf"
