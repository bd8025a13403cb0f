"""The data-meeting pack as a document (R-REP-03): Word and PDF through the
ONE document service (``core.issuing.issue``: numbered per issuer, kind and
year, the PDF's hash in the audit chain). The stored context holds the
numbers as lines and the charts' ECharts options; the charts are drawn at
render time (``DocumentKind.pictures``, ADR 0906): SVG inline in the PDF,
PNG (cairosvg) after their captions in the Word file."""

from __future__ import annotations

from typing import Any

from postaward.core import clock, documents
from postaward.core.actor import Actor
from postaward.core.documents import DocumentKind, Picture

from .meeting_data import Compared, MeetingData


def pictures(ctx: dict[str, Any]) -> list[Picture]:
    from . import meeting_charts

    charts = ctx.get("charts") or []
    if not charts:
        return []
    svgs = meeting_charts.render_svgs(charts)
    return [
        Picture(c["title"], _fit(svg), meeting_charts.to_png(svg))
        for c, svg in zip(charts, svgs, strict=True)
    ]


def _fit(svg: str) -> str:
    """The PDF's copy sized to the page's text width (the viewBox keeps the drawing)."""
    from .meeting_charts import HEIGHT, WIDTH

    w = 150
    return svg.replace(
        f'<svg width="{WIDTH}" height="{HEIGHT}"',
        f'<svg width="{w}mm" height="{w * HEIGHT / WIDTH:.1f}mm"',
        1,
    )


KIND = DocumentKind(
    "reports.meeting_pack",
    "智慧监管数据会商材料",
    "reports/documents/meeting.html",
    word="会商",
    fields=(("period", "统计期间"), ("office", "监管办")),
    sample={"period": "2026年10月", "office": "区招投标监管办"},
    pictures=pictures,
)
documents.register(KIND)


def number_text(v: float, unit: str) -> str:
    """85.0% / 3件 / 2.5分: a rate with one decimal, a count as a whole number."""
    text = f"{v:.1f}" if unit == "%" or v != int(v) else f"{int(v)}"
    return f"{text}{unit}"


def change_text(c: float | None) -> str:
    if c is None:
        return "—"
    return f"{c:+.1f}%"


def line(label: str, c: Compared, unit: str) -> str:
    """本月85.0%，上月80.0%（环比+6.3%），去年同月70.0%（同比+21.4%）."""
    return (
        f"{label}：本月{number_text(c.value, unit)}，上月{number_text(c.prev, unit)}（环比{change_text(c.mom)}），"
        f"去年同月{number_text(c.last_year, unit)}（同比{change_text(c.yoy)}）"
    )


def groups(data: MeetingData) -> list[dict[str, Any]]:
    """The indicators by theme, each with its total line and its breakdowns."""
    out: dict[str, dict[str, Any]] = {}
    for ind in data.indicators:
        g = out.setdefault(ind.group, {"label": ind.group, "items": []})
        g["items"].append(
            {
                "line": line(ind.label, ind.total, ind.unit),
                "industry": "；".join(
                    f"{name}{number_text(c.value, ind.unit)}（环比{change_text(c.mom)}）"
                    for name, c in ind.by_industry
                ),
                "unit": "；".join(
                    f"{name}{number_text(c.value, ind.unit)}（环比{change_text(c.mom)}）"
                    for name, c in ind.by_unit
                ),
            }
        )
    ages = "；".join(line(label, c, "件") for label, c in data.alert_ages)
    if ages:
        out["预警处置"]["items"].append(
            {"line": f"月末未办结预警账龄：{ages}", "industry": "", "unit": ""}
        )
    return list(out.values())


def context(pack: Any, data: MeetingData) -> dict[str, Any]:
    from . import meeting_charts

    return {
        "period": f"{pack.year}年{pack.month}月",
        "office": pack.office.name,
        "under_way": data.projects_under_way,
        "groups": groups(data),
        "proposals": [p["title"] for p in pack.proposals],
        "charts": meeting_charts.options(data),
    }


def issue(pack: Any, data: MeetingData, *, actor: Actor) -> Any:
    """Issue the pack's document (inside the generating transaction); a pack
    generated again gets a corrected version of the same document."""
    from postaward.core import issuing

    ctx = context(pack, data)
    if pack.document is not None:
        return issuing.correct(pack.document, ctx, reason="按最新数据重新生成", actor=actor)
    return issuing.issue(
        KIND.key,
        ctx,
        subject=pack,
        addressee="区智慧监管数据会商会议",
        issuer=pack.office.name,
        issuer_abbr=documents.abbreviation(pack.office),
        on=clock.today(),
        actor=actor,
    )
