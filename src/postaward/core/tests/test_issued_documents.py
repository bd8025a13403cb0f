"""R-CAS-06 (统一执法文书): the document service of the platform (ADR 0090).

Numbers 清监办罚〔2026〕N号 are gapless and never shared, even when issued at
once from many threads (PostgreSQL and SQLite); every document is a real PDF
that opens and renders to a page image; its SHA-256 is in the audit chain; a
correction is a new version with a reason and the old one stays; the Word
templates are versioned and a bad upload stores nothing; the worker renders a
queued document with its progress on the row; the documents are seen exactly
by whoever sees their subject.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile

import pytest
from django.db import connection, transaction
from django.test import Client

from postaward.core import audit, doc_templates, documents, tasks
from postaward.core.actor import Actor
from postaward.core.documents import DocumentKind, Subject
from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.models import AuditRecord, DocumentTemplate, IssuedDocument

from .conftest import run_concurrently

PENALTY = DocumentKind(
    "core.test_penalty",
    "行政处罚决定书",
    "documents/lines.html",
    word="罚",
    fields=(("lines", "正文段落"), ("fine", "罚款金额")),
    sample={"lines": ["经查，……"], "fine": "5万元"},
)
documents.register(PENALTY)

CLERK = Actor(
    user_id=7,
    username="clerk",
    display_name="李四",
    organisation_id=3,
    org_path="1/",
    org_kind="supervision_office",
    org_name="测试区监管办",
    roles=frozenset({"office_staff"}),
)
FAR_SUBJECT = Subject("projects.project", 999_999, "某道路工程")
CONTEXT = {
    "lines": ["经查，你单位在第一中学教学楼工程中转包工程。", "依据有关规定，决定罚款5万元。"]
}


def _issue(subject, *, actor=CLERK, abbr="清监办", on=None, background=False, **ctx):
    return documents.issue(
        PENALTY.key,
        {**CONTEXT, **ctx},
        subject=subject,
        addressee="甲建设有限公司",
        issuer="测试区公共资源交易监督管理办公室",
        issuer_abbr=abbr,
        on=on or dt.date(2026, 3, 2),
        actor=actor,
        background=background,
    )


def _docx(text: str) -> bytes:
    from docx import Document

    d = Document()
    d.add_paragraph("{{ title }}")
    d.add_paragraph(text)
    d.add_paragraph("{%p for para in paragraphs %}")
    d.add_paragraph("{{ para }}")
    d.add_paragraph("{%p endfor %}")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _upload(data: bytes, name: str = "模板.docx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _docx_text(doc: IssuedDocument) -> str:
    with doc.docx.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as z:
        return z.read("word/document.xml").decode()


# --- numbering ---------------------------------------------------------------------------------


@pytest.mark.parametrize("workers", [8])
def test_r_cas_06_concurrent_issues_get_exactly_1_to_n(concurrent_db, workers):
    """N threads issue at the same moment (each its own connection, committed
    for real: PostgreSQL's row lock, SQLite's serialised writes): the numbers
    are exactly 1..N of 清监办罚〔2026〕, none shared, none skipped."""

    def work(i: int) -> tuple[int, str]:
        actor = dataclasses.replace(CLERK, user_id=100 + i)
        doc = _issue(dataclasses.replace(FAR_SUBJECT, id=i + 1), actor=actor)
        return doc.seq, doc.number

    outcome = run_concurrently(work, workers)
    assert outcome.errors == []
    seqs = sorted(s for s, _ in outcome.results)
    assert seqs == list(range(1, workers + 1))
    assert sorted(n for _, n in outcome.results) == sorted(
        f"清监办罚〔2026〕{i}号" for i in range(1, workers + 1)
    )
    assert IssuedDocument.objects.filter(kind=PENALTY.key).count() == workers
    assert audit.verify().ok
    assert connection.vendor == concurrent_db


def test_r_cas_06_concurrent_issues_with_a_rollback_leave_no_gap(concurrent_db):
    """One of the concurrent issues is rolled back by its caller after it took
    its number: the number goes back with it, the committed ones are 1..N-1."""
    workers = 6

    class Abandon(Exception):
        pass

    def work(i: int) -> int:
        with transaction.atomic():
            doc = _issue(dataclasses.replace(FAR_SUBJECT, id=i + 1), background=True)
            if i == 2:
                raise Abandon()
            return int(doc.seq)

    outcome = run_concurrently(work, workers)
    assert len(outcome.errors) == 1 and isinstance(outcome.errors[0], Abandon)
    assert sorted(outcome.results) == list(range(1, workers))
    stored = sorted(IssuedDocument.objects.values_list("seq", flat=True))
    assert stored == list(range(1, workers))


@pytest.mark.django_db
def test_r_cas_06_a_rolled_back_issue_gives_its_number_back():
    first = _issue(FAR_SUBJECT, background=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        _issue(FAR_SUBJECT, background=True)
        raise RuntimeError("the step failed after issuing")
    again = _issue(FAR_SUBJECT, background=True)
    assert (first.number, again.number) == ("清监办罚〔2026〕1号", "清监办罚〔2026〕2号")


@pytest.mark.django_db
def test_r_cas_06_one_counter_per_issuer_kind_and_year():
    a1 = _issue(FAR_SUBJECT, background=True)
    b1 = _issue(FAR_SUBJECT, abbr="清住建罚", background=True)
    a2 = _issue(FAR_SUBJECT, background=True)
    next_year = _issue(FAR_SUBJECT, on=dt.date(2027, 1, 4), background=True)
    assert [a1.number, b1.number, a2.number, next_year.number] == [
        "清监办罚〔2026〕1号",
        "清住建罚罚〔2026〕1号",
        "清监办罚〔2026〕2号",
        "清监办罚〔2027〕1号",
    ]
    # the older numbering (documents.generate: one counter per kind and year) is unchanged
    assert documents.next_number(PENALTY.key, 2026) == 1


# --- the PDF, the hash, the versions --------------------------------------------------------------


@pytest.mark.django_db
def test_r_cas_06_every_document_is_a_numbered_pdf_that_opens_and_renders(tmp_path):
    """The PDF opens (pdfium), has one A4 page, carries its number, the seal
    block and the addressee as text, and renders to an image with ink on it."""
    import pypdfium2 as pdfium

    doc = _issue(FAR_SUBJECT)
    assert doc.state == IssuedDocument.State.DONE and doc.progress == 100
    with doc.pdf.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF-")
    pdf = pdfium.PdfDocument(data)
    assert len(pdf) == 1
    page = pdf[0]
    width, height = page.get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = page.get_textpage().get_text_range()
    for expected in ("行政处罚决定书", "清监办罚〔2026〕1号", "甲建设有限公司", "签发人", "盖章处"):
        assert expected in text, expected
    image = page.render(scale=1).to_pil().convert("L")
    image.save(tmp_path / "page.png")
    dark = sum(image.histogram()[:128])
    assert dark > 2000  # the title, the body and the seal ring are drawn (a blank page has 0)
    # and the Word file is a real docx with the same number and the seal block
    word = _docx_text(doc)
    assert "清监办罚〔2026〕1号" in word and "盖章处" in word and "签发人" in word


@pytest.mark.django_db
def test_r_cas_06_the_pdf_hash_is_in_the_audit_chain_and_verifies():
    doc = _issue(FAR_SUBJECT)
    rec = AuditRecord.objects.get(action="core.issue_document", object_id=str(doc.pk))
    assert rec.after["sha256"] == doc.sha256 and len(doc.sha256) == 64
    assert documents.verify(doc).ok
    # a PDF changed on disk no longer matches what the chain recorded
    with open(doc.pdf.path, "ab") as fh:
        fh.write(b"%tampered")
    checked = documents.verify(doc)
    assert not checked.file_matches and checked.in_chain and not checked.ok


@pytest.mark.django_db
def test_r_cas_06_a_correction_is_a_new_version_with_a_reason_and_the_old_stays():
    old = _issue(FAR_SUBJECT)
    old_hash = old.sha256
    with pytest.raises(ValidationFailed, match="更正理由"):
        documents.correct(old, {"fine": "3万元"}, reason=" ", actor=CLERK)
    old.refresh_from_db()
    assert not old.superseded and IssuedDocument.objects.count() == 1

    new = documents.correct(
        old, {"lines": ["依据有关规定，决定罚款3万元。"]}, reason="罚款金额笔误", actor=CLERK
    )
    old.refresh_from_db()
    assert (new.number, new.version, new.replaces_id) == (old.number, 2, old.pk)
    assert new.correction_reason == "罚款金额笔误" and old.superseded
    assert old.sha256 == old_hash and documents.verify(old).ok  # the old PDF is untouched
    assert new.sha256 != old_hash and documents.verify(new).ok
    import pypdfium2 as pdfium

    with new.pdf.open("rb") as fh:
        text = pdfium.PdfDocument(fh.read())[0].get_textpage().get_text_range()
    assert "3万元" in text and "第2版" in text
    # only the latest version can be corrected; no number of the year was taken
    with pytest.raises(Conflict):
        documents.correct(old, {}, reason="再次更正", actor=CLERK)
    assert documents.next_number(PENALTY.key, 2026, issuer="清监办") == 2
    assert AuditRecord.objects.filter(action="core.correct_document").count() == 1
    assert AuditRecord.objects.filter(action="core.supersede_document").count() == 1


# --- templates ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r_cas_06_a_bad_template_upload_is_refused_in_chinese_and_stores_nothing():
    admin = dataclasses.replace(CLERK, roles=frozenset({"admin"}))
    cases = [
        (_upload(b"%PDF-1.4 not a template"), "只接受"),
        (_upload(b"PK\x03\x04broken zip"), "不是有效的 Word"),
        (_upload(_docx("{{ no_such_field }}")), "本类文书没有的字段“no_such_field”"),
        (_upload(_docx("{% if fine %}未结束的条件")), "占位符写法有误"),
        (_upload(_docx("{{ number }}"), name="模板.pdf"), "扩展名"),
    ]
    for upload, message in cases:
        with pytest.raises(ValidationFailed, match=message):
            doc_templates.upload(actor=admin, key=PENALTY.key, upload=upload)
    assert DocumentTemplate.objects.count() == 0
    with pytest.raises(Exception, match="仅监管办总管"):
        doc_templates.upload(actor=CLERK, key=PENALTY.key, upload=_upload(_docx("{{ fine }}")))


@pytest.mark.django_db
def test_r_cas_06_documents_keep_the_template_version_they_were_made_with():
    admin = dataclasses.replace(CLERK, roles=frozenset({"admin"}))
    before = _issue(FAR_SUBJECT)
    v1 = doc_templates.upload(
        actor=admin,
        key=PENALTY.key,
        upload=_upload(_docx("第一版自定义：罚款{{ fine }}")),
        note="改版式",
    )
    with_v1 = _issue(FAR_SUBJECT, fine="5万元")
    v2 = doc_templates.upload(
        actor=admin, key=PENALTY.key, upload=_upload(_docx("第二版自定义 {{ number }}"))
    )
    with_v2 = _issue(FAR_SUBJECT)
    v1.refresh_from_db()
    assert (v1.version, v1.active, v2.version, v2.active) == (1, False, 2, True)
    assert [before.template_version, with_v1.template_version, with_v2.template_version] == [
        0,
        1,
        2,
    ]
    assert "盖章处" in _docx_text(before)
    assert "第一版自定义：罚款5万元" in _docx_text(with_v1)
    assert "第二版自定义 清监办罚〔2026〕3号" in _docx_text(with_v2)
    # the versions are kept and downloadable; the built-in one renders with the sample
    assert doc_templates.version_bytes(PENALTY.key, 1).startswith(b"PK")
    doc_templates.check(PENALTY.key, doc_templates.builtin())


# --- the worker ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r_cas_06_a_background_render_runs_in_the_worker_with_progress(district):
    """``background=True``: the record and its number now, the files from the
    worker's task (the real huey task function), audited with the hash."""
    client = district.client("office_admin")
    doc = _issue(district.projects["p_school"], background=True)
    assert (doc.state, doc.progress, doc.pdf.name) == ("queued", 0, "")
    status = client.get(f"/documents/{doc.pk}/status/").json()
    assert status["state"] == "queued" and not status["done"] and status["pdf_url"] == ""
    page = client.get(f"/documents/{doc.pk}/")
    assert 'http-equiv="refresh"' in page.content.decode() and "排队生成中" in page.content.decode()
    assert client.get(f"/documents/{doc.pk}/file/pdf/").status_code == 404

    assert tasks.render_document.call_local(doc.pk) == "done"
    doc.refresh_from_db()
    assert (doc.state, doc.progress) == ("done", 100) and documents.verify(doc).ok
    rec = AuditRecord.objects.get(action="core.render_document", object_id=str(doc.pk))
    assert rec.after["sha256"] == doc.sha256
    status = client.get(f"/documents/{doc.pk}/status/").json()
    assert status["done"] and status["progress"] == 100
    r = client.get(status["pdf_url"])
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    # never made again: a second run leaves it alone
    assert tasks.render_document.call_local(doc.pk) == "done"
    assert AuditRecord.objects.filter(action="core.render_document").count() == 1


