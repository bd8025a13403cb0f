"""README_interference.md's step table is the registry's (ADR 0060, ADR 0820)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps

from .. import steps_interference

README = Path(steps_interference.__file__).with_name("README_interference.md")


def test_r_act_06_readme_lists_the_registered_steps():
    """R-ACT-06: the table in README_interference.md equals ``core.steps.markdown_table``."""
    text = README.read_text(encoding="utf-8")
    key = steps_interference.WF
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, f"README_interference.md lacks the table markers of {key}"
    assert found.group(1) == steps.markdown_table(key)
