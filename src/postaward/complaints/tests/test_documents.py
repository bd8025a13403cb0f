"""The offline documents (R-CMP-03, R-CMP-04, ADR 0503, 0504): 受理告知书 on
accepting, 不予受理通知书 with the reasons on rejecting, 暂停招标投标活动通知书
to the tenderer when the project is still in trading; numbered per kind and
year (〔2026〕第N号); the notices to the complainant name them, the notice to
the tenderer never does; downloads through the scope (anonymous, wrong role,
out of scope, in scope) and, for the complainant's own notices, the tracking
page with number + code."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.test import Client

from postaward.core import clock, documents
from postaward.core.models import DocumentCounter

from .. import services
from ..choices import DocumentKind, Kind, RejectReason
from ..models import ComplaintDocument
from . import factories as f

pytestmark = pytest.mark.django_db


def _text(doc: ComplaintDocument) -> str:
    """The Word file's text (rendered from the same paragraphs as the PDF)."""
    with doc.docx.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as z:
        return z.read("word/document.xml").decode()


def _at(y: int, m: int, d: int):
    return time_machine.travel(dt.datetime(y, m, d, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False)


def test_r_cmp_03_accepting_generates_the_acceptance_notice_numbered_per_year(district):
    with _at(2026, 9, 30):
        a = f.accepted(district)
        b = f.accepted(district)
    (da,) = a.documents.all()
    (db,) = b.documents.all()
    assert da.kind == DocumentKind.ACCEPTANCE and da.to_complainant
    assert (da.number, db.number) == ("受理告字〔2026〕第1号", "受理告字〔2026〕第2号")
    with da.pdf.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    text = _text(da)
    # the notice to the complainant names them, the case and the closing day
    assert "受理告知书" in text and f.NAME in text and a.receipt_number in text
    assert "2026年10月27日" in text  # the closing clock of a complaint received 2026-09-30
    # the addressee kept in the table is not the name (R-CMP-04: no plaintext identity)
    assert f.NAME not in da.addressee
    with _at(2027, 1, 5):
        c = f.accepted(district)
    assert c.documents.get().number == "受理告字〔2027〕第1号"
    assert DocumentCounter.objects.get(kind="complaints.acceptance", year=2026).last == 2


def test_r_cmp_03_rejecting_generates_the_non_acceptance_notice_with_the_reasons(district):
    c = f.received(district)
    services.reject_complaint(
        actor=district.actor("office_staff"),
        complaint=c,
        reasons=[RejectReason.NO_FACTS, RejectReason.ALREADY_HANDLED],
        note="已于今年三月作出处理决定",
    )
    (doc,) = c.documents.all()
    assert doc.kind == DocumentKind.NON_ACCEPTANCE and doc.number.startswith("不予受理字〔")
    text = _text(doc)
    assert str(RejectReason.NO_FACTS.label) in text
    assert str(RejectReason.ALREADY_HANDLED.label) in text
    assert "已于今年三月作出处理决定" in text and f.NAME in text


def test_r_cmp_04_the_suspension_notice_goes_to_the_tenderer_without_the_complainant(district):
    """A complaint about a project not in the registry (no award yet, ADR 0504)."""
    c = f.accepted(district, project="城东安置房二期EPC招标", subject_text="乙建设有限公司")
    assert c.project_id is None
    kinds = {d.kind: d for d in c.documents.all()}
    assert set(kinds) == {DocumentKind.ACCEPTANCE, DocumentKind.SUSPENSION}
    sus = kinds[DocumentKind.SUSPENSION]
    assert not sus.to_complainant and sus.number.startswith("暂停招投标字〔")
    assert sus.addressee == "“城东安置房二期EPC招标”招标人"
    text = _text(sus)
    assert "暂停招标投标活动通知书" in text and "城东安置房二期EPC招标" in text
    for secret in (f.NAME, f.MOBILE, "人民路1号", c.facts):
        assert secret not in text
    assert f.NAME in _text(kinds[DocumentKind.ACCEPTANCE])


def test_r_cmp_04_no_suspension_for_a_registered_project_or_a_report(district):
    assert f.accepted(district).documents.count() == 1  # p_school is in the registry (awarded)
    r = f.accepted(district, kind=Kind.REPORT, standing="public", project="某未登记项目")
    assert [d.kind for d in r.documents.all()] == [DocumentKind.ACCEPTANCE]


def test_r_cmp_04_an_anonymous_report_is_told_as_the_reporter(district):
    r = f.accepted(
        district,
        kind=Kind.REPORT,
        standing="public",
        anonymous=True,
        name="",
        id_number="",
        mobile="",
        contact="",
    )
    assert "举报人" in _text(r.documents.get())


def test_the_counter_is_one_row_per_kind_and_year():
    assert [documents.next_number("x.kind", 2026) for _ in range(3)] == [1, 2, 3]
    assert documents.next_number("x.kind", 2027) == 1
    assert documents.next_number("x.other", 2026) == 1
    assert DocumentCounter.objects.filter(kind="x.kind").count() == 2


def test_r_cmp_04_downloads_go_through_the_scope(district):
    d = district
    c = f.accepted(d, project="城东安置房二期EPC招标")
    note = c.documents.get(kind=DocumentKind.ACCEPTANCE)
    sus = c.documents.get(kind=DocumentKind.SUSPENSION)
    url = f"/complaints/{c.pk}/documents/{note.pk}/"
    # anonymous: to the login page
    r = Client().get(url)
    assert r.status_code == 302 and "/login" in r["Location"]
    # a unit without the case (and a wrong role): not found
    assert d.client("housing_staff").get(url).status_code == 404
    assert d.client("contractor_a_admin").get(url).status_code == 404
    # the office: the PDF inline and the Word file as an attachment
    office = d.client("office_staff")
    page = office.get(f"/complaints/{c.pk}/").content.decode()
    assert note.number in page and sus.number in page
    r = office.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    r = office.get(f"{url}word/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    # a document of another complaint through this one's URL: not found
    other = f.accepted(d).documents.get()
    assert office.get(f"/complaints/{c.pk}/documents/{other.pk}/").status_code == 404
    # transferred to the owner without the identity: the owner reads the suspension
    # notice, never the notice that names the complainant
    services.transfer_complaint(
        actor=d.actor("office_staff"),
        complaint=c,
        handling_org_id=d.orgs["housing"].pk,
        handling_days=3,
        note="请核实并回复",
    )
    unit = d.client("housing_staff")
    assert unit.get(f"/complaints/{c.pk}/").status_code == 200
    assert unit.get(f"/complaints/{c.pk}/documents/{sus.pk}/").status_code == 200
    assert unit.get(url).status_code == 404
    assert note.number not in unit.get(f"/complaints/{c.pk}/").content.decode()
