"""The pages of cases: the case list (案件清单, on the list component), the
case file (one page: timeline, team, clocks, documents, steps), registration
by hand, and the scoped downloads of documents and proofs of service."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, deadlines, files, steps
from postaward.core.errors import DomainError, NotFound
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.models import AuditRecord, IssuedDocument
from postaward.core.web import actor_of, form_error, page_view, require
from postaward.orgs.choices import OrgKind, Role

from . import forms, selectors, services
from .api import clocks_of
from .choices import OPEN_STATES, Outcome, Source, State
from .models import OFFICE_ROLES, Case, CaseDelivery, CaseDocument, CaseMeeting
from .steps import load_case


def _overdue(qs: QuerySet, value: str) -> QuerySet:
    return qs.annotate(_late=deadlines.missed("cases.case")).filter(_late=value == "1")


SPEC = ListSpec(
    key="cases",
    title="案件清单",
    columns=[
        Column(
            "number",
            "案件编号",
            lambda c: c.number,
            sort="number",
            link=lambda c: reverse("cases_detail", args=[c.pk]),
        ),
        Column("source", "来源", lambda c: c.get_source_display(), sort="source"),
        Column("title", "案由", lambda c: c.title),
        Column("party", "当事人", lambda c: c.party_name),
        Column("department", "主管部门", lambda c: c.department.name),
        Column("state", "办理环节", lambda c: c.get_state_display(), sort="state"),
        Column("outcome", "处理结果", lambda c: c.get_outcome_display() if c.outcome else "—"),
        Column(
            "due",
            "调查期限",
            lambda c: f"{c.investigation_due:%Y-%m-%d}" if c.investigation_due else "—",
            sort="investigation_due",
        ),
        Column("extensions", "延期次数", lambda c: str(c.extension_count)),
        Column(
            "registered",
            "登记时间",
            lambda c: f"{clock.localtime(c.registered_at):%Y-%m-%d %H:%M}",
            sort="registered_at",
            export=lambda c: c.registered_at,
        ),
        Column("facts", "基本案情", lambda c: c.facts, export_only=True),
    ],
    filters=[
        Filter("source", "来源", "source", choices=Source.choices),
        Filter("state", "办理环节", "state", choices=State.choices),
        Filter("department", "主管部门", "department__name", kind="text"),
        Filter(
            "overdue",
            "超期",
            "state",
            choices=[("1", "有超期"), ("0", "未超期")],
            apply=_overdue,
        ),
        Filter("outcome", "处理结果", "outcome", choices=Outcome.choices),
        Filter(
            "open",
            "办理情况",
            "state",
            choices=[("1", "办理中"), ("0", "已结案")],
            apply=lambda qs, v: (
                qs.filter(state__in=OPEN_STATES) if v == "1" else qs.exclude(state__in=OPEN_STATES)
            ),
        ),
    ],
    search=("number", "party_name", "title", "source_ref"),
    search_label="编号、当事人或案由",
    default_sort="-registered",
    row_url=lambda c: reverse("cases_detail", args=[c.pk]),
    export_name="案件清单",
    empty="暂无案件",
    testid="cases-list",
)


def can_see_cases(actor: Any) -> bool:
    """The menu entry: the supervision office and the competent departments."""
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
        return bool(actor.roles & OFFICE_ROLES)
    return bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF}) and (
        actor.org_kind == OrgKind.INDUSTRY_AUTHORITY
    )


@page_view
def case_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    return render_list(
        request,
        SPEC,
        selectors.cases(a),
        context={
            "section": "案件查处",
            "icon": "bi-briefcase",
            "new_url": reverse("cases_new") if services.may_register(a) else "",
            "new_label": "登记案件",
        },
    )


def _timeline(c: Case) -> list[dict[str, Any]]:
    rows = AuditRecord.objects.filter(object_type="cases.case", object_id=str(c.pk)).order_by(
        "at", "pk"
    )
    labels = {s.audit_action: s.label for s in steps.steps_of("cases.case")}
    labels["cases.open"] = "登记案件"
    return [
        {
            "at": clock.localtime(r.at),
            "label": labels.get(r.action, r.action),
            "actor": r.actor_name,
        }
        for r in rows
    ]


def render_detail(
    request: HttpRequest, c: Case, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    return render(
        request,
        "cases/detail.html",
        {
            "c": c,
            "page_steps": steps.page_steps(c, a, bound=bound),
            "members": c.members.all(),
            "documents": CaseDocument.objects.visible_to(a).filter(case=c),
            "deliveries": CaseDelivery.objects.visible_to(a).filter(case=c),
            "meeting": CaseMeeting.objects.filter(case=c).first(),
            "extensions": c.extensions.all(),
            "clocks": clocks_of(c),
            "timeline": _timeline(c),
        },
        status=status,
    )


@page_view
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, load_case(actor_of(request), pk))


@page_view
def case_new(request: HttpRequest) -> HttpResponse:
    """登记案件: by hand, 上级交办, or an inspection finding."""
    from postaward.orgs.models import Organisation
    from postaward.projects.models import Project

    a = actor_of(request)
    require(a, services.may_register(a), "监管办工作人员方可登记案件")
    depts = Organisation.objects.filter(
        kind=OrgKind.INDUSTRY_AUTHORITY, path__startswith=a.org_path
    ).order_by("name")
    projects = Project.objects.visible_to(a).order_by("code")[:500]
    form = forms.NewCaseForm(
        request.POST or None,
        departments=[(o.pk, o.name) for o in depts],
        projects=[(p.pk, f"{p.code} {p.name}") for p in projects],
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                c = services.register_by_hand(actor=a, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"案件已登记，编号 {c.number}")
                return redirect("cases_detail", c.pk)
        else:
            status = 422
    return render(request, "cases/new.html", {"form": form}, status=status)


def _doc_name(d: CaseDocument, ext: str) -> str:
    return f"{d.get_kind_display()}（{d.number}）.{ext}"


@page_view
def case_document(request: HttpRequest, doc_id: int, word: bool = False) -> HttpResponse:
    """A document of a case (PDF inline, ``word``: the Word file) through the
    scope: the party reads only what was delivered to it. The file is the
    issued document's, through the one download path."""
    ext = "docx" if word else "pdf"
    actor = actor_of(request)
    doc = CaseDocument.objects.visible_to(actor).filter(pk=doc_id).first()
    if doc is None or doc.issued_id is None:
        raise NotFound()
    return cast(
        HttpResponse,
        files.download(
            IssuedDocument.objects,
            actor,
            doc.issued_id,
            field=ext,
            name=lambda _d: _doc_name(doc, ext),
            state=IssuedDocument.State.DONE,
        ),
    )


