"""The annual comprehensive scores (年度综合评分) of the units and a unit's
credit page (R-SCO-02, R-SCO-03, R-SCO-04; ADR 0650): the list (filters by
year, industry, kind and colour; sorting; totals with a count per colour;
export; print; cards on phones), the unit's page (this year's score and
colour with reasons, the computation per project, the earlier versions, the
credit archive in time order, exportable) and the office's recomputation of
a year (in the worker, with its progress).

Scope: the office every unit of its district, an industry authority the
scores computed under its rules, a unit its own (``AnnualScore.visible_to``);
a unit with no score the actor may see is not found (404)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import clock
from postaward.core.errors import NotFound
from postaward.core.lists import Column, Filter, ListSpec, _apply_filters, render_list
from postaward.core.web import actor_of, page_view
from postaward.orgs.choices import Industry, OrgKind

from . import annual_runs, archive
from .choices import Colour, SubjectKind
from .models import (
    DEPARTMENT_ROLES,
    OFFICE_ROLES,
    AnnualRecompute,
    AnnualScore,
)

# The tag colours of the five colours (the platform's tags; yellow from enterprise.css).
TAGS: dict[str, str] = {
    Colour.GREEN: "green",
    Colour.BLUE: "blue",
    Colour.YELLOW: "yellow",
    Colour.ORANGE: "orange",
    Colour.RED: "red",
}
INDUSTRIES = dict(Industry.choices)
KINDS = dict(SubjectKind.choices)
FIRST_YEAR = 2020


def _years() -> list[tuple[str, str]]:
    return [(str(y), f"{y}年") for y in range(clock.today().year, FIRST_YEAR - 1, -1)]


def _industry(s: AnnualScore) -> str:
    return INDUSTRIES.get(s.rule_set.industry, "—") if s.rule_set is not None else "—"


def _reasons(s: AnnualScore) -> str:
    return "；".join(str(r) for r in s.colour_reasons)


SPEC = ListSpec(
    key="credit_enterprises",
    title="年度综合评分",
    columns=[
        Column(
            "unit",
            "单位",
            lambda s: s.subject_name,
            sort="subject_name",
            link=lambda s: reverse("credit_enterprise_detail", args=[s.subject_org_id]),
        ),
        Column("kind", "类别", lambda s: s.get_subject_kind_display(), sort="subject_kind"),
        Column("year", "年度", lambda s: s.year, sort="year"),
        Column("score", "年度综合评分", lambda s: s.score, sort="score"),
        Column.state("colour", "五色码", TAGS, attr="colour"),
        Column("industry", "颜色所依行业", _industry, export_only=True),
        Column("version", "计算版本", lambda s: f"第{s.version}版", sort="version"),
        Column.when("computed_at", "计算时间", "computed_at"),
        Column("reasons", "颜色依据", _reasons, export_only=True),
        Column("reason", "计算原因", lambda s: s.reason, export_only=True),
    ],
    filters=[
        Filter("year", "年度", "year", choices=_years),
        Filter("industry", "行业", "rule_set__industry", choices=Industry.choices),
        Filter("kind", "类别", "subject_kind", choices=SubjectKind.choices),
        Filter("colour", "五色码", "colour", choices=Colour.choices),
    ],
    search=("subject_name", "subject_org__uscc"),
    search_label="单位名称或统一社会信用代码",
    default_sort="-year",
    row_url=lambda s: reverse("credit_enterprise_detail", args=[s.subject_org_id]),
    export_name="年度综合评分",
    empty="暂无年度综合评分",
    testid="credit-enterprises",
    row_action="查看",
)


def can_see_scores(actor: Any) -> bool:
    """The menu entry: the office, the industry authorities, a unit with a score."""
    if actor.org_kind == OrgKind.SUPERVISION_OFFICE and actor.roles & OFFICE_ROLES:
        return True
    if actor.org_kind == OrgKind.INDUSTRY_AUTHORITY and actor.roles & DEPARTMENT_ROLES:
        return True
    return bool(actor.user_id) and scores(actor).exists()


def scores(actor: Any) -> Any:
    """The current versions of the units' annual scores the actor may see."""
    return (
        AnnualScore.objects.visible_to(actor)
        .filter(current=True, subject_org__isnull=False)
        .select_related("rule_set", "subject_org")
    )


