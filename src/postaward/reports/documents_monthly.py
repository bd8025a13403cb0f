"""The monthly report as a document (R-REP-02): Word and PDF through the ONE
document service (``core.documents.issue``: numbered per issuer, kind and
year, the PDF's hash in the audit chain, the kind's Word template version in
use). The body is the report's five sections, then the two tables YJ 四(三)
attaches (核查项目情况表, 信访举报办理情况表), their rows taken from the
ledgers' own row functions for the reporting unit and the month.
"""

from __future__ import annotations

from typing import Any

from postaward.core import clock, documents
from postaward.core.actor import Actor
from postaward.core.documents import DocumentKind

from .choices import MONTHLY_SECTIONS
from .models import MonthlyReport

KIND = DocumentKind(
    "reports.monthly_report",
    "招投标系统治理工作情况报告",
    "reports/documents/monthly.html",
    word="月报",
    fields=(
        ("report_title", "报告标题"),
        ("department", "报送单位"),
        ("period", "统计期间"),
        ("due_text", "报送期限"),
    ),
    sample={
        "report_title": "区住建局招投标系统治理工作情况报告（2026年10月）",
        "department": "区住建局",
        "period": "2026年10月",
        "due_text": "2026年11月20日",
    },
)
documents.register(KIND)

# The attached tables (YJ 四(三)): ledger kind and how one row reads.
ATTACHED = ("verified", "complaints")


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return f"{value:%Y-%m-%d}"
    return str(value)


def table(unit: Any, year: int, month: int, kind: str) -> dict[str, Any]:
    """One attached table: the ledger's rows for the unit and the month, each
    row as the ledger's own columns (the exported values), and its counts."""
    from . import ledgers
    from .services_monthly import period, reader_for

    ledger = ledgers.get(kind)
    assert ledger is not None
    qs = ledger.rows(reader_for(unit), period(year, month))
    objs = list(qs[:500])
    if ledger.prepare is not None:
        objs = list(ledger.prepare(objs))
    columns = list(ledger.columns())
    rows = []
    for n, obj in enumerate(objs, 1):
        cells = [f"{c.label}：{_cell(c.value(obj))}" for c in columns[:6] if not c.export_only]
        rows.append(f"{n}. " + "；".join(cells))
    counts = "，".join(f"{label}{n}" for label, n in ledger.summary(qs))
    return {"title": ledger.title, "counts": counts, "rows": rows}


def context(r: MonthlyReport) -> dict[str, Any]:
    sections = [
        {
            "number": "一二三四五"[i],
            "label": label,
            "lines": [line for line in (getattr(r, name) or "").splitlines() if line.strip()],
        }
        for i, (name, label) in enumerate(MONTHLY_SECTIONS)
    ]
    tables = [] if r.summary else [table(r.department, r.year, r.month, k) for k in ATTACHED]
    return {
        "report_title": r.title,
        "department": r.department.name,
        "period": f"{r.year}年{r.month}月",
        "due_text": f"{r.due_on.year}年{r.due_on.month}月{r.due_on.day}日",
        "sections": sections,
        "tables": tables,
    }


def addressees(r: MonthlyReport) -> str:
    from .services_monthly import coordinating_body

    if r.summary:
        return "市发展和改革委员会、区纪委监委"
    return coordinating_body(r.office).name


def issue(r: MonthlyReport, *, actor: Actor) -> Any:
    """Issue the report's document (inside the submit step's transaction)."""
    return documents.issue(
        KIND.key,
        context(r),
        subject=r,
        addressee=addressees(r),
        issuer=r.department.name,
        issuer_abbr=documents.abbreviation(r.department),
        on=clock.today(),
        actor=actor,
    )
