"""README_clues.md's step table is the registry's (R-ACT-02)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps

from .. import steps_clues

README = Path(steps_clues.__file__).with_name("README_clues.md")


def test_r_act_02_readme_lists_the_registered_steps():
    text = README.read_text(encoding="utf-8")
    found = re.search(
        rf"<!-- steps:{re.escape(steps_clues.WF)} -->\n(.*?)<!-- /steps -->", text, re.S
    )
    assert found, "README_clues.md lacks the table markers"
    assert found.group(1) == steps.markdown_table(steps_clues.WF)
