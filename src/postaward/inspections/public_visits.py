"""The public pages of inspections (R-INS-06, R-CAS-05; QZ 第八条, HC 附件
二(二)(五)): before the visit — an announced inspection once notified, an
unannounced one (不打招呼) once the visit is done — its basis, inspectors
(names and certificate numbers), items, method and procedure; after the
office head's sign-off, the results once published, personal data masked.
Anonymous, numbers not internal ids, local times. Cached like the other
public pages (``core.public_cache``, ADR 0921): the stamp is the disclosed
inspections' count and latest step times and the audit chain's sequence."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from postaward.core import clock, public_cache

from .models.visits import Inspection, InspectionState

S = InspectionState
DONE = (S.RECORD_SIGNED, S.REPORTED, S.SIGNED_OFF, S.PUBLISHED)


def disclosed() -> QuerySet[Inspection]:
    """What the public site shows (the same rule as ``Inspection.disclosed``)."""
    return Inspection.objects.filter(
        Q(announced=True) & ~Q(state__in=(S.SCHEDULED, S.MERGED))
        | Q(announced=False, state__in=DONE)
    ).select_related("project", "department", "office")


def disclosed_stamp() -> tuple[Any, ...]:
    """What changes when an inspection is notified, visited, signed off or
    published (one aggregate query) or anything is written (the audit chain)."""
    agg = (
        disclosed()
        .order_by()
        .aggregate(
            n=Count("pk"),
            v=Max("visited_at"),
            r=Max("record_signed_at"),
            s=Max("signed_off_at"),
            p=Max("published_at"),
        )
    )
    return public_cache.stamp(*agg.values())


@public_cache.cached(disclosed_stamp)
def public_list(request: HttpRequest) -> HttpResponse:
    years = sorted(set(disclosed().values_list("year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("year") or (years[0] if years else clock.today().year))
    except ValueError:
        year = clock.today().year
    qs = disclosed().filter(year=year).order_by("-seq")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/visits/public_list.html",
        {"page": page, "years": years, "year": year},
    )


@public_cache.cached(disclosed_stamp)
def public_detail(request: HttpRequest, number: str) -> HttpResponse:
    i = disclosed().filter(number=number).first()
    if i is None:
        raise Http404
    return render(
        request,
        "inspections/visits/public_detail.html",
        {
            "i": i,
            "inspectors": i.inspectors.all(),
            "departments": i.departments.select_related("department"),
            "items": i.items.all(),
            "published": i.state == S.PUBLISHED,
            "paragraphs": [p for p in i.public_summary.splitlines() if p.strip()],
        },
    )
