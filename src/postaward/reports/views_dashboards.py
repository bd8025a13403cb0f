"""The dashboard page and the command-centre screen (大屏), ADR 0913-0915.

Both read ``dashboards.dashboard``; the numbers are handed to the static
script as JSON (``json_script``), the screen polls the API for fresh ones."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from postaward.core.errors import ValidationFailed
from postaward.core.web import actor_of, page_view, require

from . import dashboards

# The screen's refresh (seconds, ADR 0915).
REFRESH_SECONDS = 30


def _filters(request: HttpRequest) -> tuple[dashboards.Filters, str]:
    try:
        return dashboards.Filters.parse(request.GET), ""
    except ValidationFailed as e:
        return dashboards.Filters(), f"{e.message}，已显示全部数据"


def _map() -> dict:
    conf = settings.POSTAWARD_MAP
    centre = str(conf["CENTER"]).split(",")
    return {
        "tileUrl": conf["TILE_URL"],
        "subdomains": conf["SUBDOMAINS"],
        "centre": [float(centre[0]), float(centre[1])],
    }


@page_view
def dashboard_page(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, dashboards.may_view(a), dashboards.DENIED)
    filters, error = _filters(request)
    board = dashboards.dashboard(a, filters)
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "data": board.as_json(),
            "error": error,
            "section": "报表与台账",
            "screen_url": reverse("reports_screen") + filters.query(),
        },
    )


@page_view
def screen_page(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, dashboards.may_view(a), dashboards.DENIED)
    filters, _ = _filters(request)
    board = dashboards.dashboard(a, filters, points=True)
    return render(
        request,
        "reports/screen.html",
        {
            "board": board,
            "options": {
                "data": board.as_json(),
                "url": "/api/v1/reports/dashboard" + filters.query(points=1),
                "refresh": REFRESH_SECONDS,
                "map": _map(),
                "legend": [
                    {"risk": k, "label": v, "colour": dashboards.RISK_COLOURS[k]}
                    for k, v in dashboards.RISK_LABELS.items()
                ],
            },
            "dashboard_url": reverse("reports_dashboard") + filters.query(),
        },
    )
