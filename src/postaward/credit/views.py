"""The back-office pages of credit records (R-CAS-04): the list (on the list
component: filters, sort, totals of fines and points, export, print), the
record with its objections and repairs, its push status and the form to file
an objection or a repair request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import deadlines, steps
from postaward.core.errors import DomainError
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.scoping import get_visible_or_404
from postaward.core.web import actor_of, page_view, refused
from postaward.orgs.choices import OrgKind

from . import forms, services
from .choices import PushState, RecordState, RequestKind
from .models import DEPARTMENT_ROLES, OFFICE_ROLES, CreditPush, CreditRecord, CreditRequest

COLOURS: dict[str, str] = {
    RecordState.EFFECTIVE: "orange",
    RecordState.OBJECTING: "blue",
    RecordState.REPAIRED: "green",
    RecordState.WITHDRAWN: "grey",
}
PUSH_COLOURS: dict[str, str] = {
    PushState.PENDING: "blue",
    PushState.SENT: "green",
    PushState.FAILED: "red",
}


def _points_total(request: HttpRequest, qs: Any) -> int:
    """The points of the filtered records that still count (有效、异议中)."""
    from postaward.core.lists import _apply_filters

    filtered = _apply_filters(request, SPEC, qs)[0]
    counting = filtered.filter(state__in=(RecordState.EFFECTIVE, RecordState.OBJECTING))
    return int(counting.order_by().aggregate(n=Sum("points"))["n"] or 0)


def _push_state(r: CreditRecord) -> str:
    last = getattr(r, "last_push", None)
    return last.get_state_display() if last else "—"


def _with_last_push(objs: list[Any]) -> list[Any]:
    """The last push of each record on the page or in the workbook, in one query."""
    last: dict[int, CreditPush] = {}
    for p in CreditPush.objects.filter(record__in=objs).order_by("pk"):
        last[p.record_id] = p
    for r in objs:
        r.last_push = last.get(r.pk)
    return objs


SPEC = ListSpec(
    key="credit_records",
    title="信用记录",
    columns=[
        Column(
            "decision_number",
            "决定书文号",
            lambda r: r.decision_number,
            sort="decision_number",
            link=lambda r: reverse("credit_detail", args=[r.pk]),
        ),
        Column("subject", "当事人（单位）", lambda r: r.subject_name, sort="subject_name"),
        Column("measure", "处罚（处理）措施", lambda r: r.measure),
        Column("fine", "罚款（元）", lambda r: r.fine_yuan, sort="fine_yuan", money="fine_yuan"),
        Column("points", "记分", lambda r: r.points, sort="points"),
        Column("department", "作出决定的部门", lambda r: r.department.name),
        Column(
            "decided_on",
            "决定日期",
            lambda r: f"{r.decided_on:%Y-%m-%d}",
            sort="decided_on",
            export=lambda r: r.decided_on,
        ),
        Column(
            "entered_on",
            "录入日期",
            lambda r: f"{r.entered_on:%Y-%m-%d}",
            sort="entered_on",
            export=lambda r: r.entered_on,
            tag=lambda r: "green" if r.entered_in_time else "red",
        ),
        Column(
            "valid_until",
            "记分有效期至",
            lambda r: f"{r.valid_until:%Y-%m-%d}",
            sort="valid_until",
            export=lambda r: r.valid_until,
        ),
        Column.state("state", "状态", COLOURS),
        Column("project", "项目", lambda r: r.project.name if r.project_id else "—"),
        Column("push", "信用平台推送", _push_state, export_only=True),
        Column("basis", "依据", lambda r: r.basis, export_only=True),
        Column("case", "案件编号", lambda r: r.case_number, export_only=True),
    ],
    filters=[
        Filter("state", "状态", "state", choices=RecordState.choices),
        Filter(
            "kind",
            "当事人类别",
            "subject_org",
            choices=[("org", "单位"), ("person", "个人")],
            apply=lambda qs, v: qs.filter(subject_org__isnull=v != "org"),
        ),
        Filter("from", "决定日期起", "decided_on", kind="date_from"),
        Filter("to", "决定日期止", "decided_on", kind="date_to"),
    ],
    search=("subject_name", "decision_number", "case_number", "project__name"),
    search_label="当事人、文号或项目",
    default_sort="-decided_on",
    row_url=lambda r: reverse("credit_detail", args=[r.pk]),
    export_name="信用记录",
    prepare=_with_last_push,
    empty="暂无信用记录",
    testid="credit-list",
)


def can_see_credit(actor: Any) -> bool:
    """The menu entry: the office, the industry authorities, a party with records."""
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return True
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
        return True
    return bool(actor.user_id) and CreditRecord.objects.visible_to(actor).exists()


def records(actor: Any) -> Any:
    return CreditRecord.objects.visible_to(actor).select_related(
        "department", "project", "office", "subject_org"
    )


@page_view
def record_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = records(a)
    return render_list(
        request,
        SPEC,
        qs,
        context={
            "section": "信用管理",
            "icon": "bi-award",
            "points_total": _points_total(request, qs),
        },
        template="credit/list.html",
    )


def load_record(actor: Any, pk: int) -> CreditRecord:
    return get_visible_or_404(records(actor), actor, pk=pk)  # type: ignore[no-any-return]


def render_detail(
    request: HttpRequest,
    r: CreditRecord,
    *,
    bound: dict[int, dict[str, Any]] | None = None,
    form: Any = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    rows = []
    for q in CreditRequest.objects.visible_to(a).filter(record=r).select_related("record"):
        clocks = [deadlines.show(d) for d in deadlines.deadlines_of(q)]
        rows.append((q, clocks, steps.page_steps(q, a, bound=(bound or {}).get(q.pk))))
    kinds = [k for k in RequestKind.values if services.may_file(r, a, k)]
    return render(
        request,
        "credit/detail.html",
        {
            "r": r,
            "colour": COLOURS.get(r.state, "grey"),
            "requests": rows,
            "pushes": CreditPush.objects.filter(record=r).order_by("-pk")[:20],
            "push_colours": PUSH_COLOURS,
            "form": form or (forms.RequestForm() if kinds else None),
            "is_party": services.is_party(r, a),
        },
        status=status,
    )


@page_view
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, load_record(actor_of(request), pk))


@page_view
def record_request(request: HttpRequest, pk: int) -> HttpResponse:
    """File an objection or a repair request (the party, or the office on its
    behalf)."""
    a = actor_of(request)
    r = load_record(a, pk)
    if request.method != "POST":
        return redirect("credit_detail", pk)
    form = forms.RequestForm(request.POST)
    if form.is_valid():
        try:
            q = services.file_request(
                actor=a,
                record=r,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            return render_detail(request, r, form=form, status=refused(form, exc))
        messages.success(request, f"已登记{q.get_kind_display()}，转主管部门核查")
        return redirect("credit_detail", pk)
    return render_detail(request, r, form=form, status=422)
