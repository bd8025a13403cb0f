"""Issue 12: who may take a workflow step is said once, in the step registry
(``core.steps``: each step's ``who`` and guards). The old ways of saying it
are gone and must not come back: the django-fsm ``permission=`` of a
transition, a service's ``_require_who``, ``fire`` that checked and fired, the
views' ``Action(allowed=…)`` cards, ``workflows.may/can`` in pages and APIs."""

from __future__ import annotations

import re
from pathlib import Path

import postaward

SRC = Path(postaward.__file__).parent
FORBIDDEN = {
    r"\bpermission\s*=": "a transition's permission (declare the step's who in its steps module)",
    r"\b_require_who\(": "a service's own role check (take the step through core.steps.write)",
    r"\bdef fire\(|\bcommon\.fire\(": "check-and-fire helper (core.steps.write)",
    r"\bAction\([^)]*allowed\s*=": "a page action with its own permission (core.steps.page_steps)",
    r"\bworkflows\.(may|can)\(": "a role check beside the registry (core.steps.available_steps)",
}


def _sources() -> list[Path]:
    return [
        p
        for p in SRC.rglob("*")
        if p.suffix in (".py", ".html") and "tests" not in p.parts and "migrations" not in p.parts
    ]


def test_no_permission_check_outside_the_step_registry():
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for pattern, what in FORBIDDEN.items():
            for m in re.finditer(pattern, text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(SRC)}:{line}: {what}")
    assert found == []


def test_the_scan_reads_the_services_and_finds_a_planted_check():
    """The scan is not vacuous: it reads the apps' services and would report
    a check planted in one."""
    names = {str(p.relative_to(SRC)) for p in _sources()}
    assert "approvals/services/changes.py" in names and "projects/steps.py" in names
    planted = "def decide(actor, obj):\n    _require_who(OWNER, obj, actor, '审批')\n"
    assert any(re.search(p, planted) for p in FORBIDDEN)
