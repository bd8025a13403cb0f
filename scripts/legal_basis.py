"""Generate ``src/postaward/core/legal_basis_data.py`` from the requirements
catalogue and the policy documents it cites.

Each requirement ID (``R-ATT-07``) maps to the document (full title, as in the
seed), the article or section it rests on, and a short excerpt of that text.
Run after editing ``/work/shared/REQUIREMENTS.md`` or the seeds::

    .venv/bin/python scripts/legal_basis.py /work/shared
"""

from __future__ import annotations

import pprint
import re
import sys
from pathlib import Path

DOCS = {
    "QZ": ("000_8fb9005ed963ed9e.txt", "衢州市政府投资工程建设项目标后监管实施细则"),
    "QZ2": ("000_8fb9005ed963ed9e.txt", "衢州市政府投资工程建设项目标后监管问责办法"),
    "SY": (
        "001_6a2fa5914863b92c.txt",
        "上虞区政府投资（国有建设）项目监督管理实施细则（试行）",
    ),
    "HC": ("002_44dcf2fd7f4785f3.txt", "汉川市公共资源交易综合监管联动执法工作实施方案"),
    "HCA": ("002_44dcf2fd7f4785f3.txt", "汉川市公共资源交易综合监管联动执法操作规程"),
    "YJ": ("003_133cd5cbe9605119.txt", "资阳市雁江区工程招标投标领域突出问题系统治理实施方案"),
    "LC": (
        "004_bb6f41a0a0e5d9fb.txt",
        "聊城市人民政府办公室关于规范公共资源交易招标投标工作的意见",
    ),
}
NUM = "零一二三四五六七八九"

# Where the catalogue's citation misses the article that holds the rule, the
# document decides (each with its ADR); docs/requirements.md carries the same.
CORRECTIONS = {
    # "定期向社会公开相关工作执行情况" is HC 三(三); 三(二) is the reporting of
    # progress it goes with (ADR 0924).
    "R-REP-07": "HC 三(三), 三(二)",
}


def cn(n: int) -> str:
    """12 → 十二, 42 → 四十二 (articles stay below 100)."""
    if n < 10:
        return NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else NUM[tens]) + "十" + (NUM[ones] if ones else "")


def _clean(text: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", "", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split(seed: str, doc: str) -> list[str]:
    """The lines of the part of the seed that belongs to ``doc``."""
    lines = seed.splitlines()
    if doc == "QZ":
        end = next(i for i, ln in enumerate(lines) if ln.strip() == "附件2")
        return lines[:end]
    if doc == "QZ2":
        start = next(i for i, ln in enumerate(lines) if ln.strip() == "附件2")
        return lines[start:]
    if doc in ("HC", "HCA"):
        start = next(i for i, ln in enumerate(lines) if ln.strip() == "附件：")
        return lines[:start] if doc == "HC" else lines[start:]
    return lines


def _article(lines: list[str], n: int, item: str | None) -> str:
    head = f"第{cn(n)}条"
    for i, ln in enumerate(lines):
        if ln.strip().startswith(head) and not ln.strip().startswith(head + "至"):
            if item:
                for follow in lines[i + 1 : i + 40]:
                    if follow.strip().startswith(f"（{item}）") or follow.strip().startswith(
                        f"({item})"
                    ):
                        return _clean(follow)
            return _clean(ln.strip()[len(head) :])
    return ""


def _section(lines: list[str], top: str, item: str | None) -> str:
    for i, ln in enumerate(lines):
        if ln.strip().startswith(f"{top}、"):
            if item:
                for follow in lines[i + 1 : i + 60]:
                    s = follow.strip()
                    if re.match(r"^[一二三四五六七八九十]+、", s):
                        break
                    if s.startswith(f"（{item}）") or s.startswith(f"({item})"):
                        return _clean(s)
            return _clean(ln.strip())
    return ""


def parse_source(src: str) -> list[tuple[str, str]]:
    """``SY 26, 35`` / ``QZ 附件2 5(四)`` / ``HC 二(四)4`` → [(doc, ref)]."""
    out = []
    current = ""
    for part in re.split(r"[,;]\s*", src.strip()):
        part = part.strip()
        m = re.match(r"^(QZ|SY|HC|YJ|LC)\s*(附件2|附件)?\s*(.*)$", part)
        if m:
            current = m.group(1)
            if m.group(2) == "附件2":
                current = "QZ2"
            elif m.group(2) == "附件":
                current = "HCA"
            ref = m.group(3).strip()
        else:
            ref = part
        if current:
            out.append((current, ref))
    return out


def describe(doc: str, ref: str, lines: list[str]) -> tuple[str, str]:
    """(article label, excerpt)."""
    ref = ref.replace("(", "（").replace(")", "）")
    m = re.match(r"^(\d+)(?:-(\d+))?((?:（[一二三四五六七八九十]+）)*)(\d*)$", ref)
    if m and doc in ("QZ", "QZ2", "SY"):
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else None
        items = re.findall(r"（([一二三四五六七八九十]+)）", m.group(3) or "")
        label = f"第{cn(first)}条" + (f"至第{cn(last)}条" if last else "")
        label += "".join(f"第（{it}）项" for it in items[:1])
        return label, _article(lines, first, items[0] if items else None)
    m = re.match(r"^([一二三四五六七八九十]+)((?:（[一二三四五六七八九十]+）)*)(\d*)$", ref)
    if m:
        items = re.findall(r"（([一二三四五六七八九十]+）?)", m.group(2) or "")
        items = [it.rstrip("）") for it in items]
        label = f"第{m.group(1)}部分" + "".join(f"（{it}）" for it in items[:1])
        if m.group(3):
            label += f"第{cn(int(m.group(3)))}点"
        return label, _section(lines, m.group(1), items[0] if items else None)
    return "", ""


def build(shared: Path) -> dict[str, dict[str, object]]:
    seeds = {
        k: _split((shared / "seeds" / f).read_text(encoding="utf-8"), k)
        for k, (f, _) in DOCS.items()
    }
    registry: dict[str, dict[str, object]] = {}
    row = re.compile(r"^\| (R-[A-Z]{3}-\d\d) \|.*\| ([^|]*) \|$")
    for line in (shared / "REQUIREMENTS.md").read_text(encoding="utf-8").splitlines():
        m = row.match(line)
        if not m:
            continue
        refs = []
        for doc, ref in parse_source(CORRECTIONS.get(m.group(1), m.group(2))):
            article, excerpt = describe(doc, ref, seeds[doc]) if ref else ("", "")
            refs.append({"document": DOCS[doc][1], "article": article, "text": excerpt})
        registry[m.group(1)] = {"refs": refs}
    return registry


HEADER = '''"""Generated by ``scripts/legal_basis.py`` from REQUIREMENTS.md and the seeds:
requirement ID → the documents and articles it rests on. Do not edit by hand;
``core/legal_basis.py`` reads it."""

# fmt: off
'''


def main() -> None:
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared")
    data = build(shared)
    out = Path(__file__).resolve().parent.parent / "src/postaward/core/legal_basis_data.py"
    text = HEADER + "REQUIREMENTS = " + pprint.pformat(data, width=100, sort_dicts=True) + "\n"
    out.write_text(text, encoding="utf-8")
    print(f"{len(data)} requirements → {out}")


if __name__ == "__main__":
    main()
