"""R-REP-02 (YJ 四(三)): the monthly reports. Each department reports month
M by the 20th of M+1, the coordinating body the district summary by the
25th; a rest day rolls to the next working day, a make-up working day stays;
a report still open at 24:00 of the due day is missed the moment after
(raised once as an alert). The platform drafts the report from the month's
data, assembles the summary from the submitted reports, issues Word and PDF
through the document service and delivers them through the outbound
adapter."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.urls import reverse

from postaward.core import clock, deadlines, events
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.models import AuditRecord, Deadline

from .. import delivery
from .. import monthly_dates as md
from .. import services_monthly as sm
from ..choices import MonthlyState
from ..models import MonthlyReport
from . import factories as f
from . import factories_monthly as fm

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=clock.LOCAL_TZ)


def _sweep(now: dt.datetime) -> None:
    deadlines.sweep(now)
    events.dispatch_pending(limit=1000)


def _alerts(report: MonthlyReport) -> int:
    from postaward.alerts.models import AlertHit

    return (
        AlertHit.objects.filter(
            indicator__code="deadline.reports.monthly_report",
            hit_key__startswith="deadline:",
            alert__isnull=False,
        )
        .filter(hit_key__in=[f"deadline:{d.pk}" for d in deadlines.deadlines_of(report)])
        .values("alert_id")
        .distinct()
        .count()
    )


# --- due dates -----------------------------------------------------------------------------------


def test_r_rep_02_the_20th_and_the_25th_are_of_the_following_month_one_place():
    assert (md.DEPARTMENT_DAY, md.SUMMARY_DAY) == (20, 25)
    # March 2026: 04-20 (Mon) and 04-27? no: 04-25 is a Saturday -> 04-27 (Mon)
    assert md.due_on(2026, 3, summary=False) == dt.date(2026, 4, 20)
    assert md.nominal_due(2026, 3, summary=True) == dt.date(2026, 4, 25)
    # December reports fall in January of the next year
    assert md.nominal_due(2026, 12, summary=False) == dt.date(2027, 1, 20)


def test_r_rep_02_a_20th_on_a_saturday_or_a_holiday_moves_to_the_next_working_day():
    # May 2026: 06-20 is a Saturday (and 06-19 the Dragon Boat holiday) -> Monday 06-22
    assert md.due_on(2026, 5, summary=False) == dt.date(2026, 6, 22)
    # January 2026: 02-20 is in the Spring Festival holiday -> 02-24
    assert md.due_on(2026, 1, summary=False) == dt.date(2026, 2, 24)
    # August 2026: the summary's 09-25 is the Mid-Autumn holiday -> Monday 09-28
    assert md.due_on(2026, 8, summary=True) == dt.date(2026, 9, 28)


def test_r_rep_02_a_20th_that_is_a_make_up_working_day_stays():
    # August 2026: Sunday 09-20 is a make-up working day: the report is due that day
    assert md.due_on(2026, 8, summary=False) == dt.date(2026, 9, 20)


def test_r_rep_02_opening_a_month_gives_each_department_and_the_summary_its_clock(district):
    made = sm.open_month(district.orgs["office"], 2026, 5)
    units = {(r.department.name, r.summary, r.due_on) for r in made}
    assert units == {
        ("测试区住建局", False, dt.date(2026, 6, 22)),
        ("测试区交通局", False, dt.date(2026, 6, 22)),
        ("测试区监管办", True, dt.date(2026, 6, 25)),
    }
    for r in made:
        (d,) = deadlines.deadlines_of(r)
        assert d.kind == ("reports.monthly_summary" if r.summary else "reports.monthly_report")
        assert deadlines.last_day(d) == r.due_on and d.organisation_id == r.department_id
        assert d.due_at == clock.end_of_day(r.due_on)
    # opening again opens nothing more
    assert sm.open_month(district.orgs["office"], 2026, 5) == []
    assert MonthlyReport.objects.filter(year=2026, month=5).count() == 3


def test_r_rep_02_the_coordinating_body_is_the_districts_drc_when_there_is_one(district):
    from postaward.orgs.choices import OrgKind
    from postaward.testing import org

    # the directory's default (ADR 0933), made when the office first reads it
    drc = org(district.orgs["office"], "测试区发改局", OrgKind.DRC)
    police = org(district.orgs["office"], "测试区公安分局", OrgKind.PUBLIC_SECURITY)
    assert sm.coordinating_body(district.orgs["office"]) == drc
    assert police in sm.reporting_departments(district.orgs["office"])


def test_r_rep_02_open_at_24_00_of_the_due_day_then_missed_the_next_day_raised_once(district):
    # August 2026: due Sunday 09-20 (make-up working day) at 24:00
    r = fm.opened(district, 2026, 8)
    assert r.due_on == dt.date(2026, 9, 20)
    _sweep(_at(dt.date(2026, 9, 20), 23, 59, 59))
    (d,) = deadlines.deadlines_of(r)
    assert d.state == Deadline.State.OPEN and _alerts(r) == 0
    _sweep(_at(dt.date(2026, 9, 21), 0, 0, 1))
    d.refresh_from_db()
    assert d.state == Deadline.State.MISSED
    assert _alerts(r) == 1
    _sweep(_at(dt.date(2026, 9, 22), 9))
    assert _alerts(r) == 1


def test_r_rep_02_submitted_on_the_due_day_is_on_time_and_the_day_after_late(district):
    with time_machine.travel(_at(dt.date(2026, 10, 1), 9), tick=False):
        r = fm.opened(district, 2026, 8)
        t = MonthlyReport.objects.get(department=district.orgs["transport"], year=2026, month=8)
        r = sm.draft(actor=district.actor("housing_staff"), report=r)
        t = sm.draft(actor=district.actor("transport_staff"), report=t)
    # on the due day at 23:59: on time
    with time_machine.travel(_at(dt.date(2026, 9, 20), 23, 59), tick=False):
        r = sm.submit(actor=district.actor("housing_staff"), obj=r)
    assert r.state == MonthlyState.SUBMITTED and not r.late
    assert deadlines.deadlines_of(r)[0].state == Deadline.State.MET
    # the next morning: late, the deadline closed as missed and raised once
    with time_machine.travel(_at(dt.date(2026, 9, 21), 8, 30), tick=False):
        t = sm.submit(actor=district.actor("transport_staff"), obj=t)
        events.dispatch_pending(limit=1000)
    assert t.late and deadlines.deadlines_of(t)[0].state == Deadline.State.MISSED
    assert _alerts(t) == 1 and _alerts(r) == 0


# --- the draft -----------------------------------------------------------------------------------


def test_r_rep_02_the_draft_holds_the_departments_numbers_of_the_month(district):
    f.known(district)
    case = f.case(district)  # a typical case on the school's (housing) project
    r = fm.drafted(district, "housing")
    figs = r.figures
    # one alert on the school's project (housing), none on the hospital's (transport)
    assert dict(figs["in-process"])["共"] == 1
    # the inspection of the school: one finding, ordered to rectify
    assert dict(figs["post-award"])["共发现问题"] == 1
    assert dict(figs["verified"])["核查项目"] == 1
    assert [c[0] for c in figs["cases"]] == [case.number]
    assert "事中监管预警：共1" in r.work and "核查项目1" in r.work
    assert "共发现问题1" in r.problems
    assert case.number in r.cases and f.MEASURES in r.cases
    # transport's own numbers: its hospital alert, no inspection, no case
    t = fm.drafted(district, "transport")
    assert dict(t.figures["in-process"])["共"] == 1
    assert dict(t.figures["verified"])["核查项目"] == 0
    assert t.figures["cases"] == [] and "本月无新列入督办的典型案例" in t.cases
    # the numbers are those of the department's own ledgers
    from .. import ledgers

    y, m = fm.this_month()
    housing = district.actor("housing_staff")
    for kind in ("in-process", "post-award", "complaints", "verified"):
        lg = ledgers.get(kind)
        want = [[a, b] for a, b in lg.summary(lg.rows(housing, sm.period(y, m)))]
        assert figs[kind] == want, kind


def test_r_rep_02_edit_only_by_the_unit_and_only_before_submission(district):
    r = fm.drafted(district)
    r = sm.edit(actor=district.actor("housing_staff"), report=r, experience="推行电子化监管")
    assert r.experience == "推行电子化监管"
    assert AuditRecord.objects.filter(action="reports.monthly_edited", object_id=str(r.pk)).exists()
    before = MonthlyReport.objects.get(pk=r.pk).plan
    with pytest.raises(Forbidden):
        sm.edit(actor=district.actor("transport_staff"), report=r, plan="x" * 10)
    assert MonthlyReport.objects.get(pk=r.pk).plan == before
    r = sm.submit(actor=district.actor("housing_staff"), obj=r)
    with pytest.raises(ValidationFailed):
        sm.edit(actor=district.actor("housing_staff"), report=r, plan="下月继续检查")


# --- the summary ---------------------------------------------------------------------------------


def test_r_rep_02_the_summary_is_assembled_from_two_departments_reports(district):
    h = fm.drafted(district, "housing")
    sm.edit(actor=district.actor("housing_staff"), report=h, experience="住建经验：联合检查")
    sm.submit(actor=district.actor("housing_staff"), obj=MonthlyReport.objects.get(pk=h.pk))
    t = fm.drafted(district, "transport")
    sm.edit(actor=district.actor("transport_staff"), report=t, experience="交通经验：驻场监督")
    s = fm.summary_of(district)
    s = sm.draft(actor=district.actor("office_staff"), report=s)
    # transport has not submitted yet: named as missing, its text not taken
    assert "应报送单位2个，已报送1个（未报送：测试区交通局）" in s.work
    assert "【测试区住建局】住建经验：联合检查" in s.experience
    assert "交通经验" not in s.experience
    sm.submit(actor=district.actor("transport_staff"), obj=MonthlyReport.objects.get(pk=t.pk))
    s = sm.draft(actor=district.actor("office_staff"), report=s)
    assert "应报送单位2个，已报送2个。" in s.work
    assert s.experience.index("【测试区住建局】") < s.experience.index("【测试区交通局】")
    assert "驻场监督" in s.experience and s.figures["submitted"] == 2
    # then edited by the coordinating body and submitted to the city
    s = sm.edit(actor=district.actor("office_staff"), report=s, plan="下月开展交叉检查")
    s = sm.submit(actor=district.actor("office_staff"), obj=s)
    assert s.state == MonthlyState.SUBMITTED
    assert s.delivered_to == "市发展和改革委员会、区纪委监委"


def test_r_rep_02_the_coordinating_body_returns_a_report_and_it_is_submitted_again(district):
    r = fm.submitted(district)
    r = sm.return_report(
        actor=district.actor("office_staff"), obj=r, note="请补充典型案例的整改情况"
    )
    assert r.state == MonthlyState.RETURNED
    r = sm.edit(actor=district.actor("housing_staff"), report=r, cases="补充：已整改到位")
    r = sm.submit(actor=district.actor("housing_staff"), obj=r)
    assert r.state == MonthlyState.SUBMITTED
    with pytest.raises(Forbidden):
        sm.return_report(actor=district.actor("transport_staff"), obj=r, note="请补充相关材料")


# --- the documents and the delivery --------------------------------------------------------------


def test_r_rep_02_word_and_pdf_are_issued_and_delivered_on_submission(
    district, django_capture_on_commit_callbacks
):
    import pypdfium2 as pdfium
    from docx import Document

    f.known(district)
    delivery.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = fm.submitted(district)
    doc = r.document
    assert doc is not None and doc.kind == "reports.monthly_report"
    with doc.pdf.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(data)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    pdf.close()
    flat = text.replace("\r", "").replace("\n", "")
    assert "招投标系统治理工作情况报告" in flat and doc.number in flat
    assert "核查项目情况表" in flat and "信访举报办理情况表" in flat
    with doc.docx.open("rb") as fh:
        word = "\n".join(p.text for p in Document(io.BytesIO(fh.read())).paragraphs)
    assert r.title in word and "工作开展情况及主要做法" in word and "核查项目情况表" in word
    # delivered (after the commit) to the coordinating body through the adapter
    r.refresh_from_db()
    assert r.delivered_to == "测试区监管办"
    assert [p["number"] for p in delivery.outbox] == [doc.number]
    assert r.delivered_at is not None


# --- pages and API -------------------------------------------------------------------------------


def test_r_rep_02_pages_list_detail_edit_and_submit(district):
    r = fm.drafted(district)
    fm.drafted(district, "transport")
    c = district.client("housing_staff")
    html = c.get(reverse("reports_monthly")).content.decode()
    assert "测试区住建局" in html and "测试区交通局" not in html
    html = district.client("office_staff").get(reverse("reports_monthly")).content.decode()
    assert "测试区住建局" in html and "测试区交通局" in html and "应报送 <b>3</b>" in html
    page = c.get(reverse("reports_monthly_detail", args=[r.pk]))
    assert page.status_code == 200 and "工作开展情况及主要做法" in page.content.decode()
    data = {"work": "本月开展检查3次", "problems": "", "cases": "", "experience": "", "plan": ""}
    resp = c.post(reverse("reports_monthly_detail", args=[r.pk]), {**data, "action": "save"})
    assert resp.status_code == 302
    assert MonthlyReport.objects.get(pk=r.pk).work == "本月开展检查3次"
    resp = c.post(reverse("reports_monthly_step", args=[r.pk, "submit"]))
    assert resp.status_code == 302
    assert MonthlyReport.objects.get(pk=r.pk).state == MonthlyState.SUBMITTED
    assert (
        district.client("transport_staff")
        .get(reverse("reports_monthly_detail", args=[r.pk]))
        .status_code
        == 404
    )
    export = district.client("office_staff").get(reverse("reports_monthly"), {"export": "xlsx"})
    assert export.status_code == 200


def test_r_rep_02_api_create_with_idempotency_key_patch_steps_and_scope(district):
    y, m = fm.this_month()
    api = district.client("housing_staff")
    body = json.dumps({"year": y, "month": m})
    kw = {"content_type": JSON, "headers": {"Idempotency-Key": "m-1"}}
    r1 = api.post("/api/v1/reports/monthly", body, **kw)
    r2 = api.post("/api/v1/reports/monthly", body, **kw)
    assert r1.status_code == 201 and r2.json()["id"] == r1.json()["id"]
    rid = r1.json()["id"]
    assert r1.json()["department"] == "测试区住建局" and r1.json()["work"]
    p = api.patch(f"/api/v1/reports/monthly/{rid}", json.dumps({"plan": "下月继续检查"}), JSON)
    assert p.status_code == 200 and p.json()["plan"] == "下月继续检查"
    assert "submit" in api.get(f"/api/v1/reports/monthly/{rid}").json()["actions"]
    listed = api.get("/api/v1/reports/monthly").json()
    assert {x["department"] for x in listed["items"]} == {"测试区住建局"}
    other = district.client("transport_staff")
    assert other.get(f"/api/v1/reports/monthly/{rid}").status_code == 404
    assert other.patch(f"/api/v1/reports/monthly/{rid}", '{"plan": "x"}', JSON).status_code == 404
    office = district.client("office_staff").get("/api/v1/reports/monthly").json()
    assert len(office["items"]) == 3
    s = api.post(f"/api/v1/reports/monthly/{rid}/steps/submit", "{}", JSON)
    assert s.status_code == 200 and s.json()["state"] == "submitted"