@pytest.mark.django_db
def test_r_cas_06_a_failed_render_is_shown_with_a_retry(district):
    broken = dataclasses.replace(
        PENALTY, key="core.test_broken", body="documents/no_such_body.html"
    )
    documents.register(broken)
    client = district.client("office_admin")
    admin = district.actor("office_admin")
    doc = documents.issue(
        broken.key,
        CONTEXT,
        subject=district.projects["p_school"],
        addressee="甲建设有限公司",
        issuer="测试区监管办",
        issuer_abbr="清监办",
        actor=admin,
        background=True,
    )
    assert tasks.render_document.call_local(doc.pk) == "failed"
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    assert "文书生成失败" in page and "重新生成" in page
    # the template is fixed; the retry queues it again and the worker renders it
    documents.register(dataclasses.replace(broken, body="documents/lines.html"))
    r = client.post(f"/documents/{doc.pk}/retry/")
    assert r.status_code == 302
    doc.refresh_from_db()
    assert doc.state == "queued"
    assert tasks.render_document.call_local(doc.pk) == "done"
    assert AuditRecord.objects.filter(action="core.retry_document").count() == 1


# --- scope -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r_cas_06_documents_are_seen_by_whoever_sees_their_subject(district):
    school = district.projects["p_school"]
    doc = _issue(school, actor=district.actor("office_staff"))
    orphan = _issue(Subject("nowhere.thing", 1, "无人登记的对象"))
    urls = [
        f"/documents/{doc.pk}/",
        f"/documents/{doc.pk}/file/pdf/",
        f"/documents/{doc.pk}/file/docx/",
    ]
    for url in urls:
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert district.client("roleless").get(url).status_code == 403
        assert district.client("hospital_admin").get(url).status_code == 404  # not its project
        assert district.client("contractor_b_admin").get(url).status_code == 404
        assert district.client("school_admin").get(url).status_code == 200
        assert district.client("office_admin").get(url).status_code == 200
    pdf = district.client("school_admin").get(urls[1])
    assert pdf["Content-Type"] == "application/pdf" and "inline" in pdf["Content-Disposition"]
    word = district.client("school_admin").get(urls[2])
    assert "attachment" in word["Content-Disposition"]
    # deny by default: a subject no app answers for is seen by nobody
    assert district.client("office_admin").get(f"/documents/{orphan.pk}/").status_code == 404
    assert district.client("office_admin").get("/documents/99999999/file/pdf/").status_code == 404
    assert district.client("office_admin").get(f"/documents/{doc.pk}/file/exe/").status_code == 404
    # the list: in scope only
    listed = district.client("office_admin").get("/documents/").content.decode()
    assert doc.number in listed and "无人登记的对象" not in listed
    assert doc.number not in district.client("hospital_admin").get("/documents/").content.decode()


