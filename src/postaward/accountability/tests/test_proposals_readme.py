"""README_proposals.md's step table is the registry's (R-ACT-07)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps

from .. import steps_proposals

README = Path(steps_proposals.__file__).with_name("README_proposals.md")


def test_r_act_07_readme_lists_the_registered_steps():
    text = README.read_text(encoding="utf-8")
    found = re.search(
        rf"<!-- steps:{re.escape(steps_proposals.WF)} -->\n(.*?)<!-- /steps -->", text, re.S
    )
    assert found, "README_proposals.md lacks the table markers"
    assert found.group(1) == steps.markdown_table(steps_proposals.WF)
