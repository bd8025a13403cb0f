"""The ledger pages (R-REP-01): one page per ledger on the list component,
with the period's counts above the table, the workbook in the exchanged
layout (``export=xlsx``), the print view (``print=1``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from postaward.core.errors import NotFound
from postaward.core.lists import build_list
from postaward.core.web import actor_of, page_view, require

from . import ledgers
from .choices import LedgerKind
from .ledgers import DENIED
from .periods import period_of


def ledger_page(request: HttpRequest, kind: str) -> HttpResponse:
    from django.shortcuts import render

    a = actor_of(request)
    require(a, ledgers.may_read(a), DENIED)
    ledger = ledgers.get(kind)
    if ledger is None:
        raise NotFound()
    period = period_of(request.GET)
    spec = ledger.spec(a, period)
    qs = ledger.rows(a, period)
    result = build_list(request, spec, qs)
    if isinstance(result, HttpResponse):
        return result
    # the counts of every filtered row: the rows the list paged (its filters
    # and search applied once, their choices read once)
    counts = ledger.summary(result.matching)
    tabs = [
        {"label": str(k.label), "url": reverse(URL_NAMES[str(k)]), "active": str(k) == kind}
        for k in LedgerKind
    ]
    return render(
        request,
        "reports/ledger.html",
        {
            "lst": result,
            "title": ledger.title,
            "object_list": result.page_obj.object_list,
            "section": "报表与台账",
            "icon": "bi-table",
            "intro": ledger.intro,
            "period": period,
            "counts": counts,
            "tabs": tabs,
        },
    )


URL_NAMES = {
    "in-process": "reports_ledger_in_process",
    "post-award": "reports_ledger_post_award",
    "complaints": "reports_ledger_complaints",
    "verified": "reports_ledger_verified",
}


@page_view
def in_process(request: HttpRequest) -> HttpResponse:
    return ledger_page(request, "in-process")


@page_view
def post_award(request: HttpRequest) -> HttpResponse:
    return ledger_page(request, "post-award")


@page_view
def complaints(request: HttpRequest) -> HttpResponse:
    return ledger_page(request, "complaints")


@page_view
def verified(request: HttpRequest) -> HttpResponse:
    return ledger_page(request, "verified")
