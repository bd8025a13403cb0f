"""The README's table of the leave steps is the registry's (ADR 0060)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.attendance import steps as leave_steps
from postaward.core import steps

README = Path(leave_steps.__file__).with_name("README.md")


def test_r_att_05_readme_lists_the_registered_steps():
    """R-ATT-05, R-ATT-07, R-ATT-04: the steps tables in attendance/README.md equal
    ``core.steps.markdown_table`` of the leave, interview and check-in review
    workflows (paste the table from the failure)."""
    text = README.read_text(encoding="utf-8")
    for key in (leave_steps.LEAVE_WF, leave_steps.INTERVIEW_WF, leave_steps.REVIEW_WF):
        found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
        assert found, f"attendance/README.md lacks the table markers of {key}"
        expected = steps.markdown_table(key)
        assert found.group(1) == expected, (
            "replace the table in attendance/README.md with:\n" + expected
        )
