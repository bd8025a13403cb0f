"""Attendance pages: the four authorization cases for every page (anonymous →
login, wrong role → 403, out of scope → 404 or absent, in scope → 200), a
denied post changes nothing, and the flows the pages exist for (R-ATT-01..08)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from postaward.attendance import services
from postaward.attendance.choices import Review
from postaward.attendance.models import (
    AttendanceInterview,
    CheckIn,
    LeaveRequest,
    NonConstructionPeriod,
)
from postaward.core.files import minimal_image, minimal_pdf
from postaward.projects.models import KeyPersonAssignment
from postaward.testing import District, prepare

from .conftest import SITE, local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 10, 10)


@pytest.fixture
def clock_at():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def leave_of_pm(d: District) -> LeaveRequest:
    a = KeyPersonAssignment.objects.get(person=d.users["pm_a"].person)
    return services.request_leave(
        actor=d.actor("pm_a"),
        assignment=a,
        starts_on=dt.date(2026, 3, 12),
        ends_on=dt.date(2026, 3, 12),
        reason="就医",
    )


def mock_checkin(d: District) -> CheckIn:
    """A check-in of pm_a reporting a mock location: pending the owner's review."""
    return services.check_in(
        actor=d.actor("pm_a"),
        project_id=d.projects["p_school"].pk,
        lon=SITE[0],
        lat=SITE[1],
        accuracy_m=8,
        idempotency_key="mock-1",
        mock_location=True,
    ).checkin


def cheat_interview(d: District) -> AttendanceInterview:
    c = services.check_in(
        actor=d.actor("pm_a"),
        project_id=d.projects["p_school"].pk,
        lon=SITE[0],
        lat=SITE[1],
        accuracy_m=8,
        idempotency_key="mock-1",
        mock_location=True,
    ).checkin
    services.review_checkin(
        actor=d.actor("school_leader"), checkin=c, confirm=True, note="核实作弊"
    )
    return AttendanceInterview.objects.get()


Fn = Callable[[District], str]


@dataclass(frozen=True)
class Page:
    url: Fn
    ok: tuple[str, ...]
    wrong: tuple[str, ...] = ()
    out: tuple[str, ...] = ()
    setup: Callable[[District], Any] | None = None


def _board(d: District) -> str:
    return f"/attendance/projects/{d.projects['p_school'].pk}/board/"


PAGES: dict[str, Page] = {
    "attendance_checkin": Page(
        lambda d: "/attendance/checkin/",
        ok=("pm_a", "chief_a"),
        wrong=("school_leader", "housing_staff"),
    ),
    "attendance_me": Page(
        lambda d: "/attendance/me/", ok=("pm_a",), wrong=("school_leader", "office_admin")
    ),
    "attendance_leave_detail": Page(
        lambda d: f"/attendance/leave/{d.ctx['leave'].pk}/",
        ok=("pm_a", "school_leader", "school_admin", "housing_staff"),
        out=("hospital_admin", "contractor_b_admin", "transport_staff"),
        setup=lambda d: d.ctx.update(leave=leave_of_pm(d)),
    ),
    "attendance_patrol": Page(
        lambda d: "/attendance/patrol/",
        ok=("school_leader", "school_admin"),
        wrong=("pm_a", "housing_staff"),
    ),
    "attendance_owner": Page(
        lambda d: "/attendance/owner/",
        ok=("school_leader", "hospital_admin"),
        wrong=("pm_a", "housing_staff"),
    ),
    "attendance_board": Page(
        _board,
        ok=("school_leader", "housing_staff", "office_staff", "contractor_a_admin"),
        wrong=("pm_a", "chief_a"),
        out=("transport_staff", "hospital_admin", "contractor_b_admin"),
    ),
    "attendance_interview": Page(
        lambda d: f"/attendance/interviews/{d.ctx['interview'].pk}/",
        ok=("school_leader", "pm_a", "housing_staff"),
        out=("hospital_admin", "transport_staff", "contractor_b_admin"),
        setup=lambda d: d.ctx.update(interview=cheat_interview(d)),
    ),
    "attendance_checkin_detail": Page(
        lambda d: f"/attendance/checkins/{d.ctx['checkin'].pk}/",
        ok=("school_leader", "pm_a", "housing_staff"),
        out=("hospital_admin", "transport_staff", "contractor_b_admin"),
        setup=lambda d: d.ctx.update(checkin=mock_checkin(d)),
    ),
    "attendance_stats": Page(
        lambda d: "/attendance/stats/",
        ok=("housing_staff", "office_admin", "school_leader"),
        wrong=("pm_a", "contractor_a_admin"),
    ),
    # the ledgers (list component): rows out of scope are absent, tested in test_ledgers.py
    "attendance_records": Page(
        lambda d: "/attendance/records/",
        ok=("pm_a", "school_leader", "office_admin", "housing_staff"),
        wrong=("contractor_a_admin",),
    ),
    "attendance_leaves": Page(
        lambda d: "/attendance/leaves/",
        ok=("pm_a", "school_leader", "office_admin", "housing_staff"),
        wrong=("contractor_a_admin",),
    ),
    "attendance_interviews": Page(
        lambda d: "/attendance/interviews/",
        ok=("pm_a", "school_leader", "office_admin", "housing_staff"),
        wrong=("contractor_a_admin",),
    ),
    "attendance_file": Page(
        lambda d: f"/attendance/files/interview/{d.ctx['interview'].pk}/record/",
        ok=(),
        out=("hospital_admin", "transport_staff"),
        setup=lambda d: d.ctx.update(interview=cheat_interview(d)),
    ),
}


