"""The pages of the visits part: the inspection list and page (steps, items,
findings, evidence, clocks), registration by hand, merge candidates, the
rectification ledger (整改台账, R-REP-01) and an order's page, statistics,
scoped downloads of evidence and replies."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.cases.models import EnforcementCertificate
from postaward.core import clock, deadlines, files, steps
from postaward.core.errors import DomainError
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.models import AuditRecord
from postaward.core.web import actor_of, form_error, page_view, require
from postaward.orgs.choices import ENTERPRISE_KINDS, OrgKind, Role

from . import forms_visits as forms
from . import joint_visits as joint
from . import services_visits as svc
from . import stats_visits
from .models.visits import (
    Evidence,
    Inspection,
    InspectionKind,
    InspectionState,
    OrderState,
    RectificationOrder,
    RectificationReply,
)
from .steps_visits import load_inspection, load_order

STATE_COLOURS: dict[str, str] = {
    InspectionState.SCHEDULED: "grey",
    InspectionState.NOTIFIED: "blue",
    InspectionState.ON_SITE: "orange",
    InspectionState.RECORD_SIGNED: "blue",
    InspectionState.REPORTED: "blue",
    InspectionState.SIGNED_OFF: "orange",
    InspectionState.PUBLISHED: "green",
    InspectionState.MERGED: "grey",
}
ORDER_COLOURS: dict[str, str] = {
    OrderState.OPEN: "orange",
    OrderState.REPLIED: "blue",
    OrderState.CLOSED: "green",
}


def can_see(actor: Any) -> bool:
    """The menu entry: the office, the industry authorities, and inspectors."""
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE:
        return bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER, Role.OFFICE_STAFF})
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY:
        return bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER, Role.AUTHORITY_STAFF})
    return False


def can_see_ledger(actor: Any) -> bool:
    """The ledger: who sees inspections, and the subjects (enterprises and
    owners) for their own orders."""
    return can_see(actor) or (
        actor.user_id is not None
        and (actor.org_kind in ENTERPRISE_KINDS or actor.org_kind == OrgKind.OWNER)
    )


SPEC = ListSpec(
    key="inspections_visits",
    title="检查清单",
    columns=[
        Column(
            "number",
            "检查编号",
            lambda i: i.number,
            sort="number",
            link=lambda i: reverse("inspections_visit", args=[i.pk]),
        ),
        Column("project", "项目", lambda i: i.project.name),
        Column("department", "牵头部门", lambda i: i.department.name),
        Column("kind", "检查类型", lambda i: i.get_kind_display(), sort="kind"),
        Column("joint", "联合检查", lambda i: "是" if i.is_joint else "—"),
        Column("announced", "通知方式", lambda i: "事先通知" if i.announced else "不打招呼"),
        Column(
            "period",
            "检查期间",
            lambda i: f"{i.period_start:%Y-%m-%d} 至 {i.period_end:%Y-%m-%d}",
            sort="period_start",
        ),
        Column.state("state", "办理环节", STATE_COLOURS),
        Column.when("created", "登记时间", "created_at"),
    ],
    filters=[
        Filter("state", "办理环节", "state", choices=InspectionState.choices),
        Filter("kind", "检查类型", "kind", choices=InspectionKind.choices),
        Filter("joint", "联合检查", "is_joint", choices=[("True", "是"), ("False", "否")]),
        Filter("department", "牵头部门", "department__name", kind="text"),
        Filter("from", "检查期间自", "period_start", kind="date_from"),
        Filter("to", "检查期间至", "period_end", kind="date_to"),
    ],
    search=("number", "project__name", "project__code"),
    search_label="检查编号或项目",
    default_sort="-created",
    row_url=lambda i: reverse("inspections_visit", args=[i.pk]),
    export_name="检查清单",
    empty="暂无检查",
    testid="inspections-visits",
)


def _visible(actor: Any) -> QuerySet:
    return Inspection.objects.visible_to(actor).select_related("project", "department")


@page_view
def visit_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see(a), "仅监管办和行业主管部门可以查看检查清单")
    qs = _visible(a)
    return render_list(
        request,
        SPEC,
        qs,
        context={
            "section": "双随机检查",
            "icon": "bi-clipboard-check",
            "new_url": reverse("inspections_visit_new") if svc.may_schedule(a) else "",
            "new_label": "登记检查",
        },
    )


def _timeline(i: Inspection) -> list[dict[str, Any]]:
    rows = AuditRecord.objects.filter(
        object_type="inspections.inspection", object_id=str(i.pk)
    ).order_by("at", "pk")
    labels = {s.audit_action: s.label for s in steps.steps_of("inspections.inspection")}
    labels.update(
        {
            "inspections.schedule": "登记检查",
            "inspections.merge": "合并为联合检查",
            "inspections.merged": "并入联合检查",
        }
    )
    return [
        {
            "at": clock.localtime(r.at),
            "label": labels.get(r.action, r.action),
            "actor": r.actor_name,
        }
        for r in rows
    ]


def clocks_of(obj: Any) -> list[dict[str, Any]]:
    out = []
    for d in deadlines.deadlines_of(obj):
        s = deadlines.show(d)
        out.append(
            {
                "label": s.label,
                "period": s.period,
                "end": s.end_text,
                "state": s.state_label,
                "overdue": s.overdue,
            }
        )
    return out


def render_detail(
    request: HttpRequest, i: Inspection, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    return render(
        request,
        "inspections/visits/detail.html",
        {
            "i": i,
            "page_steps": steps.page_steps(i, a, bound=bound),
            "inspectors": i.inspectors.all(),
            "departments": i.departments.select_related("department"),
            "items": i.items.prefetch_related("findings", "evidence"),
            "findings": i.findings.select_related("item", "transfer_org"),
            "orders": RectificationOrder.objects.visible_to(a).filter(inspection=i),
            "merged": i.merged.all(),
            "clocks": clocks_of(i),
            "timeline": _timeline(i),
        },
        status=status,
    )


@page_view
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    i = load_inspection(actor_of(request), pk)
    if i.merged_into_id:
        messages.info(request, f"本检查已并入联合检查 {i.merged_into.number}")  # type: ignore[union-attr]
    return render_detail(request, i)


def new_form(a: Any, data: Any = None) -> forms.NewInspectionForm:
    from postaward.orgs.models import Organisation
    from postaward.projects.models import Project

    if a.org_kind == OrgKind.SUPERVISION_OFFICE:
        depts = Organisation.objects.filter(
            kind=OrgKind.INDUSTRY_AUTHORITY, path__startswith=a.org_path
        )
    else:
        depts = Organisation.objects.filter(pk=a.organisation_id)
    projects = Project.objects.visible_to(a).order_by("code")[:500]
    certs = EnforcementCertificate.objects.visible_to(a).select_related("person", "department")
    return forms.NewInspectionForm(
        data,
        projects=[(p.pk, f"{p.code} {p.name}") for p in projects],
        departments=[(o.pk, o.name) for o in depts.order_by("name")],
        inspectors=[(c.pk, str(c)) for c in certs[:300]],
        common=[
            (c.item_key, f"{c.name}（{c.method}）")
            for c in svc.pickable_items(a, clock.local_date(clock.now()).year)
        ],
    )


@page_view
def visit_new(request: HttpRequest) -> HttpResponse:
    """登记检查 by hand (office or authority staff)."""
    a = actor_of(request)
    require(a, svc.may_schedule(a), "监管办或行业主管部门工作人员方可登记检查")
    form = new_form(a, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                i = svc.register_by_hand(actor=a, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"检查已登记，编号 {i.number}")
                return redirect("inspections_visit", i.pk)
        else:
            status = 422
    return render(request, "inspections/visits/new.html", {"form": form}, status=status)


@page_view
def merge_page(request: HttpRequest) -> HttpResponse:
    """联合检查: merge candidates and the merge itself (the office)."""
    a = actor_of(request)
    require(a, joint.may_merge(a), "监管办工作人员方可合并联合检查")
    groups = joint.candidates(a)
    choices = [
        (i.pk, f"{i.number} {i.department.name} {i.project.name}")
        for g in groups
        for i in g.inspections
    ]
    form = forms.MergeForm(request.POST or None, choices=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                lead = joint.merge(a, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    f"已合并为联合检查 {lead.number}，节省检查 {len(form.cleaned_data['other_ids'])} 次",
                )
                return redirect("inspections_visit", lead.pk)
        else:
            status = 422
    saved = joint.visits_saved(Inspection.objects.visible_to(a))
    return render(
        request,
        "inspections/visits/merge.html",
        {"groups": groups, "form": form, "saved": saved},
        status=status,
    )


# --- the rectification ledger (整改台账) ------------------------------------------------------------------


def _late(o: RectificationOrder) -> str:
    if o.state == OrderState.CLOSED:
        return "—"
    return "已超期" if clock.today() > o.due_on else "未超期"


LEDGER = ListSpec(
    key="inspections_ledger",
    title="标后检查及整改台账",
    columns=[
        Column(
            "number",
            "整改通知编号",
            lambda o: o.number,
            sort="number",
            link=lambda o: reverse("inspections_order", args=[o.pk]),
        ),
        Column("inspection", "检查编号", lambda o: o.inspection.number, sort="inspection__number"),
        Column("project", "项目", lambda o: o.inspection.project.name),
        Column("item", "检查事项", lambda o: o.finding.item.name),
        Column("subject", "整改主体", lambda o: o.subject_text, sort="subject_text"),
        Column("requirement", "整改要求", lambda o: o.requirement),
        Column(
            "due",
            "整改期限",
            lambda o: f"{o.due_on:%Y-%m-%d}",
            sort="due_on",
            export=lambda o: o.due_on,
        ),
        Column("rounds", "整改轮次", lambda o: str(o.rounds), sort="rounds"),
        Column.state("state", "整改状态", ORDER_COLOURS),
        Column("late", "超期", _late),
        Column.when("issued", "下达时间", "issued_at"),
        Column.when("closed", "销号时间", "closed_at"),
        Column("finding", "问题描述", lambda o: o.finding.description, export_only=True),
    ],
    filters=[
        Filter("state", "整改状态", "state", choices=OrderState.choices),
        Filter(
            "overdue",
            "超期",
            "state",
            choices=[("1", "已超期"), ("0", "未超期")],
            apply=lambda qs, v: (
                qs.exclude(state=OrderState.CLOSED).filter(due_on__lt=clock.today())
                if v == "1"
                else qs.exclude(
                    state__in=[OrderState.OPEN, OrderState.REPLIED], due_on__lt=clock.today()
                )
            ),
        ),
        Filter("subject", "整改主体", "subject_text", kind="text"),
        Filter("from", "下达日期自", "issued_at__date", kind="date_from"),
        Filter("to", "下达日期至", "issued_at__date", kind="date_to"),
    ],
    search=("number", "subject_text", "inspection__number", "inspection__project__name"),
    search_label="编号、整改主体或项目",
    default_sort="-issued",
    row_url=lambda o: reverse("inspections_order", args=[o.pk]),
    export_name="标后检查及整改台账",
    empty="暂无整改事项",
    testid="inspections-ledger",
)


@page_view
def ledger(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see_ledger(a), "当前角色无权查看整改台账")
    qs = RectificationOrder.objects.visible_to(a).select_related(
        "inspection__project", "finding__item"
    )
    return render_list(
        request, LEDGER, qs, context={"section": "双随机检查", "icon": "bi-journal-check"}
    )


def render_order(
    request: HttpRequest,
    o: RectificationOrder,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    return render(
        request,
        "inspections/visits/order.html",
        {
            "o": o,
            "page_steps": steps.page_steps(o, a, bound=bound),
            "replies": RectificationReply.objects.visible_to(a).filter(order=o),
            "clocks": clocks_of(o),
            "sees_inspection": Inspection.objects.visible_to(a).filter(pk=o.inspection_id).exists(),
        },
        status=status,
    )


@page_view
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_order(request, load_order(actor_of(request), pk))


@page_view
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    return cast(HttpResponse, files.download(Evidence.objects, actor_of(request), pk, field="file"))


@page_view
def reply_file(request: HttpRequest, pk: int) -> HttpResponse:
    return cast(
        HttpResponse,
        files.download(RectificationReply.objects, actor_of(request), pk, field="file"),
    )


@page_view
def statistics(request: HttpRequest) -> HttpResponse:
    """检查统计: findings by item, rectification on-time rate, visits saved."""
    a = actor_of(request)
    require(a, can_see(a), "仅监管办和行业主管部门可以查看检查统计")
    s = stats_visits.visit_stats(a)
    if request.GET.get("export") == "xlsx":
        return stats_visits.export(s)
    return render(request, "inspections/visits/statistics.html", {"s": s})
