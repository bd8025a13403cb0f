"""README_matters.md's step tables are the registry's (ADR 0060)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postaward.accountability import steps_matters
from postaward.core import steps

README = Path(steps_matters.__file__).with_name("README_matters.md")


@pytest.mark.parametrize("key", [steps_matters.WF_MATTER, steps_matters.WF_DECISION])
def test_r_act_03_readme_lists_the_registered_steps(key):
    """R-ACT-03: the tables in README_matters.md equal ``core.steps.markdown_table``."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, f"README_matters.md lacks the table markers of {key}"
    expected = steps.markdown_table(key)
    assert found.group(1) == expected, "replace the table with:\n" + expected
