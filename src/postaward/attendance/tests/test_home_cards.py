"""The home page's cards count what their labels say and link to exactly the
rows they count (R-ATT-02, R-PRJ-01)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import time_machine

from postaward.core import homepage
from postaward.core.actor import SYSTEM
from postaward.projects import services as project_services
from postaward.projects.choices import ProjectStatus

from .conftest import local

pytestmark = pytest.mark.django_db


def _card(d, username: str, key: str) -> dict:
    return next(s for s in homepage.stats_for(d.actor(username)) if s["key"] == key)


def test_todays_check_in_card_counts_valid_days_not_taps(district, checkin):
    """R-ATT-02: one tap is not a valid day; two taps 4 hours apart are."""
    d = district
    with time_machine.travel(local(2026, 3, 10, 7, 0), tick=False):
        card = _card(d, "pm_a", "checkins_today")
    assert card["value"] == "0/1" and "已打卡 0 次" in card["hint"]
    checkin("pm_a", local(2026, 3, 10, 8, 0))
    with time_machine.travel(local(2026, 3, 10, 9, 0), tick=False):
        card = _card(d, "pm_a", "checkins_today")
    assert card["value"] == "0/1" and "已打卡 1 次" in card["hint"]
    checkin("pm_a", local(2026, 3, 10, 12, 0))
    with time_machine.travel(local(2026, 3, 10, 13, 0), tick=False):
        card = _card(d, "pm_a", "checkins_today")
    assert card["value"] == "1/1"


@pytest.mark.parametrize("key", ["projects_active", "projects_suspended", "projects_preparing"])
def test_project_cards_link_to_exactly_the_rows_they_count(district, key):
    """R-PRJ-01: 在建 / 停工 / 开工前 cards open the list filtered to their rows."""
    d = district
    for code, name, status in (
        ("T-0009", "待开工的道路工程", ProjectStatus.REGISTERED),
        ("T-0010", "停工中的围墙工程", ProjectStatus.SUSPENDED),
    ):
        project_services.register_project(
            actor=SYSTEM,
            code=code,
            name=name,
            owner=d.orgs["school"],
            industry="housing",
            contract_amount=Decimal("1200000.00"),
            superior_unit=d.orgs["edu"],
            line=d.orgs["edu_line"],
            industry_authority=d.orgs["housing"],
            status=status,
        )
    card = _card(d, "office_admin", key)
    assert "?" in card["url"], "a card links to its filtered list"
    html = d.client("office_admin").get(card["url"]).content.decode()
    rows = re.findall(r'<td data-label="项目编号">([^<]+)</td>', html)
    assert card["value"] >= 1
    assert len(rows) == card["value"]
