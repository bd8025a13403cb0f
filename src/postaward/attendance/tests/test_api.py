"""The attendance API as a phone and the owner's desk use it (R-ATT-01..08):
check-in with the idempotency key, refusals stored and answered, reviews,
leave with uploads, non-construction days, patrols, days and monthly rates
with their numerator and denominator, interviews, re-closing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from postaward.attendance import services
from postaward.attendance.choices import InterviewKind, Review
from postaward.attendance.models import (
    AttendanceDay,
    AttendanceInterview,
    CheckIn,
    LeaveRequest,
    MonthlyAttendance,
)
from postaward.projects.models import KeyPersonAssignment

from .conftest import SITE, local

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance"


def body(**kw):
    data = {"project_id": kw.pop("project_id"), "lon": SITE[0], "lat": SITE[1], "accuracy_m": 8.0}
    data.update(kw)
    return json.dumps(data)


def post_checkin(client: Client, key: str | None, **kw):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"{URL}/checkins", data=body(**kw), content_type="application/json", headers=headers
    )


@pytest.fixture(params=["ingest", "django"])
def phone(district, request):
    """pm_a's phone: a bearer token, as a native client uses the API; every test
    runs through the ingest path in front of Django (as served) and straight
    through Django's route (ADR 0506)."""
    return district.token_client("pm_a", front=request.param == "ingest")


@pytest.fixture
def school(district):
    return district.projects["p_school"].pk