def prepared(district: District, name: str) -> District:
    return prepare(district, f"attendance-page:{name}", PAGES[name].setup)


def test_every_attendance_page_has_a_row():
    """The step action pages (``attendance_*_step``) have their rows in the
    generated step tests (core/tests/test_steps_authz.py)."""
    from postaward.attendance import urls

    step_actions = {
        "attendance_leave_step",
        "attendance_interview_step",
        "attendance_checkin_review_step",
    }
    assert {p.name for p in urls.urlpatterns} == set(PAGES) | step_actions


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_goes_to_the_login_page(district, clock_at, name):
    d = prepared(district, name)
    r = Client().get(PAGES[name].url(d))
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_an_account_without_roles_is_403(district, clock_at, name):
    d = prepared(district, name)
    assert d.client("roleless").get(PAGES[name].url(d)).status_code == 403


@pytest.mark.parametrize("name", [n for n in sorted(PAGES) if PAGES[n].wrong])
def test_wrong_role_is_403(district, clock_at, name):
    d = prepared(district, name)
    for user in PAGES[name].wrong:
        r = d.client(user).get(PAGES[name].url(d))
        assert r.status_code == 403, user
        assert "无权" in r.content.decode() or "仅" in r.content.decode()


@pytest.mark.parametrize("name", [n for n in sorted(PAGES) if PAGES[n].out])
def test_out_of_scope_is_404(district, clock_at, name):
    d = prepared(district, name)
    for user in PAGES[name].out:
        r = d.client(user).get(PAGES[name].url(d))
        assert r.status_code == 404, user
        assert "对象不存在或无权访问" in r.content.decode()


@pytest.mark.parametrize("name", [n for n in sorted(PAGES) if PAGES[n].ok])
def test_in_scope_is_200(district, clock_at, name):
    d = prepared(district, name)
    for user in PAGES[name].ok:
        r = d.client(user).get(PAGES[name].url(d))
        assert r.status_code == 200, (user, r.content[:300])


# --- what the pages show and do ----------------------------------------------------------------------------


def test_checkin_page_shows_the_site_rule_and_todays_check_ins(district, clock_at, checkin):
    checkin("pm_a", NOW - dt.timedelta(hours=2), lon=SITE[0] + 0.01)  # refused: out of fence
    c = district.client("pm_a")
    html = c.get("/attendance/checkin/").content.decode()
    assert "第一中学教学楼工程" in html and 'data-testid="checkin-button"' in html
    assert "30 米 + 定位精度（最多计 50 米）" in html
    assert '"radius": 200.0' in html  # the site for the client-side distance
    fragment = c.get(
        "/attendance/checkin/", {"fragment": "today", "project": district.projects["p_school"].pk}
    ).content.decode()
    assert "打卡失败" in fragment and "不在施工场地范围内" in fragment and "<html" not in fragment


