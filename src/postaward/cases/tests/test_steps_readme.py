"""The README's table of the case steps is the registry's (ADR 0060, ADR 0600)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.cases import steps as case_steps
from postaward.core import steps

README = Path(case_steps.__file__).with_name("README.md")


def test_r_cas_03_readme_lists_the_registered_steps():
    """R-CAS-03: the steps table in cases/README.md equals
    ``core.steps.markdown_table`` (paste it from the failure)."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- steps:cases\.case -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, "cases/README.md lacks the table markers"
    assert found.group(1) == steps.markdown_table(case_steps.WF)
