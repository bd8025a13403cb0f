"""The tender agents' register and the evaluation experts' results on the
public site (R-SCO-05, R-SCO-06; LC 三: 综合情况进行公示; YJ 二(三): 一事一评，
结果公开), anonymous. The rows come from the agents part's public selectors
(``services_agents.public_agent_register``, ``public_expert_results``): no
internal id, no person's full name, no ID number."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from postaward.core import legal_basis, public_cache

from . import services_agents
from .public_credit import credit_stamp


@public_cache.cached(credit_stamp)
def public_agents(request: HttpRequest) -> HttpResponse:
    """The agents ranked by their latest approved appraisal, with the
    disclosure the office checked (staff, qualifications, controls, record)."""
    q = (request.GET.get("q") or "").strip()[:100]
    rows = services_agents.public_agent_register()
    if q:
        rows = [r for r in rows if q in r["name"] or q == r["uscc"]]
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "credit/public/agents.html",
        {"page": page, "q": q, "basis": legal_basis.html("R-SCO-05")},
    )


@public_cache.cached(credit_stamp)
def public_experts(request: HttpRequest) -> HttpResponse:
    """Each evaluation event's experts with the owner's and the office's grade
    (names masked)."""
    page = Paginator(services_agents.public_expert_results(), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "credit/public/experts.html",
        {"page": page, "basis": legal_basis.html("R-SCO-06")},
    )
