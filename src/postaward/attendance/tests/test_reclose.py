"""Re-closing a past period (R-ATT-07): one service (``services.reclose``)
behind the statistics page and the API — who may (the supervision office's
administrator, within its scope), which periods, what is queued and audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from postaward.attendance import services
from postaward.attendance.models import AttendanceDay
from postaward.core.actor import ANONYMOUS
from postaward.core.errors import Forbidden, NotFound, ValidationFailed
from postaward.core.models import AuditRecord
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import OrgKind, Role
from postaward.testing import account, org

from .conftest import local

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/reclose"
PERIOD = {"first": "2026-03-09", "last": "2026-03-11"}


def recloses() -> int:
    return AuditRecord.objects.filter(action=services.RECLOSE_ACTION).count()


def post(client: Client, payload: dict) -> object:
    return client.post(URL, payload, content_type="application/json")


@pytest.fixture
def other_office():
    """The administrator of another district's supervision office: the right
    role, but the small district's projects are out of its scope."""
    office = org(None, "乙区标后监管办公室", OrgKind.SUPERVISION_OFFICE)
    return account(office, "office2_admin", [Role.ADMIN])


@pytest.fixture
def past(district, checkin):
    checkin("pm_a", local(2026, 3, 10, 8))
    checkin("pm_a", local(2026, 3, 10, 13))
    with time_machine.travel(local(2026, 3, 15, 10), tick=False):
        yield district


def test_r_att_07_anonymous_may_not_reclose(past):
    """R-ATT-07: no account, no re-closing (API 401, page to the login, service 403)."""
    assert post(Client(), PERIOD).status_code == 401
    page = Client().post("/attendance/stats/", PERIOD)
    assert page.status_code == 302 and "login" in page["Location"]
    with pytest.raises(Forbidden):
        services.reclose(actor=ANONYMOUS, first=dt.date(2026, 3, 9), last=dt.date(2026, 3, 11))
    assert not AttendanceDay.objects.exists() and recloses() == 0


def test_r_att_07_a_wrong_role_is_refused_on_page_and_api(past):
    """R-ATT-07: the office's staff, an authority's administrator → 403, nothing queued."""
    for user in ("office_staff", "housing_admin", "school_admin"):
        r = post(past.client(user), PERIOD)
        assert r.status_code == 403, user
        assert r.json()["message"] == "仅监管办总管可以重新结算考勤"
    assert past.client("office_staff").post("/attendance/stats/", PERIOD).status_code == 403
    assert not AttendanceDay.objects.exists() and recloses() == 0


def test_r_att_07_the_right_role_out_of_scope_sees_no_project(past, other_office):
    """R-ATT-07: another district's office administrator: the small district's
    project answers 404, and its own district has nothing to re-close (422)."""
    c = Client()
    c.force_login(other_office)
    school = past.projects["p_school"].pk
    assert post(c, {**PERIOD, "project_id": school}).status_code == 404
    r = post(c, PERIOD)
    assert r.status_code == 422 and "没有已开工的项目" in r.json()["message"]
    with pytest.raises(NotFound):
        services.reclose(
            actor=actor_for(other_office),
            first=dt.date(2026, 3, 9),
            last=dt.date(2026, 3, 11),
            project_id=school,
        )
    assert not AttendanceDay.objects.exists() and recloses() == 0


def test_r_att_07_the_office_admin_recloses_its_district_and_it_is_audited(past):
    """R-ATT-07: in scope, the period is closed by the worker (idempotent) and
    one audit record says who re-closed which days of which projects."""
    r = post(past.client("office_admin"), PERIOD)
    assert r.status_code == 202, r.content
    assert r.json()["project_ids"] == sorted(p.pk for p in past.projects.values())
    assert r.json()["message"].startswith("已提交后台重新结算 2026-03-09 至 2026-03-11")
    rows = AttendanceDay.objects.filter(person=past.users["pm_a"].person)
    assert rows.count() == 3 and rows.get(date=dt.date(2026, 3, 10)).status == "valid"
    rec = AuditRecord.objects.get(action=services.RECLOSE_ACTION)
    assert rec.actor_user_id == past.users["office_admin"].pk
    assert rec.after["first"] == "2026-03-09" and rec.after["last"] == "2026-03-11"
    assert "重新结算考勤 2026-03-09 至 2026-03-11" in rec.object_repr


def test_r_att_07_one_project_in_scope_from_the_page_and_the_api(past):
    """R-ATT-07: the page and the API call the same service: same audit action."""
    school = past.projects["p_school"]
    r = post(past.client("office_admin"), {**PERIOD, "project_id": school.pk})
    assert r.status_code == 202 and r.json()["project_ids"] == [school.pk]
    page = past.client("office_admin").post("/attendance/stats/", PERIOD)
    assert page.status_code == 302
    recs = list(AuditRecord.objects.filter(action=services.RECLOSE_ACTION).order_by("seq"))
    assert len(recs) == 2 and recs[0].project_id == school.pk and recs[1].project_id is None


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"first": "2026-03-14", "last": "2026-03-16"}, "last", "只能重新结算今天以前的日期"),
        ({"first": "2026-03-11", "last": "2026-03-10"}, "last", "结束日期不能早于开始日期"),
        (
            {"first": "2026-02-20", "last": "2026-03-05"},
            "first",
            "开工，不能重新结算开工以前的日期",
        ),
        ({"first": "2025-12-01", "last": "2026-03-05"}, "first", "一次最多重新结算 92 天"),
    ],
)
def test_r_att_07_a_bad_period_is_refused_in_chinese_and_changes_nothing(
    past, payload, field, message
):
    """R-ATT-07: a future day, an inverted period, days before the start of
    construction (2026-03-02), too long a period → 422 on the field, nothing
    queued, nothing audited; the page shows the same reason beside the form."""
    r = post(past.client("office_admin"), payload)
    assert r.status_code == 422, r.content
    assert message in r.json()["message"]
    page = past.client("office_admin").post("/attendance/stats/", payload)
    assert page.status_code == 200 and message in page.content.decode()
    with pytest.raises(ValidationFailed) as exc:
        services.reclose(
            actor=actor_for(past.users["office_admin"]),
            first=dt.date.fromisoformat(payload["first"]),
            last=dt.date.fromisoformat(payload["last"]),
        )
    assert exc.value.field == field
    assert not AttendanceDay.objects.exists() and recloses() == 0


def test_r_att_07_before_one_projects_start_names_the_project(past):
    """R-ATT-07: re-closing one project before its start names it."""
    school = past.projects["p_school"]
    r = post(
        past.client("office_admin"),
        {"first": "2026-03-01", "last": "2026-03-03", "project_id": school.pk},
    )
    assert r.status_code == 422
    assert r.json()["message"] == "第一中学教学楼工程于 2026-03-02 开工，不能重新结算开工以前的日期"
