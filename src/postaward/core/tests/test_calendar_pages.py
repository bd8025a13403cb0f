"""Calendar maintenance and the audit trail, through the web pages and the API.

Every restricted endpoint is tried by anonymous, wrong role, wrong organisation
and the right user, and a denied call must change nothing (STYLE.md, Saleor).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from postaward.core import audit, business_calendar
from postaward.core.actor import SYSTEM
from postaward.core.models import AuditRecord, CalendarDay, CalendarYear
from postaward.testing import db_fingerprint

pytestmark = pytest.mark.django_db

D = dt.date
IN_2026 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)

# Users who may read the calendar but not edit it: same office without the
# admin role, admins of other organisations, discipline inspection.
DENIED = ["office_staff", "housing_admin", "school_admin", "contractor_a_admin", "discipline"]


def _put_day(client: Client, day: str, body: dict) -> object:
    return client.put(
        f"/api/v1/calendar/days/{day}", data=json.dumps(body), content_type="application/json"
    )


def _post_year(client: Client, body: dict) -> object:
    return client.post("/api/v1/calendar/years", data=body, content_type="application/json")


# --- API: editing -------------------------------------------------------------------------------


def test_api_anonymous_cannot_edit_the_calendar(district):
    before = db_fingerprint()
    r = _put_day(Client(), "2027-01-01", {"kind": "holiday", "name": "元旦"})
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"
    r = _post_year(Client(), {"year": 2027, "notice": "x"})
    assert r.status_code == 401
    assert db_fingerprint() == before
    assert business_calendar.is_working_day(D(2027, 1, 1))


@pytest.mark.parametrize("username", [*DENIED, "roleless"])
def test_api_wrong_role_cannot_edit_the_calendar(district, username):
    before = db_fingerprint()
    client = district.client(username)
    r = _put_day(client, "2027-01-01", {"kind": "holiday", "name": "元旦"})
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "forbidden"
    r = _post_year(client, {"year": 2027, "notice": "国办发明电"})
    assert r.status_code == 403
    assert db_fingerprint() == before
    assert not CalendarDay.objects.filter(date=D(2027, 1, 1)).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_api_token_of_a_wrong_role_cannot_edit_the_calendar(district):
    client = district.token_client("office_staff")
    before = db_fingerprint()
    r = _put_day(client, "2027-01-01", {"kind": "holiday"})
    assert r.status_code == 403
    assert db_fingerprint() == before


def test_api_office_admin_edits_a_day_and_confirms_the_year(district):
    client = district.client("office_admin")
    head_before = audit.head()
    r = _put_day(client, "2027-01-01", {"kind": "holiday", "name": "元旦"})
    assert r.status_code == 200, r.content
    assert r.json() == {"date": "2027-01-01", "working": False, "label": "元旦（休）"}
    r = _put_day(client, "2027-01-09", {"kind": "makeup_workday", "name": "元旦"})
    assert r.json()["working"] is True
    r = _post_year(client, {"year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知"})
    assert r.status_code == 200, r.content
    assert r.json() == {
        "year": 2027,
        "source": "manual",
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
    }
    assert business_calendar.uncovered_years(2026, 2027) == []
    # three writes, three audit records, the chain intact
    assert audit.head()[0] == head_before[0] + 3
    assert audit.verify().ok
    # back to the default
    r = _put_day(client, "2027-01-01", {"kind": None})
    assert r.json()["working"] is True


def test_api_token_of_the_office_admin_works_and_the_request_id_is_audited(district):
    client = district.token_client("office_admin")
    r = client.put(
        "/api/v1/calendar/days/2027-02-06",
        data=json.dumps({"kind": "makeup_workday", "name": "春节"}),
        content_type="application/json",
        HTTP_X_REQUEST_ID="trace-2027-02-06",
    )
    assert r.status_code == 200, r.content
    assert r["X-Request-ID"] == "trace-2027-02-06"
    rec = AuditRecord.objects.order_by("-seq").first()
    assert (rec.action, rec.request_id) == ("core.set_calendar_day", "trace-2027-02-06")


@pytest.mark.parametrize(
    ("day", "body", "field"),
    [
        ("2027-01-05", {"kind": "makeup_workday"}, "date"),  # a Tuesday
        ("2027-01-01", {"kind": "vacation"}, "kind"),
        ("2027-01-01", {"kind": "holiday", "colour": "red"}, "colour"),
        ("2027-13-01", {"kind": "holiday"}, "day"),
        ("2027-01-01", {"kind": "holiday", "name": "长" * 51}, "name"),
    ],
)
def test_api_refuses_bad_day_input_and_changes_nothing(district, day, body, field):
    client = district.client("office_admin")
    before = db_fingerprint()
    r = _put_day(client, day, body)
    assert r.status_code == 422, r.content
    data = r.json()
    assert data["code"] == "validation_error"
    assert field in {e["field"] for e in data["errors"]}, data
    assert db_fingerprint() == before


@pytest.mark.parametrize(
    "body",
    [{"year": 1999, "notice": "x"}, {"year": 2027, "notice": ""}, {"year": 2027}],
)
def test_api_refuses_bad_year_input(district, body):
    before = db_fingerprint()
    r = _post_year(district.client("office_admin"), body)
    assert r.status_code == 422
    assert db_fingerprint() == before


# --- API: reading ---------------------------------------------------------------------------------


def test_api_lists_days_with_labels(district):
    r = district.client("school_admin").get(
        "/api/v1/calendar/days", {"start": "2026-09-30", "end": "2026-10-11"}
    )
    assert r.status_code == 200
    rows = {row["date"]: row for row in r.json()}
    assert len(rows) == 12
    assert rows["2026-10-01"] == {"date": "2026-10-01", "working": False, "label": "国庆节（休）"}
    assert rows["2026-10-10"]["working"] is True
    assert rows["2026-10-10"]["label"].startswith("调休上班")
    assert rows["2026-10-11"] == {"date": "2026-10-11", "working": False, "label": "周末"}


def test_api_refuses_a_day_range_over_a_year(district):
    r = district.client("school_admin").get(
        "/api/v1/calendar/days", {"start": "2026-01-01", "end": "2027-06-01"}
    )
    assert r.status_code == 422
    r = district.client("school_admin").get(
        "/api/v1/calendar/days", {"start": "2026-02-01", "end": "2026-01-01"}
    )
    assert r.status_code == 422


def test_api_computes_a_legal_period(district):  # R-CAL-01
    r = district.client("school_admin").get(
        "/api/v1/calendar/period", {"start": "2026-09-30", "length": 3, "unit": "working_days"}
    )
    assert r.status_code == 200
    data = r.json()
    assert data["last_day"] == "2026-10-10"
    assert dt.datetime.fromisoformat(data["due_at"]) == dt.datetime(
        2026, 10, 10, 16, 0, tzinfo=dt.UTC
    )
    assert data["description"] == "自 2026-09-30 起 3 个工作日，至 2026-10-10 24:00"
    assert data["calendar_covered"] is True
    r = district.client("school_admin").get(
        "/api/v1/calendar/period", {"start": "2026-12-20", "length": 15, "unit": "working_days"}
    )
    assert r.json()["calendar_covered"] is False  # runs into 2027


def test_api_calendar_reads_need_a_login(district):
    assert Client().get("/api/v1/calendar/days?start=2026-01-01&end=2026-01-02").status_code == 401


# --- web pages ---------------------------------------------------------------------------------------


def test_page_shows_the_edit_forms_only_to_the_office_admin(district):
    page = district.client("office_admin").get("/system/calendar/?year=2026")
    assert page.status_code == 200
    assert b'name="day-date"' in page.content
    assert b'name="year-notice"' in page.content
    other = district.client("school_admin").get("/system/calendar/?year=2026")
    assert other.status_code == 200
    assert b'name="day-date"' not in other.content
    assert b'data-date="2026-10-10" data-working="1"' in other.content
    assert b'data-date="2026-10-01" data-working="0"' in other.content


def test_page_tells_whether_the_year_is_entered(district):
    client = district.client("school_admin")
    assert "未录入" in client.get("/system/calendar/?year=2027").content.decode()
    assert "已录入" in client.get("/system/calendar/?year=2026").content.decode()
    assert client.get("/system/calendar/?year=abc").status_code == 200


def test_page_office_admin_posts_a_day_and_a_year(district):
    client = district.client("office_admin")
    r = client.post(
        "/system/calendar/",
        {"form": "day", "day-date": "2027-01-01", "day-kind": "holiday", "day-name": "元旦"},
    )
    assert r.status_code == 302
    assert r["Location"].endswith("?year=2027")
    assert not business_calendar.is_working_day(D(2027, 1, 1))
    r = client.post(
        "/system/calendar/", {"form": "year", "year-year": "2027", "year-notice": "国办发明电"}
    )
    assert r.status_code == 302
    assert business_calendar.is_covered(2027)
    page = client.get("/system/calendar/?year=2027").content.decode()
    assert "已录入" in page
    assert "国办发明电" in page


def test_page_shows_a_refusal_beside_the_field(district):
    client = district.client("office_admin")
    before = db_fingerprint()
    r = client.post(
        "/system/calendar/", {"form": "day", "day-date": "2027-01-05", "day-kind": "makeup_workday"}
    )
    assert r.status_code == 200
    assert "调休上班日应为周六或周日" in r.content.decode()
    assert db_fingerprint() == before


@pytest.mark.parametrize("username", DENIED)
def test_page_wrong_role_post_is_forbidden_and_changes_nothing(district, username):
    before = db_fingerprint()
    r = district.client(username).post(
        "/system/calendar/", {"form": "day", "day-date": "2027-01-01", "day-kind": "holiday"}
    )
    assert r.status_code == 403
    assert "仅监管办总管可以维护工作日历" in r.content.decode()
    r = district.client(username).post(
        "/system/calendar/", {"form": "year", "year-year": "2027", "year-notice": "x"}
    )
    assert r.status_code == 403
    assert db_fingerprint() == before


def test_page_anonymous_post_goes_to_login_and_changes_nothing(district):
    before = db_fingerprint()
    r = Client().post(
        "/system/calendar/", {"form": "day", "day-date": "2027-01-01", "day-kind": "holiday"}
    )
    assert r.status_code == 302
    assert "/login" in r["Location"] or "login" in r["Location"]
    assert db_fingerprint() == before


# --- the shell warns about uncovered years ----------------------------------------------------


def test_shell_warns_the_calendar_admin_until_next_year_is_confirmed(district):
    client = district.client("office_admin")
    with time_machine.travel(IN_2026, tick=False):
        page = client.get("/").content.decode()
        assert 'data-testid="calendar-warning"' in page
        assert "2027 年的节假日安排尚未录入" in page
        # entering a day is not enough: the year must be confirmed
        business_calendar.invalidate()
        from postaward.core import services

        services.set_calendar_day(actor=SYSTEM, date=D(2027, 1, 1), kind="holiday")
        assert 'data-testid="calendar-warning"' in client.get("/").content.decode()
        client.post(
            "/system/calendar/", {"form": "year", "year-year": "2027", "year-notice": "国办发明电"}
        )
        assert 'data-testid="calendar-warning"' not in client.get("/").content.decode()


@pytest.mark.parametrize("username", ["school_admin", "pm_a", "contractor_a_admin", "office_staff"])
def test_shell_banner_is_not_shown_to_who_cannot_enter_the_calendar(district, username):
    """Issue 11 §6: the missing-holidays warning is for the calendar
    administrators; a contractor cannot act on it."""
    with time_machine.travel(IN_2026, tick=False):
        page = district.client(username).get("/").content.decode()
    assert 'data-testid="calendar-warning"' not in page


def test_a_deadline_spanning_an_uncovered_year_says_so(district):  # R-CMP-02
    """Others see the gap on the deadlines it affects: an open period ending in
    2027 (not entered) carries the note; one within 2026 does not."""
    from postaward.core import deadlines

    with time_machine.travel(dt.datetime(2026, 12, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        p = district.projects["p_school"]
        late = deadlines.open_deadline(
            kind="approvals.acceptance_below",
            subject=p,
            length=20,
            unit="calendar_days",
            basis="test",
            organisation_id=None,
        )
        early = deadlines.open_deadline(
            kind="approvals.acceptance_return",
            subject=p,
            length=3,
            unit="calendar_days",
            basis="test",
            organisation_id=None,
        )
        assert "2027 年节假日安排尚未录入" in deadlines.calendar_gap(deadlines.show(late))
        assert deadlines.calendar_gap(deadlines.show(early)) == ""


def test_page_sets_a_holiday_range_in_one_submit(district):
    client = district.client("office_admin")
    r = client.post(
        "/system/calendar/",
        {
            "form": "day",
            "day-date": "2027-02-06",
            "day-date_to": "2027-02-12",
            "day-kind": "holiday",
            "day-name": "春节",
        },
    )
    assert r.status_code == 302
    days = CalendarDay.objects.filter(date__range=(D(2027, 2, 6), D(2027, 2, 12)))
    assert days.count() == 7 and {d.name for d in days} == {"春节"}
    # a make-up range holding a weekday is refused whole, nothing written
    before = db_fingerprint()
    r = client.post(
        "/system/calendar/",
        {
            "form": "day",
            "day-date": "2027-02-13",
            "day-date_to": "2027-02-15",
            "day-kind": "makeup_workday",
        },
    )
    assert r.status_code == 200 and "调休上班日应为周六或周日" in r.content.decode()
    assert db_fingerprint() == before


NOTICE_2027 = """# 国务院办公厅关于2027年部分节假日安排的通知
2027-01-01 放假 元旦
2027-02-06~2027-02-12 放假 春节
2027-02-14 上班 春节
2027-10-01 至 2027-10-07 放假 国庆节
"""


def test_page_imports_the_notice_as_a_list_of_dates_and_confirms_the_year(district):
    client = district.client("office_admin")
    r = client.post(
        "/system/calendar/",
        {
            "form": "import",
            "imp-year": "2027",
            "imp-notice": "国办发明电〔2026〕7号",
            "imp-lines": NOTICE_2027,
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    assert CalendarDay.objects.filter(date__year=2027, kind="holiday").count() == 15
    assert CalendarDay.objects.get(date=D(2027, 2, 14)).kind == "makeup_workday"
    assert CalendarYear.objects.get(year=2027).notice == "国办发明电〔2026〕7号"
    business_calendar.invalidate()
    assert business_calendar.is_covered(2027)
    assert not business_calendar.is_working_day(D(2027, 10, 5))


@pytest.mark.parametrize(
    "lines, message",
    [
        ("2027-01-01 放假 元旦\n2027-02-30 放假 春节", "第 2 行"),
        ("2027-01-01 休息", "类型应为"),
        ("2027-02-15 上班 春节", "不是周末"),
        ("2028-05-01 放假 劳动节", "不在 2027 年"),
        ("# only a comment", "没有可导入的日期"),
    ],
)
def test_import_refuses_a_bad_line_and_changes_nothing(district, lines, message):
    before = db_fingerprint()
    r = district.client("office_admin").post(
        "/system/calendar/",
        {"form": "import", "imp-year": "2027", "imp-notice": "国办发明电", "imp-lines": lines},
    )
    assert r.status_code == 200 and message in r.content.decode()
    assert db_fingerprint() == before


def test_import_by_a_wrong_role_is_forbidden_and_changes_nothing(district):
    before = db_fingerprint()
    r = district.client("school_admin").post(
        "/system/calendar/",
        {"form": "import", "imp-year": "2027", "imp-notice": "x", "imp-lines": NOTICE_2027},
    )
    assert r.status_code == 403
    assert db_fingerprint() == before


def test_shell_does_not_warn_when_both_years_are_covered(district):
    with time_machine.travel(dt.datetime(2025, 6, 1, tzinfo=dt.UTC), tick=False):
        page = district.client("school_admin").get("/").content.decode()
    assert 'data-testid="calendar-warning"' not in page


# --- audit pages and API ------------------------------------------------------------------------


def _write_as(district, username: str) -> AuditRecord:
    return audit.record(
        actor=district.actor(username),
        action="test.page_write",
        object_type="test.thing",
        object_id=username,
        object_repr=f"{username} 的记录",
        after={"by": username},
    )


def test_audit_page_lists_what_the_actor_may_see(district):  # R-REP-04, R-ORG-04
    school = _write_as(district, "school_admin")
    hospital = _write_as(district, "hospital_admin")
    office_page = district.client("office_admin").get("/system/audit/?action=test.page").content
    assert "school_admin 的记录".encode() in office_page
    assert "hospital_admin 的记录".encode() in office_page
    school_page = district.client("school_admin").get("/system/audit/?action=test.page").content
    assert "school_admin 的记录".encode() in school_page
    assert "hospital_admin 的记录".encode() not in school_page
    assert district.client("school_admin").get(f"/system/audit/{school.seq}/").status_code == 200
    # out of scope looks exactly like missing
    assert district.client("school_admin").get(f"/system/audit/{hospital.seq}/").status_code == 404
    assert district.client("school_admin").get("/system/audit/999999/").status_code == 404
    assert district.client("discipline").get(f"/system/audit/{hospital.seq}/").status_code == 200


def test_audit_page_needs_a_login(district):
    r = Client().get("/system/audit/")
    assert r.status_code == 302


def test_audit_export_is_a_workbook_in_local_time(district):
    from postaward.testing_xlsx import read_cells

    with time_machine.travel(dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC), tick=False):
        _write_as(district, "office_admin")
    r = district.client("office_admin").get("/system/audit/?export=xlsx&action=test.page")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = {c.ref: c for c in read_cells(r.content)}
    texts = [c.text for c in cells.values()]
    assert "操作人" in texts
    assert "office_admin 的记录" in texts
    # The time is a typed date-time cell (row 3: title, headings, data) in local time:
    # 16:30 UTC is 00:30 of the next day in Shanghai (Excel serial days from 1899-12-30).
    serial = float(cells["B3"].text)
    local = dt.datetime(1899, 12, 30) + dt.timedelta(days=serial)
    assert abs(local - dt.datetime(2026, 10, 1, 0, 30)) < dt.timedelta(seconds=1)


def test_audit_api_is_scoped(district):  # R-ORG-04
    _write_as(district, "school_admin")
    _write_as(district, "hospital_admin")
    r = district.client("school_admin").get("/api/v1/audit", {"action": "test.page_write"})
    assert r.status_code == 200
    assert {row["object_id"] for row in r.json()["items"]} == {"school_admin"}
    r = district.client("office_admin").get("/api/v1/audit", {"action": "test.page_write"})
    assert {row["object_id"] for row in r.json()["items"]} == {"school_admin", "hospital_admin"}
    assert Client().get("/api/v1/audit").status_code == 401


def test_audit_verify_api_is_for_the_office_and_discipline(district):
    _write_as(district, "school_admin")
    for username in ("office_admin", "office_staff", "discipline"):
        r = district.client(username).post("/api/v1/audit/verify")
        assert r.status_code == 200, username
        assert r.json()["ok"] is True
        assert "审计链完整" in r.json()["message"]
    assert district.client("school_admin").post("/api/v1/audit/verify").status_code == 403
    assert Client().post("/api/v1/audit/verify").status_code == 401


def test_audit_verify_api_reports_tampering(district):
    rec = _write_as(district, "school_admin")
    AuditRecord.objects.filter(pk=rec.pk).update(after={"by": "someone else"})
    r = district.client("office_admin").post("/api/v1/audit/verify")
    data = r.json()
    assert data["ok"] is False
    assert data["first_bad_seq"] == rec.seq
    assert "内容与哈希不符" in data["message"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "recorded"),
    [
        ("203.0.113.7", "", "203.0.113.7"),
        # a client cannot choose the address the audit trail records
        ("203.0.113.7", "6.6.6.6", "203.0.113.7"),
        # behind a proxy on this host: the right-most hop the proxy saw
        ("127.0.0.1", "6.6.6.6, 198.51.100.2", "198.51.100.2"),
        ("127.0.0.1", "198.51.100.2, 127.0.0.1", "198.51.100.2"),
    ],
)
def test_the_audit_trail_records_the_real_client_address(district, remote, forwarded, recorded):
    client = district.client("office_admin")
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    r = client.put(
        "/api/v1/calendar/days/2027-01-01",
        data=json.dumps({"kind": "holiday"}),
        content_type="application/json",
        **extra,
    )
    assert r.status_code == 200
    assert AuditRecord.objects.order_by("-seq").first().ip == recorded


def test_audit_page_finds_a_project_by_code_or_name_within_scope(district):  # R-REP-04
    """The operation log is searched by the project as users know it (code or
    part of the name); a project outside the actor's scope matches nothing."""
    school, hospital = district.projects["p_school"], district.projects["p_hospital"]
    for p in (school, hospital):
        audit.record(
            actor=district.actor("office_admin"),
            action="test.project_write",
            obj=p,
            object_repr=f"记录-{p.code}",
        )
    office = district.client("office_admin")
    by_code = office.get("/system/audit/", {"action": "test.project", "project": school.code})
    assert f"记录-{school.code}".encode() in by_code.content
    assert f"记录-{hospital.code}".encode() not in by_code.content
    by_name = office.get(
        "/system/audit/", {"action": "test.project", "project": hospital.name[-4:]}
    )
    assert f"记录-{hospital.code}".encode() in by_name.content
    assert f"记录-{school.code}".encode() not in by_name.content
    # the school's administrator cannot reach the hospital's project by its code
    school_admin = district.client("school_admin")
    out = school_admin.get("/system/audit/", {"project": hospital.code}).content
    assert f"记录-{hospital.code}".encode() not in out
