"""The data-meeting packs (数据会商, R-REP-03): the list by month (the list
component: filters, sorting, totals, export, print, phone), generating a
month's pack, one pack with its indicators (tables and the same charts as
the document, drawn in the browser), its document and its steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from postaward.core import steps
from postaward.core.errors import DomainError
from postaward.core.lists import Column, Filter, ListSpec, build_list
from postaward.core.web import actor_of, page_view, require

from . import services_meeting as sv
from .choices import MeetingState
from .documents_meeting import change_text, number_text
from .models import MeetingDecision, MeetingPack
from .periods import MONTHS, year_choices
from .steps_meeting import load_pack

TITLE = "数据会商"
COLOURS: dict[str, str] = {
    MeetingState.GENERATED: "blue",
    MeetingState.HELD: "orange",
    MeetingState.CLOSED: "green",
}


def packs(actor: Any) -> QuerySet:
    return (
        MeetingPack.objects.visible_to(actor)
        .select_related("document")
        .annotate(n_decisions=Count("decisions"))
    )


def summary(qs: QuerySet) -> list[tuple[str, int]]:
    agg = qs.order_by().aggregate(
        n=Count("pk", distinct=True),
        held=Count("pk", filter=~Q(state=MeetingState.GENERATED), distinct=True),
        decisions=Count("decisions"),
    )
    return [("会商材料", agg["n"]), ("已会商", agg["held"]), ("议定事项", agg["decisions"])]


def spec(actor: Any) -> ListSpec:
    return ListSpec(
        key="reports-meeting",
        title=TITLE,
        columns=[
            Column(
                "month",
                "会商月份",
                lambda p: f"{p.year}年{p.month}月",
                sort="generated_at",
                link=lambda p: reverse("reports_meeting_detail", args=[p.pk]),
            ),
            Column.state("state", "状态", {str(k): v for k, v in COLOURS.items()}),
            Column.when("generated", "生成时间", "generated_at"),
            Column("proposals", "建议议定事项", lambda p: len(p.proposals or [])),
            Column("decisions", "议定事项", lambda p: p.n_decisions, sort="n_decisions"),
            Column(
                "number", "文号", lambda p: p.document.number if p.document is not None else "—"
            ),
        ],
        filters=[
            Filter("year", "年度", "year", choices=year_choices),
            Filter("month", "月份", "month", choices=MONTHS),
            Filter("state", "状态", "state", choices=MeetingState.choices),
        ],
        search=("document__number",),
        search_label="文号",
        default_sort="-month",
        row_url=lambda p: reverse("reports_meeting_detail", args=[p.pk]),
        export_name=TITLE,
        empty="暂无数据会商材料",
        testid="meeting",
    )


@page_view
def meeting_list(request: HttpRequest) -> HttpResponse:
    from .services_monthly import last_month

    a = actor_of(request)
    require(a, sv.may_read(a), sv.DENIED)
    s = spec(a)
    qs = packs(a)
    result = build_list(request, s, qs)
    if isinstance(result, HttpResponse):
        return result
    year, month = last_month()
    return render(
        request,
        "reports/meeting_list.html",
        {
            "lst": result,
            "title": TITLE,
            "object_list": result.page_obj.object_list,
            "section": "报表与台账",
            "icon": "bi-bar-chart-line",
            "intro": (
                "每月对平台的考勤、审批、预警、信访举报、检查、案件、信用和问责数据进行分析，"
                "与上月和去年同月比较，形成智慧监管数据会商材料；会上确定的议定事项逐项明确"
                "责任单位和完成期限，推送责任单位待办。依据：R-REP-03"
            ),
            "counts": summary(result.matching),
            "may_generate": sv.may_use(a),
            "gen_year": year,
            "gen_month": month,
        },
    )


@page_view
def meeting_new(request: HttpRequest) -> HttpResponse:
    """POST: generate (or regenerate) the office's pack for a month."""
    a = actor_of(request)
    require(a, sv.may_use(a), sv.WRITE_DENIED)
    if request.method != "POST":
        return redirect("reports_meeting")
    try:
        p = sv.generate(
            actor=a,
            year=request.POST.get("year"),
            month=request.POST.get("month"),
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect("reports_meeting")
    messages.success(request, f"已生成{p.title}")
    return redirect("reports_meeting_detail", p.pk)


def _shown(c: dict[str, Any], unit: str) -> dict[str, str]:
    """One stored comparison as the page shows it (the document's own wording)."""
    return {
        "value": number_text(c["value"], unit),
        "prev": number_text(c["prev"], unit),
        "last_year": number_text(c["last_year"], unit),
        "mom": change_text(c["mom"]),
        "yoy": change_text(c["yoy"]),
    }


def _rows(pack: MeetingPack) -> list[dict[str, Any]]:
    """The indicators as table rows, grouped by theme."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for i in (pack.data or {}).get("indicators", []):
        unit = i["unit"]
        groups.setdefault(i["group"], []).append(
            {
                "label": i["label"],
                "total": _shown(i["total"], unit),
                "by_industry": [(n, _shown(c, unit)) for n, c in i["by_industry"]],
                "by_unit": [(n, _shown(c, unit)) for n, c in i["by_unit"]],
            }
        )
    return [{"label": g, "items": items} for g, items in groups.items()]


def render_detail(
    request: HttpRequest, p: MeetingPack, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    a = actor_of(request)
    # the same chart options the document was drawn from (stored in its context)
    charts = list(p.document.context.get("charts", [])) if p.document is not None else []
    decisions = MeetingDecision.objects.filter(pack=p).select_related("unit").order_by("pk")
    return render(
        request,
        "reports/meeting_detail.html",
        {
            "p": p,
            "colour": COLOURS.get(p.state, "grey"),
            "groups": _rows(p),
            "ages": [(n, _shown(c, "件")) for n, c in (p.data or {}).get("alert_ages", [])],
            "under_way": (p.data or {}).get("under_way", 0),
            "charts": charts,
            "decisions": decisions,
            "page_steps": steps.page_steps(p, a, bound=bound),
            "may_regenerate": p.state == MeetingState.GENERATED and sv.own_office(a, p),
        },
        status=status,
    )


@page_view
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = actor_of(request)
    return render_detail(request, load_pack(a, pk))