def colour_counts(request: HttpRequest, qs: Any) -> list[dict[str, Any]]:
    """The filtered rows per colour (one query), best colour first."""
    filtered = _apply_filters(request, SPEC, qs)[0]
    got = dict(filtered.order_by().values_list("colour").annotate(n=Count("pk")))
    return [
        {"colour": c, "label": Colour(c).label, "tag": TAGS[c], "n": got.get(c, 0)}
        for c in Colour.values
    ]


@page_view
def enterprise_list(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    qs = scores(a)
    run = None
    if annual_runs.may_recompute(a):
        run = AnnualRecompute.objects.visible_to(a).first()
    return render_list(
        request,
        SPEC,
        qs,
        context={
            "section": "信用管理",
            "icon": "bi-speedometer2",
            "colour_counts": colour_counts(request, qs),
            "may_recompute": annual_runs.may_recompute(a),
            "run": run,
            "recompute_years": [clock.today().year, clock.today().year - 1],
            "intro": "R-SCO-02、R-SCO-03",
        },
        template="credit/enterprise_list.html",
    )


@page_view
def enterprise_recompute(request: HttpRequest, year: int) -> HttpResponse:
    """The office recomputes a year's annual scores (in the worker)."""
    a = actor_of(request)
    if request.method != "POST":
        return redirect("credit_enterprise_list")
    run = annual_runs.start_recompute(actor=a, year=year, reason=request.POST.get("reason", ""))
    messages.success(request, f"已开始重新计算{run.year}年度综合评分，进度见本页")
    return redirect("credit_enterprise_list")


# --- the unit's credit page ------------------------------------------------------------


def _year(request: HttpRequest, versions: list[AnnualScore]) -> int:
    raw = request.GET.get("year") or ""
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= clock.today().year:
        return int(raw)
    return versions[0].year if versions else clock.today().year


def _project_rows(score: AnnualScore | None) -> list[dict[str, Any]]:
    if score is None:
        return []
    out = []
    for p in score.computation.get("projects", []):
        out.append(
            {
                **p,
                "industry_label": INDUSTRIES.get(p.get("industry", ""), "—"),
                # thousands separators for reading (the stored text stays exact)
                "amount": f"{Decimal(p['amount']):,.2f}",
                "weight": f"{Decimal(p['weight']):,.2f}",
                "additions": f"{Decimal(p['additions']):.2f}",
                "deductions": f"{Decimal(p['deductions']):.2f}",
            }
        )
    return out


@page_view
def enterprise_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    a = actor_of(request)
    versions = list(
        AnnualScore.objects.visible_to(a)
        .filter(subject_org_id=org_id)
        .select_related("rule_set", "subject_org")
        .order_by("-year", "-version")
    )
    if not versions:
        raise NotFound()
    unit = versions[0].subject_org
    rows = archive.archive(a, org_id=org_id)
    if request.GET.get("export") == "xlsx":
        return archive.export(unit.name if unit else "", rows)
    year = _year(request, versions)
    of_year = [v for v in versions if v.year == year]
    current = next((v for v in of_year if v.current), None)
    return render(
        request,
        "credit/enterprise_detail.html",
        {
            "unit": unit,
            "year": year,
            "years": sorted({v.year for v in versions}, reverse=True),
            "current": current,
            "tag": TAGS.get(current.colour, "grey") if current else "grey",
            "projects": _project_rows(current),
            "direct": current.computation.get("direct_events", []) if current else [],
            "earlier": [v for v in of_year if not v.current],
            "archive": rows,
            "weighting": (current.computation.get("weighting") if current else "") or "",
        },
    )


@page_view
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's credit archive (信用档案; ADR 0691): the office of the
    person's district, an authority whose rules scored the person, the person
    themself; 404 for anyone else."""
    a = actor_of(request)
    person = archive.person_in_scope(a, person_id)
    if person is None:
        raise NotFound()
    rows = archive.archive(a, person_id=person_id)
    if request.GET.get("export") == "xlsx":
        return archive.export(person.name, rows)
    scores_ = (
        AnnualScore.objects.visible_to(a)
        .filter(subject_person_id=person_id, current=True)
        .order_by("-year")
    )
    return render(
        request,
        "credit/person_detail.html",
        {
            "person": person,
            "scores": [(s, TAGS.get(s.colour, "grey")) for s in scores_],
            "archive": rows,
        },
    )
