"""The public site's own pages (R-REP-04, ADR 0930): projects under
supervision, the complaint statistics, the site search and the sitemap.

Anonymous, the same for a logged-in visitor, cached (``public_cache``).
Projects are read through ``projects.selectors.public_*`` (published only:
past award, not terminated before the start); nothing else is reachable, an
unpublished project's page is a 404. Key personnel show name, company,
position and certificate number (what the award notice publishes), never an ID
number or a mobile (ADR 0930)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from postaward.complaints import stats as complaint_stats
from postaward.core import clock, legal_basis
from postaward.core.public_cache import cached
from postaward.credit.public_credit import published_scores
from postaward.orgs.choices import Industry
from postaward.projects import selectors as projects
from postaward.projects.choices import ParticipantRole

from . import publications
from . import summary as monthly

PER_PAGE = 20
SEARCH_LIMIT = 10
STAGES = [(k, label) for k, (label, _) in projects.STAGE_GROUPS.items()]
INDUSTRIES = dict(Industry.choices)


def projects_stamp() -> tuple[Any, ...]:
    """What changes when a project is published or edited (ADR 0930)."""
    agg = projects.public_projects().order_by().aggregate(n=Count("pk"), t=Max("updated_at"))
    return (agg["n"], agg["t"], clock.today())


def complaints_stamp() -> tuple[Any, ...]:
    """New filings show at once; a state change within the TTL."""
    from postaward.complaints.models import Complaint

    agg = Complaint.objects.order_by().aggregate(n=Count("pk"), m=Max("pk"))
    return (agg["n"], agg["m"], clock.today())


def _stamp_all() -> tuple[Any, ...]:
    agg = publications.public().order_by().aggregate(n=Count("pk"), t=Max("published_at"))
    return (*projects_stamp(), agg["n"], agg["t"])


def _money(v: Any) -> str:
    if v is None:
        return "—"
    return f"{v / 10000:,.2f} 万元"


def _card(p: Any, contractors: dict[int, list[str]]) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "owner": p.owner.name if p.owner is not None else "",
        "contractor": "、".join(contractors.get(p.pk, [])),
        "industry": INDUSTRIES.get(p.industry, ""),
        "stage": p.get_status_display(),
        "amount": _money(p.contract_amount),
        "award_date": p.award_date,
        "url": reverse("portal_public_project", args=[p.code]),
    }


def _contractors(ids: list[int]) -> dict[int, list[str]]:
    from postaward.projects.models import Participant

    out: dict[int, list[str]] = {}
    rows = Participant.objects.filter(
        project_id__in=ids, role=ParticipantRole.CONTRACTOR
    ).values_list("project_id", "organisation__name")
    for pid, name in rows:
        out.setdefault(pid, []).append(name)
    return out


@cached(projects_stamp)
def project_list(request: HttpRequest) -> HttpResponse:
    """在建项目公开: search (name, code, owner, contractor), industry, stage, pages."""
    f = {k: request.GET.get(k, "")[:100] for k in ("q", "industry", "stage")}
    qs = projects.public_projects(filters=f)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    objs = list(page.object_list)
    contractors = _contractors([p.pk for p in objs])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/site/projects.html",
        {
            "page": page,
            "cards": [_card(p, contractors) for p in objs],
            "f": f,
            "industries": Industry.choices,
            "stages": STAGES,
            "query": query.urlencode(),
            "basis": legal_basis.html("R-REP-04"),
        },
    )


@cached(projects_stamp)
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    p = projects.public_project(code)
    if p is None:
        raise Http404("没有这个项目")
    parties = projects.public_parties(p)
    supervisor = [x.name for x in parties if x.role == ParticipantRole.SUPERVISING_FIRM.label]
    contractor = [x.name for x in parties if x.role == ParticipantRole.CONTRACTOR.label]
    dates = [
        ("中标日期", p.award_date),
        ("计划开工", p.planned_start),
        ("计划完工", p.planned_completion),
        ("实际开工", p.actual_start),
        ("实际完工", p.actual_completion),
        ("竣工验收", p.accepted_on),
    ]
    return render(
        request,
        "portal/site/project.html",
        {
            "p": p,
            "owner": p.owner.name if p.owner is not None else "",
            "contractor": "、".join(contractor),
            "supervisor": "、".join(supervisor),
            "industry": INDUSTRIES.get(p.industry, ""),
            "amount": _money(p.contract_amount),
            "dates": [(label, d) for label, d in dates if d],
            "parties": parties,
            "people": projects.public_personnel(p),
            "basis": legal_basis.html("R-REP-04"),
        },
    )


@cached(complaints_stamp)
def complaint_statistics(request: HttpRequest) -> HttpResponse:
    """投诉举报统计: counts by month, kind and state and the on-time rate of
    the year; no person, no text (R-REP-04)."""
    this_year = clock.today().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, this_year - 5), this_year)
    s = complaint_stats.public(year)
    sections = [(t, rows) for t, rows in s.sections if t != "按行业"]
    return render(
        request,
        "portal/site/complaint_stats.html",
        {
            "s": s,
            "sections": sections,
            "years": list(range(this_year, this_year - 6, -1)),
            "basis": legal_basis.html("R-CMP-05"),
        },
    )


@cached(_stamp_all)
def search(request: HttpRequest) -> HttpResponse:
    """站内搜索: projects, published results and enterprises' credit by name."""
    q = request.GET.get("q", "").strip()[:100]
    found: dict[str, list[dict[str, str]]] = {"projects": [], "publications": [], "credit": []}
    if q:
        ps = list(projects.public_projects(filters={"q": q})[:SEARCH_LIMIT])
        found["projects"] = [
            {"title": p.name, "url": reverse("portal_public_project", args=[p.code])} for p in ps
        ]
        found["publications"] = [
            {"title": x.title, "url": reverse("portal_public_publication", args=[x.pk])}
            for x in publications.public().filter(title__icontains=q)[:SEARCH_LIMIT]
        ]
        names = (
            published_scores()
            .filter(subject_name__icontains=q)
            .values_list("subject_name", "subject_org__uscc")
            .distinct()[:SEARCH_LIMIT]
        )
        found["credit"] = [
            {"title": n, "url": reverse("public_credit_enterprise", args=[u])} for n, u in names
        ]
    return render(
        request,
        "portal/site/search.html",
        {"q": q, "found": found, "total": sum(len(v) for v in found.values())},
    )


