"""The order in which the workers take the test files (ADR 0089)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def _order():
    spec = importlib.util.spec_from_file_location("_root_conftest", ROOT / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.file_order


def test_longest_known_file_first_and_unknown_files_by_count_times_the_median():
    file_order = _order()
    ids = [f"a.py::t{i}" for i in range(300)]  # many tests, cheap
    ids += ["b.py::t0"]  # one test, slow
    ids += [f"c.py::t{i}" for i in range(50)]  # unknown: 50 x the median
    ids += ["d.py::t0"]  # unknown: 1 x the median
    known = {"a.py": 30.0, "b.py": 60.0}  # 0.1 s and 60 s per test: median 30.05
    assert file_order(ids, known) == ["c.py", "b.py", "d.py", "a.py"]


def test_ties_keep_the_collection_order_and_an_empty_file_list_is_fine():
    file_order = _order()
    assert file_order(["x.py::a", "y.py::a"], {"x.py": 1.0, "y.py": 1.0}) == ["x.py", "y.py"]
    assert file_order(["y.py::a", "x.py::a"], {}) == ["y.py", "x.py"]
    assert file_order([], {}) == []


def test_the_durations_file_names_test_files_of_this_suite():
    import json

    known = json.loads((ROOT / "tests" / "durations.json").read_text())
    assert known, "tests/durations.json is empty"
    missing = [f for f in known if not (ROOT / f).exists()]
    # A renamed or removed file only costs balance; many of them mean a refresh is due.
    assert len(missing) <= len(known) // 10, missing
