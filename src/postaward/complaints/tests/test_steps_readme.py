"""The README's table of the complaint steps is the registry's (ADR 0060, ADR 0500)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postaward.complaints import steps as complaint_steps
from postaward.core import steps

README = Path(complaint_steps.__file__).with_name("README.md")


@pytest.mark.parametrize("key", [complaint_steps.WF, complaint_steps.PART_WF])
def test_r_cmp_01_readme_lists_the_registered_steps(key):
    """R-CMP-01, R-CMP-03: the steps tables in complaints/README.md (the
    complaint's and the parts' of a split complaint) equal
    ``core.steps.markdown_table`` (paste it from the failure)."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, f"complaints/README.md lacks the table markers of {key}"
    expected = steps.markdown_table(key)
    assert found.group(1) == expected, (
        "replace the table in complaints/README.md with:\n" + expected
    )