@pytest.mark.django_db
def test_r_cas_06_the_document_list_filters_exports_and_prints(district):
    school = district.projects["p_school"]
    a = _issue(school)
    b = _issue(school, abbr="清住建罚", on=dt.date(2027, 2, 1))
    client = district.client("office_admin")
    page = client.get("/documents/", {"issuer": "清住建罚"}).content.decode()
    assert b.number in page and a.number not in page
    page = client.get("/documents/", {"year": "2026", "kind": PENALTY.key}).content.decode()
    assert a.number in page and b.number not in page
    export = client.get("/documents/", {"export": "xlsx"})
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]
    printed = client.get("/documents/", {"print": "1"}).content.decode()
    assert a.number in printed and b.number in printed


@pytest.mark.django_db
def test_r_cas_06_the_template_page_downloads_and_uploads_for_the_administrator(district):
    admin = district.client("office_admin")
    assert district.client("office_staff").get("/system/document-templates/").status_code == 403
    assert district.client("school_admin").get("/system/document-templates/").status_code == 403
    page = admin.get("/system/document-templates/")
    assert page.status_code == 200 and "行政处罚决定书" in page.content.decode()
    current = admin.get(f"/system/document-templates/{PENALTY.key}/0/")
    assert current.status_code == 200 and "attachment" in current["Content-Disposition"]
    assert b"".join(current.streaming_content).startswith(b"PK")
    bad = admin.post(
        "/system/document-templates/",
        {"kind": PENALTY.key, "file": _upload(_docx("{{ nonsense }}")), "note": "试"},
    )
    assert bad.status_code == 422 and "本类文书没有的字段" in bad.content.decode()
    assert DocumentTemplate.objects.count() == 0
    good = admin.post(
        "/system/document-templates/",
        {"kind": PENALTY.key, "file": _upload(_docx("罚款{{ fine }}")), "note": "调整版式"},
    )
    assert good.status_code == 302
    row = DocumentTemplate.objects.get()
    assert (row.version, row.active, row.note) == (1, True, "调整版式")
    assert AuditRecord.objects.filter(action="core.upload_document_template").count() == 1
    assert admin.get(f"/system/document-templates/{PENALTY.key}/1/").status_code == 200
    assert admin.get(f"/system/document-templates/{PENALTY.key}/7/").status_code == 404


