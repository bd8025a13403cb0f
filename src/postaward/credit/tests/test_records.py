"""Credit records from the penalty decision (R-CAS-04, HC 附件 三(五)): once
per case however often the event is delivered, entered within one working day
of the decision, and read only by the office, the district's authorities and
the party itself."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from postaward.core.models import AuditRecord, EventRecord

from ..choices import RecordState
from ..models import CreditPush, CreditRecord
from . import factories as f
from .contract import PENALTY_DECIDED, penalty, publish

pytestmark = pytest.mark.django_db


def test_r_cas_04_record_created_once_from_a_replayed_event(district):
    payload = penalty(district, case_id=9101)
    publish(PENALTY_DECIDED, **payload)
    publish(PENALTY_DECIDED, **payload)  # the same fact delivered again
    # and the first outbox row dispatched once more (at-least-once delivery)
    rec = EventRecord.objects.filter(name=PENALTY_DECIDED).first()
    assert rec is not None
    EventRecord.objects.filter(pk=rec.pk).update(dispatched_at=None)
    publish(PENALTY_DECIDED, **payload)
    assert CreditRecord.objects.filter(case_id=9101).count() == 1
    r = CreditRecord.objects.get(case_id=9101)
    assert (r.points, r.fine_yuan, r.subject_org_id) == (6, 50000, district.orgs["contractor_a"].pk)
    assert r.state == RecordState.EFFECTIVE
    assert r.valid_until == dt.date(2027, 3, 10)  # points count for twelve months
    assert CreditPush.objects.filter(record=r).count() == 1
    assert AuditRecord.objects.filter(action="credit.record_entered").count() == 1


def test_r_cas_04_entered_the_next_working_day_across_a_weekend_is_in_time(district):
    # decided on Friday 2026-03-06: due the next working day, Monday 03-09
    r = f.record(district, decided_on="2026-03-06", entered_on="2026-03-09")
    assert r.entry_due == dt.date(2026, 3, 9)
    assert r.entered_in_time
    late = f.record(district, decided_on="2026-03-06", entered_on="2026-03-10")
    assert not late.entered_in_time


def test_r_cas_04_entry_due_across_national_day_and_a_make_up_working_day(district):
    # decided 2026-09-30: 10-01..10-07 are holidays, 10-08 the next working day
    r = f.record(district, decided_on="2026-09-30", entered_on="2026-10-08")
    assert r.entry_due == dt.date(2026, 10, 8)
    assert r.entered_in_time
    # decided on Friday 10-09: Saturday 10-10 is a make-up working day (调休)
    r2 = f.record(district, decided_on="2026-10-09", entered_on="2026-10-12")
    assert r2.entry_due == dt.date(2026, 10, 10)
    assert not r2.entered_in_time


def test_r_cas_04_points_counted_to_28_february_from_a_29_february_decision(district):
    r = f.record(district, decided_on="2028-02-29", entered_on="2028-02-29")
    assert r.valid_until == dt.date(2029, 2, 28)


# --- scope: anonymous, wrong role, out of scope, in scope ------------------------------------------


def test_r_cas_04_record_page_scope(district):
    r = f.record(district)
    url = f"/credit/{r.pk}/"
    assert district.client(None).get(url).status_code == 302  # to the login page
    assert district.client("school_admin").get(url).status_code == 404  # not the party
    assert district.client("contractor_b_admin").get(url).status_code == 404  # another party
    for user in ("office_staff", "housing_staff", "transport_staff", "contractor_a_admin", "pm_a"):
        page = district.client(user).get(url)
        assert page.status_code == 200, user
        assert "甲建设有限公司" in page.content.decode()


def test_r_cas_04_record_api_scope(district):
    r = f.record(district)
    url = f"/api/v1/credit/records/{r.pk}"
    assert district.client(None).get(url).status_code == 401
    assert district.client("contractor_b_admin").get(url).status_code == 404
    assert district.client("discipline").get(url).status_code == 404
    body = district.client("contractor_a_admin").get(url).json()
    assert body["points"] == 6 and body["may_file"] == ["objection", "repair"]
    listed = district.client("contractor_b_admin").get("/api/v1/credit/records").json()
    assert listed == []
    listed = district.client("office_staff").get("/api/v1/credit/records").json()
    assert [x["id"] for x in listed] == [r.pk]


def test_r_cas_04_list_page_totals_and_export(district):
    f.record(district, points=6, fine_yuan="50000")
    f.record(district, points=3, fine_yuan="20000")
    page = district.client("office_staff").get("/credit/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "有效记分合计：<strong>9</strong>" in text
    assert "70,000.00" in text  # the fines' total
    # the party sees only its own; a unit without records gets an empty list
    assert (
        "有效记分合计：<strong>0</strong>"
        in district.client("contractor_b_admin").get("/credit/").content.decode()
    )
    xlsx = district.client("office_staff").get("/credit/?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_r_cas_04_filing_needs_the_party_or_the_office(district):
    r = f.record(district)
    url = f"/api/v1/credit/records/{r.pk}/requests"
    body = json.dumps({"kind": "objection", "reason": "记分依据的事实有误，请核查"})
    anon = district.client(None).post(url, body, content_type="application/json")
    assert anon.status_code == 401
    # the deciding department sees the record but files nothing
    dept = district.client("housing_staff").post(url, body, content_type="application/json")
    assert dept.status_code == 403
    other = district.client("contractor_b_admin").post(url, body, content_type="application/json")
    assert other.status_code == 404
    ok = district.client("contractor_a_admin").post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert ok.status_code == 201, ok.content
    again = district.client("contractor_a_admin").post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert again.status_code == 201 and again.json()["id"] == ok.json()["id"]
    r.refresh_from_db()
    assert r.state == RecordState.OBJECTING and r.requests.count() == 1
    # a second objection while one is open is refused with the reason
    twice = district.client("office_staff").post(url, body, content_type="application/json")
    assert twice.status_code == 409
    assert "正在办理" in twice.json()["message"]
