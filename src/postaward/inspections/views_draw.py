"""Pages of the draw part: the work list (检查事项清单, 一单), yearly plans,
draws with how each number was reached, and the coverage statistics. Every
list is on core.lists (filters, sorting, export, print, phone cards)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, steps
from postaward.core.errors import DomainError, NotFound
from postaward.core.lists import Column, Filter, ListSpec, render_list
from postaward.core.web import actor_of, form_error, page_view, require
from postaward.orgs.choices import Industry

from . import draw as algo
from . import forms_draw as forms
from . import services_draw as svc
from . import stats_draw
from .models import (
    Draw,
    DrawState,
    InspectionPlan,
    Method,
    PlanRound,
    PlanState,
    RoundKind,
    Stage,
    WorkItem,
)
from .steps_draw import load_draw, load_plan

SECTION = {"section": "双随机检查", "icon": "bi-shuffle"}


def can_see(a: Any) -> bool:
    return svc.may_keep_list(a)


ITEMS = ListSpec(
    key="inspection_items",
    title="监管工作清单（检查事项）",
    columns=[
        Column("org", "监管部门", lambda i: i.organisation.name, sort="organisation__name"),
        Column("year", "年度", lambda i: str(i.year), sort="year"),
        Column(
            "name",
            "检查事项",
            lambda i: i.name,
            sort="name",
            link=lambda i: reverse("inspections_item_edit", args=[i.pk]),
        ),
        Column("basis", "依据", lambda i: i.basis_text),
        Column(
            "ratio", "年度抽查比例", lambda i: f"{i.ratio_pct.normalize():f}%", sort="ratio_pct"
        ),
        Column("frequency", "频次", lambda i: i.frequency),
        Column("method", "检查方式", lambda i: i.get_method_display(), sort="method"),
        Column("stage", "环节", lambda i: i.get_stage_display(), sort="stage"),
        Column("unannounced", "不打招呼", lambda i: "是" if i.unannounced else "否"),
    ],
    filters=[
        Filter("year", "年度", "year", kind="text"),
        Filter("method", "检查方式", "method", choices=Method.choices),
        Filter("stage", "环节", "stage", choices=Stage.choices),
        Filter("org", "监管部门", "organisation__name", kind="text"),
    ],
    search=("name", "basis_document"),
    search_label="检查事项或依据",
    default_sort="name",
    export_name="监管工作清单",
    empty="暂无检查事项",
    testid="inspection-items",
)


@page_view
def item_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see(a))
    return render_list(
        request,
        ITEMS,
        WorkItem.objects.visible_to(a).select_related("organisation"),
        context={
            **SECTION,
            "new_url": reverse("inspections_item_new"),
            "new_label": "新增检查事项",
            "intro": "依据 R-INS-01：各行业主管部门梳理监管工作清单，监管办汇总形成年度检查事项清单（一单）。",
        },
    )


def _item_form_page(request: HttpRequest, item: WorkItem | None) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see(a))
    initial = {"year": clock.today().year, "unannounced": True}
    if item is not None:
        initial = {k: getattr(item, k) for k in svc.ITEM_FIELDS}
    form = forms.WorkItemForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if item is None:
                    svc.create_item(actor=a, **form.cleaned_data)
                else:
                    svc.update_item(actor=a, obj=item, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "检查事项已保存")
                return redirect("inspections_items")
        else:
            status = 422
    return render(
        request,
        "inspections/draw/form.html",
        {
            "form": form,
            "title": "修改检查事项" if item else "新增检查事项",
            "back": "inspections_items",
        },
        status=status,
    )


@page_view
def item_new(request: HttpRequest) -> HttpResponse:
    return _item_form_page(request, None)


@page_view
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    item = WorkItem.objects.visible_to(a).filter(pk=pk).first()
    if item is None:
        raise NotFound()
    return _item_form_page(request, item)


PLANS = ListSpec(
    key="inspection_plans",
    title="年度检查计划",
    columns=[
        Column(
            "title",
            "计划名称",
            lambda p: p.title,
            sort="title",
            link=lambda p: reverse("inspections_plan", args=[p.pk]),
        ),
        Column("org", "制定单位", lambda p: p.organisation.name, sort="organisation__name"),
        Column("year", "年度", lambda p: str(p.year), sort="year"),
        Column("joint", "类型", lambda p: "联合计划" if p.joint else "部门计划"),
        Column("state", "状态", lambda p: p.get_state_display(), sort="state"),
        Column(
            "approved",
            "批准时间",
            lambda p: f"{clock.localtime(p.approved_at):%Y-%m-%d %H:%M}" if p.approved_at else "—",
            sort="approved_at",
        ),
    ],
    filters=[
        Filter("year", "年度", "year", kind="text"),
        Filter("state", "状态", "state", choices=PlanState.choices),
    ],
    search=("title",),
    search_label="计划名称",
    default_sort="-year",
    row_url=lambda p: reverse("inspections_plan", args=[p.pk]),
    export_name="年度检查计划",
    empty="暂无检查计划",
    testid="inspection-plans",
)


@page_view
def plan_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see(a))
    return render_list(
        request,
        PLANS,
        InspectionPlan.objects.visible_to(a).select_related("organisation"),
        context={**SECTION, "new_url": reverse("inspections_plan_new"), "new_label": "制定计划"},
    )


@page_view
def plan_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see(a))
    form = forms.PlanForm(request.POST or None, initial={"year": clock.today().year})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                p = svc.create_plan(actor=a, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "计划已创建，请增加检查轮次")
                return redirect("inspections_plan", p.pk)
        else:
            status = 422
    return render(
        request,
        "inspections/draw/form.html",
        {"form": form, "title": "制定年度检查计划", "back": "inspections_plans"},
        status=status,
    )


def _round_form(p: InspectionPlan, a: Any, data: Any = None) -> forms.RoundForm:
    items = WorkItem.objects.visible_to(a).filter(year=p.year).select_related("organisation")
    return forms.RoundForm(
        data,
        items=[
            (i.pk, f"{i.organisation.short_name or i.organisation.name}：{i.name}") for i in items
        ],
    )


def _weights_form(p: InspectionPlan, data: Any = None) -> forms.WeightsForm:
    return forms.WeightsForm(data, initial={**p.weights, "uniform_share": p.uniform_share})


def _commit_form(p: InspectionPlan, data: Any = None) -> forms.CommitForm:
    rounds = [(r.pk, str(r)) for r in p.rounds.all()]
    return forms.CommitForm(data, rounds=rounds)


def render_plan(
    request: HttpRequest,
    p: InspectionPlan,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    a = actor_of(request)
    bound = bound or {}
    editable = p.state == PlanState.DRAFT and svc.is_unit_staff(p.organisation_id, a)
    rounds = list(p.rounds.prefetch_related("items__organisation", "draws"))
    committable = p.state == PlanState.APPROVED and any(svc.may_commit(r, a) for r in rounds)
    return render(
        request,
        "inspections/draw/plan.html",
        {
            **SECTION,
            "p": p,
            "rounds": rounds,
            "has_special": any(r.kind == RoundKind.SPECIAL for r in rounds),
            "weights": [(forms.WEIGHT_LABELS[k], v) for k, v in p.weights.items()],
            "editable": editable,
            "round_form": bound.get("round") or (_round_form(p, a) if editable else None),
            "weights_form": bound.get("weights") or (_weights_form(p) if editable else None),
            "commit_form": bound.get("commit") or (_commit_form(p) if committable else None),
            "page_steps": steps.page_steps(p, a, bound=bound),
            "industries": dict(Industry.choices),
        },
        status=status,
    )


@page_view
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_plan(request, load_plan(actor_of(request), pk))


@page_view
def plan_round_add(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    p = load_plan(a, pk)
    form = _round_form(p, a, request.POST)
    if not form.is_valid():
        return render_plan(request, p, bound={"round": form}, status=422)
    try:
        svc.add_round(actor=a, plan=p, **form.cleaned_data)
    except DomainError as exc:
        form_error(form, exc)
        return render_plan(request, p, bound={"round": form}, status=exc.status)
    messages.success(request, "检查轮次已增加")
    return redirect("inspections_plan", p.pk)


@page_view
def plan_weights(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    p = load_plan(a, pk)
    form = _weights_form(p, request.POST)
    if not form.is_valid():
        return render_plan(request, p, bound={"weights": form}, status=422)
    data = dict(form.cleaned_data)
    share = data.pop("uniform_share")
    try:
        svc.set_weights(actor=a, obj=p, weights=data, uniform_share=share)
    except DomainError as exc:
        form_error(form, exc)
        return render_plan(request, p, bound={"weights": form}, status=exc.status)
    messages.success(request, "风险权重已保存")
    return redirect("inspections_plan", p.pk)


@page_view
def plan_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the commitment of a round's draw (pools' hashes, seed hash)."""
    a = actor_of(request)
    p = load_plan(a, pk)
    form = _commit_form(p, request.POST)
    if not form.is_valid():
        return render_plan(request, p, bound={"commit": form}, status=422)
    r = PlanRound.objects.filter(plan=p, pk=form.cleaned_data["round_id"]).first()
    if r is None:
        raise NotFound()
    try:
        d = svc.commit(actor=a, round=r, sample_size=form.cleaned_data.get("sample_size"))
    except DomainError as exc:
        form_error(form, exc)
        return render_plan(request, p, bound={"commit": form}, status=exc.status)
    messages.success(request, f"抽取承诺已公布（{d.number}），可以抽取")
    return redirect("inspections_draw", d.pk)


