"""The requirement trace tells tested from mentioned (scripts/trace.py): a test
states a rule only in its own name, docstring or ``def`` line comment."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _trace():
    spec = importlib.util.spec_from_file_location("trace_script", ROOT / "scripts" / "trace.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


SOURCE = '''"""Module docstring naming Q-ATT-09: a mention, not a test of it."""

# --- section about Q-REP-05 ---


def test_r_att_07_streak_of_two():
    assert "Q-CMP-04" != ""  # an assertion's text is a mention too


def test_by_docstring():
    """Q-ACC-03: returned within 3 days."""


def test_by_comment(d):  # Q-SET-01
    pass


def helper_r_org_01():  # Q-ORG-05
    pass
'''.replace("Q-", "R-")  # written as Q- so that this file cites no ID


def test_only_the_test_function_itself_states_a_rule():
    stated = _trace().stated_ids(SOURCE)
    assert set(stated) == {"R-ATT-07", "R-ACC-03", "R-SET-01"}
    assert stated["R-ATT-07"] == ["test_r_att_07_streak_of_two"]


def test_statuses_distinguish_tested_partial_and_mentioned():
    t = _trace()
    assert t.status_of("R-X", {"a.py"}, {"t.py"}, set(), "") == "tested"
    assert t.status_of("R-X", {"a.py"}, set(), {"t.py"}, "") == "mentioned only"
    assert t.status_of("R-X", {"a.py"}, {"t.py"}, set(), "portal missing") == "partial"
    assert t.status_of("R-X", set(), set(), set(), "") == "planned"


def test_the_catalogue_reads_the_periods_paragraph_and_the_gaps_file():
    t = _trace()
    ids = [rid for rid, _, _ in t.catalogue()]
    assert "R-CAL-01" in ids and len(ids) == len(set(ids))
    assert "R-ATT-09" in t.gaps()
