"""投诉举报 has its own menu group (处理表、统计、登记), out of 预警监督; who sees
which entry follows the pages' own checks (R-CMP-01)."""

from __future__ import annotations

import pytest

from postaward.core import menu

pytestmark = pytest.mark.django_db


def _groups(d, username: str) -> dict[str, list[str]]:
    return {g["key"]: [e["label"] for e in g["items"]] for g in menu.build(d.actor(username))}


def test_r_cmp_01_complaints_menu_group_per_role(district):
    d = district
    staff = _groups(d, "office_staff")
    assert staff["complaints"] == [
        "投诉举报处理表",
        "投诉举报统计",
        "登记投诉举报",
        "公众门户联系方式",  # the published channels (R-CMP-05), edited by the office
    ]
    assert not any("投诉" in label for label in staff.get("alerts", []))
    assert "预警处置" in staff["alerts"]  # the alerts group is untouched
    # the office's administrator reads complaints but does not register them
    assert _groups(d, "office_admin")["complaints"] == ["投诉举报处理表", "投诉举报统计"]
    # a unit with no complaint transferred to it, and an enterprise: no group
    assert "complaints" not in _groups(d, "housing_staff")
    assert "complaints" not in _groups(d, "contractor_a_admin")
