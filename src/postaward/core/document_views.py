"""Pages of the document service (R-CAS-06, ADR 0090): 文书管理 (every issued
document in the actor's scope, on ``core.lists``), a document's page (its
versions, its render progress, a retry of a failed render), its status as JSON
(polled while it renders), the one download route of its PDF and Word file,
and 文书模板 (the administrators' template versions: download, upload)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import clock, doc_templates, documents, files
from .errors import DomainError, NotFound
from .lists import Column, Filter, ListSpec, render_list
from .models import DocumentTemplate, IssuedDocument
from .scoping import get_visible_or_404
from .web import actor_of, page_view, require

STATE_COLOURS = {"queued": "blue", "rendering": "blue", "done": "green", "failed": "red"}


def _kind_choices() -> list[tuple[str, str]]:
    return [(k.key, k.title) for k in documents.kinds()]


def _year_choices() -> list[tuple[str, str]]:
    this = clock.today().year
    return [(str(y), f"{y}年") for y in range(this, this - 6, -1)]


def _version_text(d: IssuedDocument) -> str:
    text = f"第{d.version}版"
    return f"{text}（已更正）" if d.superseded else text


def _spec() -> ListSpec:
    return ListSpec(
        key="documents",
        title="文书管理",
        columns=[
            Column("number", "文号", lambda d: d.number, sort="number", link=_url),
            Column("title", "文书", lambda d: d.title, sort="title"),
            Column(
                "subject", "对象", lambda d: d.subject_name, sort="subject_name", link=_subject_url
            ),
            Column("addressee", "送达对象", lambda d: d.addressee),
            Column("issuer", "发文机关", lambda d: d.issuer, sort="issuer"),
            Column(
                "version",
                "版本",
                _version_text,
                sort="version",
                tag=lambda d: "grey" if d.superseded else "",
            ),
            Column.state("state", "生成状态", STATE_COLOURS),
            Column.when("created", "签发时间", "created_at"),
            Column("sha256", "PDF 哈希（SHA-256）", lambda d: d.sha256, export_only=True),
        ],
        filters=[
            Filter("kind", "文书类别", "kind", choices=_kind_choices),
            Filter("year", "年度", "year", choices=_year_choices),
            Filter("issuer", "发文机关简称", "issuer_abbr", kind="text"),
            Filter("from", "签发日期起", "issued_on", kind="date_from"),
            Filter("to", "签发日期止", "issued_on", kind="date_to"),
        ],
        search=("number", "title", "subject_name", "addressee"),
        search_label="文号/文书/对象",
        default_sort="-created",
        row_url=_url,
        row_action="查看",
        empty="暂无文书",
        export_name="文书管理",
        testid="documents-table",
        row_testid="document-row",
    )


def _url(d: IssuedDocument) -> str:
    return reverse("document_detail", args=[d.pk])


def _subject_url(d: IssuedDocument) -> str:
    return documents.subject_url(d)


@page_view
def document_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render_list(
        request,
        _spec(),
        IssuedDocument.objects.visible_to(actor),
        context={"section": "工作台", "icon": "bi-file-earmark-text"},
    )


def _load(request: HttpRequest, pk: int) -> IssuedDocument:
    return cast(
        IssuedDocument, get_visible_or_404(IssuedDocument.objects, actor_of(request), pk=pk)
    )


@page_view
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _load(request, pk)
    actor = actor_of(request)
    # every version of this document (few: one per correction)
    versions = IssuedDocument.objects.visible_to(actor).filter(
        kind=doc.kind,
        number=doc.number,
        subject_type=doc.subject_type,
        subject_id=doc.subject_id,
    )
    chain = list(versions.order_by("version")[:50])
    pending = doc.state in (IssuedDocument.State.QUEUED, IssuedDocument.State.RENDERING)
    return render(
        request,
        "core/document_detail.html",
        {
            "doc": doc,
            "versions": chain,
            "subject_url": documents.subject_url(doc),
            "pending": pending,
            "latest": IssuedDocument.objects.filter(replaces=doc).first(),
            "correction": _correction(doc, actor),
        },
    )


def _correction(doc: IssuedDocument, actor: Any, data: Any = None, error: str = "") -> Any:
    """The correction form (for who may correct): the reason and each
    correctable text field, prefilled with what the document says now."""
    if not documents.may_correct(doc, actor):
        return None
    fields = [
        {
            "name": name,
            "label": label,
            "value": data.get(f"f_{name}", value) if data is not None else value,
        }
        for name, label, value in documents.correctable_fields(doc)
    ]
    reason = data.get("reason", "") if data is not None else ""
    return {"fields": fields, "reason": reason, "error": error}


@require_POST
@page_view
def document_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """更正: a new version of the document with the changed fields and the
    reason (never regenerated silently: the old version stays, superseded)."""
    doc = _load(request, pk)
    actor = actor_of(request)
    require(actor, documents.may_correct(doc, actor), "仅签发单位可以更正最新版本的文书")
    changed = {
        name: request.POST.get(f"f_{name}", value).strip()
        for name, _label, value in documents.correctable_fields(doc)
    }
    try:
        new = documents.correct(doc, changed, reason=request.POST.get("reason", ""), actor=actor)
    except DomainError as exc:
        return render(
            request,
            "core/document_detail.html",
            {
                "doc": doc,
                "versions": [doc],
                "subject_url": documents.subject_url(doc),
                "pending": False,
                "latest": None,
                "correction": _correction(doc, actor, request.POST, exc.message),
            },
            status=422,
        )
    messages.success(request, f"已更正为第{new.version}版，原版本已标记为“已被更正”")
    return redirect("document_detail", pk=new.pk)


@page_view
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The render's state as JSON (the page polls it while it renders)."""
    doc = _load(request, pk)
    done = doc.state == IssuedDocument.State.DONE
    return JsonResponse(
        {
            "state": doc.state,
            "state_label": doc.get_state_display(),
            "progress": doc.progress,
            "done": done,
            "failed": doc.state == IssuedDocument.State.FAILED,
            "error": doc.error,
            "pdf_url": reverse("document_file", args=[doc.pk, "pdf"]) if done else "",
            "docx_url": reverse("document_file", args=[doc.pk, "docx"]) if done else "",
        }
    )


