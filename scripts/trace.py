"""Generate docs/requirements-trace.md: each requirement ID, the code that cites
it, the tests that state it, and what is known to be missing.

    python scripts/trace.py          # rewrite the file
    python scripts/trace.py --check  # fail if the committed file is stale (make check)

The catalogue is docs/requirements.md (a copy of the shared catalogue): its table
rows, and the bold paragraphs that define an ID ("**Periods (R-CAL-01, …)**").

What counts (a checkable criterion, not a grep):

- a test **states** a rule when a test function (``def test_…`` in a test file)
  names its ID in its own name (``test_r_att_07_…``, the ID in lower case with
  underscores), in its own docstring, or in a comment on its ``def`` line
  (``def test_x():  # R-ATT-07``). A module docstring, a section comment or an
  assertion's text only **mentions** it: one docstring at the top of a file does
  not make every test in it a test of the rule;
- **tested**: cited by code and stated by at least one test;
- **partial**: listed in docs/requirements-gaps.md, shown with what is missing
  (whatever the citations say);
- **mentioned only**: cited by code, named in tests, but stated by none;
- **code only**, **tests only**, **planned**: as the words say.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "docs" / "requirements.md"
GAPS = ROOT / "docs" / "requirements-gaps.md"
OUT = ROOT / "docs" / "requirements-trace.md"
ID = re.compile(r"\bR-[A-Z]{3}-\d{2}\b")
NAME_ID = re.compile(r"(?:^|_)r_([a-z]{3})_(\d{2})(?=_|$)")
ROW = re.compile(r"^\|\s*(R-[A-Z]{3}-\d{2})\s*\|\s*(.+?)\s*\|\s*([^|]*)\|\s*$")
PARAGRAPH = re.compile(r"^\*\*([^*(]+)\((R-[A-Z]{3}-\d{2})([^*]*)\)\.?\*\*\s*(.*)$")
GAP = re.compile(r"^\|\s*(R-[A-Z]{3}-\d{2})\s*\|\s*(.+?)\s*\|\s*$")


def _short(text: str) -> str:
    text = text.replace("|", "/")
    return text if len(text) <= 90 else text[:88].rstrip() + "…"


def catalogue() -> list[tuple[str, str, str]]:
    rows = []
    lines = CATALOGUE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if m := ROW.match(line):
            rows.append((m.group(1), _short(m.group(2)), m.group(3).strip()))
        elif m := PARAGRAPH.match(line):
            # the paragraph runs to the next blank line
            text = [m.group(4)]
            for more in lines[i + 1 :]:
                if not more.strip():
                    break
                text.append(more.strip())
            source = m.group(3).strip(" ,")
            rows.append((m.group(2), _short(" ".join(text)), source))
    return rows


def gaps() -> dict[str, str]:
    if not GAPS.exists():
        return {}
    out = {}
    for line in GAPS.read_text(encoding="utf-8").splitlines():
        if m := GAP.match(line):
            out[m.group(1)] = m.group(2).replace("|", "/")
    return out


def is_test(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "tests" in parts or path.name.startswith("test_")


def stated_ids(source: str) -> dict[str, list[str]]:
    """ID -> the test functions of ``source`` that state it (name, docstring or
    a comment on the ``def`` line)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    lines = source.splitlines()
    out: dict[str, list[str]] = defaultdict(list)
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not node.name.startswith("test"):
            continue
        ids = {f"R-{a.upper()}-{n}" for a, n in NAME_ID.findall(node.name)}
        ids |= set(ID.findall(ast.get_docstring(node) or ""))
        header = lines[node.lineno - 1 : max(node.lineno, node.body[0].lineno - 1)]
        for text in header:
            if "#" in text:
                ids |= set(ID.findall(text[text.index("#") :]))
        for rid in ids:
            out[rid].append(node.name)
    return out


def citations() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """(code, tests that state it, test files that only mention it)."""
    code: dict[str, set[str]] = defaultdict(set)
    stated: dict[str, set[str]] = defaultdict(set)
    mentioned: dict[str, set[str]] = defaultdict(set)
    files = [
        p
        for base in ("src", "tests", "bench")
        for p in (ROOT / base).rglob("*")
        if p.suffix in {".py", ".html"} and "migrations" not in p.parts
    ]
    for path in sorted(files):
        text = path.read_text(encoding="utf-8", errors="ignore")
        rel = str(path.relative_to(ROOT))
        if not is_test(path):
            for rid in set(ID.findall(text)):
                code[rid].add(rel)
            continue
        by_test = stated_ids(text) if path.suffix == ".py" else {}
        for rid in by_test:
            stated[rid].add(rel)
        for rid in set(ID.findall(text)) - set(by_test):
            mentioned[rid].add(rel)
    return code, stated, mentioned


def status_of(rid: str, code: set[str], stated: set[str], mentioned: set[str], gap: str) -> str:
    if gap:
        return "partial"
    if code and stated:
        return "tested"
    if code and mentioned:
        return "mentioned only"
    if code:
        return "code only"
    if stated or mentioned:
        return "tests only"
    return "planned"


def render() -> str:
    code, stated, mentioned = citations()
    known_gaps = gaps()
    rows = catalogue()
    statuses = {
        rid: status_of(
            rid,
            code.get(rid, set()),
            stated.get(rid, set()),
            mentioned.get(rid, set()),
            known_gaps.get(rid, ""),
        )
        for rid, _, _ in rows
    }
    count = lambda s: sum(1 for v in statuses.values() if v == s)  # noqa: E731
    lines = [
        "# Requirements trace",
        "",
        "Generated by `python scripts/trace.py` (`make check` fails when this file is stale). "
        "The catalogue is [requirements.md](requirements.md); the policy documents decide "
        "where it is unclear. A rule is **tested** when code cites it and a test states it "
        "(the ID in the test function's name, docstring or `def` line comment); a mention "
        "elsewhere in a test file does not count. **partial** rules are listed with what is "
        "missing in [requirements-gaps.md](requirements-gaps.md).",
        "",
        f"**{count('tested')} of {len(rows)}** requirements are tested; "
        f"{count('partial')} partial, {count('mentioned only')} mentioned only, "
        f"{count('code only')} code only, {count('planned')} planned.",
        "",
        "| ID | Requirement | Source | Status | Code | Tests stating it | Missing / mentioned in |",
        "|---|---|---|---|---|---|---|",
    ]
    fmt = lambda files: "<br>".join(f"`{f}`" for f in sorted(files)) or "—"  # noqa: E731
    for rid, text, src in rows:
        status = statuses[rid]
        gap = known_gaps.get(rid, "")
        extra = gap or (
            "mentioned in " + fmt(mentioned[rid])
            if status == "mentioned only" and mentioned.get(rid)
            else "—"
        )
        lines.append(
            f"| {rid} | {text} | {src} | {status} | {fmt(code.get(rid, ()))} | "
            f"{fmt(stated.get(rid, ()))} | {extra} |"
        )
    known = {r for r, _, _ in rows}
    unknown = sorted((set(code) | set(stated) | set(mentioned)) - known)
    if unknown:
        lines += ["", "IDs cited but not in the catalogue: " + ", ".join(unknown)]
    stale = sorted(set(known_gaps) - known)
    if stale:
        lines += ["", "Gaps listed for IDs not in the catalogue: " + ", ".join(stale)]
    return "\n".join(lines) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(
                "docs/requirements-trace.md is stale: run `python scripts/trace.py`",
                file=sys.stderr,
            )
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
