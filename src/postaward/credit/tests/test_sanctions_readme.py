"""README_sanctions.md's step table is the registry's (ADR 0060, ADR 0660)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps
from postaward.credit import steps_sanctions

README = Path(steps_sanctions.__file__).with_name("README_sanctions.md")


def test_r_sco_08_readme_lists_the_registered_steps():
    """R-SCO-08: the table in README_sanctions.md equals ``core.steps.markdown_table``."""
    text = README.read_text(encoding="utf-8")
    key = steps_sanctions.WF
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, f"README_sanctions.md lacks the table markers of {key}"
    expected = steps.markdown_table(key)
    assert found.group(1) == expected, "replace the table with:\n" + expected