@page_view
def case_proof(request: HttpRequest, pk: int) -> HttpResponse:
    """The proof of service (送达回证) of a delivery."""
    return cast(
        HttpResponse, files.download(CaseDelivery.objects, actor_of(request), pk, field="proof")
    )


@page_view
def case_statistics(request: HttpRequest) -> HttpResponse:
    """案件统计: by source, stage and outcome; average days per stage."""
    from . import stats

    a = actor_of(request)
    require(a, can_see_cases(a), "仅监管办和行业主管部门可以查看案件统计")
    return render(request, "cases/statistics.html", {"s": stats.case_stats(a)})


DELIVERED = ListSpec(
    key="cases_delivered",
    title="送达本单位的案件文书",
    columns=[
        Column(
            "title",
            "文书",
            lambda d: d.get_kind_display(),
            link=lambda d: reverse("cases_document", args=[d.pk]),
        ),
        Column("number", "文号", lambda d: d.number, sort="number"),
        Column("case", "案件编号", lambda d: d.case.number),
        Column(
            "created",
            "制作日期",
            lambda d: f"{clock.localtime(d.created_at):%Y-%m-%d}",
            sort="created_at",
            export=lambda d: d.created_at,
        ),
    ],
    filters=[],
    search=("number", "case__number"),
    search_label="文号或案件编号",
    default_sort="-created",
    row_url=lambda d: reverse("cases_document", args=[d.pk]),
    export_name="送达文书",
    empty="暂无送达本单位的案件文书",
    testid="cases-delivered",
)


def is_party_account(actor: Any) -> bool:
    """An enterprise's account (a party may be an enterprise)."""
    from postaward.orgs.choices import ENTERPRISE_KINDS

    return actor.org_kind in ENTERPRISE_KINDS


@page_view
def case_delivered(request: HttpRequest) -> HttpResponse:
    """The party's page (enterprise portal): only the documents delivered to
    its own organisation (the 告知书 and the 决定书), never a case file."""
    a = actor_of(request)
    require(a, is_party_account(a), "仅当事企业可以查看送达本单位的案件文书")
    qs = (
        CaseDocument.objects.visible_to(a)
        .filter(delivered_to_party=True, case__party_org_id=a.organisation_id)
        .select_related("case")
    )
    return render_list(
        request, DELIVERED, qs, context={"section": "案件查处", "icon": "bi-envelope-paper"}
    )
