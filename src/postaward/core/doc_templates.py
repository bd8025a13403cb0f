"""Word templates of the documents, by version (R-CAS-06, ADR 0090).

Every kind of document has a built-in template (version 0): the platform's
``notice.docx`` with the seal and signature block (盖章处 / 签发人) added. An
administrator downloads the current template, edits it in Word and uploads it
as the next version (:func:`upload`): it comes in through the core upload
service (``core.files.check_upload`` with ``allowed={DOCX}``), then docxtpl must
render it with the kind's sample context, where a field the kind does not have
is an error; a bad upload stores nothing and says why in Chinese. Documents
record the version they were made with (:func:`active`), and old versions stay.
"""

from __future__ import annotations

import functools
import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from . import audit, clock, files
from .actor import Actor
from .errors import Forbidden, NotFound, ValidationFailed

# The fields every template may use, with what the sample shows.
COMMON_FIELDS: dict[str, tuple[str, Any]] = {
    "title": ("文书名称", "行政处罚决定书"),
    "number": ("文号", "清监办罚〔2026〕7号"),
    "addressee": ("送达对象", "某某建设有限公司"),
    "paragraphs": ("正文段落（列表）", ["正文第一段。", "正文第二段。"]),
    "issuer": ("发文机关", "某区公共资源交易监督管理办公室"),
    "date_text": ("成文日期", "2026年3月2日"),
    "signer": ("签发人", "张三"),
    "version_note": ("版本说明（更正时）", ""),
    "subject_name": ("对象名称", "第一中学教学楼工程"),
}
TEMPLATE_ADMIN_KINDS = ("supervision_office",)


def may_manage(actor: Actor) -> bool:
    """The template administrators: the supervision office's administrator."""
    return actor.is_system or (actor.org_kind in TEMPLATE_ADMIN_KINDS and "admin" in actor.roles)


@functools.cache
def builtin() -> bytes:
    """Version 0 of every kind: notice.docx with the seal and signature block."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .documents import DOCX_TEMPLATE

    doc = Document(str(DOCX_TEMPLATE))
    first = doc.paragraphs[1]  # the number line: the version note goes under it
    note = first.insert_paragraph_before("")
    note.text = ""
    # move the note after the number line
    first._p.addnext(note._p)
    note.add_run("{{ version_note }}")
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("")
    for text in ("签发人：{{ signer }}", "（盖章处）"):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def sample_context(key: str) -> dict[str, Any]:
    """What a template of ``key`` is tried with: the common fields and the kind's own."""
    from .documents import kind

    k = kind(key)
    ctx = {name: value for name, (_label, value) in COMMON_FIELDS.items()}
    ctx["title"] = k.title
    for name, label in k.fields:
        ctx[name] = k.sample.get(name, f"（{label}）")
    return ctx


def active(key: str) -> tuple[int, bytes]:
    """The version in use for ``key`` and its bytes (0: the built-in one)."""
    from .models import DocumentTemplate

    row = DocumentTemplate.objects.filter(kind=key, active=True).first()
    if row is None:
        return 0, builtin()
    return row.version, _read(row)


def version_bytes(key: str, version: int) -> bytes:
    from .models import DocumentTemplate

    if version == 0:
        return builtin()
    row = DocumentTemplate.objects.filter(kind=key, version=version).first()
    if row is None:
        raise NotFound(f"模板第{version}版不存在")
    return _read(row)


def _read(row: Any) -> bytes:
    with row.docx.open("rb") as fh:
        return fh.read()  # type: ignore[no-any-return]


def render(template: bytes, ctx: dict[str, Any], *, strict: bool = False) -> bytes:
    """The Word file of ``template`` filled with ``ctx`` (docxtpl). ``strict``:
    a field missing from ``ctx`` is an error (the upload check)."""
    import jinja2
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template))
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined, autoescape=True
    )
    tpl.render(ctx, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def check(key: str, data: bytes) -> None:
    """Refuse a template docxtpl cannot render with the kind's sample context."""
    import zipfile

    import jinja2

    try:
        render(data, sample_context(key), strict=True)
    except jinja2.UndefinedError as exc:
        import re

        found = re.search(r"'([^']+)' is undefined", exc.message or "")
        name = f"“{found.group(1)}”" if found else ""
        raise ValidationFailed(
            f"模板使用了本类文书没有的字段{name}，请对照页面所列的可用字段修改", field="file"
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ValidationFailed(
            "模板占位符写法有误，请检查 {{ }} 与 {% %} 是否成对、{% if %} 等是否有对应的结束标记",
            field="file",
        ) from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed("文件不是有效的 Word（.docx）文档，无法打开", field="file") from exc
    except Exception as exc:  # docxtpl/lxml raise many kinds; none may store a bad template
        raise ValidationFailed(f"模板无法生成文书：{exc}"[:200], field="file") from exc


def upload(*, actor: Actor, key: str, upload: Any, note: str = "") -> Any:
    """Store a new version of the template of ``key`` and make it the one in use
    (audited); the earlier versions stay for the documents made with them."""
    from .documents import kind
    from .models import DocumentTemplate

    if not may_manage(actor):
        raise Forbidden("仅监管办总管可以维护文书模板")
    try:
        kind(key)
    except KeyError:
        raise ValidationFailed("请选择文书类别", field="kind") from None
    checked = files.check_upload(upload, allowed=frozenset({files.DOCX}))
    check(key, checked.data)
    note = (note or "").strip()[:200]
    with transaction.atomic():
        rows = DocumentTemplate.objects.select_for_update().filter(kind=key)
        last = max((r.version for r in rows), default=0)
        rows.filter(active=True).update(active=False)
        row = DocumentTemplate(
            kind=key,
            version=last + 1,
            original_name=checked.name,
            sha256=hashlib.sha256(checked.data).hexdigest(),
            note=note,
            uploaded_by_id=actor.user_id,
            uploaded_by=actor.display_name[:100],
            uploaded_at=clock.now(),
            active=True,
        )
        row.docx.save(checked.random_name(), ContentFile(checked.data), save=False)
        row.save()
        audit.record(
            actor=actor,
            action="core.upload_document_template",
            obj=row,
            after=audit.snapshot(row),
        )
    return row
