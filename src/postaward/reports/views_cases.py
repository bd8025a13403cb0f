"""The typical-cases supervision ledger (典型案例督办台账, R-REP-06): the list
(list component, exported in the exchanged layout), marking a project as a
typical case (the office), one case with its progress and steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock, deadlines, steps
from postaward.core.errors import DomainError
from postaward.core.exports import ExportLayout
from postaward.core.lists import Column, Filter, ListSpec, build_list
from postaward.core.web import actor_of, page_view, refused, require
from postaward.projects.models import Project

from . import ledgers, sources_cases
from . import services_cases as sc
from .choices import CASE_COLOURS, CaseSource, CaseState
from .forms_cases import CaseForm
from .ledgers import DENIED, in_period, period_filters, scope_filters
from .models import TypicalCase
from .periods import Period, period_of
from .steps_cases import load_case

TITLE = "典型案例督办台账"


def cases(actor: Any) -> QuerySet:
    return TypicalCase.objects.visible_to(actor).select_related("project__owner", "office")


def _overdue(c: TypicalCase) -> bool:
    return c.state == CaseState.SUPERVISING and c.due_on < clock.today()


def summary(qs: QuerySet) -> list[tuple[str, int]]:
    today = clock.today()
    agg = qs.order_by().aggregate(
        n=Count("pk"),
        closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
        open=Count("pk", filter=Q(state=CaseState.SUPERVISING)),
        late=Count("pk", filter=Q(state=CaseState.SUPERVISING, due_on__lt=today)),
    )
    return [
        ("共督办", agg["n"]),
        ("已办结销号", agg["closed"]),
        ("督办中", agg["open"]),
        ("逾期未办结", agg["late"]),
    ]


def _latest(objs: list[TypicalCase]) -> list[TypicalCase]:
    """The latest progress of each case on the page: one query."""
    from .models import TypicalCaseProgress

    latest: dict[int, str] = {}
    for p in TypicalCaseProgress.objects.filter(case__in=objs).order_by("case_id", "at", "pk"):
        latest[p.case_id] = f"{clock.localtime(p.at):%Y-%m-%d} {p.text}"
    for c in objs:
        c.latest_progress = latest.get(c.pk, "")  # type: ignore[attr-defined]
    return objs


def spec(actor: Any, period: Period) -> ListSpec:
    def ledger(qs: QuerySet) -> tuple[ExportLayout, list[Any]]:
        text = "，".join(f"{label}{n}" for label, n in summary(qs))
        layout = ExportLayout(
            unit=actor.org_name, period=period.label, compiler=actor.display_name or actor.username
        )
        return layout, [text]

    return ListSpec(
        key="reports-typical-cases",
        title=TITLE,
        columns=[
            Column(
                "number",
                "督办编号",
                lambda c: c.number,
                sort="number",
                link=lambda c: reverse("reports_case_detail", args=[c.pk]),
            ),
            Column.when("marked", "列入督办时间", "marked_at"),
            Column("project", "项目名称", lambda c: c.project.name),
            Column(
                "owner",
                "建设单位",
                lambda c: c.project.owner.name if c.project.owner_id else "—",
            ),
            Column("source", "问题来源", lambda c: c.get_source_display(), sort="source"),
            Column("problem", "主要问题", lambda c: c.problem),
            Column("measures", "督办措施", lambda c: c.measures),
            Column(
                "due",
                "整改期限",
                lambda c: f"{c.due_on:%Y-%m-%d}（{c.days}个工作日）",
                sort="due_on",
                export=lambda c: c.due_on,
                tag=lambda c: "red" if _overdue(c) else "",
            ),
            Column("progress", "最新进展", lambda c: getattr(c, "latest_progress", "") or "—"),
            Column.state("state", "状态", {str(k): v for k, v in CASE_COLOURS.items()}),
            Column.when("closed", "办结时间", "closed_at"),
        ],
        filters=[
            *period_filters(),
            *scope_filters(actor, "project__"),
            Filter("state", "状态", "state", choices=CaseState.choices),
            Filter("source", "问题来源", "source", choices=CaseSource.choices),
        ],
        search=("number", "project__name", "problem"),
        search_label="编号、项目或问题",
        default_sort="-marked",
        row_url=lambda c: reverse("reports_case_detail", args=[c.pk]),
        export_name=TITLE,
        empty="本期间暂无典型案例",
        prepare=_latest,
        testid="ledger",
        ledger=ledger,
    )


@page_view
def case_list(request: HttpRequest) -> HttpResponse:
    from .views_ledgers import URL_NAMES

    a = actor_of(request)
    require(a, ledgers.may_read(a), DENIED)
    period = period_of(request.GET)
    s = spec(a, period)
    qs = cases(a).filter(in_period("marked_at", period))
    result = build_list(request, s, qs)
    if isinstance(result, HttpResponse):
        return result
    tabs = [
        {"label": str(k.label), "url": reverse(URL_NAMES[str(k)]), "active": False}
        for k in ledgers.LedgerKind
    ]
    return render(
        request,
        "reports/ledger.html",
        {
            "lst": result,
            "title": TITLE,
            "object_list": result.page_obj.object_list,
            "section": "报表与台账",
            "icon": "bi-flag",
            "intro": "对问题反映集中的项目列为典型案例，明确督办措施和整改期限，跟踪整改进展直至办结销号。依据：R-REP-06",
            "period": period,
            "counts": summary(result.matching),
            "tabs": tabs,
            "typical_active": True,
            "new_url": reverse("reports_case_new") if sc.is_office(a) else "",
            "new_label": "列入典型案例督办",
        },
    )


def _projects(a: Any) -> list[tuple[int, str]]:
    return [
        (p.pk, f"{p.code} {p.name}")
        for p in Project.objects.visible_to(a).order_by("code").only("pk", "code", "name")[:500]
    ]


def _from_source(request: HttpRequest, a: Any) -> Any:
    """The source record of ``?source=…&id=…`` (the 列入典型案例 button, ADR 0931);
    None without one; 404 when the actor does not see it."""
    data = request.POST if request.method == "POST" else request.GET
    raw = data.get("source_id") or data.get("id") or ""
    kind = request.GET.get("source") or data.get("source") or ""
    if not raw:
        return None
    from postaward.core.errors import NotFound

    found = sources_cases.find(a, kind, raw)
    if found is None:
        raise NotFound()
    return found


@page_view
def case_new(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, sc.is_office(a), "仅监管办可以列入典型案例督办")
    found = _from_source(request, a)
    initial: dict[str, Any] = {}
    raw = request.GET.get("project") or ""
    if raw.isdigit():
        initial["project"] = int(raw)
    if found is not None:
        initial.update(
            project=found.project_id,
            source=found.source,
            source_ref=found.ref,
            source_id=found.pk,
            problem=found.problem,
        )
    projects = _projects(a)
    if found is not None and found.project_id not in {pk for pk, _ in projects}:
        p = Project.objects.visible_to(a).filter(pk=found.project_id).first()
        if p is not None:
            projects.append((p.pk, f"{p.code} {p.name}"))
    form = CaseForm(
        request.POST or None, projects=projects, initial=initial, fixed=found is not None
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = sc.mark(
                    actor=a,
                    project_id=d["project"],
                    problem=d["problem"],
                    measures=d["measures"],
                    days=d["days"],
                    source=d["source"],
                    source_ref=d["source_ref"],
                    source_id=found.pk if found is not None else None,
                    idempotency_key=request.POST.get("idempotency_key") or None,
                )
            except DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(request, f"已列入典型案例督办：{c.number}")
                return redirect("reports_case_detail", c.pk)
    return render(request, "reports/case_form.html", {"form": form, "found": found}, status=status)


def render_detail(
    request: HttpRequest, c: TypicalCase, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    shown = [deadlines.show(d) for d in deadlines.deadlines_of(c)]
    return render(
        request,
        "reports/case_detail.html",
        {
            "c": c,
            "colour": CASE_COLOURS.get(c.state, "grey"),
            "overdue": _overdue(c),
            "progress": list(c.progress.order_by("at", "pk")),
            "clocks": shown,
            "page_steps": steps.page_steps(c, a, bound=bound),
            "source": sources_cases.find(a, c.source, c.source_id) if c.source_id else None,
        },
        status=status,
    )


@page_view
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    require(a, ledgers.may_read(a), DENIED)
    return render_detail(request, load_case(a, pk))
