"""The steps tables in the apps' READMEs (ADR 0060): where they are and how
they are rewritten from the registry. Used by ``scripts/steps_readme.py`` and
the test that keeps the READMEs true."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from postaward.core import steps


def _pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- steps:{re.escape(key)} -->\n)(.*?)(<!-- /steps -->)", re.S)


def readmes_of(wf: steps.Workflow) -> list[Path]:
    """The README files of the app that owns the workflow's model."""
    folder = Path(wf.model._meta.app_config.path)  # type: ignore[attr-defined]
    return sorted(folder.glob("README*.md"))


def block_of(path: Path, key: str) -> str | None:
    found = _pattern(key).search(path.read_text(encoding="utf-8"))
    return found.group(2) if found else None


def _filler(table: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(1) + table + m.group(3)


def rewrite() -> list[Path]:
    """Replace every workflow's block with the registry's table; the files changed."""
    changed: list[Path] = []
    for wf in steps.workflows():
        table = steps.markdown_table(wf.key)
        for path in readmes_of(wf):
            text = path.read_text(encoding="utf-8")
            new = _pattern(wf.key).sub(_filler(table), text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed.append(path)
    return changed
