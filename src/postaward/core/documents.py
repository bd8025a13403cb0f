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
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
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
    # The kind's own fields of the context (name, Chinese label), offered to the
    # Word templates as placeholders, and sample values to try a template with
    # (ADR 0090; a field without a sample is tried with its label).
    fields: tuple[tuple[str, str], ...] = ()
    sample: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # Pictures drawn from the stored context at render time (ADR 0906): the
    # body template sees them as ``pictures`` (SVG inline in the PDF) and the
    # Word file gets each PNG after the paragraph that is its caption.
    pictures: Callable[[dict[str, Any]], list[Picture]] | None = field(
        default=None, compare=False, hash=False
    )


@dataclass(frozen=True)
class Picture:
    """One picture of a document: its caption paragraph, SVG (PDF), PNG (Word)."""

    caption: str
    svg: str
    png: bytes


@dataclass(frozen=True)
class Generated:
    kind: DocumentKind
    year: int
    seq: int
    number: str
    pdf: bytes
    docx: bytes
    template_version: int = 0  # the Word template version used (0: built in; ADR 0090)


def register(*kinds: DocumentKind) -> None:
    for k in kinds:
        _KINDS[k.key] = k


def kind(key: str) -> DocumentKind:
    return _KINDS[key]


def number_text(kind: DocumentKind, year: int, seq: int) -> str:
    """The number people read: 投诉受理告字〔2026〕第7号."""
    return f"{kind.word}〔{year}〕第{seq}号"


def kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: k.key)


def next_number(key: str, year: int, *, issuer: str = "") -> int:
    """The next number of ``key`` in ``year`` (of ``issuer``, an abbreviation):
    one counter row per issuer, kind and year, locked while it counts (two
    generations never share a number; the unique constraint catches two first
    numbers of a year, which retry). Called inside the caller's transaction,
    the increment rolls back with it: a number is used exactly when the
    record holding it is committed (no gaps, ADR 0090)."""
    from .models import DocumentCounter

    for _ in range(5):
        try:
            with transaction.atomic():
                row, _created = DocumentCounter.objects.select_for_update().get_or_create(
                    kind=key, issuer=issuer, year=year
                )
                DocumentCounter.objects.filter(pk=row.pk).update(last=F("last") + 1)
                row.refresh_from_db(fields=["last"])
                return int(row.last)
        except IntegrityError:
            continue
    raise RuntimeError(f"document counter {key}/{year} is contended")


# The same page always renders to the same bytes (weasyprint writes no date
# or random identifier unless the page asks for one; test_issued_documents
# checks it), so a rendering is kept for the next identical page: a retried
# issue, a re-render of an unchanged document, the same notice to several
# parties. Bounded; keyed by the page's hash (ADR 0087).
_PDF_CACHE: OrderedDict[str, bytes] = OrderedDict()
_PDF_CACHE_SIZE = 64
_PDF_LOCK = threading.Lock()


def html_to_pdf(html: str) -> bytes:
    """A PDF from HTML (the page sets its fonts from :data:`PDF_FONTS`)."""
    from weasyprint import HTML

    key = hashlib.sha256(html.encode()).hexdigest()
    with _PDF_LOCK:
        hit = _PDF_CACHE.get(key)
        if hit is not None:
            _PDF_CACHE.move_to_end(key)
            return hit
    pdf: bytes = HTML(string=html).write_pdf()
    with _PDF_LOCK:
        _PDF_CACHE[key] = pdf
        while len(_PDF_CACHE) > _PDF_CACHE_SIZE:
            _PDF_CACHE.popitem(last=False)
    return pdf


_PARA = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.S)
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_TAG = re.compile(r"<[^>]+>")


def paragraphs(html: str) -> list[str]:
    """The body's paragraphs as plain text (for the Word file)."""
    import html as htmllib

    html = _SVG.sub("", html)
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
    version, docx = _docx(key, ctx, paragraphs(body))
    return Generated(k, day.year, seq, number, html_to_pdf(page), docx, version)


