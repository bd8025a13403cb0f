"""R-REP-05 (every record queryable, countable): the dashboards (issue 18,
ADR 0913-0915) on a known dataset — the office's district, an authority's
industry, an owner's projects, the drill-down district → industry → unit →
project, the complaint and approval clocks, today's attendance — who may
open them, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from postaward.core import clock
from postaward.core.models import Deadline
from postaward.orgs.choices import Industry
from postaward.testing import District

from .. import dashboards as db
from . import factories as f

pytestmark = pytest.mark.django_db

# A Tuesday morning; the district's projects started on 2026-03-02.
M = dt.datetime(2026, 3, 10, 10, 0, tzinfo=clock.LOCAL_TZ)


def known(d: District) -> District:
    """Two alerts (the school's red and overdue, the hospital's yellow), two
    open complaints (one on the school's project, one on none), a visit of
    the school's project, the school's project manager checked in today, two
    approval clocks on the school's project (one due tomorrow, one missed)."""
    from postaward.alerts.models import Alert
    from postaward.attendance import services as attendance
    from postaward.complaints.tests import factories as cf

    with time_machine.travel(M, tick=False):
        f.alerts(d)
        Alert.objects.filter(project=d.projects["p_school"]).update(severity=4, overdue=True)
        Alert.objects.filter(project=d.projects["p_hospital"]).update(severity=2)
        cf.received(d)
        cf.received(d, project="城北某道路工程")
        f.inspection(d)
        r = attendance.check_in(
            actor=d.actor("pm_a"),
            project_id=d.projects["p_school"].pk,
            lon=120.87,
            lat=30.03,
            accuracy_m=8.0,
            idempotency_key=uuid.uuid4().hex,
        )
        assert r.checkin.accepted
        school = d.projects["p_school"].pk
        for i, (due, state) in enumerate(
            [(M + dt.timedelta(days=1), "open"), (M - dt.timedelta(days=5), "missed")]
        ):
            Deadline.objects.create(
                kind="approvals.hidden_review",
                subject_type="approvals.test",
                subject_id=str(i),
                project_id=school,
                started_at=M - dt.timedelta(days=10),
                length=3,
                unit="working_days",
                due_at=due,
                state=state,
                closed_at=due if state == "missed" else None,
            )
    return d


def board(d: District, user: str, at: dt.datetime = M, **filters) -> db.Dashboard:
    with time_machine.travel(at, tick=False):
        return db.dashboard(d.actor(user), db.Filters(**filters))


def test_r_rep_05_office_dashboard_counts_the_district(district):
    d = known(district)
    b = board(d, "office_staff")
    assert (b.level, b.breakdown, b.projects) == ("district", "industry", 2)
    assert {s["key"]: s["value"] for s in b.by_stage}["under_construction"] == 2
    # today: the school's project manager and chief supervising engineer are on duty
    assert (b.on_duty, b.checked_in, b.rate) == (2, 1, 0.5)
    assert (b.alerts.red, b.alerts.orange, b.alerts.yellow, b.alerts.blue) == (1, 0, 1, 0)
    assert b.alerts_overdue == 1
    assert b.complaints_open == 2
    assert b.inspections >= 1 and b.inspected_projects == 1
    # the approvals' clocks: one due tomorrow, one missed this year
    assert (b.approvals.running, b.approvals.due_soon, b.approvals.overdue) == (1, 1, 1)
    rows = {r.label: r for r in b.rows}
    assert set(rows) == {"房建市政", "交通", db.NO_PROJECT}
    assert rows["房建市政"].alerts.red == 1 and rows["房建市政"].complaints_open == 1
    assert rows["房建市政"].url == "?industry=housing"
    assert (rows["房建市政"].on_duty, rows["房建市政"].checked_in) == (2, 1)
    assert rows["交通"].alerts.yellow == 1 and rows["交通"].projects == 1
    assert rows[db.NO_PROJECT].complaints_open == 1 and rows[db.NO_PROJECT].url == ""
    # the riskiest first, the row without a project last
    assert b.rows[0].label == "房建市政" and b.rows[-1].label == db.NO_PROJECT


def test_r_rep_05_complaint_clocks_due_soon_then_overdue(district):
    d = known(district)
    # receipt on Tuesday: decided within 3 working days (Friday 24:00), closed within 15
    b = board(d, "office_staff", at=M + dt.timedelta(days=2))
    assert (b.complaint_clocks.running, b.complaint_clocks.due_soon) == (4, 2)
    assert b.complaint_clocks.overdue == 0
    b = board(d, "office_staff", at=M + dt.timedelta(days=4))
    assert (b.complaint_clocks.running, b.complaint_clocks.overdue) == (2, 2)


def test_r_rep_05_drill_down_district_industry_unit_project(district):
    d = known(district)
    school = d.orgs["school"].pk
    p = d.projects["p_school"].pk
    b = board(d, "office_staff", industry=Industry.HOUSING)
    assert (b.level, b.breakdown, b.projects, b.complaints_open) == ("industry", "unit", 1, 1)
    assert [c.label for c in b.crumbs] == ["测试区监管办", "房建市政"]
    assert [(r.label, r.url) for r in b.rows] == [
        ("测试区第一中学", f"?industry=housing&unit={school}")
    ]
    assert b.alerts.red == 1 and b.alerts.yellow == 0
    b = board(d, "office_staff", industry=Industry.HOUSING, unit=school)
    assert (b.level, b.breakdown) == ("unit", "project")
    assert [(r.label, r.url) for r in b.rows] == [
        ("第一中学教学楼工程", f"?industry=housing&unit={school}&project={p}")
    ]
    b = board(d, "office_staff", industry=Industry.HOUSING, unit=school, project=p)
    assert (b.level, b.breakdown, b.rows) == ("project", "", [])
    assert b.project_url == reverse("project_detail", args=[p])
    assert (b.on_duty, b.checked_in, b.alerts.red, b.complaints_open) == (2, 1, 1, 1)


def test_r_rep_05_authority_sees_its_industry_and_owner_its_projects(district):
    d = known(district)
    b = board(d, "housing_staff")
    assert (b.level, b.breakdown, b.projects) == ("industry", "unit", 1)
    assert [r.label for r in b.rows if r.key] == ["测试区第一中学"]
    assert all(r.label != "测试区人民医院" for r in b.rows)
    assert b.alerts.yellow == 0  # the hospital's alert is not the housing authority's
    b = board(d, "transport_staff")
    assert b.projects == 1 and b.on_duty == 0 and b.alerts.red == 0
    b = board(d, "school_admin")
    assert (b.level, b.breakdown, b.projects) == ("unit", "project", 1)
    assert [r.label for r in b.rows if r.key] == ["第一中学教学楼工程"]
    assert b.complaints_open == 0  # a complaint reaches an owner only when transferred to it
    assert (b.on_duty, b.checked_in) == (2, 1)


def test_r_rep_05_out_of_scope_drill_is_not_found(district):
    from postaward.core.errors import NotFound

    d = known(district)
    with pytest.raises(NotFound):
        board(d, "hospital_admin", project=d.projects["p_school"].pk)
    with pytest.raises(NotFound):
        board(d, "transport_staff", unit=d.orgs["school"].pk)
    c = d.client("hospital_admin")
    assert (
        c.get(reverse("reports_dashboard"), {"project": d.projects["p_school"].pk}).status_code
        == 404
    )
    assert c.get(reverse("reports_screen"), {"unit": d.orgs["school"].pk}).status_code == 404


@pytest.mark.parametrize("name", ["reports_dashboard", "reports_screen"])
def test_r_rep_05_dashboard_pages_who_may_open(district, name):
    d = known(district)
    url = reverse(name)
    r = d.client(None).get(url)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    for user in ("contractor_a_admin", "pm_a", "chief_a", "roleless"):
        assert d.client(user).get(url).status_code == 403, user
    for user in ("office_staff", "office_admin", "housing_staff", "school_admin", "school_leader"):
        assert d.client(user).get(url).status_code == 200, user
    # the hospital's owner never reads the school's project on its dashboard
    html = d.client("hospital_admin").get(url).content.decode()
    assert "第一中学教学楼工程" not in html and "测试区第一中学" not in html


def test_r_rep_05_dashboard_page_shows_numbers_and_drill_links(district):
    d = known(district)
    with time_machine.travel(M, tick=False):
        html = d.client("office_staff").get(reverse("reports_dashboard")).content.decode()
        assert 'href="?industry=housing"' in html and "监管驾驶舱" in html
        assert "50%" in html and "（1/2 人）" in html
        p = d.projects["p_school"].pk
        html = (
            d.client("office_staff")
            .get(reverse("reports_dashboard"), {"project": p})
            .content.decode()
        )
        assert f'href="/projects/{p}/"' in html and 'data-testid="project-link"' in html
        # bad input: told in Chinese, the whole district shown
        html = (
            d.client("office_staff")
            .get(reverse("reports_dashboard"), {"industry": "mining"})
            .content.decode()
        )
        assert "行业不正确" in html


def test_r_rep_05_dashboard_api_and_screen_poll(district):
    d = known(district)
    with time_machine.travel(M, tick=False):
        c = d.client("office_staff")
        r = c.get("/api/v1/reports/dashboard", {"points": "true"})
        assert r.status_code == 200
        data = r.json()
        assert data["projects"] == 2 and data["alerts"] == {
            "red": 1,
            "orange": 0,
            "yellow": 1,
            "blue": 0,
            "total": 2,
        }
        assert data["rate"] == 0.5 and data["complaints_open"] == 2
        risks = {p["name"]: p["risk"] for p in data["points"]}
        assert risks == {"第一中学教学楼工程": 4, "人民医院停车场道路工程": 2}
        assert c.get("/api/v1/reports/dashboard", {"industry": "mining"}).status_code == 422
        for bad in ("x1", "²", "-3", "1" * 19):
            assert c.get("/api/v1/reports/dashboard", {"unit": bad}).status_code == 422, bad
        html = c.get(reverse("reports_screen")).content.decode()
        assert "/api/v1/reports/dashboard?points=1" in html and "<script>" not in html
        # the owner's screen: only its project on the map
        data = d.client("school_admin").get("/api/v1/reports/dashboard?points=true").json()
        assert [p["name"] for p in data["points"]] == ["第一中学教学楼工程"]


def test_r_rep_05_dashboard_queries_are_bounded(district, django_assert_max_num_queries):
    from postaward.projects.models import Project

    d = known(district)
    actor = d.actor("office_staff")
    with time_machine.travel(M, tick=False):
        with django_assert_max_num_queries(12):
            db.dashboard(actor, points=True)
        with django_assert_max_num_queries(12):
            db.dashboard(
                actor, db.Filters("housing", d.orgs["school"].pk, d.projects["p_school"].pk)
            )
        # more projects: the same number of queries
        base = d.projects["p_hospital"]
        for i in range(5):
            base.pk = None
            base.code = f"T-9{i}"
            base.save()
        with django_assert_max_num_queries(12):
            b = db.dashboard(actor, points=True)
        assert b.projects == Project.objects.count()
