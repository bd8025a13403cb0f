"""The README's tables of the project steps are the registry's (ADR 0060, ADR 0065)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps
from postaward.projects import steps as project_steps
from postaward.projects import steps_checks

README = Path(project_steps.__file__).with_name("README.md")


def test_r_prj_01_readme_lists_the_registered_steps():
    """R-PRJ-01, R-PRJ-05, R-PRJ-07, R-PRJ-12: the steps tables in projects/README.md equal
    ``core.steps.markdown_table`` of each workflow (paste it from the failure)."""
    text = README.read_text(encoding="utf-8")
    for key in (
        project_steps.PROJECT_WF,
        project_steps.SUSPENSION_WF,
        steps_checks.COMPLETION_WF,
        steps_checks.ABNORMAL_WF,
    ):
        found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
        assert found, f"projects/README.md lacks the table markers of {key}"
        expected = steps.markdown_table(key)
        assert found.group(1) == expected, (
            "replace the table in projects/README.md with:\n" + expected
        )