def test_person_requests_leave_on_the_page_and_a_late_request_is_refused(district, clock_at):
    c = district.client("pm_a")
    a = KeyPersonAssignment.objects.get(person=district.users["pm_a"].person)
    late = c.post(
        "/attendance/me/",
        {"assignment": a.pk, "starts_on": "2026-03-10", "ends_on": "2026-03-10", "reason": "感冒"},
    )
    assert late.status_code == 200 and "请假须事先提出" in late.content.decode()
    assert not LeaveRequest.objects.exists()
    ok = c.post(
        "/attendance/me/",
        {"assignment": a.pk, "starts_on": "2026-03-11", "ends_on": "2026-03-11", "reason": "就医"},
    )
    assert ok.status_code == 302 and LeaveRequest.objects.get().state == "pending"


def test_owner_approves_leave_with_both_documents_and_the_person_cannot(district, clock_at):
    leave = leave_of_pm(district)
    page = f"/attendance/leave/{leave.pk}/"
    url = f"/attendance/leave/{leave.pk}/steps/approve/"  # the step's page action

    def files():
        return {
            "approval_form": SimpleUploadedFile(
                "审批单.pdf", minimal_pdf(["a"]), content_type="application/pdf"
            ),
            "evidence": SimpleUploadedFile(
                "证明.pdf", minimal_pdf(["b"]), content_type="application/pdf"
            ),
        }

    owner_page = district.client("school_leader").get(page).content.decode()
    assert 'data-testid="approve-form"' in owner_page and 'data-testid="reject-form"' in owner_page
    mine = district.client("pm_a").get(page).content.decode()
    assert 'data-testid="cancel-form"' in mine and 'data-testid="approve-form"' not in mine
    denied = district.client("pm_a").post(url, files())
    assert denied.status_code == 403
    assert LeaveRequest.objects.get().state == "pending"  # a denied post changes nothing
    missing = district.client("school_leader").post(url, {})
    assert "请假审批单和证明材料" in missing.content.decode()
    ok = district.client("school_leader").post(url, files())
    assert ok.status_code == 302 and ok["Location"] == page
    lv = LeaveRequest.objects.get()
    assert lv.state == "approved" and lv.approval_form and lv.evidence


def test_owner_confirms_a_suspicious_check_in_and_a_wrong_role_cannot(district, clock_at):
    c = services.check_in(
        actor=district.actor("pm_a"),
        project_id=district.projects["p_school"].pk,
        lon=SITE[0],
        lat=SITE[1],
        accuracy_m=8,
        idempotency_key="mock",
        mock_location=True,
    ).checkin
    page = district.client("school_leader").get("/attendance/owner/").content.decode()
    assert "客户端报告启用了模拟定位" in page and f'data-checkin="{c.pk}"' in page
    post = {"action": "review", "checkin": c.pk, "decision": "confirm", "note": "核实"}
    # The hospital's administrator is owner-side elsewhere: this check-in is out of scope.
    assert district.client("hospital_admin").post("/attendance/owner/", post).status_code == 404
    assert CheckIn.objects.get().review == Review.PENDING
    hidden = district.client("hospital_admin").get("/attendance/owner/").content.decode()
    assert f'data-checkin="{c.pk}"' not in hidden
    r = district.client("school_leader").post("/attendance/owner/", post)
    assert r.status_code == 302 and CheckIn.objects.get().review == Review.CONFIRMED
    assert AttendanceInterview.objects.filter(kind="cheat").count() == 1


def test_owner_declares_a_non_construction_day_on_the_page(district, clock_at):
    c = district.client("school_leader")
    r = c.post(
        "/attendance/owner/",
        {
            "action": "declare",
            "project": district.projects["p_school"].pk,
            "starts_on": "2026-03-20",
            "ends_on": "2026-03-21",
            "reason": "中考禁止施工",
        },
    )
    assert r.status_code == 302
    assert NonConstructionPeriod.objects.get().reason == "中考禁止施工"
    past = c.post(
        "/attendance/owner/",
        {
            "action": "declare",
            "project": district.projects["p_school"].pk,
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-01",
            "reason": "补报",
        },
    )
    assert "不能补报过去的日期" in past.content.decode()
    assert NonConstructionPeriod.objects.count() == 1


