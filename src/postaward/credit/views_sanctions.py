"""The pages of the sanctions register (处理措施登记, R-SCO-07, R-SCO-08): the
list (filters, sort, totals of amounts, export, print), one measure with its
revocation step and (a blacklist entry) its credit repair requests and their
steps (ADR 0693), and the form to record one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, deadlines, steps
from postaward.core.errors import DomainError, Forbidden
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, page_view, refused

from . import services_sanctions
from .choices import IssuerKind, SanctionKind, SanctionState
from .forms_sanctions import SanctionForm
from .forms_scores import ScoreRepairForm
from .models import CreditRequest, Sanction
from .steps_sanctions import load_sanction

STATE_COLOURS: dict[str, str] = {
    SanctionState.EFFECTIVE: "orange",
    SanctionState.REVOKED: "grey",
}


def _period(s: Sanction) -> str:
    if s.period_from is None:
        return "—"
    end = f"{s.period_to:%Y-%m-%d}" if s.period_to else "—"
    return f"{s.period_from:%Y-%m-%d} 至 {end}"


def _in_force(s: Sanction) -> str:
    return "是" if s.bans_bidding and s.in_force_on(clock.today()) else ""


SPEC = ListSpec(
    key="credit_sanctions",
    title="处理措施登记",
    columns=[
        Column(
            "number",
            "登记编号",
            lambda s: s.number,
            sort="number",
            link=lambda s: reverse("credit_sanction_detail", args=[s.pk]),
        ),
        Column("kind", "处理措施", lambda s: s.get_kind_display(), sort="kind"),
        Column("subject", "被处理对象", lambda s: s.subject_name, sort="subject_name"),
        Column("issuer", "作出单位", lambda s: s.issuer.name),
        Column("project", "项目", lambda s: s.project.name if s.project_id else "—"),
        Column(
            "decided_on",
            "作出日期",
            lambda s: f"{s.decided_on:%Y-%m-%d}",
            sort="decided_on",
            export=lambda s: s.decided_on,
        ),
        Column("period", "期限", _period),
        Column(
            "amount",
            "金额（元）",
            lambda s: s.amount_yuan,
            sort="amount_yuan",
            money="amount_yuan",
        ),
        Column("ban", "禁止投标中", _in_force, tag=lambda s: "red" if _in_force(s) else ""),
        Column.state("state", "状态", STATE_COLOURS),
        Column(
            "basis",
            "依据",
            lambda s: f"{s.basis_document}{s.basis_article}",
            export_only=True,
        ),
        Column("reason", "事实和理由", lambda s: s.reason, export_only=True),
    ],
    filters=[
        Filter("kind", "处理措施", "kind", choices=SanctionKind.choices),
        Filter("issuer_kind", "作出单位类别", "issuer_kind", choices=IssuerKind.choices),
        Filter("state", "状态", "state", choices=SanctionState.choices),
        Filter("from", "作出日期起", "decided_on", kind="date_from"),
        Filter("to", "作出日期止", "decided_on", kind="date_to"),
    ],
    search=("number", "subject_name", "project__name", "issuer__name"),
    search_label="编号、对象、项目或作出单位",
    default_sort="-decided_on",
    row_url=lambda s: reverse("credit_sanction_detail", args=[s.pk]),
    export_name="处理措施登记",
    empty="暂无处理措施",
    testid="sanction-list",
)


def sanctions(actor: Any) -> Any:
    return Sanction.objects.visible_to(actor).select_related("issuer", "project", "subject_org")


def can_see_sanctions(actor: Any) -> bool:
    """The menu entry: who may record, and a unit with measures against it."""
    if services_sanctions.may_record(actor):
        return True
    return bool(actor.user_id) and Sanction.objects.visible_to(actor).exists()


@page_view
def sanction_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    return render_list(
        request,
        SPEC,
        sanctions(a),
        context={
            "section": "信用管理",
            "icon": "bi-journal-x",
            "new_url": reverse("credit_sanction_new") if services_sanctions.may_record(a) else "",
            "new_label": "登记处理措施",
        },
    )


def render_detail(
    request: HttpRequest,
    s: Sanction,
    *,
    bound: Any = None,
    request_bound: dict[int, dict[str, Any]] | None = None,
    repair_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    today = clock.today()
    rows = []
    for q in CreditRequest.objects.visible_to(a).filter(sanction=s).select_related("sanction"):
        clocks = [deadlines.show(d) for d in deadlines.deadlines_of(q)]
        rows.append((q, clocks, steps.page_steps(q, a, bound=(request_bound or {}).get(q.pk))))
    may = services_sanctions.may_repair(s, a)
    return render(
        request,
        "credit/sanction_detail.html",
        {
            "s": s,
            "colour": STATE_COLOURS.get(s.state, "grey"),
            "period": _period(s),
            "banning_now": s.bans_bidding and s.in_force_on(today),
            "page_steps": steps.page_steps(s, a, bound=bound),
            "requests": rows,
            "is_subject": services_sanctions.is_sanction_subject(s, a),
            "repair_form": repair_form or (ScoreRepairForm() if may else None),
        },
        status=status,
    )


@page_view
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, load_sanction(actor_of(request), pk))


@page_view
def sanction_repair(request: HttpRequest, pk: int) -> HttpResponse:
    """File a credit repair request of a blacklist entry in force (the unit,
    or the office on its behalf), with the account of the rectification and
    its proof (ADR 0693)."""
    a = actor_of(request)
    s = load_sanction(a, pk)
    if request.method != "POST":
        return redirect("credit_sanction_detail", pk)
    form = ScoreRepairForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services_sanctions.file_sanction_repair(
                actor=a,
                sanction=s,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data.get("evidence") or None,
                idempotency_key=request.POST.get("idempotency_key") or "",
            )
        except DomainError as exc:
            return render_detail(request, s, repair_form=form, status=refused(form, exc))
        messages.success(request, "已登记信用修复申请，转作出单位核查")
        return redirect("credit_sanction_detail", pk)
    return render_detail(request, s, repair_form=form, status=422)


@page_view
def sanction_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    if not services_sanctions.may_record(a):
        raise Forbidden("仅建设单位、行业主管部门或监管办可以登记处理措施")
    form = SanctionForm(request.POST or None, actor=a)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                s = services_sanctions.record_sanction(
                    actor=a,
                    kind=data["kind"],
                    subject_org_id=data["subject_org"].pk,
                    project_id=data["project"].pk if data["project"] else None,
                    reason=data["reason"],
                    basis_document=data["basis_document"],
                    basis_article=data["basis_article"],
                    decided_on=data["decided_on"],
                    period_from=data["period_from"],
                    period_to=data["period_to"],
                    amount_yuan=data["amount_yuan"],
                    document_number=data["document_number"],
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, f"已登记处理措施 {s.number}")
                return redirect("credit_sanction_detail", s.pk)
    return render(request, "credit/sanction_form.html", {"form": form}, status=status)
