"""The back-office pages of complaints and reports: the handling table
(投诉举报处理情况表, on the list component), staff intake, the case page with
its clocks and steps, and the audited reveal of the complainant (R-CMP-04)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, deadlines, files, steps
from postaward.core.errors import DomainError
from postaward.core.exports import Column as XColumn
from postaward.core.exports import export_xlsx
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, form_error, page_view, refused, require

from . import forms, identity, limits, selectors, services, stats
from .choices import OPEN_STATES, Channel, Kind, PartState, RejectReason, State
from .models import (
    Complaint,
    ComplaintAssignment,
    ComplaintDocument,
    ComplaintFile,
    ComplaintReferral,
)
from .steps import load_complaint, office_staff

COLOURS: dict[str, str] = {
    State.RECEIVED: "orange",
    State.REJECTED: "grey",
    State.ACCEPTED: "blue",
    State.TRANSFERRED: "blue",
    State.REPLIED: "orange",
    State.REVIEWED: "blue",
    State.CLOSED: "green",
    State.SPLIT: "blue",
}
PART_COLOURS: dict[str, str] = {
    PartState.ASSIGNED: "blue",
    PartState.REPLIED: "orange",
    PartState.SENT_BACK: "red",
    PartState.APPROVED: "green",
}


def _overdue(qs: QuerySet, value: str) -> QuerySet:
    # a part of a split complaint answered late counts too (ADR 0510)
    part_missed = ComplaintAssignment.objects.filter(complaint=OuterRef("pk")).filter(
        deadlines.missed("complaints.complaintassignment")
    )
    qs = qs.annotate(_late=deadlines.missed("complaints.complaint") | Exists(part_missed))
    return qs.filter(_late=value == "1")


SPEC = ListSpec(
    key="complaints",
    title="投诉举报处理情况表",
    columns=[
        Column(
            "number",
            "收件编号",
            lambda c: c.receipt_number,
            sort="receipt_number",
            link=lambda c: reverse("complaints_detail", args=[c.pk]),
        ),
        Column("kind", "类别", lambda c: c.get_kind_display(), sort="kind"),
        Column("channel", "来源渠道", lambda c: c.get_channel_display(), sort="channel"),
        Column(
            "received",
            "收件时间",
            lambda c: f"{clock.localtime(c.received_at):%Y-%m-%d %H:%M}",
            sort="received_at",
            export=lambda c: c.received_at,
        ),
        Column(
            "project",
            "项目",
            lambda c: c.project.name if c.project_id else (c.project_text or "—"),
        ),
        Column("subject", "被投诉（举报）对象", lambda c: c.subject_text),
        Column(
            "state",
            "状态",
            lambda c: c.get_state_display(),
            sort="state",
            tag=lambda c: COLOURS.get(c.state, "grey"),
        ),
        Column("handling", "承办单位", lambda c: c.handling_org.name if c.handling_org_id else "—"),
        Column("outcome", "核查结论", lambda c: c.get_outcome_display() if c.outcome else "—"),
        Column(
            "retaliation",
            "打击报复",
            lambda c: "投诉人反映遭受打击报复" if c.retaliation else "—",
            tag=lambda c: "red" if c.retaliation else "grey",
        ),
        Column("facts", "事实和理由", lambda c: c.facts, export_only=True),
        Column("answer", "答复", lambda c: c.answer, export_only=True),
    ],
    filters=[
        Filter("kind", "类别", "kind", choices=Kind.choices),
        Filter("channel", "来源渠道", "channel", choices=Channel.choices),
        Filter("state", "状态", "state", choices=State.choices),
        Filter(
            "open",
            "办理情况",
            "state",
            choices=[("1", "办理中"), ("0", "已结束")],
            apply=lambda qs, v: (
                qs.filter(state__in=OPEN_STATES) if v == "1" else qs.exclude(state__in=OPEN_STATES)
            ),
        ),
        Filter(
            "overdue",
            "超期",
            "state",
            choices=[("1", "有超期"), ("0", "未超期")],
            apply=_overdue,
        ),
        Filter(
            "retaliation",
            "打击报复",
            "retaliation",
            choices=[("1", "有")],
            apply=lambda qs, v: qs.filter(retaliation=True),
        ),
        Filter("from", "收件日期起", "receipt_day", kind="date_from"),
        Filter("to", "收件日期止", "receipt_day", kind="date_to"),
    ],
    search=("receipt_number", "subject_text", "project_text", "project__name"),
    search_label="编号、对象或项目",
    default_sort="-received",
    row_url=lambda c: reverse("complaints_detail", args=[c.pk]),
    export_name="投诉举报处理情况表",
    empty="暂无投诉举报",
    testid="complaints-list",
)


def can_see_complaints(actor: Any) -> bool:
    """The menu entry: the supervision office, and units that handle complaints."""
    from postaward.orgs.choices import OrgKind

    from .models import OFFICE_ROLES, UNIT_ROLES

    return bool(actor.roles & OFFICE_ROLES and actor.org_kind == OrgKind.SUPERVISION_OFFICE) or (
        bool(actor.roles & UNIT_ROLES)
        and (
            Complaint.objects.filter(handling_org_id=actor.organisation_id).exists()
            or ComplaintAssignment.objects.filter(org_id=actor.organisation_id).exists()
        )
    )


@page_view
def complaint_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    return render_list(
        request,
        SPEC,
        selectors.complaints(a),
        context={
            "section": "投诉举报",
            "icon": "bi-megaphone",
            "new_url": reverse("complaints_new") if services.may_register(a) else "",
            "new_label": "登记投诉举报",
        },
    )


@page_view
def complaint_new(request: HttpRequest) -> HttpResponse:
    """Staff intake (案件基本情况登记表) of a letter, a visit, a call …"""
    a = actor_of(request)
    require(a, services.may_register(a), "监管办工作人员方可登记投诉举报")
    form = forms.IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        channel = data.pop("channel")
        upload = data.pop("evidence")
        try:
            filed = services.file_complaint(
                actor=a,
                filing=services.Filing(**data, evidence=[upload] if upload else []),
                channel=channel,
                source=limits.address_digest(f"user:{a.user_id}"),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"已登记，收件编号 {filed.complaint.receipt_number}，查询码 {filed.query_code}"
                "（请告知投诉人，查询码只显示这一次）",
            )
            return redirect("complaints_detail", filed.complaint.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "complaints/new.html", {"form": form}, status=status)


@dataclass
class PartRow:
    """One unit's part of a split complaint as its page shows it."""

    part: ComplaintAssignment
    colour: str
    clock: Any
    evidence: list[ComplaintFile]
    page_steps: list[Any]


