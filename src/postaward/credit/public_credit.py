"""The credit pages of the public site (信用公示, 黑名单; R-SCO-03, R-SCO-04;
ADR 0670-0672), anonymous like the other public pages (``portal``,
``inspections.public_draw``):

- ``/public/credit/``: the enterprises' current annual scores and five-colour
  codes (the latest year scored by default): filters (year, industry, colour,
  kind of unit), search by name or credit code, sorting, a count per colour,
  pages; cards that read on a phone.
- ``/public/credit/enterprises/<uscc>/``: one enterprise: the year's score and
  colour with their reasons, the computation per project, the year's final
  score events (事由, basis as document + article) and the measures in force
  that bar it from bidding (责令停业整顿, the blacklist).
- ``/public/credit/blacklist/``: the blacklist and the 停业整顿 in force, and
  the blacklist entries removed in the last year (已移出: name and dates only).

Only enterprises (contractors, supervising firms, intermediaries) are
published: never a person, never an owner's or an authority's assessment
(ADR 0670). Text typed by staff (a score's 事由, a measure's reason) is masked
with ``core.masking`` before it is shown (ADR 0672). Every page is a fixed
number of queries whatever the number of rows (ADR 0671).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from postaward.core import clock, legal_basis, masking, public_cache
from postaward.core.lists import Column, Filter, ListSpec, _apply_filters, build_list
from postaward.orgs.choices import Industry
from postaward.orgs.models import Organisation, Person

from .choices import Colour, SanctionKind, SanctionState, ScoreState, SubjectKind
from .models import AnnualScore, Sanction, ScoreEvent

# The units whose credit is published: the enterprises of the market (SY 37:
# awards, policy support, bid evaluation). An owner's and an authority's
# scores serve their annual assessment inside the government (ADR 0670).
PUBLIC_KINDS = (SubjectKind.CONTRACTOR, SubjectKind.SUPERVISING_FIRM, SubjectKind.INTERMEDIARY)
INDUSTRIES = dict(Industry.choices)
FIRST_YEAR = 2020
REMOVED_WITHIN_DAYS = 365  # the 已移出 tab: removals of the last year
MAX_EVENTS = 200  # an enterprise's final events of one year shown on its page
# The five colours on the public shell (Bootstrap only): background, text.
COLOURS: dict[str, tuple[str, str]] = {
    Colour.GREEN: ("#198754", "#fff"),
    Colour.BLUE: ("#0d6efd", "#fff"),
    Colour.YELLOW: ("#ffc107", "#212529"),
    Colour.ORANGE: ("#fd7e14", "#fff"),
    Colour.RED: ("#dc3545", "#fff"),
}


def _years() -> list[tuple[str, str]]:
    return [(str(y), f"{y}年") for y in range(clock.today().year, FIRST_YEAR - 1, -1)]


def _detail_url(s: AnnualScore) -> str:
    uscc = s.subject_org.uscc if s.subject_org is not None else ""
    return reverse("public_credit_enterprise", args=[uscc]) + f"?year={s.year}"


SPEC = ListSpec(
    key="public_credit",
    title="信用公示",
    columns=[
        Column("unit", "单位", lambda s: s.subject_name, sort="subject_name", link=_detail_url),
        Column("score", "年度综合评分", lambda s: s.score, sort="score"),
    ],
    filters=[
        Filter("year", "年度", "year", choices=_years),
        Filter("industry", "行业", "rule_set__industry", choices=Industry.choices),
        Filter("kind", "单位类别", "subject_kind", choices=[(k, k.label) for k in PUBLIC_KINDS]),
        Filter("colour", "五色码", "colour", choices=Colour.choices),
    ],
    search=("subject_name", "subject_org__uscc"),
    search_label="单位名称或统一社会信用代码",
    default_sort="-score",
    selectable=False,
    empty="暂无符合条件的单位",
    testid="public-credit",
)
# The counts per colour: the same filters but the colour's own.
COUNT_SPEC = dataclasses.replace(SPEC, filters=[f for f in SPEC.filters if f.name != "colour"])
SORTS = (("-score", "评分从高到低"), ("score", "评分从低到高"), ("unit", "按单位名称"))


def credit_stamp() -> tuple[Any, ...]:
    """What changes when a score, a score event or a sanction is written (the
    rows' count and last id, two aggregate queries) or anything is written
    (the audit chain), and at midnight (a ban in force ends) (ADR 0921)."""
    scores = AnnualScore.objects.order_by().aggregate(n=Count("pk"), m=Max("pk"))
    sanctions = Sanction.objects.order_by().aggregate(
        n=Count("pk"), m=Max("pk"), r=Max("revoked_at")
    )
    return public_cache.stamp(*scores.values(), *sanctions.values())


def published_scores() -> QuerySet[AnnualScore]:
    """The current annual scores the public site shows: enterprises only."""
    return AnnualScore.objects.filter(
        current=True, subject_org__isnull=False, subject_kind__in=PUBLIC_KINDS
    ).select_related("rule_set", "subject_org")


def colour_chip(colour: str) -> dict[str, str]:
    bg, fg = COLOURS.get(colour, ("#6c757d", "#fff"))
    return {"colour": colour, "label": Colour(colour).label, "bg": bg, "fg": fg}


def _query(request: HttpRequest, latest: int | None) -> QueryDict:
    """The visitor's query, without export or print (anonymous visitors read
    the page; the workbook stays inside), the latest year scored by default."""
    params = request.GET.copy()
    for key in ("export", "print", "ids", "batch"):
        params.pop(key, None)
    if "year" not in params and latest is not None:
        params["year"] = str(latest)
    return params


def _colour_counts(request: HttpRequest, params: QueryDict, qs: QuerySet) -> list[dict[str, Any]]:
    filtered = _apply_filters(request, COUNT_SPEC, qs)[0]
    got = dict(filtered.order_by().values_list("colour").annotate(n=Count("pk")))
    base = params.copy()
    for key in ("page", "colour"):
        base.pop(key, None)
    out = []
    for c in Colour.values:
        link = base.copy()
        link["colour"] = c
        out.append({**colour_chip(c), "n": got.get(c, 0), "url": "?" + link.urlencode()})
    return out


def _card(s: AnnualScore) -> dict[str, Any]:
    industry = INDUSTRIES.get(s.rule_set.industry, "") if s.rule_set is not None else ""
    return {
        "name": s.subject_name,
        "uscc": s.subject_org.uscc if s.subject_org is not None else "",
        "kind": s.get_subject_kind_display(),
        "industry": industry,
        "year": s.year,
        "score": s.score,
        "chip": colour_chip(s.colour),
        "url": _detail_url(s),
    }


@public_cache.cached(credit_stamp)
def public_scores(request: HttpRequest) -> HttpResponse:
    """信用公示: the list (R-SCO-03)."""
    qs = published_scores()
    latest = qs.order_by().aggregate(y=Max("year"))["y"]
    params = _query(request, latest)
    request.GET = params  # type: ignore[assignment]  # (the list component reads request.GET)
    result = build_list(request, SPEC, qs)
    assert not isinstance(result, HttpResponse)  # no export, print or batch here
    return render(
        request,
        "credit/public/scores.html",
        {
            "lst": result,
            "cards": [_card(s) for s in result.page_obj.object_list],
            "colour_counts": _colour_counts(request, params, qs),
            "sorts": SORTS,
            "sort": result.sort or SPEC.default_sort,
            "year": params.get("year", ""),
            "basis": legal_basis.html("R-SCO-03"),
        },
    )


# --- masking staff-typed text (ADR 0672) -------------------------------------------------


def known_names(org_ids: Iterable[int], project_ids: Iterable[int]) -> list[str]:
    """The persons a text about these enterprises may name: their staff, the
    staff of the owners and participants of these projects, and every person
    scored or sanctioned on them (one query)."""
    cond = Q(organisation_id__in=list(org_ids))
    pids = [p for p in project_ids if p is not None]
    if pids:
        cond |= Q(organisation__participations__project_id__in=pids)
        cond |= Q(organisation__owned_projects__id__in=pids)
        cond |= Q(credit_score_events__project_id__in=pids)
        cond |= Q(credit_sanctions__project_id__in=pids)
    return list(Person.objects.filter(cond).values_list("name", flat=True).distinct())


def public_text(text: str, names: Iterable[str]) -> str:
    """A text typed by staff as the public site shows it: known persons'
    names, labelled names (项目经理：张三), identity and phone numbers masked;
    a requirement ID cited as its document and article."""
    return legal_basis.cite(masking.mask_text(text or "", names))


def basis_of(document: str, article: str) -> str:
    doc = (document or "").strip().strip("《》")
    return legal_basis.cite(f"《{doc}》{article}" if doc else article)


# --- one enterprise ------------------------------------------------------------------------


def _organisation(uscc: str) -> Organisation:
    code = (uscc or "").strip().upper()
    unit = Organisation.objects.filter(uscc=code).first() if 0 < len(code) <= 18 else None
    if unit is None:
        raise Http404("没有这家单位的信用信息")
    return unit


def bans_in_force(org_ids: Iterable[int] | None = None) -> QuerySet[Sanction]:
    """The measures barring enterprises from bidding today: 责令停业整顿 and the
    blacklist, in their period, not revoked (never a person)."""
    today = clock.today()
    qs = Sanction.objects.filter(
        subject_org__isnull=False,
        subject_person__isnull=True,
        kind__in=(SanctionKind.BUSINESS_SUSPENDED, SanctionKind.BLACKLISTED),
        state=SanctionState.EFFECTIVE,
        period_from__lte=today,
        period_to__gte=today,
    )
    if org_ids is not None:
        qs = qs.filter(subject_org_id__in=list(org_ids))
    return qs.select_related("subject_org", "issuer", "project")


def ban_row(s: Sanction, names: Iterable[str]) -> dict[str, Any]:
    black = s.kind == SanctionKind.BLACKLISTED
    return {
        "kind": "列入黑名单" if black else "责令停业整顿",
        "black": black,
        "name": s.subject_org.name if s.subject_org else "",
        "uscc": s.subject_org.uscc if s.subject_org else "",
        "number": s.number,
        "reason": public_text(s.reason, names),
        "basis": basis_of(s.basis_document, s.basis_article),
        "issuer": s.issuer.name,
        "decided_on": s.decided_on,
        "start": s.period_from,
        "end": s.period_to,
        "project": s.project.name if s.project_id and s.project else "",
    }


def _project_rows(
    score: AnnualScore, final_ids: set[int], names: list[str]
) -> list[dict[str, Any]]:
    rows = []
    for p in score.computation.get("projects", []):
        pending = [e for e in p.get("events", []) if e.get("id") not in final_ids]
        rows.append(
            {
                "project": p.get("project", ""),
                "industry": INDUSTRIES.get(p.get("industry", ""), "—"),
                "amount": f"{Decimal(p['amount']):,.2f}",
                "months": p.get("months"),
                "share": f"{Decimal(p['share']) * 100:.2f}%",
                "base": p.get("base"),
                "deductions": f"{Decimal(p['deductions']):.2f}",
                "additions": f"{Decimal(p['additions']):.2f}",
                "score": p.get("score"),
                "contribution": f"{Decimal(p['contribution']):.2f}",
                "pending": len(pending),
            }
        )
    return rows


def _events(org_id: int, year: int) -> list[ScoreEvent]:
    return list(
        ScoreEvent.objects.filter(
            subject_org_id=org_id,
            subject_person__isnull=True,
            year=year,
            state=ScoreState.FINAL,
        )
        .exclude(subject_kind=SubjectKind.PERSON)
        .select_related("item", "project", "authority")
        .order_by("-occurred_on", "-pk")[:MAX_EVENTS]
    )


def event_row(e: ScoreEvent, names: Iterable[str]) -> dict[str, Any]:
    return {
        "on": e.occurred_on,
        "summary": public_text(e.summary, names),
        "item": public_text(e.item.description, names),
        "points": e.points,
        "project": e.project.name if e.project_id and e.project else "",
        "by": e.authority.name,
        "basis": basis_of(e.item.basis_document, e.item.basis_article),
    }


def _pick_year(request: HttpRequest, years: list[int]) -> int | None:
    raw = request.GET.get("year") or ""
    if raw.isdigit() and int(raw) in years:
        return int(raw)
    return years[0] if years else None


@public_cache.cached(credit_stamp)
def public_enterprise(request: HttpRequest, uscc: str) -> HttpResponse:
    """One enterprise's credit (R-SCO-03, R-SCO-04)."""
    unit = _organisation(uscc)
    scores = list(published_scores().filter(subject_org=unit).order_by("-year"))
    bans = list(bans_in_force([unit.pk]).order_by("period_to", "pk"))
    if not scores and not bans:
        raise Http404("没有这家单位的信用信息")
    years = [s.year for s in scores]
    year = _pick_year(request, years)
    current = next((s for s in scores if s.year == year), None)
    events = _events(unit.pk, year) if year is not None else []
    project_ids = {e.project_id for e in events if e.project_id}
    project_ids |= {b.project_id for b in bans if b.project_id}
    names = known_names([unit.pk], project_ids)
    final_ids = {e.pk for e in events}
    return render(
        request,
        "credit/public/enterprise.html",
        {
            "unit": unit,
            "kind": current.get_subject_kind_display() if current else unit.get_kind_display(),
            "year": year,
            "years": years,
            "current": current,
            "chip": colour_chip(current.colour) if current else None,
            "reasons": [public_text(str(r), names) for r in current.colour_reasons]
            if current
            else [],
            "projects": _project_rows(current, final_ids, names) if current else [],
            "direct_points": current.computation.get("direct_points", "0") if current else "0",
            "weighting": current.computation.get("weighting", "") if current else "",
            "events": [event_row(e, names) for e in events],
            "events_capped": len(events) == MAX_EVENTS,
            "bans": [ban_row(b, names) for b in bans],
            "basis": legal_basis.html("R-SCO-04"),
        },
    )


