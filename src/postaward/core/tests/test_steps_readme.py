"""Every workflow's steps table in its app's README is the registry's (ADR 0060).

One test for all workflows: the app that owns a workflow's model keeps, in one
of its ``README*.md`` files, the block

    <!-- steps:<workflow key> -->
    (``core.steps.markdown_table(key)``)
    <!-- /steps -->

so a new workflow cannot ship without its table, and a changed step cannot
leave its README behind. ``scripts/steps_readme.py`` rewrites the blocks.
"""

from __future__ import annotations

import pytest

from postaward.core import steps
from postaward.core.steps_readme import block_of, readmes_of

KEYS = sorted(wf.key for wf in steps.workflows())


def test_the_registry_has_workflows():
    assert len(KEYS) >= 20, KEYS


@pytest.mark.parametrize("key", KEYS)
def test_r_org_04_readme_lists_the_registered_steps(key):
    """R-ORG-04: who may take each step, from which state, is written once (the
    registry) and the README shows that same table."""
    wf = steps.workflow(key)
    found = [(path, block) for path in readmes_of(wf) if (block := block_of(path, key)) is not None]
    names = ", ".join(p.name for p in readmes_of(wf))
    assert found, f"no README of {wf.model._meta.app_label} ({names}) has <!-- steps:{key} -->"
    assert len(found) == 1, f"the table of {key} is in {[p.name for p, _ in found]}"
    path, block = found[0]
    expected = steps.markdown_table(key)
    assert block == expected, (
        f"{path.name}: run `.venv/bin/python scripts/steps_readme.py` or paste:\n{expected}"
    )
