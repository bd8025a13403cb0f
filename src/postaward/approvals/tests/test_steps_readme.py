"""The README's tables of the approval steps are the registry's (ADR 0060, ADR 0067)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.approvals import steps as approval_steps
from postaward.core import steps

README = Path(approval_steps.__file__).with_name("README.md")


def test_r_acc_01_readme_lists_the_registered_steps():
    """R-ACC-01, R-CHG-01, R-CHG-03: the steps table in approvals/README.md equals
    ``core.steps.markdown_table`` of each workflow (paste it from the failure)."""
    text = README.read_text(encoding="utf-8")
    keys = [wf.key for wf in steps.workflows() if wf.key.startswith("approvals.")]
    assert approval_steps.ACCEPTANCE_WF in keys
    for key in keys:
        found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
        assert found, f"approvals/README.md lacks the table markers of {key}"
        expected = steps.markdown_table(key)
        assert found.group(1) == expected, (
            "replace the table in approvals/README.md with:\n" + expected
        )