DRAWS = ListSpec(
    key="inspection_draws",
    title="随机抽取记录",
    columns=[
        Column(
            "number",
            "抽取编号",
            lambda d: d.number,
            sort="number",
            link=lambda d: reverse("inspections_draw", args=[d.pk]),
        ),
        Column("plan", "检查计划", lambda d: d.round.plan.title),
        Column("round", "轮次", lambda d: f"第{d.round.quarter}季度 {d.round.title}"),
        Column("kind", "类型", lambda d: d.round.get_kind_display()),
        Column("state", "状态", lambda d: d.get_state_display(), sort="state"),
        Column("pool", "项目库", lambda d: str(len(d.project_pool.get("projects", [])))),
        Column(
            "selected",
            "抽中项目",
            lambda d: str(len(d.result["selections"])) if d.result else "—",
        ),
        Column(
            "committed",
            "承诺公布时间",
            lambda d: f"{clock.localtime(d.committed_at):%Y-%m-%d %H:%M}",
            sort="committed_at",
            export=lambda d: d.committed_at,
        ),
        Column("seed_hash", "种子哈希", lambda d: d.seed_hash, export_only=True),
        Column("pool_hash", "项目库哈希", lambda d: d.project_pool_hash, export_only=True),
    ],
    filters=[
        Filter("state", "状态", "state", choices=DrawState.choices),
        Filter("kind", "类型", "round__kind", choices=RoundKind.choices),
    ],
    search=("number", "round__title", "round__plan__title"),
    search_label="编号或计划",
    default_sort="-committed",
    row_url=lambda d: reverse("inspections_draw", args=[d.pk]),
    export_name="随机抽取记录",
    empty="暂无抽取记录",
    testid="inspection-draws",
)