@pytest.mark.django_db
def test_r_cas_06_generate_also_uses_the_template_version_in_use():
    """The older ``generate`` (complaints' notices) fills the same template
    versions, and says which one it used."""
    admin = dataclasses.replace(CLERK, roles=frozenset({"admin"}))
    before = documents.generate(PENALTY.key, CONTEXT, addressee="甲", issuer="测试区监管办")
    assert before.template_version == 0 and "盖章处" in _zip_text(before.docx)
    doc_templates.upload(actor=admin, key=PENALTY.key, upload=_upload(_docx("新版式 {{ number }}")))
    after = documents.generate(PENALTY.key, CONTEXT, addressee="甲", issuer="测试区监管办")
    assert after.template_version == 1 and f"新版式 {after.number}" in _zip_text(after.docx)


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode()


def test_r_cas_06_the_same_page_renders_to_the_same_pdf_and_is_rendered_once():
    """The rendering cache is sound only because weasyprint is deterministic:
    rendered afresh, the same page gives the same bytes; a second request for
    it is served from the cache; a different page is rendered on its own."""
    page = "<html><body><p>行政处罚决定书 测试区〔2026〕1号</p></body></html>"
    documents._PDF_CACHE.clear()
    first = documents.html_to_pdf(page)
    documents._PDF_CACHE.clear()
    fresh = documents.html_to_pdf(page)
    assert fresh == first and first.startswith(b"%PDF")
    cached = documents._PDF_CACHE[next(iter(documents._PDF_CACHE))]
    assert documents.html_to_pdf(page) is cached
    other = documents.html_to_pdf(page.replace("1号", "2号"))
    assert other != first and len(documents._PDF_CACHE) == 2
