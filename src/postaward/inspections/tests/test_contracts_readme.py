"""The contracts part's README lists the registered steps (ADR 0060)."""

from __future__ import annotations

import re
from pathlib import Path

from postaward.core import steps
from postaward.inspections import steps_contracts

README = Path(steps_contracts.__file__).with_name("README_contracts.md")


def test_r_ins_07_readme_lists_the_registered_steps():
    text = README.read_text(encoding="utf-8")
    found = re.search(
        r"<!-- steps:inspections\.contract_check -->\n(.*?)<!-- /steps -->", text, re.S
    )
    assert found and found.group(1) == steps.markdown_table(steps_contracts.WF)