@page_view
def draw_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see(a))
    return render_list(
        request,
        DRAWS,
        Draw.objects.visible_to(a).select_related("round__plan"),
        context=SECTION,
    )


def render_draw(
    request: HttpRequest, d: Draw, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    return render(
        request,
        "inspections/draw/draw.html",
        {
            **SECTION,
            "d": d,
            "ctx": draw_context(d),
            "page_steps": steps.page_steps(d, a, bound=bound),
            "verification": svc.verify_draw(d) if d.revealed_at else None,
        },
        status=status,
    )


def draw_context(d: Draw) -> dict[str, Any]:
    """What the staff page and the public page show of a draw."""
    names = {i["id"]: i for i in d.inspector_pool.get("inspectors", [])}
    depts = {p["department_id"]: p["department"] for p in d.project_pool.get("projects", [])}
    projects = {p["id"]: p for p in d.project_pool.get("projects", [])}
    rows = []
    for s in (d.result or {}).get("selections", []):
        excluded = d.inspector_pool.get("exclusions", {}).get(str(s["project_id"]), {})
        rows.append(
            {
                **s,
                "industry_label": algo.INDUSTRY_NAMES.get(s["industry"], s["industry"]),
                "department": depts.get(s["department_id"], ""),
                "part_label": "纯随机" if s["part"] == "uniform" else "风险加权",
                "why": "、".join(projects.get(s["project_id"], {}).get("why", [])) or "—",
                "team": [
                    f"{names[i]['name']}（{names[i]['number']}）"
                    for i in s["inspectors"]
                    if i in names
                ],
                "excluded": [
                    f"{names[int(k)]['name']}：{'、'.join(v)}"
                    for k, v in excluded.items()
                    if int(k) in names
                ],
            }
        )
    counts: dict[str, int] = {}
    for p in d.project_pool.get("projects", []):
        counts[p["industry"]] = counts.get(p["industry"], 0) + 1
    return {
        "rows": rows,
        "explanation": (d.result or {}).get("explanation") or _preview(counts, d.params),
        "weights": [
            (forms.WEIGHT_LABELS.get(k, k), v) for k, v in d.project_pool.get("weights", {}).items()
        ],
        "uniform_share": d.params.get("uniform_share"),
        "pool_counts": [(algo.INDUSTRY_NAMES.get(k, k), n) for k, n in sorted(counts.items())],
        "pool_size": sum(counts.values()),
        "inspector_count": len(names),
        "items": list(d.round.items.select_related("organisation")),
    }


def _preview(counts: dict[str, int], params: dict[str, Any]) -> list[str]:
    try:
        return algo.minimum_samples(counts, params["sampling"], params.get("sample_size")).lines
    except algo.DrawRefused as exc:
        return [str(exc)]


@page_view
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_draw(request, load_draw(actor_of(request), pk))


def inputs_of(d: Draw) -> dict[str, Any]:
    """The published inputs of a draw (the seed once revealed): anyone re-runs
    ``draw.run`` on them."""
    return {
        "number": d.number,
        "algorithm": d.params.get("algorithm"),
        "params": d.params,
        "project_pool": d.project_pool,
        "project_pool_hash": d.project_pool_hash,
        "inspector_pool": d.inspector_pool,
        "inspector_pool_hash": d.inspector_pool_hash,
        "seed_hash": d.seed_hash,
        "seed": d.seed_public,
        "result": d.result if d.revealed_at else None,
    }


@page_view
def draw_inputs(request: HttpRequest, pk: int) -> HttpResponse:
    d = load_draw(actor_of(request), pk)
    return JsonResponse(inputs_of(d), json_dumps_params={"ensure_ascii": False, "indent": 1})


COVERAGE = ListSpec(
    key="inspection_coverage",
    title="抽查覆盖率统计",
    columns=[
        Column(
            "number",
            "抽取编号",
            lambda d: d.number,
            sort="number",
            link=lambda d: reverse("inspections_draw", args=[d.pk]),
        ),
        Column("round", "轮次", lambda d: str(d.round)),
        Column("pool", "项目库", lambda d: stats_draw.draw_row(d)["pool"]),
        Column("selected", "抽中", lambda d: stats_draw.draw_row(d)["selected"]),
        Column("minimum", "最低要求", lambda d: stats_draw.draw_row(d)["minimum"]),
        Column("rate", "抽查比例", lambda d: stats_draw.draw_row(d)["rate"]),
        Column("state", "状态", lambda d: d.get_state_display(), sort="state"),
    ],
    filters=[Filter("year", "年度", "on_date__year", kind="text")],
    search=("number",),
    search_label="抽取编号",
    default_sort="-number",
    row_url=lambda d: reverse("inspections_draw", args=[d.pk]),
    export_name="抽查覆盖率统计",
    empty="本年度暂无抽取",
    testid="inspection-coverage",
)


@page_view
def coverage(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, can_see(a))
    year = clock.today().year
    qs = (
        Draw.objects.visible_to(a)
        .select_related("round__plan")
        .exclude(state__in=(DrawState.COMMITTED, DrawState.SUPERSEDED))
    )
    return render_list(
        request,
        COVERAGE,
        qs,
        template="inspections/draw/coverage.html",
        context={
            **SECTION,
            "summary": stats_draw.coverage(qs.filter(on_date__year=year)),
            "year": year,
        },
    )
