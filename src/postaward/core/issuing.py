"""Issuing the platform's documents (R-CAS-06, ADR 0090): ``documents.issue``.

One :class:`~postaward.core.models.IssuedDocument` per document, numbered
``清监办罚〔2026〕7号`` (issuer abbreviation + kind word + 〔year〕 + seq + 号)
from one counter per issuer, kind and year taken in the same transaction as
the record: a rolled-back issue gives its number back, a committed one never
shares it. The PDF (WeasyPrint, Debian's CJK fonts) and the Word file (the
kind's template version in use, docxtpl) come from the same context; the
PDF's SHA-256 goes into the audit chain with the record. ``background=True``
leaves the render to the worker (``core.tasks.render_document``), which
reports its progress on the row. A document is never made again: a
correction (:func:`correct`) is a new version with a reason that replaces
the old one, which stays, marked superseded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from . import audit, clock, doc_templates, documents, writes
from .actor import SYSTEM, Actor
from .errors import Conflict, NotFound

log = logging.getLogger(__name__)

RENDER_FAILED = "文书生成失败，请点击“重新生成”；仍失败请联系系统管理员"


def issued_number(kind: documents.DocumentKind, issuer_abbr: str, year: int, seq: int) -> str:
    """The 文号 people read: 清监办罚〔2026〕7号."""
    return f"{issuer_abbr}{kind.word}〔{year}〕{seq}号"


def issue(
    key: str,
    context: dict[str, Any],
    *,
    subject: Any,
    addressee: str,
    issuer: str,
    issuer_abbr: str = "",
    on: dt.date | None = None,
    actor: Actor,
    number: str = "",
    background: bool = False,
) -> Any:
    """Number, record and render one document of kind ``key`` about
    ``subject`` (a model instance or a ``documents.Subject``), in the caller's
    transaction if there is one. ``number`` (a form printed under the number
    of its record) takes no number of the year (seq 0). ``background``: the
    record is made now (state 排队生成中) and the worker renders it after
    commit. Returns the IssuedDocument."""
    from .models import IssuedDocument

    k = documents.kind(key)
    subj = documents.subject_of(subject)
    day = on or clock.today()
    with transaction.atomic():
        seq = 0 if number else documents.next_number(key, day.year, issuer=issuer_abbr)
        doc = IssuedDocument(
            kind=key,
            title=k.title,
            number=number or issued_number(k, issuer_abbr, day.year, seq),
            year=day.year,
            seq=seq,
            issuer_abbr=issuer_abbr,
            issuer=issuer,
            addressee=addressee,
            issued_on=day,
            subject_type=subj.type,
            subject_id=subj.id,
            subject_name=subj.name,
            context=audit.normalise(dict(context)),
            template_version=doc_templates.active(key)[0],
            created_by_id=actor.user_id,
            created_by=actor.display_name[:100],
            created_at=clock.now(),
        )
        return _make(doc, actor, background=background, action="core.issue_document")


def correct(
    doc: Any, context: dict[str, Any], *, reason: str, actor: Actor, background: bool = False
) -> Any:
    """A corrected version of ``doc``: the same number, the next version, the
    given ``context`` over the old one, the template version in use now, and
    the ``reason`` (required). The old version stays, marked superseded; only
    the latest version of a rendered document can be corrected."""
    from .models import IssuedDocument

    reason = writes.text(reason, field="reason", label="更正理由", min_len=2, max_len=500)
    with transaction.atomic():
        old = writes.lock(IssuedDocument, doc.pk)
        if old.superseded:
            raise Conflict("该文书已有更正版本，请在最新版本上更正")
        if old.state != IssuedDocument.State.DONE:
            raise Conflict("文书尚未生成完成，不能更正")
        before = audit.snapshot(old)
        old.superseded = True
        old.save(update_fields=["superseded"])
        audit.record(
            actor=actor,
            action="core.supersede_document",
            obj=old,
            before=before,
            after={**audit.snapshot(old), "reason": reason},
        )
        new = IssuedDocument(
            **{
                f: getattr(old, f)
                for f in [
                    "kind",
                    "title",
                    "number",
                    "year",
                    "seq",
                    "issuer_abbr",
                    "issuer",
                    "addressee",
                    "issued_on",
                    "subject_type",
                    "subject_id",
                    "subject_name",
                ]
            },
            context={**old.context, **audit.normalise(dict(context))},
            template_version=doc_templates.active(old.kind)[0],
            version=old.version + 1,
            replaces=old,
            correction_reason=reason,
            created_by_id=actor.user_id,
            created_by=actor.display_name[:100],
            created_at=clock.now(),
        )
        return _make(new, actor, background=background, action="core.correct_document")


def _make(doc: Any, actor: Actor, *, background: bool, action: str) -> Any:
    if background:
        doc.state = doc.State.QUEUED
        doc.save()
        writes.created(doc, actor=actor, action=action)
        pk = doc.pk
        transaction.on_commit(lambda: _enqueue(pk))
        return doc
    pdf, docx = render_bytes(doc)
    _attach(doc, pdf, docx)
    doc.save()
    writes.created(doc, actor=actor, action=action)
    return doc


def _enqueue(pk: int) -> None:
    from .tasks import render_document

    try:
        render_document(pk)
    except Exception:  # the periodic sweep picks it up
        log.exception("could not enqueue the render of document %s", pk)


def may_correct(doc: Any, actor: Actor) -> bool:
    """Who corrects a document: its issuer's people (the unit of the person who
    issued it: the same officer or a colleague), once it is rendered and while
    it is the latest version."""
    from django.contrib.auth import get_user_model

    from .models import IssuedDocument

    if doc.superseded or doc.state != IssuedDocument.State.DONE or actor.organisation_id is None:
        return False
    if doc.created_by_id is not None and doc.created_by_id == actor.user_id:
        return True
    unit = (
        get_user_model()
        .objects.filter(pk=doc.created_by_id)
        .values_list("organisation_id", flat=True)
        .first()
    )
    return unit is not None and unit == actor.organisation_id


def correctable_fields(doc: Any) -> list[tuple[str, str, str]]:
    """The text fields of ``doc`` a correction may change: the kind's declared
    fields (name, label) that the document's context holds as text, with the
    text it holds now."""
    k = documents.kind(doc.kind)
    return [
        (name, label, doc.context[name])
        for name, label in k.fields
        if isinstance(doc.context.get(name), str)
    ]


def context_of(doc: Any) -> dict[str, Any]:
    """Everything the templates of ``doc`` see: its stored context and its record."""
    day = doc.issued_on
    note = ""
    if doc.version > 1:
        note = f"（第{doc.version}版，更正第{doc.version - 1}版）"
    return {
        "signer": "",
        **doc.context,
        "title": doc.title,
        "number": doc.number,
        "addressee": doc.addressee,
        "issuer": doc.issuer,
        "date_text": f"{day.year}年{day.month}月{day.day}日",
        "version_note": note,
        "subject_name": doc.subject_name,
    }


def render_bytes(doc: Any, progress: Callable[[int], None] | None = None) -> tuple[bytes, bytes]:
    """The PDF and the Word file of ``doc`` (from its context and its template version)."""
    step = progress or (lambda _n: None)
    k = documents.kind(doc.kind)
    ctx = context_of(doc)
    pictures = k.pictures(ctx) if k.pictures is not None else []
    body = render_to_string(k.body, {**ctx, "pictures": pictures})
    page = render_to_string(
        "documents/issued_pdf.html", {**ctx, "body": body, "pdf_fonts": documents.PDF_FONTS}
    )
    step(30)
    pdf = documents.html_to_pdf(page)
    step(70)
    template = doc_templates.version_bytes(doc.kind, doc.template_version)
    docx = doc_templates.render(template, {**ctx, "paragraphs": documents.paragraphs(body)})
    docx = documents.add_pictures(docx, pictures)
    step(90)
    return pdf, docx


def _attach(doc: Any, pdf: bytes, docx: bytes) -> None:
    import uuid

    doc.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    doc.docx.save(f"{uuid.uuid4().hex}.docx", ContentFile(docx), save=False)
    doc.sha256 = hashlib.sha256(pdf).hexdigest()
    doc.state = doc.State.DONE
    doc.progress = 100
    doc.error = ""
    doc.rendered_at = clock.now()


def render_issued(pk: int) -> str:
    """The worker's render of a queued document (``core.tasks.render_document``):
    marks it rendering, reports progress on the row, stores the files and the
    hash (audited) or marks it failed. A document already rendered is left
    alone (never made again). Returns the state it ends in."""
    from .models import IssuedDocument

    D = IssuedDocument
    with transaction.atomic():
        doc = D.objects.select_for_update().filter(pk=pk).first()
        if doc is None:
            return "missing"
        if doc.state != D.State.QUEUED:
            return str(doc.state)
        doc.state, doc.progress, doc.error = D.State.RENDERING, 10, ""
        doc.save(update_fields=["state", "progress", "error"])

    def progress(n: int) -> None:
        D.objects.filter(pk=pk, state=D.State.RENDERING).update(progress=n)

    try:
        pdf, docx = render_bytes(doc, progress)
    except Exception:
        log.exception("rendering document %s failed", pk)
        D.objects.filter(pk=pk).update(state=D.State.FAILED, error=RENDER_FAILED)
        return str(D.State.FAILED)
    with transaction.atomic():
        doc = writes.lock(D, pk)
        if doc.state != D.State.RENDERING:
            return str(doc.state)
        before = audit.snapshot(doc)
        _attach(doc, pdf, docx)
        doc.save()
        audit.record(
            actor=SYSTEM,
            action="core.render_document",
            obj=doc,
            before=before,
            after=audit.snapshot(doc),
        )
    return str(D.State.DONE)


def retry(doc: Any, *, actor: Actor) -> Any:
    """Queue a failed render again (audited); anything else is refused."""
    from .models import IssuedDocument

    with writes.audited(
        IssuedDocument,
        pk=doc.pk,
        actor=actor,
        action="core.retry_document",
        check=lambda d: _check_failed(d),
    ) as w:
        w.obj.state, w.obj.progress, w.obj.error = IssuedDocument.State.QUEUED, 0, ""
    pk = doc.pk
    transaction.on_commit(lambda: _enqueue(pk))
    return w.obj


def _check_failed(doc: Any) -> None:
    if doc.state != doc.State.FAILED:
        raise Conflict("只有生成失败的文书可以重新生成")


@dataclass(frozen=True)
class Verified:
    file_matches: bool  # the stored PDF hashes to the recorded SHA-256
    in_chain: bool  # an audit record of this document carries that SHA-256
    chain_ok: bool  # the audit chain verifies

    @property
    def ok(self) -> bool:
        return self.file_matches and self.in_chain and self.chain_ok


def verify(doc: Any) -> Verified:
    """Check a document against the audit chain: its PDF's hash, the record of
    that hash in the chain, and the chain itself."""
    from .models import AuditRecord

    if not doc.pdf or not doc.sha256:
        raise NotFound("文书尚未生成")
    with doc.pdf.open("rb") as fh:
        actual = hashlib.sha256(fh.read()).hexdigest()
    recorded = AuditRecord.objects.filter(
        object_type=doc._meta.label_lower, object_id=str(doc.pk), after__sha256=doc.sha256
    ).exists()
    return Verified(actual == doc.sha256, recorded, audit.verify().ok)
