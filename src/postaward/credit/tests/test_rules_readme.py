"""The rule sets' README lists the registered steps (ADR 0060; R-SCO-01)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps
from postaward.credit import steps_rules

README = Path(steps_rules.__file__).with_name("README_rules.md")


def test_r_sco_01_readme_lists_the_registered_steps():
    """R-SCO-01: the steps table in credit/README_rules.md equals
    ``core.steps.markdown_table`` (paste it from the failure), and the state
    diagram names every state of a version."""
    text = README.read_text(encoding="utf-8")
    key = steps_rules.WF
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, f"credit/README_rules.md lacks the table markers of {key}"
    expected = steps.markdown_table(key)
    assert found.group(1) == expected, "replace the table in README_rules.md with:\n" + expected
    diagram = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert diagram and "stateDiagram-v2" in diagram.group(1)
    from postaward.credit.choices import RuleSetState

    for state in RuleSetState.values:
        assert state in diagram.group(1), state
