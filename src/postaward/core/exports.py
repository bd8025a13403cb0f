"""The platform's one spreadsheet export (ADR 0025).

Every page that offers "导出Excel" builds its workbook here, and nowhere else:

    from postaward.core.exports import Column, export_xlsx

    return export_xlsx(
        filename="登录日志.xlsx",          # Chinese is fine; sent RFC 5987-encoded
        title="登录日志",                   # first row of the sheet (merged, bold)
        columns=["时间", "账号", Column("合同金额（元）", kind="money")],
        rows=((r.at, r.username, r.amount) for r in qs.iterator()),
        totals=["合计", "", total_amount],  # optional bold last row; None = no row
    )

``columns`` are headings (a plain ``str``) or :class:`Column` for a width or a
number format. ``rows`` is any iterable of sequences (a generator is best: it is
consumed once); it is cut at :data:`EXPORT_MAX_ROWS` with a note in the sheet.

``layout`` (an :class:`ExportLayout`) gives the layout offices exchange for a
ledger (台账): under the title a row with the reporting unit (填报单位) and the
period (统计期间), a 序号 column when ``numbered``, the totals row, and under
the table the signature line (填报人、审核人、填报日期)::

    export_xlsx(..., layout=ExportLayout(unit="测试区监管办", period="2026年3月"))

Cell values are typed, never guessed from text:

- ``int`` / ``float`` / ``Decimal`` -> a number cell (``kind="money"`` gives
  ``#,##0.00``, ``kind="percent"`` gives ``0.0%``);
- ``datetime.datetime`` -> a date-time cell in local (Asia/Shanghai) time;
  ``datetime.date`` -> a date cell;
- ``bool`` -> 是 / 否; ``None`` -> an empty cell;
- anything else -> ``str(value)`` as a TEXT cell.

Formula injection (CWE-1236) cannot happen: the workbook is opened with
``strings_to_formulas`` and ``strings_to_urls`` off, so no text ever becomes a
formula or a hyperlink, and a text that a spreadsheet would read as a formula
once edited or saved as CSV (starting with ``= + - @``, a tab or a carriage
return) is written with a leading apostrophe (``'=1+1``), the convention that
Excel, WPS and LibreOffice read as "this is text".
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse

from . import clock

EXPORT_MAX_ROWS = 50_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Characters that make a spreadsheet read a text cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Kind = Literal["auto", "text", "number", "money", "percent", "date", "datetime"]

_NUM_FORMATS: dict[str, str] = {
    "number": "General",
    "money": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}


@dataclass(frozen=True)
class Column:
    """A column heading with an optional width (characters) and number format."""

    heading: str
    width: int | None = None
    kind: Kind = "auto"


@dataclass(frozen=True)
class ExportLayout:
    """The exchanged ledger layout (ADR 0901): the unit and period row under
    the title, an optional 序号 column, and the signature line under the
    totals. ``filled_on`` defaults to today; ``compiler`` prefills 填报人."""

    unit: str = ""
    period: str = ""
    numbered: bool = True
    signature: bool = True
    compiler: str = ""
    filled_on: dt.date | None = None

    def signature_text(self) -> str:
        day = self.filled_on or clock.today()
        return (
            f"填报人：{self.compiler or '          '}    审核人：          "
            f"    填报日期：{day.year}年{day.month}月{day.day}日"
        )


def neutralise(text: str) -> str:
    """Text as it goes into a cell: a leading formula trigger gets an apostrophe."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')


def safe_filename(filename: str, suffix: str = ".xlsx") -> str:
    """A download name without path separators, quotes or control characters."""
    name = unicodedata.normalize("NFC", str(filename))
    name = _UNSAFE_NAME.sub("_", name).strip(" ._") or "导出"
    if not name.lower().endswith(suffix):
        name += suffix
    stem = name[: -len(suffix)][:80]
    return stem + suffix


def attachment_disposition(filename: str) -> str:
    """``Content-Disposition`` for a download with a Chinese name (RFC 6266 / 5987):
    an ASCII fallback for old clients and the UTF-8 name for everyone else."""
    suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
    ascii_name = filename.encode("ascii", "ignore").decode().strip(" ._")
    if not ascii_name or ascii_name == suffix.lstrip(".") or ascii_name == suffix:
        ascii_name = "export" + suffix
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _width(text: str) -> int:
    # East Asian characters take two columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Writer:
    def __init__(self, book: Any, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.text = book.add_format({"valign": "top"})
        self.formats = {k: book.add_format({"num_format": v}) for k, v in _NUM_FORMATS.items()}
        self.bold_formats = {
            k: book.add_format({"num_format": v, "bold": True, "top": 1})
            for k, v in _NUM_FORMATS.items()
        }
        self.bold_text = book.add_format({"bold": True, "top": 1})

    def write(self, sheet: Any, row: int, col: int, value: Any, *, bold: bool = False) -> None:
        kind = self.columns[col].kind if col < len(self.columns) else "auto"
        fmts = self.bold_formats if bold else self.formats
        text_fmt = self.bold_text if bold else self.text
        if value is None or value == "":
            sheet.write_blank(row, col, None, text_fmt)
        elif isinstance(value, bool):
            sheet.write_string(row, col, "是" if value else "否", text_fmt)
        elif isinstance(value, int | float | Decimal):
            fmt = fmts[kind] if kind in ("money", "percent") else fmts["number"]
            if isinstance(value, Decimal) and kind == "auto":
                fmt = fmts["money"]
            number = float(value)
            if number != number or number in (float("inf"), float("-inf")):
                sheet.write_blank(row, col, None, text_fmt)
            else:
                sheet.write_number(row, col, number, fmt)
        elif isinstance(value, dt.datetime):
            local = clock.localtime(value) if value.tzinfo else value
            sheet.write_datetime(row, col, local.replace(tzinfo=None), fmts["datetime"])
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, value, fmts["date"])
        else:
            sheet.write_string(row, col, neutralise(str(value)), text_fmt)


