"""README_agents.md's step tables are the registry's (R-SCO-05, R-SCO-06)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postaward.core import steps
from postaward.credit import steps_agents

README = Path(steps_agents.__file__).with_name("README_agents.md")


@pytest.mark.parametrize(
    "key", [steps_agents.WF_APPRAISAL, steps_agents.WF_REPORT, steps_agents.WF_DISCLOSURE]
)
def test_r_sco_05_r_sco_06_readme_lists_the_registered_steps(key):
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- steps:{re.escape(key)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, f"README_agents.md lacks the table markers of {key}"
    assert found.group(1) == steps.markdown_table(key), steps.markdown_table(key)