# --- the blacklist -------------------------------------------------------------------------

TABS = (
    ("blacklist", "黑名单"),
    ("suspended", "停业整顿"),
    ("removed", "已移出"),
)


def removed_from_blacklist() -> QuerySet[Sanction]:
    """Blacklist entries that left the list in the last year: their period
    ended, or they were revoked (set aside, repaired) while in force."""
    today = clock.today()
    since = today - dt.timedelta(days=REMOVED_WITHIN_DAYS)
    ended = Q(state=SanctionState.EFFECTIVE, period_to__lt=today, period_to__gte=since)
    revoked = (
        Q(state=SanctionState.REVOKED, revoked_at__date__gte=since)
        # revoked before it took effect: it was never on the list
        & Q(revoked_at__date__gte=F("period_from"))
    )
    return Sanction.objects.filter(
        ended | revoked,
        subject_org__isnull=False,
        subject_person__isnull=True,
        kind=SanctionKind.BLACKLISTED,
    ).select_related("subject_org")


def removed_row(s: Sanction) -> dict[str, Any]:
    on: dt.date | None
    if s.state == SanctionState.REVOKED and s.revoked_at is not None:
        on, how = clock.localtime(s.revoked_at).date(), "提前移出（撤销或信用修复）"
    else:
        on, how = (s.period_to + dt.timedelta(days=1)) if s.period_to else None, "期满移出"
    return {
        "name": s.subject_org.name if s.subject_org else "",
        "uscc": s.subject_org.uscc if s.subject_org else "",
        "start": s.period_from,
        "removed_on": on,
        "how": how,
    }