@cached(monthly.stamp)
def summary_index(request: HttpRequest) -> HttpResponse:
    """月度监管工作公开: the recent months' headline figures, each linked to
    its month (R-REP-07, ADR 0922)."""
    rows = monthly.index_rows()
    return render(
        request,
        "portal/site/summary_index.html",
        {"rows": rows, "latest": monthly.month_summary(rows[0]["m"]), "basis": _summary_basis()},
    )


@cached(monthly.stamp)
def summary_month(request: HttpRequest, month: str) -> HttpResponse:
    """One month's public figures (R-REP-07, ADR 0922)."""
    m = monthly.parse(month)
    if m is None:
        raise Http404("没有这个月份的公开数据")
    recent = monthly.recent()
    older = m.back(1)
    newer = m.back(-1)
    return render(
        request,
        "portal/site/summary_month.html",
        {
            "s": monthly.month_summary(m),
            "older": older if monthly.parse(older.key) else None,
            "newer": newer if monthly.parse(newer.key) else None,
            "recent": recent,
            "basis": _summary_basis(),
        },
    )


def _summary_basis() -> str:
    return legal_basis.html("R-REP-07")


# The public pages the sitemap lists (their URL names), then every published project.
SITEMAP_PAGES = (
    "portal_home",
    "portal_public_projects",
    "portal_complaint_stats",
    "portal_public_summary",
    "portal_file",
    "portal_track",
    "portal_publications_public",
    "inspections_public",
    "public_inspection_draws",
    "public_credit",
    "public_credit_blacklist",
    "public_credit_agents",
    "public_credit_experts",
    "accountability_interference_public",
)


def sitemap_urls(request: HttpRequest) -> list[str]:
    base = request.build_absolute_uri("/").rstrip("/")
    urls = [base + reverse(name) for name in SITEMAP_PAGES]
    codes = projects.public_projects().values_list("code", flat=True)
    urls += [base + reverse("portal_public_project", args=[c]) for c in codes]
    urls += [base + reverse("portal_public_summary_month", args=[m.key]) for m in monthly.recent()]
    urls += [
        base + reverse("portal_public_publication", args=[pk])
        for pk in publications.public().values_list("pk", flat=True)
    ]
    return urls


@cached(_stamp_all)
def sitemap(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml (sitemaps.org 0.9): the public pages and every published project."""
    body = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in sitemap_urls(request))
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + body + "</urlset>"
    )
    return HttpResponse(xml, content_type="application/xml")
