"""The README's table of the request steps is the registry's (ADR 0060, ADR 0621)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps
from postaward.credit import steps as credit_steps

README = Path(credit_steps.__file__).with_name("README.md")


def test_r_cas_04_readme_lists_the_registered_steps():
    """R-CAS-04: the steps table in credit/README.md equals
    ``core.steps.markdown_table`` (paste it from the failure)."""
    text = README.read_text(encoding="utf-8")
    key = credit_steps.WF
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, f"credit/README.md lacks the table markers of {key}"
    expected = steps.markdown_table(key)
    assert found.group(1) == expected, "replace the table in credit/README.md with:\n" + expected
