"""README.md's step table is the registry's (ADR 0060)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps
from postaward.reports import steps_cases

README = Path(steps_cases.__file__).with_name("README.md")


def test_r_rep_06_readme_lists_the_registered_steps():
    text = README.read_text(encoding="utf-8")
    key = steps_cases.WF_CASE
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, "README.md lacks the table markers"
    expected = steps.markdown_table(key)
    assert found.group(1) == expected, "replace the table with:\n" + expected


def test_r_rep_02_readme_lists_the_monthly_report_steps():
    from postaward.reports import steps_monthly

    text = README.read_text(encoding="utf-8")
    key = steps_monthly.WF_MONTHLY
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, "README.md lacks the table markers"
    assert found.group(1) == steps.markdown_table(key), steps.markdown_table(key)
