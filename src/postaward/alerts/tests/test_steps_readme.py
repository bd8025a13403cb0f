"""The README's table of the alert steps is the registry's (ADR 0060)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.alerts import steps as alert_steps
from postaward.core import steps

README = Path(alert_steps.__file__).with_name("README.md")


def test_r_alr_02_readme_lists_the_registered_steps():
    """R-ALR-02: the steps table in alerts/README.md equals
    ``core.steps.markdown_table`` of each workflow (paste it from the failure)."""
    text = README.read_text(encoding="utf-8")
    for key in (alert_steps.WF, alert_steps.ISSUE_WF, alert_steps.TRANSFER_WF):
        found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
        assert found, f"alerts/README.md lacks the table markers of {key}"
        expected = steps.markdown_table(key)
        assert found.group(1) == expected, (
            "replace the table in alerts/README.md with:\n" + expected
        )
