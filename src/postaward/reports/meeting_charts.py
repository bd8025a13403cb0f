"""The charts of the data-meeting pack (R-REP-03, ADR 0906).

The options are built here once (:func:`options`) and drawn twice: in the
browser by the vendored ECharts (``reports/meeting.js`` reads them from the
page) and on the server by ECharts' own SSR renderer (``charts/render.js``
under Node, :func:`render_svgs`) for the PDF (SVG inline in WeasyPrint's
HTML) and the Word file (the SVG rasterised to PNG by cairosvg,
:func:`to_png`). The fonts are Debian's CJK fonts, as the PDFs use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings

from postaward.core.documents import PDF_FONTS

from .meeting_data import MeetingData

SCRIPT = Path(__file__).resolve().parent / "charts" / "render.js"
TIMEOUT = 30  # seconds for one pack's charts
WIDTH, HEIGHT = 640, 300
FONT = PDF_FONTS.replace('"', "")
COLOURS = ["#5470c6", "#91cc75", "#fac858"]
SEVERITY = [
    ("红色", "al_s4", "#d9363e"),
    ("橙色", "al_s3", "#e6a23c"),
    ("黄色", "al_s2", "#e6c200"),
    ("蓝色", "al_s1", "#409eff"),
]


class ChartError(RuntimeError):
    """The charts could not be drawn (no Node, no ECharts, a timeout)."""


def echarts_path() -> Path:
    """ECharts' CommonJS build: the repository's node_modules (``make setup``
    runs ``npm ci``), else the vendored static copy (scripts/vendor_assets.py),
    else ``POSTAWARD_ECHARTS``."""
    env = os.environ.get("POSTAWARD_ECHARTS", "")
    candidates = [Path(env)] if env else []
    candidates += [
        Path(settings.REPO_DIR) / "node_modules" / "echarts" / "dist" / "echarts.js",
        Path(settings.BASE_DIR) / "static" / "vendor" / "echarts" / "echarts.min.js",
    ]
    for c in candidates:
        if c.is_file():
            return c
    raise ChartError("找不到 ECharts（请先运行 make setup）")


def _base(title: str) -> dict[str, Any]:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "textStyle": {"fontFamily": FONT},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 70},
        "color": COLOURS,
    }


def _compare_bars(title: str, rows: list[tuple[str, Any]], unit: str) -> dict[str, Any]:
    """Bars per category: this month, the month before, a year earlier."""
    opt = _base(title)
    opt["xAxis"] = {
        "type": "category",
        "data": [label for label, _ in rows],
        "axisLabel": {"interval": 0, "rotate": 20 if len(rows) > 4 else 0},
    }
    opt["yAxis"] = {"type": "value", "name": unit, "minInterval": 1}
    opt["series"] = [
        {
            "name": name,
            "type": "bar",
            "data": [getattr(c, attr) for _, c in rows],
            "label": {"show": attr == "value", "position": "top"},
        }
        for name, attr in (("本月", "value"), ("上月", "prev"), ("去年同月", "last_year"))
    ]
    return opt


def options(data: MeetingData) -> list[dict[str, Any]]:
    """The pack's charts: ``{"title", "option"}`` each."""
    charts = []
    att = data.get("attendance_rate")
    charts.append(
        (
            "图1：关键岗位人员月考勤率（分行业）",
            _compare_bars("月考勤率（%）", list(att.by_industry), "%"),
        )
    )
    levels = [
        (label.replace("新增", ""), data.get(k).total)
        for k, label in (
            ("alerts_red", "红色"),
            ("alerts_orange", "橙色"),
            ("alerts_yellow", "黄色"),
            ("alerts_blue", "蓝色"),
        )
    ]
    charts.append(("图2：新增预警（分等级）", _compare_bars("新增预警（件）", levels, "件")))
    charts.append(
        (
            "图3：未办结预警账龄（月末）",
            _compare_bars("未办结预警（件）", list(data.alert_ages), "件"),
        )
    )
    flows = [
        (data.get(k).label, data.get(k).total)
        for k in (
            "complaints_received",
            "complaints_late",
            "inspections_done",
            "cases_registered",
            "credit_records",
            "clues_new",
        )
    ]
    charts.append(("图4：信访、检查、案件、信用与问责", _compare_bars("本月办理情况", flows, "")))
    return [{"title": t, "option": o} for t, o in charts]


def render_svgs(charts: list[dict[str, Any]]) -> list[str]:
    """The charts as SVG strings, drawn by ECharts under Node (one process)."""
    node = shutil.which("node")
    if node is None:
        raise ChartError("服务器未安装 Node.js，无法生成图表")
    req = {
        "echarts": str(echarts_path()),
        "charts": [{"option": c["option"], "width": WIDTH, "height": HEIGHT} for c in charts],
    }
    try:
        done = subprocess.run(
            [node, str(SCRIPT)],
            input=json.dumps(req, ensure_ascii=False).encode(),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ChartError("图表生成超时") from exc
    if done.returncode != 0:
        raise ChartError(f"图表生成失败：{done.stderr.decode(errors='replace')[:300]}")
    svgs: list[str] = json.loads(done.stdout)
    return svgs


def to_png(svg: str, scale: float = 2.0) -> bytes:
    """One SVG as PNG for the Word file (cairosvg, on Debian's libcairo)."""
    import cairosvg

    png: bytes = cairosvg.svg2png(bytestring=svg.encode(), scale=scale, background_color="white")
    return png
