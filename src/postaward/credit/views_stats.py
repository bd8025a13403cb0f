"""The credit statistics page (信用统计, ADR 0692): filters by year and
industry, the distribution per industry and colour, the colour movements,
the top deductions with their basis; each table exported through the one
export helper (``?export=distribution|movements|deductions``) and printable.
The office's staff and the industry authorities' staff; others 403."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from postaward.core import clock
from postaward.core.exports import Column as ExportColumn
from postaward.core.exports import export_xlsx
from postaward.core.web import actor_of, page_view, require
from postaward.orgs.choices import Industry

from . import stats
from .choices import Colour

FIRST_YEAR = 2020


def _filters(request: HttpRequest) -> tuple[int, str]:
    raw = request.GET.get("year") or ""
    this = clock.today().year
    year = int(raw) if raw.isdigit() and FIRST_YEAR <= int(raw) <= this else this
    industry = request.GET.get("industry") or ""
    return year, industry if industry in Industry.values else ""


def _colour_labels() -> list[str]:
    return [Colour(c).label for c in stats.COLOUR_ORDER]


def _export(kind: str, year: int, industry: str, data: dict[str, Any]) -> HttpResponse:
    tail = f"{year}年{stats.INDUSTRIES.get(industry, '')}"
    if kind == "movements":
        return export_xlsx(
            filename=f"信用统计-颜色变动-{tail}.xlsx",
            title=f"{tail} 五色码变动",
            columns=[
                "对象",
                "类别",
                "期间",
                "原颜色",
                "现颜色",
                ExportColumn("原评分", kind="number"),
                ExportColumn("现评分", kind="number"),
                "计算原因",
            ],
            rows=(
                [
                    m.subject_name,
                    m.subject_kind,
                    m.between,
                    Colour(m.colour_from).label,
                    Colour(m.colour_to).label,
                    m.score_from,
                    m.score_to,
                    m.reason,
                ]
                for m in data["movements"]
            ),
        )
    if kind == "deductions":
        return export_xlsx(
            filename=f"信用统计-扣分排行-{tail}.xlsx",
            title=f"{tail} 扣分最多的评分项",
            columns=[
                "评分项",
                "评分内容",
                "行业",
                "评分部门",
                "规则版本",
                "依据",
                ExportColumn("扣分合计", kind="number"),
                ExportColumn("次数", kind="number"),
                ExportColumn("涉及对象", kind="number"),
            ],
            rows=(
                [
                    d["code"],
                    d["description"],
                    d["industry"],
                    d["authority"],
                    f"第{d['version']}版",
                    d["basis"],
                    d["total"],
                    d["n"],
                    d["subjects"],
                ]
                for d in data["deductions"]
            ),
        )
    dist = data["distribution"]
    return export_xlsx(
        filename=f"信用统计-五色码分布-{tail}.xlsx",
        title=f"{tail} 年度综合评分五色码分布",
        columns=[
            "行业",
            *(ExportColumn(c, kind="number") for c in _colour_labels()),
            ExportColumn("合计", kind="number"),
        ],
        rows=([r["label"], *r["counts"], r["total"]] for r in dist["rows"]),
        totals=["合计", *dist["totals"], dist["total"]],
    )


@page_view
def stats_page(request: HttpRequest) -> HttpResponse:
    a = actor_of(request)
    require(a, stats.may_see(a), "仅监管办和行业主管部门工作人员可以查看信用统计")
    year, industry = _filters(request)
    data = {
        "distribution": stats.distribution(a, year, industry),
        "movements": stats.movements(a, year, industry),
        "deductions": stats.top_deductions(a, year, industry),
    }
    kind = request.GET.get("export") or ""
    if kind in ("distribution", "movements", "deductions"):
        return _export(kind, year, industry, data)
    colours = [{"label": Colour(c).label, "tag": c} for c in stats.COLOUR_ORDER]
    return render(
        request,
        "credit/stats.html",
        {
            **data,
            "year": year,
            "industry": industry,
            "years": list(range(clock.today().year, FIRST_YEAR - 1, -1)),
            "industries": Industry.choices,
            "colours": colours,
            "enterprise_url": reverse("credit_enterprise_list"),
            "query": f"year={year}&industry={industry}",
        },
    )
