"""The one legal-basis registry: requirement ID → document, article, text.

Code cites requirement IDs (``R-ATT-07``) so that every rule can be traced;
users read the document and the article instead. ``cite()`` turns a stored
basis text (``"R-ATT-07（SY 第42条）"``, ``"依据：R-CHG-01、R-CHG-02"``) into the
citation a user reads (``《上虞区…实施细则（试行）》第四十二条``), with the article's
text for a hover; ``html()`` renders it for pages (template filter
``legal_basis`` in ``core_tags``). The data come from ``scripts/legal_basis.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .legal_basis_data import REQUIREMENTS

ID_RE = re.compile(r"R-[A-Z]{3}-\d\d")
# an ID with an optional short reference after it, e.g. "R-ATT-07（SY 第42条）" or
# "R-ORG-03（实施细则第十七至二十条）": the short reference is replaced by the citation
_CITED_RE = re.compile(
    r"(?:R-[A-Z]{3}-\d\d)(?:\s*[（(][^）)]*[）)])?(?:\s*[、,，/和及]\s*R-[A-Z]{3}-\d\d(?:\s*[（(][^）)]*[）)])?)*"
)
# a bare short reference "SY 第42条" / "SY 26"
_SHORT_RE = re.compile(r"\b(SY|QZ)\s*(?:第\s*)?(\d{1,2})\s*条?")
_SHORT_DOCS = {
    "SY": "上虞区政府投资（国有建设）项目监督管理实施细则（试行）",
    "QZ": "衢州市政府投资工程建设项目标后监管实施细则",
}
CIVIL_CODE = "中华人民共和国民法典"


@dataclass(frozen=True)
class Citation:
    document: str
    article: str
    text: str

    @property
    def label(self) -> str:
        return f"《{self.document}》{self.article}"


def citations(code: str) -> list[Citation]:
    """The documents and articles requirement ``code`` rests on ([] if unknown)."""
    row = REQUIREMENTS.get(code)
    if not row:
        return []
    return [Citation(str(r["document"]), str(r["article"]), str(r["text"])) for r in row["refs"]]  # type: ignore[index]


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _parts(text: str) -> list[str | list[Citation]]:
    """``text`` split into plain strings and runs of citations."""
    out: list[str | list[Citation]] = []
    pos = 0
    for m in _CITED_RE.finditer(text):
        out.append(text[pos : m.start()])
        seen: dict[str, Citation] = {}
        for code in ID_RE.findall(m.group(0)):
            for c in citations(code):
                seen.setdefault(c.label, c)
        if not seen:
            # an unknown ID is still not shown to users
            seen["依据规定"] = Citation("", "", "")
        out.append(list(seen.values()))
        pos = m.end()
    rest = text[pos:]
    pos = 0
    for m in _SHORT_RE.finditer(rest):
        out.append(rest[pos : m.start()])
        doc = _SHORT_DOCS[m.group(1)]
        out.append([Citation(doc, f"第{_cn(int(m.group(2)))}条", "")])
        pos = m.end()
    out.append(rest[pos:])
    return out


def _grouped(cites: list[Citation]) -> list[tuple[Citation, str]]:
    """Citations of one document read once: 《…》第二十六条、第四十七条. Each
    item: (citation, the text shown for it)."""
    out: list[tuple[Citation, str]] = []
    previous = None
    for c in cites:
        if not c.document:
            out.append((c, "相关规定"))
        elif c.document == previous:
            out.append((c, c.article or c.label))
        else:
            out.append((c, c.label))
        previous = c.document or None
    return out


def cite(text: str | None) -> str:
    """Plain-text citation of a stored basis (exports, notifications, titles)."""
    if not text:
        return ""
    result = []
    for part in _parts(str(text)):
        if isinstance(part, str):
            result.append(part)
        else:
            result.append("、".join(shown for _, shown in _grouped(part)))
    return "".join(result).strip()


def html(text: str | None) -> SafeString:
    """Page rendering: each citation with its article's text on hover."""
    if not text:
        return SafeString("")
    chunks: list[SafeString] = []
    for part in _parts(str(text)):
        if isinstance(part, str):
            chunks.append(format_html("{}", part))
        else:
            chunks.append(
                format_html_join(
                    "、",
                    '<span class="legal-basis" title="{}">{}</span>',
                    ((c.text or c.label, shown) for c, shown in _grouped(part)),
                )
            )
    return format_html_join("", "{}", ((c,) for c in chunks))


def has_ids(text: str) -> bool:
    return bool(ID_RE.search(text or ""))
