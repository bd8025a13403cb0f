"""R-REP-03 (HC 四(三)): the monthly data meeting. The platform's indicators
of a month for the office's district, each beside the month before (环比) and
the same month a year earlier (同比), by industry and by unit; the pack's
Word and PDF (with the charts) through the document service; the meeting's
decisions, each a to-do for a named unit with a due date."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from postaward.core import clock
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.models import AuditRecord, IssuedDocument, Todo

from .. import meeting_charts, meeting_data
from .. import services_meeting as sv
from ..choices import MeetingState
from ..models import MeetingDecision, MeetingPack
from ..services_monthly import reader_for
from . import factories_meeting as fm

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=clock.LOCAL_TZ)


def _alert(district, n: int, project: str, severity: int, at: dt.datetime, *, closed=None):
    from postaward.alerts.models import Alert, Indicator

    p = district.projects[project]
    return Alert.objects.create(
        indicator=Indicator.objects.order_by("pk").first(),
        dedup_key=f"meeting-test:{n}",
        title="测试预警",
        explanation="测试",
        severity=severity,
        project=p,
        origin_level="industry_authority",
        level="industry_authority",
        handling_org=p.industry_authority,
        review_org=district.orgs["office"],
        first_hit_at=at,
        last_hit_at=at,
        created_at=at,
        closed_at=closed,
        state="closed" if closed else "pending",
    )


def _attendance(district, month: dt.date, rates: list[str]) -> None:
    from postaward.attendance.models import MonthlyAttendance
    from postaward.projects.models import KeyPersonAssignment

    people = list(
        KeyPersonAssignment.objects.filter(project=district.projects["p_school"]).order_by("pk")
    )
    for a, rate in zip(people, rates, strict=True):
        MonthlyAttendance.objects.create(
            assignment=a,
            person_id=a.person_id,
            project_id=a.project_id,
            organisation_id=district.orgs["contractor_a"].pk,
            month=month,
            valid_days=10,
            construction_days=10,
            rate=Decimal(rate),
            below_threshold=Decimal(rate) < Decimal("0.8"),
        )


@pytest.fixture
def known(district):
    """May 2026 against April 2026 and May 2025 (a small known dataset)."""
    # alerts: May 2026 housing red, red, transport yellow; April housing red,
    # transport blue; May 2025 housing orange
    _alert(district, 1, "p_school", 4, _at(2026, 5, 2))
    _alert(district, 2, "p_school", 4, _at(2026, 5, 28))
    _alert(district, 3, "p_hospital", 2, _at(2026, 5, 15), closed=_at(2026, 5, 20))
    _alert(district, 4, "p_school", 4, _at(2026, 4, 10))
    _alert(district, 5, "p_hospital", 1, _at(2026, 4, 30, 23), closed=_at(2026, 5, 3))
    _alert(district, 6, "p_school", 3, _at(2025, 5, 31, 23))
    _alert(district, 7, "p_school", 4, _at(2026, 6, 1, 0))  # June: in no bucket
    # attendance: the school's two key people, May 90% and 70%, April 60% and 80%
    _attendance(district, dt.date(2026, 5, 1), ["0.9000", "0.7000"])
    _attendance(district, dt.date(2026, 4, 1), ["0.6000", "0.8000"])
    return meeting_data.compute(reader_for(district.orgs["office"]), 2026, 5)


# --- the numbers ---------------------------------------------------------------------------------


def test_r_rep_03_new_alerts_month_on_month_and_year_on_year(known):
    t = known.get("alerts_new").total
    assert (t.value, t.prev, t.last_year) == (3, 2, 1)
    assert t.mom == 50.0  # (3 - 2) / 2
    assert t.yoy == 200.0  # (3 - 1) / 1
    red = known.get("alerts_red").total
    assert (red.value, red.prev, red.last_year, red.mom, red.yoy) == (2, 1, 0, 100.0, None)
    assert known.get("alerts_blue").total.prev == 1
    assert known.get("alerts_orange").total.last_year == 1


def test_r_rep_03_alerts_by_industry_and_by_unit(known):
    ind = dict(known.get("alerts_new").by_industry)
    assert (ind["房建市政"].value, ind["房建市政"].prev, ind["房建市政"].last_year) == (2, 1, 1)
    assert (ind["交通"].value, ind["交通"].prev, ind["交通"].last_year) == (1, 1, 0)
    assert ind["交通"].yoy is None  # nothing a year earlier: no ratio, not infinity
    units = dict(known.get("alerts_new").by_unit)
    assert units["测试区住建局"].value == 2 and units["测试区交通局"].value == 1


def test_r_rep_03_attendance_rate_is_the_mean_of_the_month_not_of_the_means(known):
    rate = known.get("attendance_rate").total
    assert (rate.value, rate.prev, rate.last_year) == (80.0, 70.0, 0.0)
    assert rate.mom == 14.3  # (80 - 70) / 70, one decimal
    assert rate.yoy is None
    below = known.get("attendance_below").total
    assert (below.value, below.prev) == (1, 1)
    assert dict(known.get("attendance_rate").by_industry)["房建市政"].value == 80.0


def test_r_rep_03_open_alerts_by_age_at_the_months_end(known):
    ages = dict(known.alert_ages)
    # at 2026-06-01 00:00: #2 (4 days), #1 (30 days), #4 (52 days), #6 (366 days) open
    assert ages["7日以内"].value == 1
    assert ages["8至30日"].value == 1
    assert ages["31至90日"].value == 1
    assert ages["90日以上"].value == 1
    # at 2026-05-01 00:00: #4 (21 days) and #5 (created 04-30 23:00, closed 05-03) and #6
    assert ages["7日以内"].prev == 1 and ages["8至30日"].prev == 1
    assert ages["90日以上"].prev == 1


def test_r_rep_03_a_small_number_of_queries(district, django_assert_max_num_queries):
    reader = reader_for(district.orgs["office"])
    with django_assert_max_num_queries(12):
        data = meeting_data.compute(reader, 2026, 5)
    assert data.queries == 10


def test_r_rep_03_another_district_is_not_counted(district, known):
    fm.other_district(district)
    other = meeting_data.compute(reader_for(district.orgs["other_office"]), 2026, 5)
    assert other.get("alerts_new").total.value == 0


# --- the pack, its document and its charts ------------------------------------------------------


def test_r_rep_03_charts_render_on_the_server(known):
    opts = meeting_charts.options(known)
    assert [c["title"][:3] for c in opts] == ["图1：", "图2：", "图3：", "图4："]
    svgs = meeting_charts.render_svgs(opts)
    assert len(svgs) == 4 and all(s.startswith("<svg") for s in svgs)
    assert "新增预警" in svgs[1] and "本月" in svgs[1]
    png = meeting_charts.to_png(svgs[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_r_rep_03_the_pdf_holds_the_charts_and_the_word_file_their_pictures(district):
    from docx import Document

    p = fm.generated(district)
    doc = p.document
    assert doc.state == IssuedDocument.State.DONE and doc.kind == "reports.meeting_pack"
    pdf = doc.pdf.read()
    assert pdf[:5] == b"%PDF-"
    import pypdfium2 as pdfium

    pages = pdfium.PdfDocument(pdf)
    texts = [pages[i].get_textpage().get_text_range() for i in range(len(pages))]
    page = next(i for i, t in enumerate(texts) if "图2：新增预警（分等级）" in t)
    # the chart is drawn, its own legend text in the PDF (SVG text, not an image)
    assert "去年同月" in texts[page]
    objs = list(pages[page].get_objects())
    assert sum(1 for o in objs if o.type == 2) > 20  # paths: axes, bars, legend marks
    word = Document(io.BytesIO(doc.docx.read()))
    assert len(word.inline_shapes) == 4
    paras = [x.text for x in word.paragraphs]
    cap = paras.index("图1：关键岗位人员月考勤率（分行业）")
    assert word.paragraphs[cap + 1]._p.xpath(".//pic:pic")  # the picture follows its caption


def test_r_rep_03_generate_is_idempotent_and_regenerates_until_decided(district):
    a = district.actor("office_staff")
    y, m = fm.last_month()
    first = sv.generate(actor=a, year=y, month=m, idempotency_key="k1")
    again = sv.generate(actor=a, year=y, month=m, idempotency_key="k1")
    assert again.pk == first.pk and again.document_id == first.document_id
    assert MeetingPack.objects.count() == 1
    fresh = sv.generate(actor=a, year=y, month=m)
    assert fresh.pk == first.pk and fresh.document.number == first.document.number
    assert fresh.document.version == 2  # a corrected version of the same document
    assert AuditRecord.objects.filter(action="reports.meeting_regenerated").count() == 1
    sv.decide(actor=a, obj=fresh, **fm.decision(district))
    with pytest.raises(ValidationFailed, match="已会商"):
        sv.generate(actor=a, year=y, month=m)


def test_r_rep_03_proposals_name_the_unit(district):
    from postaward.alerts.models import Alert
    from postaward.core.models import Deadline

    al = _alert(district, 9, "p_school", 4, clock.now() - dt.timedelta(days=10))
    dl = Deadline.objects.create(
        kind="alerts.disposal",
        subject_type="alerts.alert",
        subject_id=str(al.pk),
        started_at=clock.now() - dt.timedelta(days=10),
        length=3,
        due_at=clock.now() - dt.timedelta(days=7),
    )
    Alert.objects.filter(pk=al.pk).update(disposal_deadline=dl)
    p = fm.generated(district)
    red = [x for x in p.proposals if x["kind"] == "red_alerts"]
    assert red == [
        {
            "key": f"red_alerts:{district.orgs['housing'].pk}",
            "kind": "red_alerts",
            "unit_id": district.orgs["housing"].pk,
            "unit": "测试区住建局",
            "count": 1,
            "title": "测试区住建局：红色预警超期未处置1件，请限期处置并报告",
        }
    ]


# --- decisions ----------------------------------------------------------------------------------


def test_r_rep_03_a_decision_becomes_the_units_todo(district):
    p = fm.generated(district)
    data = fm.decision(district)
    p = sv.decide(actor=district.actor("office_staff"), obj=p, **data)
    assert p.state == MeetingState.HELD and p.held_on == clock.today()
    d = MeetingDecision.objects.get(pack=p)
    todo = Todo.objects.get(key=d.todo_key)
    assert todo.organisation_id == district.orgs["housing"].pk
    assert todo.state == Todo.State.OPEN and todo.kind == sv.TODO_KIND
    assert todo.due_at == clock.end_of_day(dt.date.fromisoformat(data["due_on"]))
    assert "超期红色预警" in todo.title
    assert AuditRecord.objects.filter(action="reports.meeting_decided").count() == 1
    p = sv.close(actor=district.actor("office_staff"), obj=p)
    assert p.state == MeetingState.CLOSED


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"text": "短"}, "text", "议定事项"),
        ({"unit_id": 0}, "unit_id", "责任单位"),
        ({"unit_id": "x"}, "unit_id", "责任单位"),
        ({"due_on": "2020-01-01"}, "due_on", "不能早于今天"),
        ({"due_on": "明天"}, "due_on", "有效日期"),
        ({"due_on": "9999-12-31"}, "due_on", "一年以后"),
        ({"proposal": "nope:1"}, "proposal", "建议事项"),
    ],
)
def test_r_rep_03_bad_decisions_are_refused_and_nothing_changes(district, change, field, message):
    p = fm.generated(district)
    before = (Todo.objects.count(), AuditRecord.objects.count())
    with pytest.raises(ValidationFailed, match=message) as exc:
        sv.decide(
            actor=district.actor("office_staff"), obj=p, **{**fm.decision(district), **change}
        )
    assert exc.value.field == field
    assert (Todo.objects.count(), AuditRecord.objects.count()) == before
    assert not MeetingDecision.objects.exists()
    assert MeetingPack.objects.get(pk=p.pk).state == MeetingState.GENERATED


def test_r_rep_03_a_unit_of_another_district_cannot_be_named(district):
    fm.other_district(district)
    p = fm.generated(district)
    with pytest.raises(ValidationFailed, match="本区"):
        sv.decide(
            actor=district.actor("office_staff"),
            obj=p,
            **{**fm.decision(district), "unit_id": district.orgs["other_office"].pk},
        )


@pytest.mark.parametrize("month", [0, 13, "x", None])
def test_r_rep_03_bad_months_are_refused(district, month):
    with pytest.raises(ValidationFailed, match="月份不正确"):
        sv.generate(actor=district.actor("office_staff"), year=2026, month=month)
    assert not MeetingPack.objects.exists()


def test_r_rep_03_a_future_month_is_refused(district):
    today = clock.today()
    with pytest.raises(ValidationFailed):
        sv.generate(actor=district.actor("office_staff"), year=today.year + 1, month=1)


def test_r_rep_03_only_office_staff_and_leaders_generate(district):
    y, m = fm.last_month()
    for user in ("office_admin", "housing_staff", "school_admin"):
        with pytest.raises(Forbidden):
            sv.generate(actor=district.actor(user), year=y, month=m)
    assert not MeetingPack.objects.exists()


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status"),
    [
        (None, 302),
        ("housing_staff", 403),
        ("school_admin", 403),
        ("other_office", 404),
        ("office_admin", 200),
        ("office_staff", 200),
    ],
)
def test_r_rep_03_pack_page_authorization(district, user, status):
    fm.other_district(district)
    p = fm.generated(district)
    r = district.client(user).get(reverse("reports_meeting_detail", args=[p.pk]))
    assert r.status_code == status
    if status == 200:
        html = r.content.decode()
        assert "智慧监管数据会商材料" in html and 'data-testid="meeting-chart"' in html
        assert "reports/meeting.js" in html and "R-REP-03" not in html
        raw = re.search(r'<script id="meeting-charts"[^>]*>(.*?)</script>', html, re.S)
        assert raw is not None
        charts = json.loads(raw.group(1))
        assert len(charts) == 4
        # the office's administrator reads; only staff and leaders act
        assert ('data-testid="meeting-regenerate"' in html) == (user == "office_staff")


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 302), ("housing_staff", 403), ("other_office", 200), ("office_staff", 200)],
)
def test_r_rep_03_list_page_authorization(district, user, status):
    fm.other_district(district)
    p = fm.generated(district)
    r = district.client(user).get(reverse("reports_meeting"))
    assert r.status_code == status
    if status == 200:
        listed = reverse("reports_meeting_detail", args=[p.pk]) in r.content.decode()
        assert listed == (user == "office_staff")


def test_r_rep_03_generate_from_the_page_and_bad_input(district):
    c = district.client("office_staff")
    y, m = fm.last_month()
    r = c.post(reverse("reports_meeting_new"), {"year": y, "month": 13})
    assert r.status_code == 302 and not MeetingPack.objects.exists()
    r = c.post(reverse("reports_meeting_new"), {"year": y, "month": m})
    p = MeetingPack.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("reports_meeting_detail", args=[p.pk])
    assert (
        district.client("housing_staff")
        .post(reverse("reports_meeting_new"), {"year": y, "month": m})
        .status_code
        == 403
    )


def test_r_rep_03_record_a_decision_on_the_page(district):
    p = fm.generated(district)
    c = district.client("office_staff")
    data = {f"decide-{k}": v for k, v in fm.decision(district).items()}
    r = c.post(reverse("reports_meeting_step", args=[p.pk, "decide"]), data)
    assert r.status_code == 302, r.content.decode()[:500]
    assert MeetingDecision.objects.filter(pack=p).count() == 1
    page = c.get(reverse("reports_meeting_detail", args=[p.pk])).content.decode()
    assert "督促住建局对超期红色预警限期处置" in page


# --- API ----------------------------------------------------------------------------------------


def test_r_rep_03_api_generate_with_idempotency_key_then_decide(district):
    c = district.client("office_staff")
    y, m = fm.last_month()
    body = json.dumps({"year": y, "month": m})
    r1 = c.post("/api/v1/reports/meetings", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="a1")
    r2 = c.post("/api/v1/reports/meetings", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="a1")
    assert r1.status_code == 201 and r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"] and MeetingPack.objects.count() == 1
    pid = r1.json()["id"]
    assert IssuedDocument.objects.filter(kind="reports.meeting_pack").count() == 1
    got = c.get(f"/api/v1/reports/meetings/{pid}").json()
    assert got["data"]["indicators"][0]["key"] == "attendance_rate"
    assert "decide" in got["actions"]
    bad = c.post(
        f"/api/v1/reports/meetings/{pid}/steps/decide",
        json.dumps({**fm.decision(district), "due_on": "2020-01-01"}),
        content_type=JSON,
    )
    assert bad.status_code == 422 and "不能早于今天" in bad.json()["message"]
    assert not MeetingDecision.objects.exists()
    ok = c.post(
        f"/api/v1/reports/meetings/{pid}/steps/decide",
        json.dumps(fm.decision(district)),
        content_type=JSON,
    )
    assert ok.status_code == 200, ok.content
    got = c.get(f"/api/v1/reports/meetings/{pid}").json()
    assert got["state"] == "held" and got["decisions"][0]["unit"] == "测试区住建局"
    listed = c.get("/api/v1/reports/meetings").json()
    assert [x["id"] for x in listed["items"]] == [pid]


def test_r_rep_03_the_page_words_the_numbers_as_the_document_does(district):
    """Counts as whole numbers with their unit, rates with one decimal, a change
    against an empty month as a dash (not "1.0件", not "None")."""
    import re

    p = fm.generated(district)
    html = district.client("office_staff").get(reverse("reports_meeting_detail", args=[p.pk]))
    text = re.sub(r"<[^>]+>", " ", html.content.decode())
    assert "0.0%" in text  # the attendance rate of an empty month
    assert "0件" in text and "本月末0件" in text
    assert not re.search(r"\d\.\d(件|人次|次|个|条)", text), "a count shown with decimals"
    assert "None" not in text