def _search(qs: QuerySet[Sanction], q: str) -> QuerySet[Sanction]:
    if not q:
        return qs
    return qs.filter(Q(subject_org__name__icontains=q) | Q(subject_org__uscc__icontains=q))


@public_cache.cached(credit_stamp)
def public_blacklist(request: HttpRequest) -> HttpResponse:
    """黑名单 and 停业整顿 in force, and the removals of the last year (R-SCO-04)."""
    tab = request.GET.get("tab") or "blacklist"
    if tab not in dict(TABS):
        tab = "blacklist"
    q = (request.GET.get("q") or "").strip()[:100]
    in_force = _search(bans_in_force(), q)
    removed = _search(removed_from_blacklist(), q)
    counts = in_force.order_by().aggregate(
        blacklist=Count("pk", filter=Q(kind=SanctionKind.BLACKLISTED)),
        suspended=Count("pk", filter=Q(kind=SanctionKind.BUSINESS_SUSPENDED)),
    )
    if tab == "removed":
        qs = removed.order_by("-period_to", "-pk")
    else:
        kind = SanctionKind.BLACKLISTED if tab == "blacklist" else SanctionKind.BUSINESS_SUSPENDED
        qs = in_force.filter(kind=kind).order_by("-decided_on", "-pk")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    objs = list(page.object_list)
    counts["removed"] = page.paginator.count if tab == "removed" else removed.count()
    if tab == "removed":
        rows = [removed_row(s) for s in objs]
    else:
        org_ids = {s.subject_org_id for s in objs if s.subject_org_id}
        names = known_names(org_ids, {s.project_id for s in objs if s.project_id}) if objs else []
        rows = [ban_row(s, names) for s in objs]
    return render(
        request,
        "credit/public/blacklist.html",
        {
            "tab": tab,
            "tabs": [{"key": k, "label": label, "n": counts.get(k)} for k, label in TABS],
            "q": q,
            "page": page,
            "rows": rows,
            "basis": legal_basis.html("R-SCO-04"),
            "removed_days": REMOVED_WITHIN_DAYS,
        },
    )


__all__ = [
    "PUBLIC_KINDS",
    "bans_in_force",
    "known_names",
    "public_blacklist",
    "public_enterprise",
    "public_scores",
    "public_text",
    "published_scores",
    "removed_from_blacklist",
]