def _parts(
    c: Complaint, a: Any, bound: dict[int, dict[str, Any]] | None = None
) -> tuple[list[PartRow], list[Any]]:
    """The parts the actor may read (the office: all; a unit: its own), with
    their clocks, evidence and steps (ADR 0510)."""
    parts = list(
        ComplaintAssignment.objects.visible_to(a)
        .filter(complaint=c)
        .select_related("org", "handler", "complaint")
    )
    evidence = ComplaintFile.objects.visible_to(a).filter(assignment__in=parts)
    clocks = services.parts_clocks(parts)
    rows = []
    for p in parts:
        open_clock = [k for k in clocks if k.deadline.subject_id == str(p.pk)]
        rows.append(
            PartRow(
                p,
                PART_COLOURS.get(p.state, "grey"),
                open_clock[-1] if open_clock else None,
                [f for f in evidence if f.assignment_id == p.pk],
                steps.page_steps(p, a, bound=(bound or {}).get(p.pk)),
            )
        )
    return rows, clocks


def render_detail(
    request: HttpRequest,
    c: Complaint,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
    part_bound: dict[int, dict[str, Any]] | None = None,
    revealed: Any = None,
    reveal_form: Any = None,
) -> HttpResponse:
    a = actor_of(request)
    page_steps = steps.page_steps(c, a, bound=bound)
    parts, part_clocks = _parts(c, a, part_bound)
    return render(
        request,
        "complaints/detail.html",
        {
            "c": c,
            "clocks": services.clocks_of(c) + part_clocks,
            "page_steps": [p for p in page_steps if p.step.name != "split"],
            "split_step": next((p for p in page_steps if p.step.name == "split"), None),
            "parts": parts,
            "may_reveal": identity.may_reveal(c, a),
            "reveal_form": reveal_form or forms.RevealForm(),
            "revealed": revealed,
            "colour": COLOURS.get(c.state, "grey"),
            "reasons": [
                RejectReason(r).label for r in c.reject_reasons if r in RejectReason.values
            ],
            "files": ComplaintFile.objects.visible_to(a).filter(
                complaint=c, assignment__isnull=True
            ),
            "documents": ComplaintDocument.objects.visible_to(a).filter(complaint=c),
            "referrals": _referrals(c, a),
            "is_office": office_staff(c, a),
        },
        status=status,
    )


def _referrals(c: Complaint, a: Any) -> Any:
    return (
        ComplaintReferral.objects.visible_to(a).filter(complaint=c).select_related("recipient_org")
    )


