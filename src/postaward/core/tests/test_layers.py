"""The layers a machine checks beyond imports (ADR 0055).

``lint-imports`` (in ``make check``) sees every import, also inside functions.
Two ways round it are checked here: the kernel naming a domain app's model by
string (``apps.get_model("projects", …)``), and an app writing the kernel's
tables itself (``Deadline.objects….update(…)``) instead of asking the kernel's
service (``core.deadlines``, ``core.todos``, ``core.notices``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import postaward

SRC = Path(postaward.__file__).resolve().parent
DOMAIN_APPS = ("orgs", "projects", "attendance", "approvals", "alerts")
KERNEL_MODELS = {"Deadline", "Todo", "EventRecord", "AuditRecord", "AuditChainHead"}
WRITES = {
    "update",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# Writes the lead switches at merge time (projects/services.py is being split
# into a package): each entry must still match, so that it is removed with them.
PENDING: set[tuple[str, str, str]] = set()


def _sources(package: Path) -> list[Path]:
    return [
        p
        for p in package.rglob("*.py")
        if "tests" not in p.relative_to(SRC).parts and "migrations" not in p.parts
    ]


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts)


def _kernel_writes(path: Path) -> list[tuple[str, str, int]]:
    """(model, method, line) of each ``<KernelModel>.objects…<write>(…)``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        target: ast.AST = node.func.value
        while isinstance(target, ast.Call | ast.Attribute):
            if isinstance(target, ast.Attribute) and target.attr == "objects":
                base = target.value
                if isinstance(base, ast.Name) and base.id in KERNEL_MODELS:
                    out.append((base.id, node.func.attr, node.lineno))
                break
            target = target.func if isinstance(target, ast.Call) else target.value
    return out


def test_core_names_no_domain_model_by_string():
    """R-ORG-04 rests on the kernel: it asks the apps through registries
    (``core.registries``), never by looking their models up by name."""
    apps_alt = "|".join(DOMAIN_APPS)
    pattern = re.compile(rf"get_model\(\s*[\"']({apps_alt})[\"'.]")
    found = [
        f"{p.relative_to(SRC)}:{i}"
        for p in _sources(SRC / "core")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_apps_write_the_kernels_tables_only_through_its_services():
    """Deadlines, to-dos, the outbox and the audit trail are written by the
    kernel's services; an app that needs a clock cancelled or a to-do moved
    calls them (``deadlines.cancel_for_project``, ``deadlines.close_as_met``,
    ``todos.reschedule`` …)."""
    found: set[tuple[str, str, str]] = set()
    where: list[str] = []
    for app in DOMAIN_APPS:
        for path in _sources(SRC / app):
            module = _module(path)
            for model, method, line in _kernel_writes(path):
                # projects/services.py or, once split, a module of projects/services/
                key = (re.sub(r"(\.services)\..*$", r"\1", module), model, method)
                if key in PENDING:
                    found.add(key)
                    continue
                where.append(f"{module}:{line} {model}.objects….{method}()")
    assert where == []
    assert found == PENDING, f"no longer written directly, drop from PENDING: {PENDING - found}"


def test_the_write_finder_sees_a_foreign_update(tmp_path):
    """The check can fail: a chained update of a kernel table is found."""
    src = tmp_path / "x.py"
    src.write_text(
        "def f(pk):\n"
        "    Deadline.objects.filter(pk=pk).update(state='cancelled')\n"
        "    Other.objects.filter(pk=pk).update(state='x')\n"
    )
    assert _kernel_writes(src) == [("Deadline", "update", 2)]
