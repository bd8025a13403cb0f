"""README_visits.md's step tables are the registry's (ADR 0060, ADR 0710)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postaward.core import steps
from postaward.inspections import steps_visits

README = Path(steps_visits.__file__).with_name("README_visits.md")


@pytest.mark.parametrize("wf", [steps_visits.WF, steps_visits.ORDER_WF])
def test_r_ins_05_readme_lists_the_registered_steps(wf):
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- steps:{re.escape(wf)} -->\n(.*?)<!-- /steps -->", text, re.S)
    assert found, "README_visits.md lacks the table markers"
    assert found.group(1) == steps.markdown_table(wf)