def test_board_shows_each_day_with_its_reason_and_the_rate_with_its_parts(district, checkin):
    checkin("pm_a", local(2026, 3, 9, 8))
    checkin("pm_a", local(2026, 3, 9, 13))
    checkin("pm_a", local(2026, 3, 10, 8))
    with time_machine.travel(local(2026, 3, 12, 10), tick=False):
        c = district.client("housing_staff")
        url = f"/attendance/projects/{district.projects['p_school'].pk}/board/?month=2026-03"
        html = c.get(url).content.decode()
        cell = c.get(
            url
            + f"&cell={KeyPersonAssignment.objects.get(person=district.users['pm_a'].person).pk}:2026-03-10"
        ).content.decode()
        xlsx = c.get(url + "&export=xlsx")
    assert 'data-day="2026-03-09" data-status="valid"' in html
    assert "当日仅打卡1次" in html  # the reason on hover
    # 2026-03-02 .. 03-11 counted: pm_a valid on 1 of 10 days, chief_a on none.
    assert "1/10 = 10.0%" in html and "1/20 = 5.0%" in html
    assert "08:00" in cell and "打卡明细" in cell
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_stats_rank_projects_lowest_first_with_numerator_and_denominator(district):
    with time_machine.travel(local(2026, 4, 1, 3), tick=False):
        services.close_month(dt.date(2026, 3, 1), detect=False)
        c = district.client("office_admin")
        html = c.get("/attendance/stats/", {"month": "2026-03"}).content.decode()
        by_org = c.get(
            "/attendance/stats/", {"month": "2026-03", "by": "enterprise"}
        ).content.decode()
        xlsx = c.get("/attendance/stats/", {"month": "2026-03", "export": "xlsx"})
        transport = district.client("transport_staff").get(
            "/attendance/stats/", {"month": "2026-03"}
        )
    assert "0/60 = 0.0%" in html and "第一中学教学楼工程" in html and "att-chart-data" in html
    assert "甲建设有限公司" in by_org and "甲监理有限公司" in by_org
    assert xlsx.status_code == 200
    assert "第一中学教学楼工程" not in transport.content.decode()


def test_office_admin_recloses_from_the_stats_page(district, checkin):
    checkin("pm_a", local(2026, 3, 10, 8))
    checkin("pm_a", local(2026, 3, 10, 13))
    with time_machine.travel(local(2026, 3, 15, 10), tick=False):
        denied = district.client("housing_staff").post(
            "/attendance/stats/", {"first": "2026-03-10", "last": "2026-03-10"}
        )
        assert denied.status_code == 403
        from postaward.attendance.models import AttendanceDay

        assert not AttendanceDay.objects.exists()
        r = district.client("office_admin").post(
            "/attendance/stats/", {"first": "2026-03-10", "last": "2026-03-10"}
        )
    assert r.status_code == 302
    assert AttendanceDay.objects.get(person=district.users["pm_a"].person).status == "valid"


def test_owner_closes_an_interview_with_its_record(district, clock_at):
    it = cheat_interview(district)
    page = f"/attendance/interviews/{it.pk}/"
    url = f"/attendance/interviews/{it.pk}/steps/close/"  # the step's page action
    assert 'data-testid="close-form"' in district.client("school_leader").get(page).content.decode()
    assert 'data-testid="close-form"' not in district.client("pm_a").get(page).content.decode()
    record = SimpleUploadedFile("约谈记录.jpg", minimal_image(), content_type="image/jpeg")
    denied = district.client("pm_a").post(url, {"held_on": "2026-03-10", "record": record})
    assert denied.status_code == 403 and AttendanceInterview.objects.get().state == "due"
    record = SimpleUploadedFile("约谈记录.jpg", minimal_image(), content_type="image/jpeg")
    r = district.client("school_leader").post(url, {"held_on": "2026-03-10", "record": record})
    assert r.status_code == 302 and r["Location"] == page
    assert AttendanceInterview.objects.get().state == "done"
    f = district.client("school_leader").get(f"/attendance/files/interview/{it.pk}/record/")
    assert f.status_code == 200


def test_patrol_page_starts_and_ends_a_patrol(district, clock_at):
    c = district.client("school_leader")
    r = c.post(
        "/attendance/patrol/", {"action": "start", "project": district.projects["p_school"].pk}
    )
    assert r.status_code == 302
    page = c.get("/attendance/patrol/").content.decode()
    assert 'data-testid="open-patrol"' in page
    clock_at.shift(dt.timedelta(minutes=1))
    c.post("/attendance/patrol/", {"action": "end", "note": "巡查"})
    from postaward.attendance.models import Patrol

    p = Patrol.objects.get()
    assert p.ended_at and not p.valid  # no point on site: not a valid patrol
