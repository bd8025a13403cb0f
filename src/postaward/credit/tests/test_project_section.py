"""The project archive's 综合评价 (R-PRJ-04, R-SCO-02, R-SCO-03): each unit's
score on this project, its deductions here, its colour and its bidding ban —
the flag the settlement audit reads."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock, events
from postaward.core.actor import SYSTEM

from .. import annual
from ..default_rules import install_defaults
from . import factories_sanctions as fs

pytestmark = pytest.mark.django_db


def test_r_sco_03_the_archive_shows_each_units_score_colour_and_ban(district):
    since = clock.today() - dt.timedelta(days=30)
    install_defaults(actor=SYSTEM, authority=district.orgs["housing"], effective_from=since)
    fs.interview(district)  # F01: −2 for contractor A on the school
    fs.suspension(district, days=30)  # and a second measure: −2 more, and the ban
    events.dispatch_pending(limit=10_000)  # the facts reach the scoring
    annual.compute_annual(f"org:{district.orgs['contractor_a'].pk}", clock.today().year, reason="t")
    p = district.projects["p_school"]
    page = district.client("school_leader").get(f"/projects/{p.pk}/archive/").content.decode()
    assert "综合评价" in page and "暂无综合评价记录" not in page
    start = page.index("甲建设有限公司", page.index("综合评价"))
    row = page[start : start + 1500]
    assert "96.00" in row and "2 项，-4.00 分" in row
    assert "橙码" in row and "禁止参与区内招投标" in row
    # the supervising firm: nothing scored, no ban
    other = page[page.index("甲监理有限公司", page.index("综合评价")) :][:1500]
    assert "100.00" in other and "0 项，0.00 分" in other and "尚未评分" in other