def pdf(name: str = "审批单.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


# --- check-in -----------------------------------------------------------------------------------------


def test_check_in_inside_is_201_and_answers_in_chinese(phone, school):  # R-ATT-01
    with time_machine.travel(local(2026, 3, 10, 8, 5), tick=False):
        r = post_checkin(phone, "k-1", project_id=school, client_at="2026-03-10T07:59:00+08:00")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["accepted"] is True and d["message"] == "打卡成功" and not d["replayed"]
    assert d["at"].startswith("2026-03-10T00:05:00")  # the server's time (UTC), not the phone's
    assert d["distance_m"] == 0 and d["tolerance_m"] == 38.0
    c = CheckIn.objects.get(pk=d["id"])
    assert c.client_at == local(2026, 3, 10, 7, 59) and c.idempotency_key == "k-1"


def test_retry_with_the_same_key_is_200_and_stores_one(phone, school):  # R-ATT-01
    with time_machine.travel(local(2026, 3, 10, 8, 5), tick=False):
        first = post_checkin(phone, "same", project_id=school)
    with time_machine.travel(local(2026, 3, 10, 8, 6), tick=False):
        again = post_checkin(phone, "same", project_id=school)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["replayed"] is True
    assert CheckIn.objects.filter(idempotency_key="same").count() == 1


def test_the_same_key_with_another_position_is_409(phone, school):
    post_checkin(phone, "k-x", project_id=school)
    r = post_checkin(phone, "k-x", project_id=school, lon=SITE[0] + 0.001)
    assert r.status_code == 409 and r.json()["code"] == "idempotency_mismatch"


def test_a_check_in_without_the_key_is_refused_and_not_stored(phone, school):
    r = post_checkin(phone, None, project_id=school)
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["message"]
    assert not CheckIn.objects.exists()


def test_outside_the_fence_is_stored_refused_and_explained(phone, school):  # R-ATT-01
    with time_machine.travel(local(2026, 3, 10, 8, 5), tick=False):
        r = post_checkin(phone, "far", project_id=school, lon=SITE[0] + 0.01)
    assert r.status_code == 201
    d = r.json()
    assert d["accepted"] is False and d["refusal"] == "out_of_fence"
    assert d["message"] == "打卡失败：不在施工场地范围内"
    assert "超出允许范围" in d["refusal_detail"] and d["distance_m"] > 700
    assert CheckIn.objects.get(pk=d["id"]).accepted is False


def test_poor_accuracy_is_refused_with_its_reason(phone, school):  # R-ATT-01
    r = post_checkin(phone, "acc", project_id=school, accuracy_m=400)
    assert r.json()["refusal"] == "poor_accuracy" and "精度" in r.json()["refusal_label"]


def test_unknown_fields_and_bad_coordinates_are_422(phone, school):
    assert post_checkin(phone, "e1", project_id=school, speed=3).status_code == 422
    assert post_checkin(phone, "e2", project_id=school, lat=95).status_code == 422
    assert not CheckIn.objects.exists()


def test_only_key_personnel_check_in(district, school):  # R-ATT-01
    r = post_checkin(district.client("school_leader"), "o1", project_id=school)
    assert r.status_code == 403
    r = post_checkin(
        district.token_client("pm_a"), "o2", project_id=district.projects["p_hospital"].pk
    )
    assert r.status_code == 404
    assert not CheckIn.objects.exists()


def test_the_web_session_needs_the_csrf_token(district, school):
    c = Client(enforce_csrf_checks=True)
    c.force_login(district.users["pm_a"])
    r = post_checkin(c, "csrf", project_id=school)
    assert r.status_code == 403 and r.json()["code"] == "csrf"


def test_duties_today_give_the_site_and_todays_check_ins(phone, school):  # R-ATT-02
    with time_machine.travel(local(2026, 3, 10, 8, 5), tick=False):
        post_checkin(phone, "d1", project_id=school)
        r = phone.get(f"{URL}/duties/today")
    assert r.status_code == 200
    [duty] = r.json()
    assert duty["project_id"] == school and duty["required"] is True
    assert (
        duty["site"]["geometry"]["type"] == "Point" and duty["site"]["properties"]["radius"] == 200
    )
    assert len(duty["checkins"]) == 1 and duty["valid_today"] is False
    assert duty["next_valid_at"].startswith("2026-03-10T04:05")  # 12:05 local: 4 hours later
    assert "30 米" in duty["fence_rule"]


# --- suspicious check-ins and their review (R-ATT-04) ---------------------------------------------------


def test_mock_location_is_listed_and_a_confirmed_cheat_opens_an_interview(district, phone, school):
    with time_machine.travel(local(2026, 3, 10, 8, 5), tick=False):
        r = post_checkin(phone, "mock", project_id=school, mock_location=True)
    d = r.json()
    assert d["accepted"] and d["review"] == Review.PENDING and d["suspicion_score"] >= 100
    assert (
        d["signals"][0]["code"] == "mock_location" and "模拟定位" in d["signals"][0]["explanation"]
    )
    owner = district.client("school_leader")
    listed = owner.get(f"{URL}/checkins", {"review": "pending"}).json()["items"]
    assert [c["id"] for c in listed] == [d["id"]]
    review = f"{URL}/checkins/{d['id']}/review"
    # Confirming needs the owner's note; the person cannot review their own check-in.
    assert (
        owner.post(review, {"decision": "confirm"}, content_type="application/json").status_code
        == 422
    )
    denied = phone.post(review, {"decision": "clear"}, content_type="application/json")
    assert denied.status_code == 403
    with time_machine.travel(local(2026, 3, 11, 9), tick=False):
        ok = owner.post(
            review,
            {"decision": "confirm", "note": "现场核实未到岗"},
            content_type="application/json",
        )
        listed = owner.get(f"{URL}/interviews").json()["items"]
    assert ok.status_code == 200 and ok.json()["review"] == Review.CONFIRMED
    it = AttendanceInterview.objects.get()
    assert it.kind == InterviewKind.CHEAT and it.person == district.users["pm_a"].person
    assert listed[0]["kind_label"].startswith("考勤作弊")


# --- days and monthly rates with numerator and denominator (R-ATT-02, R-ATT-03) ---------------------------


def test_days_and_monthly_rates_show_numerator_and_denominator(district, checkin, school):
    for day in (9, 10):
        checkin("pm_a", local(2026, 3, day, 8))
        checkin("pm_a", local(2026, 3, day, 12, 30))
    checkin("pm_a", local(2026, 3, 11, 8))  # one check-in only: invalid
    with time_machine.travel(local(2026, 4, 1, 3), tick=False):
        for day in range(2, 32):
            services.close_day(dt.date(2026, 3, day), detect=False)
        services.close_month(dt.date(2026, 3, 1), detect=False)
        owner = district.client("school_leader")
        days = owner.get(
            f"{URL}/days",
            {"project_id": school, "date_from": "2026-03-09", "date_to": "2026-03-11"},
        )
        monthly = owner.get(f"{URL}/monthly", {"month": "2026-03"})
        rates = district.client("housing_staff").get(f"{URL}/rates", {"month": "2026-03"})
    pm_days = {r["date"]: r for r in days.json()["items"] if r["person_name"] == "pm_a"}
    assert pm_days["2026-03-10"]["status"] == "valid"
    assert pm_days["2026-03-11"]["status_label"] == "考勤无效"
    assert "仅打卡1次" in pm_days["2026-03-11"]["reason"]
    pm = next(r for r in monthly.json()["items"] if r["person_name"] == "pm_a")
    assert (pm["valid_days"], pm["construction_days"]) == (2, 30)
    assert pm["rate_text"] == "2/30 = 6.7%" and pm["below_threshold"] is True
    [project] = rates.json()
    assert project["name"] == "第一中学教学楼工程"
    assert (project["valid_days"], project["construction_days"]) == (2, 60)
    assert project["rate_text"] == "2/60 = 3.3%"


def test_rates_are_for_government_and_within_scope(district):
    with time_machine.travel(local(2026, 4, 1, 3), tick=False):
        services.close_month(dt.date(2026, 3, 1), detect=False)
        assert district.client("pm_a").get(f"{URL}/rates").status_code == 403
        r = district.client("transport_staff").get(f"{URL}/rates", {"month": "2026-03"})
    assert r.status_code == 200 and r.json() == []  # p_school is housing's, not transport's


# --- leave (R-ATT-05) ----------------------------------------------------------------------------------


def test_leave_requested_before_the_day_and_approved_with_both_documents(district, phone):
    a = KeyPersonAssignment.objects.get(person=district.users["pm_a"].person)
    with time_machine.travel(local(2026, 3, 10, 9), tick=False):
        late = phone.post(
            f"{URL}/leave",
            {
                "assignment_id": a.pk,
                "starts_on": "2026-03-10",
                "ends_on": "2026-03-10",
                "reason": "发烧",
            },
            content_type="application/json",
        )
        assert late.status_code == 422 and "事先" in late.json()["message"]  # a late request
        r = phone.post(
            f"{URL}/leave",
            {
                "assignment_id": a.pk,
                "starts_on": "2026-03-11",
                "ends_on": "2026-03-12",
                "reason": "就医",
            },
            content_type="application/json",
        )
        assert r.status_code == 201 and r.json()["state"] == "pending" and r.json()["days"] == 2
        leave_id = r.json()["id"]
        decision = f"{URL}/leave/{leave_id}/decision"
        owner = district.client("school_leader")
        # The person cannot approve their own leave; the owner must upload both files.
        assert phone.post(decision, {"decision": "approve"}).status_code == 403
        missing = owner.post(decision, {"decision": "approve", "approval_form": pdf()})
        assert missing.status_code == 422 and "证明材料" in missing.json()["message"]
        ok = owner.post(
            decision,
            {"decision": "approve", "approval_form": pdf(), "evidence": pdf("诊断证明.pdf")},
        )
        assert ok.status_code == 200, ok.content
        d = ok.json()
        assert d["state_label"] == "已同意" and d["approval_form_url"] and d["evidence_url"]
        # The file is served within the scope of the leave only.
        served = owner.get(d["evidence_url"])
        assert served.status_code == 200 and b"".join(served.streaming_content) == b"%PDF-1.4 test"
        assert district.client("hospital_admin").get(d["evidence_url"]).status_code == 404


def test_leave_cancelled_by_the_person_only(district, phone):
    a = KeyPersonAssignment.objects.get(person=district.users["pm_a"].person)
    with time_machine.travel(local(2026, 3, 10, 9), tick=False):
        leave = services.request_leave(
            actor=district.actor("pm_a"),
            assignment=a,
            starts_on=dt.date(2026, 3, 12),
            ends_on=dt.date(2026, 3, 12),
            reason="家事",
        )
        assert (
            district.client("school_leader").post(f"{URL}/leave/{leave.pk}/cancel").status_code
            == 403
        )
        r = phone.post(f"{URL}/leave/{leave.pk}/cancel")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert LeaveRequest.objects.get().state == "cancelled"


# --- non-construction days, patrols -------------------------------------------------------------------------


def test_owner_declares_and_withdraws_non_construction_days(district, school):  # R-ATT-03
    owner = district.client("school_leader")
    with time_machine.travel(local(2026, 3, 10, 9), tick=False):
        r = owner.post(
            f"{URL}/projects/{school}/non-construction",
            {"starts_on": "2026-03-20", "ends_on": "2026-03-22", "reason": "中考期间禁止施工"},
            content_type="application/json",
        )
        assert r.status_code == 201
        listed = owner.get(f"{URL}/projects/{school}/non-construction").json()
        assert [p["reason"] for p in listed] == ["中考期间禁止施工"]
        w = owner.post(f"{URL}/non-construction/{r.json()['id']}/withdraw")
    assert w.status_code == 200 and w.json()["withdrawn_at"]


def test_a_patrol_of_more_than_ten_minutes_on_site_is_valid(district, school):  # R-ATT-06
    leader = district.token_client("school_leader")
    point = {"lon": SITE[0], "lat": SITE[1], "accuracy_m": 10}
    with time_machine.travel(local(2026, 3, 10, 9), tick=False) as t:
        r = leader.post(f"{URL}/patrols", {"project_id": school}, content_type="application/json")
        assert r.status_code == 201
        pid = r.json()["id"]
        for _ in range(3):
            p = leader.post(f"{URL}/patrols/{pid}/points", point, content_type="application/json")
            assert p.status_code == 201 and p.json()["inside"] is True
            t.shift(dt.timedelta(minutes=5, seconds=30))
        end = leader.post(
            f"{URL}/patrols/{pid}/end", {"note": "检查脚手架"}, content_type="application/json"
        )
    assert end.status_code == 200
    d = end.json()
    assert d["valid"] is True and d["points"] == 3 and d["inside_seconds"] == 660


# --- interviews (R-ATT-07, R-ATT-08) ---------------------------------------------------------------------------


def test_low_monthly_rate_interview_needs_penalty_and_criticism(district):
    with time_machine.travel(local(2026, 4, 1, 3), tick=False):
        services.close_month(dt.date(2026, 3, 1))  # nobody checked in: 0/30 for both
        it = AttendanceInterview.objects.filter(kind=InterviewKind.LOW_MONTHLY_RATE).first()
        assert it is not None and "0/30" in it.summary
        owner = district.client("school_leader")
        url = f"{URL}/interviews/{it.pk}/close"
        no_record = owner.post(url, {"held_on": "2026-04-01"})
        assert no_record.status_code == 422 and "约谈记录" in no_record.json()["message"]
        no_penalty = owner.post(url, {"held_on": "2026-04-01", "record": pdf("约谈记录.pdf")})
        assert no_penalty.status_code == 422 and "通报批评" in no_penalty.json()["message"]
        ok = owner.post(
            url,
            {
                "held_on": "2026-04-01",
                "record": pdf("约谈记录.pdf"),
                "penalty_note": "按合同扣罚5000元",
                "criticism_note": "上建通〔2026〕12号",
            },
        )
    assert ok.status_code == 200 and ok.json()["state"] == "done" and ok.json()["record_url"]


def test_two_days_without_attendance_open_an_interview(district):  # R-ATT-07
    with time_machine.travel(local(2026, 3, 12, 1), tick=False):
        services.close_day(dt.date(2026, 3, 10))
        services.close_day(dt.date(2026, 3, 11))
        items = (
            district.client("school_leader")
            .get(f"{URL}/interviews", {"state": "due"})
            .json()["items"]
        )
    kinds = {(i["kind"], i["person_name"]) for i in items}
    assert ("absence_streak", "pm_a") in kinds and ("absence_streak", "chief_a") in kinds


# --- re-closing a past period -------------------------------------------------------------------------------------


def test_reclose_runs_in_the_worker_for_the_office_admin_only(district, checkin):
    checkin("pm_a", local(2026, 3, 10, 8))
    checkin("pm_a", local(2026, 3, 10, 13))
    with time_machine.travel(local(2026, 3, 15, 10), tick=False):
        payload = {"first": "2026-03-09", "last": "2026-03-11"}
        denied = district.client("office_staff").post(
            f"{URL}/reclose", payload, content_type="application/json"
        )
        assert denied.status_code == 403 and not AttendanceDay.objects.exists()
        future = district.client("office_admin").post(
            f"{URL}/reclose",
            {"first": "2026-03-14", "last": "2026-03-15"},
            content_type="application/json",
        )
        assert future.status_code == 422
        r = district.client("office_admin").post(
            f"{URL}/reclose", payload, content_type="application/json"
        )
        again = district.client("office_admin").post(
            f"{URL}/reclose", payload, content_type="application/json"
        )
    assert r.status_code == 202 and again.status_code == 202
    rows = AttendanceDay.objects.filter(person=district.users["pm_a"].person)
    assert rows.count() == 3  # idempotent: the second run replaced the first
    assert rows.get(date=dt.date(2026, 3, 10)).status == "valid"
    assert MonthlyAttendance.objects.filter(month=dt.date(2026, 3, 1)).exists()


def test_a_check_in_queued_offline_is_recorded_with_a_delay_signal_not_refused(
    phone, school
):  # R-ATT-01, R-ATT-04
    """Issue 11 §6: the phone kept the tap while offline (07:58, its fix and its
    key) and sends it at 08:40 marked ``queued``. The server's time decides; the
    check-in is accepted and carries a ``delayed_upload`` signal stating both
    times instead of the clock-skew suspicion; a second send of the same tap
    stores nothing more."""
    with time_machine.travel(local(2026, 3, 10, 8, 40), tick=False):
        r = post_checkin(
            phone, "tap-1", project_id=school, client_at="2026-03-10T07:58:00+08:00", queued=True
        )
        again = post_checkin(
            phone, "tap-1", project_id=school, client_at="2026-03-10T07:58:00+08:00", queued=True
        )
    assert r.status_code == 201, r.content
    assert r.json()["accepted"] is True
    assert again.status_code == 200 and CheckIn.objects.count() == 1
    c = CheckIn.objects.get()
    codes = [s["code"] for s in c.signals]
    assert codes == ["delayed_upload"]
    assert (
        "03-10 07:58" in c.signals[0]["explanation"]
        and "延迟 42 分钟" in c.signals[0]["explanation"]
    )
    assert c.review != Review.PENDING  # a delay alone is not a suspicion to review


def test_the_same_late_time_without_the_queued_mark_is_a_clock_skew(phone, school):  # R-ATT-04
    with time_machine.travel(local(2026, 3, 10, 8, 40), tick=False):
        post_checkin(phone, "tap-2", project_id=school, client_at="2026-03-10T07:58:00+08:00")
    assert [s["code"] for s in CheckIn.objects.get().signals] == ["clock_skew"]
