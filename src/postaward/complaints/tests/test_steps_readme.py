"""The README's table of the complaint steps is the registry's (ADR 0060, ADR 0500)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.complaints import steps as complaint_steps
from postaward.core import steps

README = Path(complaint_steps.__file__).with_name("README.md")


def test_r_cmp_01_readme_lists_the_registered_steps():
    """R-CMP-01: the steps table in complaints/README.md equals
    ``core.steps.markdown_table`` (paste it from the failure)."""
    text = README.read_text(encoding="utf-8")
    key = complaint_steps.WF
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, f"complaints/README.md lacks the table markers of {key}"
    expected = steps.markdown_table(key)
    assert found.group(1) == expected, (
        "replace the table in complaints/README.md with:\n" + expected
    )
