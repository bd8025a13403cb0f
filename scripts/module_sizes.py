"""Fail when a module of src/ grows past MAX_LINES (issue #12: modules a newcomer
can hold in their head). Tests and migrations are not counted: a test module is a
list of scenarios, a migration is generated.

    python scripts/module_sizes.py   # make check

A module over the limit is split by sub-domain (as projects/services/ and
approvals/services/ are), or listed in ALLOWED with the reason it is not split yet.
An entry that is back under the limit must be removed, so the list only shrinks.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 1000

ALLOWED = {
    "src/postaward/demo.py": "the demo district told top to bottom: data, not rules",
}


def modules() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "src").rglob("*.py")
        if not {"tests", "migrations"} & set(p.relative_to(ROOT).parts)
    )


def main() -> int:
    problems = []
    for path in modules():
        name = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and name not in ALLOWED:
            problems.append(f"{name}: {lines} lines (limit {MAX_LINES}): split it by sub-domain")
        elif lines <= MAX_LINES and name in ALLOWED:
            problems.append(f"{name}: {lines} lines, under the limit: remove it from ALLOWED")
    missing = [name for name in ALLOWED if not (ROOT / name).exists()]
    problems += [f"{name}: listed in ALLOWED but gone: remove it" for name in missing]
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