@page_view
def document_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The one download route of an issued document: its PDF (inline, for
    printing) or its Word file (an attachment), through the actor's scope."""
    if fmt not in ("pdf", "docx"):
        raise NotFound()
    actor = actor_of(request)
    return cast(
        HttpResponse,
        files.download(
            IssuedDocument.objects,
            actor,
            pk,
            field=fmt,
            name=lambda d: (
                f"{d.title}（{d.number}{'' if d.version == 1 else f'，第{d.version}版'}）.{fmt}"
            ),
            state=IssuedDocument.State.DONE,
        ),
    )


@require_POST
@page_view
def document_retry(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _load(request, pk)
    actor = actor_of(request)
    require(
        actor,
        doc.created_by_id == actor.user_id or doc_templates.may_manage(actor),
        "仅签发人或监管办总管可以重新生成文书",
    )
    try:
        documents.retry(doc, actor=actor)
        messages.success(request, "已重新排队生成")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("document_detail", pk=doc.pk)


# --- templates ---------------------------------------------------------------------------------


@page_view
def document_templates(request: HttpRequest) -> HttpResponse:
    """文书模板: every kind with its template in use and its versions; the
    administrator downloads the current one and uploads the next."""
    actor = actor_of(request)
    require(actor, doc_templates.may_manage(actor), "仅监管办总管可以维护文书模板")
    error = ""
    chosen = request.POST.get("kind", "")
    if request.method == "POST":
        try:
            row = doc_templates.upload(
                actor=actor,
                key=chosen,
                upload=request.FILES.get("file"),
                note=request.POST.get("note", ""),
            )
            messages.success(
                request,
                f"已上传“{documents.kind(row.kind).title}”模板第{row.version}版，新签发的文书将使用此版本",
            )
            return redirect("document_templates")
        except DomainError as exc:
            error = exc.message
    rows: dict[str, list[Any]] = {}
    for t in DocumentTemplate.objects.order_by("kind", "-version")[:500]:
        rows.setdefault(t.kind, []).append(t)
    kinds = [
        {
            "kind": k,
            "versions": rows.get(k.key, []),
            "current": next((t.version for t in rows.get(k.key, []) if t.active), 0),
            "fields": [(n, label) for n, (label, _v) in doc_templates.COMMON_FIELDS.items()]
            + list(k.fields),
        }
        for k in documents.kinds()
    ]
    return render(
        request,
        "core/document_templates.html",
        {"kinds": kinds, "error": error, "chosen": chosen, "note": request.POST.get("note", "")},
        status=422 if error else 200,
    )


def _template_name(row: DocumentTemplate) -> str:
    try:
        title = documents.kind(row.kind).title
    except KeyError:
        title = "文书"
    return f"{title}模板（第{row.version}版）.docx"


@page_view
def document_template_file(request: HttpRequest, key: str, version: int) -> HttpResponse:
    """A template version as a Word file: the built-in one (version 0) or an
    uploaded one through the one download path (scoped to the administrators)."""
    actor = actor_of(request)
    if version > 0:
        row = DocumentTemplate.objects.filter(kind=key, version=version).first()
        return cast(
            HttpResponse,
            files.download(
                DocumentTemplate.objects,
                actor,
                row.pk if row else 0,
                field="docx",
                name=_template_name,
            ),
        )
    require(actor, doc_templates.may_manage(actor), "仅监管办总管可以维护文书模板")
    try:
        k = documents.kind(key)
    except KeyError:
        raise NotFound() from None
    name = f"{k.title}模板（平台内置）.docx"
    return cast(
        HttpResponse,
        files.file_response(ContentFile(doc_templates.builtin(), name=name), name, download=True),
    )
