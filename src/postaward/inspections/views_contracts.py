"""Pages of contract checks (R-INS-07): the list (core.lists: filters, sort,
totals, export, print, phone cards), the check page (the side-by-side
comparison, the flags, the team, the steps) and opening a check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.cases.models import EnforcementCertificate
from postaward.core import clock, steps
from postaward.core.errors import DomainError
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.models import AuditRecord
from postaward.core.web import actor_of, form_error, page_view, require
from postaward.orgs.choices import OrgKind
from postaward.projects.models import Project

from . import forms_contracts, rules_contracts, services_contracts
from .models.contracts import (
    DEPARTMENT_ROLES,
    OFFICE_ROLES,
    CheckState,
    ContractCheck,
    FlagKind,
)
from .steps_contracts import load_check

COLOURS: dict[str, str] = {
    CheckState.OPENED: "blue",
    CheckState.COMPARED: "orange",
    CheckState.CONCLUDED: "green",
}


def _flag_kinds(qs: Any, value: str) -> Any:
    return qs.filter(flags__kind=value).distinct()


SPEC = ListSpec(
    key="inspections_contract_checks",
    title="合同履约检查",
    columns=[
        Column(
            "number",
            "检查编号",
            lambda c: c.number,
            sort="number",
            link=lambda c: reverse("inspections_contract_check", args=[c.pk]),
        ),
        Column("project", "项目", lambda c: c.project.name, sort="project__name"),
        Column(
            "amount",
            "中标金额",
            lambda c: c.project.contract_amount,
            money="project__contract_amount",
        ),
        Column("unit", "检查单位", lambda c: c.unit.name),
        Column("leader", "检查组长", lambda c: c.leader.person.name),
        Column.state("state", "检查环节", COLOURS),
        Column("flags", "疑点数", lambda c: str(c.flag_count), sort="flag_count"),
        Column(
            "suspected",
            "结论",
            lambda c: (
                "疑似违法违规，已提请立案"
                if c.suspected
                else ("未发现违法违规" if c.state == CheckState.CONCLUDED else "—")
            ),
            tag=lambda c: "red" if c.suspected else "grey",
        ),
        Column.when("opened", "开展时间", "opened_at"),
        Column("reason", "检查事由", lambda c: c.reason, export_only=True),
        Column("conclusion", "检查结论", lambda c: c.conclusion, export_only=True),
    ],
    filters=[
        Filter("state", "检查环节", "state", choices=CheckState.choices),
        Filter("kind", "疑点类型", "flags__kind", choices=FlagKind.choices, apply=_flag_kinds),
        Filter(
            "suspected",
            "结论",
            "suspected",
            choices=[("1", "疑似违法违规"), ("0", "未发现")],
            apply=lambda qs, v: qs.filter(suspected=v == "1", state=CheckState.CONCLUDED),
        ),
        Filter("unit", "检查单位", "unit__name", kind="text"),
    ],
    search=("number", "project__name", "project__code"),
    search_label="检查编号或项目",
    default_sort="-opened",
    row_url=lambda c: reverse("inspections_contract_check", args=[c.pk]),
    export_name="合同履约检查台账",
    empty="暂无合同履约检查",
    testid="contract-checks",
)


def can_see_checks(actor: Any) -> bool:
    """The menu entry: the office and the industry authorities."""
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
        return bool(actor.roles & OFFICE_ROLES)
    return actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and bool(actor.roles & DEPARTMENT_ROLES)


@page_view
def check_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see_checks(a), "仅监管办和行业主管部门可以查看合同履约检查")
    qs = ContractCheck.objects.visible_to(a).select_related("project", "unit", "leader__person")
    return render_list(
        request,
        SPEC,
        qs,
        context={
            "section": "双随机检查",
            "icon": "bi-file-earmark-check",
            "new_url": reverse("inspections_contract_check_new")
            if services_contracts.may_open(a)
            else "",
            "new_label": "开展合同履约检查",
        },
    )


def _timeline(c: ContractCheck) -> list[dict[str, Any]]:
    rows = AuditRecord.objects.filter(
        object_type="inspections.contractcheck", object_id=str(c.pk)
    ).order_by("at", "pk")
    labels = {s.audit_action: s.label for s in steps.steps_of(services_contracts.WF)}
    labels["inspections.contract_check.open"] = "开展检查"
    return [
        {
            "at": clock.localtime(r.at),
            "label": labels.get(r.action, r.action),
            "actor": r.actor_name,
        }
        for r in rows
    ]


def render_detail(
    request: HttpRequest,
    c: ContractCheck,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    return render(
        request,
        "inspections/contracts/detail.html",
        {
            "c": c,
            "page_steps": steps.page_steps(c, a, bound=bound),
            "members": c.members.all(),
            "flags": c.flags.all(),
            "table": c.comparison or {},
            "timeline": _timeline(c),
            "tolerances": {
                "amount": rules_contracts.pct(rules_contracts.AMOUNT_TOLERANCE),
                "duration": rules_contracts.pct(rules_contracts.DURATION_TOLERANCE),
                "share": rules_contracts.pct(rules_contracts.SUBCONTRACT_SHARE_LIMIT),
            },
        },
        status=status,
    )


@page_view
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, load_check(actor_of(request), pk))


@page_view
def check_new(request: HttpRequest) -> HttpResponse:
    """开展合同履约检查: the project and a team from the enforcement pool."""
    a = actor_of(request)
    require(
        a,
        services_contracts.may_open(a),
        f"{services_contracts.OPENERS}方可开展合同履约检查",
    )
    projects = Project.objects.visible_to(a).order_by("code")[:500]
    certs = EnforcementCertificate.objects.visible_to(a).select_related("person", "department")
    form = forms_contracts.OpenCheckForm(
        request.POST or None,
        projects=[(p.pk, f"{p.code} {p.name}") for p in projects],
        people=[(x.pk, str(x)) for x in certs],
        initial={"project_id": request.GET.get("project", "")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                c = services_contracts.open_check(actor=a, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"合同履约检查已开展，编号 {c.number}")
                return redirect("inspections_contract_check", c.pk)
        else:
            status = 422
    return render(request, "inspections/contracts/new.html", {"form": form}, status=status)
