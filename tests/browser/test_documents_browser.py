"""R-CAS-06 in the browser: a document issued in the background shows its
progress, then (after the worker's render) its PDF to print; 文书管理 lists it;
the administrator's 文书模板 page offers the template and refuses a bad upload
in Chinese. Screenshots for the docs."""

from __future__ import annotations

import pytest

from postaward.core import documents
from postaward.core.documents import DocumentKind
from postaward.core.models import IssuedDocument
from postaward.testing import PASSWORD

from .conftest import login, screenshot, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTICE = DocumentKind(
    "core.browser_rectification",
    "责令整改通知书",
    "documents/lines.html",
    word="整改",
    fields=(("lines", "正文段落"),),
    sample={"lines": ["经检查，……"]},
)
documents.register(NOTICE)


def test_r_cas_06_a_document_renders_in_the_worker_and_is_listed(page, district, tmp_path):
    doc = documents.issue(
        NOTICE.key,
        {"lines": ["经检查，你单位第一中学教学楼工程现场存在安全隐患。", "请于5个工作日内整改。"]},
        subject=district.projects["p_school"],
        addressee="甲建设有限公司",
        issuer="测试区公共资源交易监督管理办公室",
        issuer_abbr="清监办",
        actor=district.actor("office_staff"),
        background=True,
    )
    doc.refresh_from_db()
    # committed: the worker's task ran after commit (huey runs tasks at once in tests)
    assert doc.state == IssuedDocument.State.DONE and documents.verify(doc).ok
    login(page, "office_admin", PASSWORD)
    page.goto(f"{page.base_url}/documents/{doc.pk}/")
    assert page.inner_text("[data-testid=document-number]") == "清监办整改〔2026〕1号"
    assert page.locator("[data-testid=document-pdf]").count() == 1
    screenshot(page, "document-detail")
    page.goto(f"{page.base_url}/documents/")
    assert "清监办整改〔2026〕1号" in page.inner_text("[data-testid=documents-table]")
    screenshot(page, "document-list")

    page.goto(f"{page.base_url}/system/document-templates/")
    row = page.locator("[data-testid=template-row]", has_text="责令整改通知书")
    assert "平台内置模板" in row.inner_text()
    bad = tmp_path / "坏模板.docx"
    bad.write_bytes(b"PK\x03\x04not really a document")
    page.select_option("#tpl-kind", NOTICE.key)
    page.set_input_files("#tpl-file", str(bad))
    page.click("[data-testid=template-upload] button")
    settle(page)
    assert "不是有效的 Word" in page.inner_text("[data-testid=template-error]")
    screenshot(page, "document-templates")