def _numbered(
    cols: list[Column],
    rows: Iterable[Sequence[Any]],
    totals: Sequence[Any] | None,
    layout: ExportLayout | None,
) -> tuple[list[Column], Iterable[Sequence[Any]], Sequence[Any] | None]:
    """A ledger's 序号 column: first, the rows numbered, 合计 under it."""
    if layout is None or not layout.numbered:
        return cols, rows, totals
    numbered = ([n, *row] for n, row in enumerate(rows, start=1))
    if totals is not None:
        totals = ["合计", *("" if t == "合计" else t for t in totals)]
    return [Column("序号", width=6, kind="number"), *cols], numbered, totals


def _write_rows(
    sheet: Any, writer: _Writer, rows: Iterable[Sequence[Any]], first: int, widths: list[int]
) -> int:
    """The data rows from row ``first``; returns the next free row."""
    r = first
    for index, row in enumerate(rows):
        if index >= EXPORT_MAX_ROWS:
            sheet.write_string(r, 0, f"仅导出前 {EXPORT_MAX_ROWS} 行，请缩小筛选范围")
            return r + 1
        for i, value in enumerate(row):
            writer.write(sheet, r, i, value)
            if i < len(widths) and isinstance(value, str) and index < 200:
                widths[i] = min(60, max(widths[i], _width(value) + 2))
        r += 1
    return r


def _print_setup(sheet: Any, cols: list[Column], widths: list[int], head_row: int) -> None:
    """Column widths, and A4 landscape, one page wide, headings repeated, page numbers."""
    for col, c in enumerate(cols):
        if c.kind == "date":
            widths[col] = max(widths[col], 12)
        elif c.kind == "datetime":
            widths[col] = max(widths[col], 20)
        sheet.set_column(col, col, c.width or widths[col])
    sheet.freeze_panes(head_row + 1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, head_row)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def build_workbook(
    *,
    title: str,
    columns: Sequence[str | Column],
    rows: Iterable[Sequence[Any]],
    totals: Sequence[Any] | None = None,
    layout: ExportLayout | None = None,
) -> bytes:
    """The workbook's bytes (see the module docstring for the rules)."""
    cols, rows, totals = _numbered(
        [c if isinstance(c, Column) else Column(str(c)) for c in columns], rows, totals, layout
    )
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    sheet = book.add_worksheet("数据")
    writer = _Writer(book, cols)
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head_fmt = book.add_format(
        {"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True, "valign": "top"}
    )
    last_col = max(len(cols) - 1, 0)
    title_text = neutralise(str(title))
    if last_col:
        sheet.merge_range(0, 0, 0, last_col, title_text, title_fmt)
    else:
        sheet.write_string(0, 0, title_text, title_fmt)
    sheet.set_row(0, 24)
    head_row = 1
    if layout is not None:
        _write_unit_period(book, sheet, layout, last_col)
        head_row = 2
    widths = [c.width or max(10, _width(c.heading) + 2) for c in cols]
    for col, c in enumerate(cols):
        sheet.write_string(head_row, col, neutralise(c.heading), head_fmt)
    r = _write_rows(sheet, writer, rows, head_row + 1, widths)
    last_data = r - 1
    if totals is not None:
        for i, value in enumerate(totals):
            writer.write(sheet, r, i, value, bold=True)
        r += 1
    if layout is not None and layout.signature:
        sign = neutralise(layout.signature_text())
        if last_col:
            sheet.merge_range(r + 1, 0, r + 1, last_col, sign, book.add_format({}))
        else:
            sheet.write_string(r + 1, 0, sign)
    if cols and last_data > head_row:
        sheet.autofilter(head_row, 0, last_data, last_col)
    _print_setup(sheet, cols, widths, head_row)
    book.close()
    return buf.getvalue()


def _write_unit_period(book: Any, sheet: Any, layout: ExportLayout, last_col: int) -> None:
    """Row 2 of a ledger: 填报单位 on the left, 统计期间 on the right."""
    left = book.add_format({"align": "left"})
    right = book.add_format({"align": "right"})
    unit = neutralise(f"填报单位：{layout.unit}")
    period = neutralise(f"统计期间：{layout.period}")
    if last_col >= 3:
        half = last_col // 2
        sheet.merge_range(1, 0, 1, half, unit, left)
        sheet.merge_range(1, half + 1, 1, last_col, period, right)
    else:
        sheet.write_string(1, 0, unit, left)
        sheet.write_string(1, max(last_col, 1), period, right)


def export_xlsx(
    *,
    filename: str,
    title: str,
    columns: Sequence[str | Column],
    rows: Iterable[Sequence[Any]],
    totals: Sequence[Any] | None = None,
    layout: ExportLayout | None = None,
) -> HttpResponse:
    """An ``.xlsx`` download (attachment) built by :func:`build_workbook`."""
    name = safe_filename(filename)
    response = HttpResponse(
        build_workbook(title=title, columns=columns, rows=rows, totals=totals, layout=layout),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = attachment_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
