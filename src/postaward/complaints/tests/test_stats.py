"""Statistics of complaints and reports (R-REP-01, R-CMP-02, ADR 0505): counts
by month, kind, industry and outcome and the on-time rate (decided and closed
within the legal clocks), with filters, on the page, in the API and in the
export, over the actor's data scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from postaward.core import clock
from postaward.testing_xlsx import read_cells

from .. import services
from ..choices import Kind, Outcome, RejectReason
from . import factories as f

pytestmark = pytest.mark.django_db


def _at(y: int, m: int, d: int):
    return time_machine.travel(dt.datetime(y, m, d, 10, 0, tzinfo=clock.LOCAL_TZ), tick=False)


def _reject(d, c) -> None:
    services.reject_complaint(
        actor=d.actor("office_staff"),
        complaint=c,
        reasons=[RejectReason.NO_FACTS],
        note="缺少事实依据",
    )


@pytest.fixture
def cases(district):
    """2026: January — a complaint closed in time (substantiated, housing) and a
    report rejected 10 days after receipt (its 5-day decision clock missed);
    March — a complaint on the transport project accepted and transferred
    (open), and a complaint rejected the same day. December 2025: one more,
    outside the year."""
    d = district
    staff = d.actor("office_staff")
    with _at(2025, 12, 15):
        f.received(d)
    with _at(2026, 1, 12):
        a = f.accepted(d)
        services.close_complaint(
            actor=staff, complaint=a, outcome=Outcome.SUBSTANTIATED, answer="经核查属实，已责令整改"
        )
        b = f.received(d, kind=Kind.REPORT, standing="public")
    with _at(2026, 1, 26):
        _reject(d, b)
    with _at(2026, 3, 2):
        c = f.accepted(d, project="T-0002")
        services.transfer_complaint(
            actor=staff,
            complaint=c,
            handling_org_id=d.orgs["transport"].pk,
            handling_days=5,
            note="请核实并回复",
        )
        _reject(d, f.received(d))
    return d


def test_r_rep_01_counts_by_month_kind_industry_outcome_and_the_on_time_rate(cases):
    r = cases.client("office_staff").get("/api/v1/complaints/statistics?year=2026")
    assert r.status_code == 200, r.content
    s = r.json()
    assert s["total"] == 4
    months = {x["key"]: x["count"] for x in s["by_month"]}
    assert months["2026-01"] == 2 and months["2026-03"] == 2 and sum(months.values()) == 4
    assert len(months) == 12
    assert {x["key"]: x["count"] for x in s["by_kind"]} == {"complaint": 3, "report": 1}
    industries = {x["key"]: x["count"] for x in s["by_industry"]}
    assert (industries["housing"], industries["transport"], industries["none"]) == (3, 1, 0)
    outcomes = {x["key"]: x["count"] for x in s["by_outcome"]}
    assert outcomes == {
        "substantiated": 1,
        "partly": 0,
        "not_substantiated": 0,
        "rejected": 2,
        "open": 1,
    }
    # finished: the closed complaint and the two rejections; the report decided late
    assert (s["finished"], s["on_time"]) == (3, 2)
    assert s["on_time_rate"] == pytest.approx(2 / 3)


def test_r_rep_01_filters_by_kind_and_month_range(cases):
    api = cases.client("office_staff")
    s = api.get("/api/v1/complaints/statistics?year=2026&kind=complaint").json()
    assert (s["total"], s["finished"], s["on_time"], s["on_time_rate"]) == (3, 2, 2, 1.0)
    s = api.get("/api/v1/complaints/statistics?year=2026&month_from=3&month_to=3").json()
    assert s["total"] == 2 and [x["key"] for x in s["by_month"]] == ["2026-03"]
    s = api.get("/api/v1/complaints/statistics?year=2025").json()
    assert s["total"] == 1 and s["on_time_rate"] is None
    bad = api.get("/api/v1/complaints/statistics?year=2026&month_from=5&month_to=2")
    assert bad.status_code == 422
    assert {"field": "month_to", "message": "起始月份不能晚于截止月份"} in bad.json()["errors"]


def test_r_rep_01_the_page_and_its_export(cases):
    page = cases.client("office_staff")
    r = page.get("/complaints/statistics/?year=2026")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="stats-total">4<' in html and 'data-testid="stats-rate">66.7%<' in html
    r = page.get("/complaints/statistics/?year=2026&export=xlsx")
    assert r.status_code == 200
    rows: dict[str, dict[str, str]] = {}
    for c in read_cells(r.content):
        col, row = re.match(r"([A-Z]+)(\d+)", c.ref).groups()  # type: ignore[union-attr]
        rows.setdefault(row, {})[col] = c.text
    by_label = {v["B"]: v for v in rows.values() if v.get("B")}
    assert float(by_label["收件总数"]["C"]) == 4
    assert float(by_label["2026年1月"]["C"]) == 2 and float(by_label["2026年2月"]["C"]) == 0
    assert float(by_label["不予受理"]["C"]) == 2
    assert float(by_label["按期办结件数 / 已办结件数"]["C"]) == 2
    assert float(by_label["按期办结件数 / 已办结件数"]["D"]) == pytest.approx(2 / 3)
    bad = page.get("/complaints/statistics/?year=2026&month_from=5&month_to=2")
    assert bad.status_code == 422 and "起始月份不能晚于截止月份" in bad.content.decode()


def test_r_cmp_04_statistics_follow_the_data_scope(cases):
    d = cases
    # anonymous
    assert Client().get("/api/v1/complaints/statistics").status_code == 401
    assert Client().get("/complaints/statistics/").status_code == 302
    # a wrong role, and a unit with no complaint handed to it
    for user in ("contractor_a_admin", "housing_staff"):
        assert d.client(user).get("/api/v1/complaints/statistics").status_code == 403
        assert d.client(user).get("/complaints/statistics/").status_code == 403
    # the unit the March complaint was transferred to counts only that one
    s = d.client("transport_staff").get("/api/v1/complaints/statistics?year=2026").json()
    assert s["total"] == 1 and {x["key"]: x["count"] for x in s["by_industry"]}["transport"] == 1
