"""The one path for every generated document (ADR 0503).

A :class:`DocumentKind` has a Chinese title, a body template (Django, HTML
fragments of paragraphs) and a numbering per year: 〔2026〕第7号, one counter
per kind and year (:func:`next_number`, a locked row). :func:`generate` gives
the PDF (WeasyPrint with Debian's CJK fonts, :data:`PDF_FONTS`) and the Word
file (docxtpl on ``core/templates/documents/notice.docx``) from the same
paragraphs; the caller stores them through the private file service
(:func:`store`) and serves them through ``core.files.download``.

The projects archive renders its PDF through :func:`html_to_pdf` too.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string

from . import clock

# Fonts the PDFs ask for, in order: Debian's fonts-noto-cjk, then fonts-wqy-zenhei.
PDF_FONTS = '"Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", sans-serif'
DOCX_TEMPLATE = Path(__file__).resolve().parent / "templates" / "documents" / "notice.docx"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_KINDS: dict[str, DocumentKind] = {}


@dataclass(frozen=True)
class DocumentKind:
    """A kind of generated document: ``key`` (``app.name``), the Chinese
    ``title``, the ``body`` template (paragraphs as ``<p>``) and the word of
    its number (``文号``, e.g. 投诉受理告字)."""

    key: str
    title: str
    body: str
    word: str = ""


@dataclass(frozen=True)
class Generated:
    kind: DocumentKind
    year: int
    seq: int
    number: str
    pdf: bytes
    docx: bytes


def register(*kinds: DocumentKind) -> None:
    for k in kinds:
        _KINDS[k.key] = k


def kind(key: str) -> DocumentKind:
    return _KINDS[key]


def number_text(kind: DocumentKind, year: int, seq: int) -> str:
    """The number people read: 投诉受理告字〔2026〕第7号."""
    return f"{kind.word}〔{year}〕第{seq}号"


def next_number(key: str, year: int) -> int:
    """The next number of ``key`` in ``year``: one counter row per kind and
    year, locked while it counts (two generations never share a number; the
    unique constraint catches two first numbers of a year, which retry)."""
    from .models import DocumentCounter

    for _ in range(3):
        try:
            with transaction.atomic():
                row, _created = DocumentCounter.objects.select_for_update().get_or_create(
                    kind=key, year=year
                )
                DocumentCounter.objects.filter(pk=row.pk).update(last=F("last") + 1)
                row.refresh_from_db(fields=["last"])
                return int(row.last)
        except IntegrityError:
            continue
    raise RuntimeError(f"document counter {key}/{year} is contended")


def html_to_pdf(html: str) -> bytes:
    """A PDF from HTML (the page sets its fonts from :data:`PDF_FONTS`)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


_PARA = re.compile(r"<p[^>]*>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def paragraphs(html: str) -> list[str]:
    """The body's paragraphs as plain text (for the Word file)."""
    import html as htmllib

    out = [htmllib.unescape(_TAG.sub("", p)).strip() for p in _PARA.findall(html)]
    return [p for p in out if p]


def generate(
    key: str,
    context: dict[str, Any],
    *,
    addressee: str,
    issuer: str,
    on: dt.date | None = None,
    number: str = "",
) -> Generated:
    """Number and render one document of kind ``key`` (call inside the step's
    transaction: the number is taken with the write). A form printed again
    whenever it is asked for (a register's sheet) passes the ``number`` of the
    record it prints instead: no number of the year is taken (seq 0)."""
    k = _KINDS[key]
    day = on or clock.today()
    seq = 0 if number else next_number(key, day.year)
    number = number or number_text(k, day.year, seq)
    ctx = {
        **context,
        "title": k.title,
        "number": number,
        "addressee": addressee,
        "issuer": issuer,
        "date_text": f"{day.year}年{day.month}月{day.day}日",
    }
    body = render_to_string(k.body, ctx)
    page = render_to_string(
        "documents/notice_pdf.html", {**ctx, "body": body, "pdf_fonts": PDF_FONTS}
    )
    return Generated(k, day.year, seq, number, html_to_pdf(page), _docx(ctx, paragraphs(body)))


def _docx(ctx: dict[str, Any], paras: list[str]) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(DOCX_TEMPLATE))
    tpl.render(
        {
            "title": ctx["title"],
            "number": ctx["number"],
            "addressee": ctx["addressee"],
            "paragraphs": paras,
            "issuer": ctx["issuer"],
            "date_text": ctx["date_text"],
        }
    )
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def store(field_file: Any, data: bytes, ext: str) -> None:
    """Put generated bytes into a model's private FileField under a random
    name (the model is saved by the caller); served by ``core.files.download``."""
    import uuid

    field_file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
