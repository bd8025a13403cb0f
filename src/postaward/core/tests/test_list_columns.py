"""The two column shapes every list repeats: a moment in local time and a
state in a coloured tag."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from postaward.core.lists import Column

UTC = dt.UTC


def test_a_moment_shows_in_local_time_sorts_by_its_field_and_exports_typed():
    c = Column.when("created", "生成时间", "created_at")
    row = SimpleNamespace(created_at=dt.datetime(2026, 12, 6, 9, 5, 7, tzinfo=UTC))
    assert c.value(row) == "2026-12-06 17:05"  # Asia/Shanghai, not UTC
    assert c.sort == "created_at"
    assert c.export is not None and c.export(row) == row.created_at
    assert Column.when("at", "时间", "created_at", seconds=True).value(row) == "2026-12-06 17:05:07"


def test_a_moment_not_yet_reached_is_empty_and_may_be_unsortable():
    c = Column.when("closed", "办结时间", "closed_at", sortable=False, export_only=True)
    assert c.value(SimpleNamespace(closed_at=None)) == ""
    assert (c.sort, c.export_only) == ("", True)


def test_a_state_shows_its_chinese_label_in_its_colour():
    row = SimpleNamespace(state="closed", get_state_display=lambda: "已办结")
    c = Column.state("state", "状态", {"closed": "green"})
    assert (c.value(row), c.tag(row) if c.tag else None, c.sort) == ("已办结", "green", "state")
    other = SimpleNamespace(state="new", get_state_display=lambda: "待处置")
    assert c.tag is not None and c.tag(other) == "grey"
