"""Complainants are protected (R-CMP-04): the identity is encrypted at rest,
absent from every list, export, API answer, event and audit before/after,
revealed only to the assigned office staff (or the handler the office named
and shared it with, never the unit complained about), and every reveal is
audited. The unit complained about does not see the complaint at all unless
it is transferred to it, and then without the identity."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from postaward.core.errors import ValidationFailed
from postaward.core.models import AuditRecord, EventRecord
from postaward.testing import db_fingerprint

from .. import services
from ..models import Complaint
from . import factories as f

pytestmark = pytest.mark.django_db

ID_NUMBER = "110101199003074258"


def _secret_values(c: Complaint) -> list[str]:
    return [f.NAME, f.MOBILE, ID_NUMBER, "人民路1号"]


def _about_school(d, **kw):  # type: ignore[no-untyped-def]
    c = f.accepted(d, subject_text="测试区第一中学（建设单位）", id_number=ID_NUMBER, **kw)
    Complaint.objects.filter(pk=c.pk).update(subject_org=d.orgs["school"])
    return Complaint.objects.get(pk=c.pk)


def _leaks(text: str, c: Complaint) -> list[str]:
    return [v for v in _secret_values(c) if v in text]


def test_r_cmp_04_identity_is_encrypted_at_rest(district):
    c = f.received(district, id_number=ID_NUMBER)
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM complaints_complaint WHERE id = %s", [c.pk])
        row = " ".join(str(v) for v in cur.fetchone())
    assert _leaks(row, c) == []
    assert c.name_enc and c.mobile_enc and c.id_number_enc


def test_r_cmp_04_the_unit_complained_about_cannot_see_the_complaint(district):
    c = _about_school(district)
    for username in ("school_admin", "school_leader", "line_supervisor", "edu_admin"):
        client = district.client(username)
        assert client.get(f"/api/v1/complaints/{c.pk}").status_code == 404
        assert client.get(f"/complaints/{c.pk}/").status_code == 404
        listed = client.get("/api/v1/complaints")
        assert listed.status_code == 200 and listed.json() == []
        assert c.receipt_number not in client.get("/complaints/").content.decode()


def test_r_cmp_04_transferred_to_the_unit_complained_about_only_without_the_identity(district):
    c = _about_school(district)
    staff = district.actor("office_staff")
    before = db_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        services.transfer_complaint(
            actor=staff,
            complaint=c,
            handling_org_id=district.orgs["school"].pk,
            handling_days=5,
            note="请核实并回复",
            handler_id=district.users["school_admin"].pk,
            share_identity=True,
        )
    assert "不得提供给被投诉单位" in str(refused.value)
    assert db_fingerprint() == before
    services.transfer_complaint(
        actor=staff,
        complaint=c,
        handling_org_id=district.orgs["school"].pk,
        handling_days=5,
        note="请核实并回复",
        handler_id=district.users["school_admin"].pk,
    )
    client = district.client("school_admin")
    page = client.get(f"/complaints/{c.pk}/")
    assert page.status_code == 200 and _leaks(page.content.decode(), c) == []
    assert 'data-testid="reveal-form"' not in page.content.decode()
    api = client.post(
        f"/api/v1/complaints/{c.pk}/identity",
        json.dumps({"reason": "核实情况"}),
        content_type="application/json",
    )
    assert api.status_code == 403


def test_r_cmp_04_identity_absent_from_lists_exports_api_events_and_audit(district):
    c = f.transferred(district, id_number=ID_NUMBER)
    services.reply_complaint(
        actor=district.actor("housing_staff"), complaint=c, reply="已到现场核实，责令整改完毕"
    )
    services.approve_reply(actor=district.actor("office_staff"), complaint=c)
    services.close_complaint(
        actor=district.actor("office_staff"),
        complaint=c,
        outcome="substantiated",
        answer="经核查，反映问题属实，已责令整改。",
    )
    for username in ("office_staff", "office_admin", "housing_staff", "housing_admin"):
        client = district.client(username)
        for url in (
            "/complaints/",
            "/complaints/?export=xlsx",
            "/complaints/?print=1",
            f"/complaints/{c.pk}/",
            "/api/v1/complaints",
            f"/api/v1/complaints/{c.pk}",
            f"/api/v1/complaints/{c.pk}/steps",
        ):
            r = client.get(url)
            assert r.status_code == 200, (username, url, r.status_code)
            assert _leaks(r.content.decode("utf-8", "replace"), c) == [], (username, url)
        # the xlsx is zipped: read its cells
        from postaward.testing_xlsx import read_cells

        cells = " ".join(x.text for x in read_cells(client.get("/complaints/?export=xlsx").content))
        assert c.receipt_number in cells and _leaks(cells, c) == []
    records = json.dumps(
        list(AuditRecord.objects.values("before", "after", "object_repr")), ensure_ascii=False
    )
    assert _leaks(records, c) == []
    outbox = json.dumps(list(EventRecord.objects.values("payload")), ensure_ascii=False)
    assert "complaints.verified" in set(EventRecord.objects.values_list("name", flat=True))
    assert _leaks(outbox, c) == []


def test_r_cmp_04_the_assigned_staff_reveals_with_a_reason_and_the_reveal_is_audited(district):
    c = f.accepted(district, id_number=ID_NUMBER)
    assert c.assignee_id == district.users["office_staff"].pk
    url = f"/api/v1/complaints/{c.pk}/identity"
    body = json.dumps({"reason": "电话联系投诉人核实情况"})
    for username in ("office_admin", "housing_staff"):
        r = district.client(username).post(url, body, content_type="application/json")
        assert r.status_code in (403, 404), username
    assert not AuditRecord.objects.filter(action="complaints.reveal_identity").exists()
    r = district.client("office_staff").post(url, body, content_type="application/json")
    assert r.status_code == 200
    assert r.json() == {
        "name": f.NAME,
        "id_number": ID_NUMBER,
        "mobile": f.MOBILE,
        "contact": "联系地址：测试区人民路1号",
    }
    rec = AuditRecord.objects.get(action="complaints.reveal_identity")
    assert rec.actor_user_id == district.users["office_staff"].pk
    assert rec.after == {"reason": "电话联系投诉人核实情况"}
    # the page: a reason first, then the identity, the reveal audited again
    page = district.client("office_staff").post(
        f"/complaints/{c.pk}/identity/", {"reason": "再次核实"}
    )
    assert page.status_code == 200 and f.NAME in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert AuditRecord.objects.filter(action="complaints.reveal_identity").count() == 2
    empty = district.client("office_staff").post(f"/complaints/{c.pk}/identity/", {"reason": ""})
    assert empty.status_code == 422 and f.NAME not in empty.content.decode()


def test_r_cmp_04_a_named_handler_reveals_only_when_the_office_shared_it(district):
    c = f.accepted(district, id_number=ID_NUMBER)
    services.transfer_complaint(
        actor=district.actor("office_staff"),
        complaint=c,
        handling_org_id=district.orgs["housing"].pk,
        handling_days=5,
        note="请核实并回复",
        handler_id=district.users["housing_staff"].pk,
        share_identity=True,
    )
    url = f"/api/v1/complaints/{c.pk}/identity"
    body = json.dumps({"reason": "联系投诉人了解现场情况"})
    assert (
        district.client("housing_staff").post(url, body, content_type="application/json")
    ).status_code == 200
    assert (
        district.client("housing_admin").post(url, body, content_type="application/json")
    ).status_code == 403


def test_r_cmp_04_an_anonymous_report_has_no_identity_to_reveal(district):
    c = f.accepted(
        district, kind="report", standing="public", anonymous=True, name="", id_number="", mobile=""
    )
    assert c.anonymous and not c.name_enc and not c.mobile_enc
    r = district.client("office_staff").post(
        f"/api/v1/complaints/{c.pk}/identity",
        json.dumps({"reason": "核实"}),
        content_type="application/json",
    )
    assert r.status_code == 403


def test_r_cmp_04_evidence_reaches_a_handling_unit_only_with_the_identity(district, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from postaward.core.files import minimal_pdf

    pdf = SimpleUploadedFile("身份证复印件.pdf", minimal_pdf(["id card"]), "application/pdf")
    c = f.accepted(district, evidence=[pdf])
    att = c.files.get()
    url = f"/complaints/{c.pk}/files/{att.pk}/"
    assert district.client("office_staff").get(url).status_code == 200
    services.transfer_complaint(
        actor=district.actor("office_staff"),
        complaint=c,
        handling_org_id=district.orgs["housing"].pk,
        handling_days=5,
        note="请核实并回复",
        handler_id=district.users["housing_staff"].pk,
    )
    assert district.client("housing_staff").get(url).status_code == 404
    assert (
        "身份证复印件"
        not in district.client("housing_staff").get(f"/complaints/{c.pk}/").content.decode()
    )
    Complaint.objects.filter(pk=c.pk).update(identity_shared=True)
    assert district.client("housing_staff").get(url).status_code == 200
    assert district.client("transport_staff").get(url).status_code == 404