@page_view
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, load_complaint(actor_of(request), pk))


@page_view
def complaint_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the complainant's identity to the assigned staff, once per request,
    after a reason; the reveal is audited (R-CMP-04)."""
    a = actor_of(request)
    c = load_complaint(a, pk)
    if request.method != "POST":
        return redirect("complaints_detail", pk)
    form = forms.RevealForm(request.POST)
    revealed = None
    status = 200
    if form.is_valid():
        try:
            revealed = identity.reveal(actor=a, complaint=c, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            status = refused(form, exc)
    else:
        status = 422
    response = render_detail(request, c, status=status, revealed=revealed, reveal_form=form)
    response["Cache-Control"] = "no-store"
    return response


@page_view
def complaint_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """A filing's evidence or a reply's material, through the scope (evidence
    may name the complainant: a handling unit reads it only when the identity
    was shared with it, R-CMP-04)."""
    a = actor_of(request)
    c = load_complaint(a, pk)
    return cast(HttpResponse, files.download(ComplaintFile.objects, a, file_id, complaint=c))


def document_name(doc: ComplaintDocument, ext: str) -> str:
    return f"{doc.get_kind_display()}（{doc.number}）.{ext}"


@page_view
def complaint_document(
    request: HttpRequest, pk: int, doc_id: int, word: bool = False
) -> HttpResponse:
    """A generated document (the PDF, shown inline, or the Word file, an
    attachment), through the scope: a notice to the complainant names them
    and follows the evidence's rule (R-CMP-04)."""
    a = actor_of(request)
    c = load_complaint(a, pk)
    ext = "docx" if word else "pdf"
    return cast(
        HttpResponse,
        files.download(
            ComplaintDocument.objects,
            a,
            doc_id,
            field=ext,
            name=lambda d: document_name(d, ext),
            complaint=c,
        ),
    )


@page_view
def complaint_registration_form(request: HttpRequest, pk: int) -> HttpResponse:
    """案件基本情况登记表 (ADR 0516), PDF (``?word=1``: Word) through
    ``core.documents``, for the staff of the office that received it. GET: the
    identity sealed; POST with a reason: the identity on it, for the staff
    entitled to reveal it, the reveal audited (R-CMP-04)."""
    from django.core.files.base import ContentFile

    from . import documents

    a = actor_of(request)
    c = load_complaint(a, pk)
    require(a, office_staff(c, a), "监管办工作人员方可打印案件基本情况登记表")
    revealed = None
    word = request.GET.get("word") == "1" or request.POST.get("word") == "1"
    if request.method == "POST":
        form = forms.RevealForm(request.POST)
        if not form.is_valid():
            return render_detail(request, c, status=422)
        revealed = identity.reveal(actor=a, complaint=c, reason=form.cleaned_data["reason"])
    g = documents.registration_form(c, revealed=revealed)
    ext = "docx" if word else "pdf"
    data = g.docx if word else g.pdf
    name = f"案件基本情况登记表（{c.receipt_number}）.{ext}"
    return cast(
        HttpResponse, files.file_response(ContentFile(data, name=name), name, download=word)
    )


@page_view
def complaint_statistics(request: HttpRequest) -> HttpResponse:
    """投诉举报统计 (R-REP-01): counts by month, kind, industry and outcome and
    the on-time rate over the actor's complaints, with filters and export."""
    a = actor_of(request)
    require(a, can_see_complaints(a), "仅监管办和承办单位可以查看投诉举报统计")
    params = request.GET.copy()
    params.setdefault("year", str(clock.today().year))
    params.setdefault("month_from", "1")
    params.setdefault("month_to", "12")
    form = forms.StatsForm(params)
    if not form.is_valid():
        return render(request, "complaints/statistics.html", {"form": form, "s": None}, status=422)
    d = form.cleaned_data
    s = stats.compute(
        selectors.complaints(a),
        year=d["year"],
        month_from=d["month_from"],
        month_to=d["month_to"],
        kind=d["kind"] or "",
    )
    if request.GET.get("export") == "xlsx":
        title = f"投诉举报统计（{s.year}年{s.month_from}月至{s.month_to}月）"
        return export_xlsx(
            filename=f"{title}.xlsx",
            title=title,
            columns=[
                "统计项",
                "分类",
                XColumn("件数", kind="number"),
                XColumn("占比", kind="percent"),
            ],
            rows=stats.export_rows(s),
        )
    query = request.GET.urlencode()
    return render(
        request,
        "complaints/statistics.html",
        {"form": form, "s": s, "export_url": f"?{query}&export=xlsx" if query else "?export=xlsx"},
    )