def _docx(key: str, ctx: dict[str, Any], paras: list[str]) -> tuple[int, bytes]:
    """The Word file from the kind's template version in use (文书模板, ADR 0090)."""
    from . import doc_templates

    version, template = doc_templates.active(key)
    fields = {"signer": "", "version_note": "", "subject_name": "", **ctx, "paragraphs": paras}
    return version, doc_templates.render(template, fields)


def add_pictures(docx: bytes, pictures: list[Picture], width_cm: float = 15.5) -> bytes:
    """The Word file with each picture placed after its caption paragraph
    (appended at the end if no paragraph reads as its caption)."""
    import io

    from docx import Document
    from docx.shared import Cm

    if not pictures:
        return docx
    doc = Document(io.BytesIO(docx))
    for pic in pictures:
        anchor = next((p for p in doc.paragraphs if p.text.strip() == pic.caption), None)
        holder = doc.add_paragraph()
        holder.add_run().add_picture(io.BytesIO(pic.png), width=Cm(width_cm))
        if anchor is not None:
            anchor._p.addnext(holder._p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def store(field_file: Any, data: bytes, ext: str) -> None:
    """Put generated bytes into a model's private FileField under a random
    name (the model is saved by the caller); served by ``core.files.download``."""
    import uuid

    field_file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)


# --- subjects and their visibility (ADR 0090) ----------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What an issued document is about: ``type`` is the model's label
    (``complaints.complaint``), ``id`` its pk, ``name`` how people call it."""

    type: str
    id: int
    name: str


@dataclass(frozen=True)
class SubjectRule:
    visible_ids: Callable[[Any], Any]  # actor -> a query of visible pks
    url: Callable[[int], str] | None = None  # pk -> the subject's page


_SUBJECTS: dict[str, SubjectRule] = {}


def register_subject(
    model_label: str,
    visible_ids: Callable[[Any], Any],
    *,
    url: Callable[[int], str] | None = None,
) -> None:
    """An app says who sees the documents about its ``model_label`` objects
    (in ``AppConfig.ready()``): ``visible_ids(actor)`` gives a query (or list)
    of the pks the actor may see; ``url(pk)`` the subject's page. A document
    whose subject no app registered is visible to nobody."""
    _SUBJECTS[model_label.lower()] = SubjectRule(visible_ids, url)


def abbreviation(unit: Any) -> str:
    """The issuing unit's abbreviation in a document number (发文机关代字): its
    registered short name (简称, edited on the organisation's page), else its
    name."""
    return str(unit.short_name or unit.name)[:30]


def subject_of(obj: Any) -> Subject:
    if isinstance(obj, Subject):
        return obj
    return Subject(obj._meta.label_lower, int(obj.pk), str(obj)[:300])


def subject_scope_q(actor: Any) -> Any:
    from django.db.models import Q

    q = Q(pk__in=[])
    for label, rule in _SUBJECTS.items():
        q |= Q(subject_type=label, subject_id__in=rule.visible_ids(actor))
    return q


def subject_url(doc: Any) -> str:
    rule = _SUBJECTS.get(doc.subject_type)
    return rule.url(doc.subject_id) if rule and rule.url else ""


# The issuing service (ADR 0090) lives beside this module; ``documents.issue`` is the entry.
from .issuing import (  # noqa: E402
    correct,
    correctable_fields,
    issue,
    issued_number,
    may_correct,
    render_issued,
    retry,
    verify,
)

__all__ = [
    "DocumentKind",
    "Generated",
    "Subject",
    "abbreviation",
    "correct",
    "correctable_fields",
    "generate",
    "issue",
    "issued_number",
    "kind",
    "may_correct",
    "register",
    "register_subject",
    "render_issued",
    "retry",
    "store",
    "verify",
]
