"""The menu lights the one entry the page belongs to (R-REP-05: a back office
users know), the most specific URL when several are prefixes of the page's."""

from __future__ import annotations

import pytest

from postaward.core import menu

pytestmark = pytest.mark.django_db


def _active(sections: list[dict]) -> list[str]:
    return [e["label"] for sec in sections for e in sec["items"] if e["active"]]


def test_r_rep_05_only_the_most_specific_entry_is_active(district):
    office = district.actor("office_staff")
    assert _active(menu.build(office, "/credit/enterprises/3/")) == ["年度综合评分"]
    assert _active(menu.build(office, "/credit/3/")) == ["信用记录"]
    sections = menu.build(office, "/credit/sanctions/")
    assert _active(sections) == ["处理措施登记"]
    assert [s["key"] for s in sections if s["open"]] == ["credit"]
