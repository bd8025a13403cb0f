"""Issue 11 §3: every home-page card of every demo role counts honestly and
links to the ledger filtered to exactly the rows it counts: following the card's
link, the list's total is the card's number (R-CHG-01, R-ALR-01, R-ATT-02)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from postaward.core import homepage
from postaward.core.lists import ListResult

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _total(response) -> int:  # type: ignore[no-untyped-def]
    """The number of rows the linked page lists: the list component's total, or
    the paginated rows' count."""
    for ctx in response.context:
        for value in ctx.flatten().values():
            if isinstance(value, ListResult):
                return value.count
    page = response.context.get("page_obj")
    if page is not None:
        return int(page.paginator.count)
    raise AssertionError(f"{response.request['PATH_INFO']} is not a list")


def test_every_card_of_every_demo_role_links_to_exactly_what_it_counts():
    from postaward import demo
    from postaward.orgs.actors import actor_for
    from postaward.orgs.models import User

    demo.build(projects=12)
    checked = 0
    for login in demo.demo_logins():
        user = User.objects.get(username=login.username)
        client = Client()
        client.force_login(user)
        home = client.get("/", follow=True)
        assert home.status_code == 200
        if home.redirect_chain:  # a member of the public lands on their own filings
            assert home.redirect_chain == [("/public/mine/", 302)], login.username
        for card in homepage.stats_for(actor_for(user)):
            if not card.get("url"):
                continue
            response = client.get(card["url"])
            assert response.status_code == 200, (login.username, card["key"])
            if card["key"] == "suspicious_checkins":
                # the owner's desk lists the check-ins waiting for review
                assert len(response.context["reviews"]) == card["value"]
                checked += 1
                continue
            if card["key"] == "reports_dashboard":
                # a way in, not a count: the dashboard of the reader's scope opens
                assert card["value"] == "查看" and "监管驾驶舱" in response.content.decode()
                continue
            if card["key"] == "checkins_today":
                # "valid/required": the check-in page shows each required project
                _valid, required = (int(x) for x in str(card["value"]).split("/"))
                html = response.content.decode()
                shown = len(re.findall(r"今日尚未打卡|今日已有效|今日尚未有效", html))
                assert shown == required, (login.username, card["key"])
                continue
            assert _total(response) == card["value"], (
                login.username,
                card["key"],
                card["label"],
                card["url"],
            )
            checked += 1
    assert checked > 20
