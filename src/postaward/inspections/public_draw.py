"""The public side of the draw (R-INS-02): the commitments (plan, the pools'
hashes, the seed's hash) before the draw, the seed and the result after it,
and a verification page anyone can use (no login): it recomputes the draw
from the published pools and seed and says 一致 or 不一致."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import forms_draw as forms
from . import services_draw as svc
from .models import Draw
from .views_draw import draw_context, inputs_of


def _draw(number: str) -> Draw:
    d = (
        Draw.objects.select_related("round__plan__organisation", "office")
        .filter(number=number)
        .first()
    )
    if d is None:
        raise Http404("没有这个抽取")
    return d


def _public_context(d: Draw) -> dict[str, Any]:
    """The plan's items, the pools and how the numbers are reached are public
    from the commitment on; the selections once the seed is revealed."""
    ctx = draw_context(d)
    if not d.revealed_at:
        ctx["rows"] = []
    return ctx


@never_cache
def public_draws(request: HttpRequest) -> HttpResponse:
    qs = Draw.objects.select_related("round__plan").order_by("-committed_at", "-id")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "inspections/draw/public_list.html", {"page": page})


@never_cache
def public_draw(request: HttpRequest, number: str) -> HttpResponse:
    d = _draw(number)
    return render(
        request,
        "inspections/draw/public_draw.html",
        {"d": d, "ctx": _public_context(d)},
    )


@never_cache
def public_verify(request: HttpRequest, number: str) -> HttpResponse:
    """Recompute the draw: with the revealed seed, or a seed the visitor enters."""
    d = _draw(number)
    form = forms.VerifyForm(request.GET or None)
    seed = form.cleaned_data.get("seed") if form.is_valid() else ""
    verification = None
    if d.revealed_at or seed:
        verification = svc.verify_draw_public(d, seed=seed or None)
    return render(
        request,
        "inspections/draw/public_verify.html",
        {
            "d": d,
            "form": form,
            "v": verification,
            "ctx": _public_context(d),
        },
    )


@never_cache
def public_inputs(request: HttpRequest, number: str) -> HttpResponse:
    """The published inputs as JSON (for re-running the algorithm elsewhere)."""
    return JsonResponse(inputs_of(_draw(number)), json_dumps_params={"ensure_ascii": False})
