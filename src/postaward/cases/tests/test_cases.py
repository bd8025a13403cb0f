"""Cases (案件查处): intake and numbering (R-CAS-01), the team and the
15-working-day clock with an extension (R-CAS-02), the chain of documents
(R-CAS-03), the credit entry within 1 working day (R-CAS-04), the
publication within 10 working days (R-CAS-05), and scope. Real dates of the
2026 State Council notice (National Day 10-01..10-07, make-up 09-20, 10-10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction

from postaward.core import clock, deadlines, documents, events
from postaward.core.errors import ValidationFailed
from postaward.core.models import Deadline, EventRecord

from .. import services
from ..choices import DocumentKind, Source, State
from ..deadline_kinds import CREDIT_ENTRY, INVESTIGATION
from ..documents import abbreviation
from ..models import Case, CaseDocument
from . import factories as f

pytestmark = pytest.mark.django_db


def travel(day: dt.date, hour: int = 10) -> Any:
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LOCAL_TZ), tick=False
    )


def _deadline(c: Case, kind: str) -> Deadline:
    return next(d for d in deadlines.deadlines_of(c) if d.kind == kind)


def _event(name: str) -> dict[str, Any]:
    row = EventRecord.objects.filter(name=name).order_by("-pk").first()
    assert row is not None, name
    return row.payload  # type: ignore[no-any-return]


# --- R-CAS-01: intake, source, numbering ---------------------------------------------------------


def test_r_cas_01_numbers_are_gapless_per_office_and_year(district):
    with travel(dt.date(2026, 3, 10)):
        a = f.registered(district)
        b = f.registered(district, source=Source.MANUAL, source_ref="")
    assert (a.number, b.number) == ("AJ-2026-0001", "AJ-2026-0002")
    assert a.source_ref == "上级交办〔2026〕3号" and a.get_source_display() == "上级交办"


def test_r_cas_01_a_requested_case_opens_once_with_its_source_linked_back(district):
    """``complaints.case_requested`` (subscribed by name) opens one case, even
    when the outbox delivers the event twice."""
    from postaward.cases.services import open_from_event

    f.staff(district)

    class Evt:
        name = "complaints.case_requested"
        source_id = 7
        source_ref = "TS20260310-0001"
        source_text = "投诉 TS20260310-0001"
        source_url = "/complaints/7/"
        office_id = district.orgs["office"].pk
        project_id = district.projects["p_school"].pk
        department_id = None
        title = "项目经理长期不在岗"
        facts = "项目经理长期不在岗"
        subject_text = "甲建设有限公司"
        subject_org_id = district.orgs["contractor_a"].pk

    one = open_from_event(Evt, Source.COMPLAINT)
    two = open_from_event(Evt, Source.COMPLAINT)
    assert one is not None and two is not None and one.pk == two.pk
    assert one.source == Source.COMPLAINT and one.source_url == "/complaints/7/"
    # the competent department is the project's industry authority
    assert one.department_id == district.orgs["housing"].pk


def test_r_cas_01_a_department_that_is_not_competent_is_refused(district):
    f.staff(district)
    with pytest.raises(ValidationFailed, match="主管部门"):
        f.registered(district, department_id=district.orgs["contractor_b"].pk)
    assert not Case.objects.exists()


# --- R-CAS-02: the team and the 15-working-day clock ------------------------------------------------


def test_r_cas_02_fifteen_working_days_from_0924_over_national_day_then_extended(district):
    """Team assigned Thursday 2026-09-24: 15 working days skip 10-01..10-07 and
    the Mid-Autumn Festival 09-25..09-27, and count Saturday 10-10 (make-up):
    due 10-22 24:00. The office head approves an extension of 5 working days:
    due 10-29, counted once, with its notice."""
    with travel(dt.date(2026, 9, 24)):
        c = f.at(district, State.INVESTIGATING)
    assert c.investigation_due == dt.date(2026, 10, 22)
    assert deadlines.last_day(_deadline(c, INVESTIGATION.kind)) == dt.date(2026, 10, 22)
    with travel(dt.date(2026, 10, 9)):
        services.request_extension(
            actor=district.actor("housing_staff"), obj=c, days=5, reason="需调取监控资料"
        )
        c = services.approve_extension(
            actor=district.actor("office_head"), obj=Case.objects.get(pk=c.pk)
        )
    assert c.investigation_due == dt.date(2026, 10, 29)
    assert deadlines.last_day(_deadline(c, INVESTIGATION.kind)) == dt.date(2026, 10, 29)
    assert c.extension_count == 1
    doc = CaseDocument.objects.get(case=c, kind=DocumentKind.EXTENSION)
    assert doc.number == f"{abbreviation(c.office)}延〔2026〕1号"


def test_r_cas_02_a_missed_investigation_deadline_becomes_an_alert(district):
    from postaward.alerts.models import Alert

    with travel(dt.date(2026, 9, 24)):
        c = f.at(district, State.INVESTIGATING)
    with travel(dt.date(2026, 10, 22), 23):
        deadlines.sweep()
        events.dispatch_pending(limit=10_000)
    assert _deadline(c, INVESTIGATION.kind).state == Deadline.State.OPEN
    with travel(dt.date(2026, 10, 23), 9):
        deadlines.sweep()
        events.dispatch_pending(limit=10_000)
    assert _deadline(c, INVESTIGATION.kind).state == Deadline.State.MISSED
    assert Alert.objects.filter(indicator__code=f"deadline.{INVESTIGATION.kind}").exists()


def test_r_cas_02_only_certified_enforcement_staff_join_the_team(district):
    from postaward.cases.models import EnforcementCertificate

    c = f.registered(district)
    cert = EnforcementCertificate.objects.get(pk=f.cert(district, "transport_staff"))
    cert.valid_until = dt.date(2020, 1, 1)
    cert.save()
    with pytest.raises(ValidationFailed, match="执法证已过期"):
        services.assign_team(actor=district.actor("office_head"), obj=c, leader_id=cert.pk)
    c.refresh_from_db()
    assert c.state == State.REGISTERED and not c.members.exists()


def test_r_cas_02_team_members_see_their_case_other_departments_do_not(district):
    c = f.at(district, State.INVESTIGATING)
    # the transport staff is neither on the team nor in the competent department
    assert not Case.objects.visible_to(district.actor("transport_staff")).filter(pk=c.pk)
    assert Case.objects.visible_to(district.actor("housing_staff")).filter(pk=c.pk).exists()


# --- R-CAS-03: the chain and its documents -----------------------------------------------------------


def test_r_cas_03_the_whole_chain_issues_numbered_pdfs(district):
    with travel(dt.date(2026, 3, 10)):
        c = f.at(district, State.CLOSED)
    kinds = list(CaseDocument.objects.filter(case=c).values_list("kind", "number"))
    assert [k for k, _ in kinds] == [
        DocumentKind.REPORT,
        DocumentKind.MINUTES,
        DocumentKind.FILING,
        DocumentKind.FINAL_REPORT,
        DocumentKind.PENALTY_APPROVAL,
        DocumentKind.NOTICE,
        DocumentKind.DECISION,
        DocumentKind.DELIVERY,
        DocumentKind.FEEDBACK,
    ]
    assert dict(kinds)[DocumentKind.DECISION] == f"{abbreviation(c.department)}罚〔2026〕1号"
    for d in CaseDocument.objects.filter(case=c).select_related("issued"):
        # R-CAS-06: each is an issued document of the platform's document
        # service, its PDF's hash in the audit chain
        with d.issued.pdf.open("rb") as fh:
            assert fh.read(5) == b"%PDF-"
        assert d.issued.number == d.number and documents.verify(d.issued).ok
    assert c.decision_number == f"{abbreviation(c.department)}罚〔2026〕1号"
    # a unit without a registered short name numbers under its name
    assert c.decision_number == "测试区住建局罚〔2026〕1号"


def test_r_cas_06_the_number_carries_the_issuing_units_abbreviation(district):
    """文号 = the issuing unit's abbreviation (its short name) + the kind's word
    + 〔year〕 + the sequence of that unit, kind and year (清监办罚〔2026〕7号)."""
    from postaward.orgs.models import Organisation

    Organisation.objects.filter(pk=district.orgs["housing"].pk).update(short_name="清住建")
    Organisation.objects.filter(pk=district.orgs["office"].pk).update(short_name="清监办")
    with travel(dt.date(2026, 3, 10)):
        c = f.at(district, State.DECIDED)
    numbers = dict(CaseDocument.objects.filter(case=c).values_list("kind", "number"))
    assert numbers[DocumentKind.REPORT] == "清监办调〔2026〕1号"
    assert numbers[DocumentKind.FILING] == "清住建立〔2026〕1号"
    assert numbers[DocumentKind.DECISION] == c.decision_number == "清住建罚〔2026〕1号"


def test_r_cas_03_hearing_period_of_five_days_and_defence_of_three_working_days(district):
    """Notice on Friday 2026-03-13: a defence until Wednesday 03-18 (3 working
    days), a hearing request until Wednesday 03-18 (5 days, 行政处罚法 art. 64);
    no decision before the period ends unless the party waived it."""
    from postaward.core.errors import Conflict

    with travel(dt.date(2026, 3, 13)):
        c = f.at(district, State.NOTIFIED)
        assert (c.defence_until, c.hearing_until) == (dt.date(2026, 3, 18), dt.date(2026, 3, 18))
        with pytest.raises(Conflict, match="听证申请期限至2026-03-18"):
            services.decide(actor=district.actor("housing_head"), obj=c)
    with travel(dt.date(2026, 3, 19)):
        c = services.decide(actor=district.actor("housing_head"), obj=Case.objects.get(pk=c.pk))
    assert c.state == State.DECIDED and c.decided_on == dt.date(2026, 3, 19)


def test_r_cas_03_an_absence_from_the_review_meeting_needs_the_directors_approval(district):
    c = f.at(district, State.DELIBERATED)
    with pytest.raises(ValidationFailed, match="批准缺席"):
        services.hold_meeting(
            actor=district.actor("office_head"),
            obj=c,
            held_on=clock.today(),
            agenda="审议",
            attendees="监管办",
            absences="交通局张三",
            minutes="同意立案",
        )
    assert Case.objects.get(pk=c.pk).state == State.DELIBERATED


# --- R-CAS-04: the credit entry within 1 working day --------------------------------------------------


def test_r_cas_04_decision_on_friday_credit_entry_due_monday_2400(district):
    with travel(dt.date(2026, 3, 13)):  # a Friday
        c = f.at(district, State.DECIDED)
    d = _deadline(c, CREDIT_ENTRY.kind)
    assert deadlines.last_day(d) == dt.date(2026, 3, 16)
    assert clock.localtime(d.due_at) == dt.datetime(2026, 3, 17, 0, 0, tzinfo=clock.LOCAL_TZ)
    with travel(dt.date(2026, 3, 16), 17), transaction.atomic():
        c = f._take(
            district,
            c,
            "housing_staff",
            "deliver",
            method="post",
            delivered_on=dt.date(2026, 3, 16),
            proof=f.proof(),
        )
        c = f._take(district, c, "office_staff", "credit_entry")
    assert _deadline(c, CREDIT_ENTRY.kind).state == Deadline.State.MET
    evt = _event("cases.penalty_decided")
    assert evt == {
        "case_id": c.pk,
        "case_number": c.number,
        "office_id": district.orgs["office"].pk,
        "department_id": district.orgs["housing"].pk,
        "subject_org_id": district.orgs["contractor_a"].pk,
        "subject_person_id": None,
        "subject_name": "甲建设有限公司",
        "project_id": district.projects["p_school"].pk,
        "measure": "罚款5万元；责令改正",
        "fine_yuan": "50000",
        "points": 6,
        "basis": "《建设工程质量管理条例》第六十条",
        "decision_number": f"{abbreviation(c.department)}罚〔2026〕1号",
        "decided_on": "2026-03-13",
        "entered_on": "2026-03-16",
    }


# --- R-CAS-05: publication within 10 working days of the sign-off --------------------------------------


def test_r_cas_05_sign_off_on_0924_publication_due_1015(district):
    """Signed off Thursday 2026-09-24: 10 working days over the Mid-Autumn
    Festival, National Day and the make-up Saturday 10-10 end on 10-15 24:00."""
    from postaward.core import events
    from postaward.portal.models import Publication

    with travel(dt.date(2026, 9, 24)):
        c = f.at(district, State.SIGNED_OFF)
        events.dispatch_pending()
    # one clock: the portal's, opened when it takes up the signed-off result
    assert not [d for d in deadlines.deadlines_of(c) if "publication" in d.kind]
    pub = Publication.objects.get(case_id=c.pk)
    due = next(d for d in deadlines.deadlines_of(pub) if d.kind == "portal.publication")
    assert deadlines.last_day(due) == dt.date(2026, 10, 15)
    evt = _event("cases.publication_signed_off")
    assert evt["kind"] == "penalty" and evt["case_number"] == c.number
    assert evt["title"] == "关于甲建设有限公司行政处罚决定的公示"
    assert evt["signed_off_at"].startswith("2026-09-24T02:00:00")
    assert f"{abbreviation(c.department)}罚〔2026〕1号" in evt["text"]


# --- scope ---------------------------------------------------------------------------------------


def test_r_cas_03_scope_a_party_never_sees_another_partys_case(district):
    """Anonymous 401, a party sees no case (only documents delivered to it),
    another party nothing; the office and the competent department see it."""
    with travel(dt.date(2026, 3, 10)):
        c = f.at(district, State.DELIVERED)
    url = f"/api/v1/cases/{c.pk}"
    assert district.client(None).get(url).status_code == 401
    assert district.client("contractor_a_admin").get(url).status_code == 404
    assert district.client("contractor_b_admin").get(url).status_code == 404
    assert district.client("office_admin").get(url).status_code == 200
    assert district.client("housing_admin").get(url).status_code == 200
    assert district.client("transport_staff").get(url).status_code == 404
    mine = district.client("contractor_a_admin").get("/api/v1/cases/delivered-documents").json()
    assert sorted(d["kind"] for d in mine) == ["decision", "notice"]
    other = district.client("contractor_b_admin").get("/api/v1/cases/delivered-documents").json()
    assert other == []
    report = CaseDocument.objects.get(case=c, kind=DocumentKind.REPORT)
    decision = CaseDocument.objects.get(case=c, kind=DocumentKind.DECISION)
    assert (
        district.client("contractor_a_admin").get(f"/cases/documents/{report.pk}/").status_code
        == 404
    )
    assert (
        district.client("contractor_a_admin").get(f"/cases/documents/{decision.pk}/").status_code
        == 200
    )
    assert (
        district.client("contractor_b_admin").get(f"/cases/documents/{decision.pk}/").status_code
        == 404
    )
    assert district.client("contractor_a_admin").get("/api/v1/cases").json() == []
    page = district.client("contractor_a_admin").get("/cases/delivered/").content.decode()
    assert decision.number in page and report.number not in page
    other_page = district.client("contractor_b_admin").get("/cases/delivered/").content.decode()
    assert decision.number not in other_page
    assert district.client("office_staff").get("/cases/delivered/").status_code == 403


def test_case_pages_list_and_detail(district):
    c = f.at(district, State.INVESTIGATING)
    page = district.client("office_staff").get("/cases/")
    assert page.status_code == 200 and c.number in page.content.decode()
    detail = district.client("office_head").get(f"/cases/{c.pk}/").content.decode()
    assert 'data-testid="request_extension-form"' in detail or "申请延期" in detail
    assert "至 " in detail and c.number in detail
    assert district.client("transport_staff").get(f"/cases/{c.pk}/").status_code == 404
    assert district.client("office_staff").get("/cases/?overdue=1").status_code == 200


def test_r_alr_06_a_case_transferred_to_discipline_becomes_a_clue_transfer(district):
    """The transfer reuses the clue transfer (alerts, by the event's name),
    with the case number and a link to the case file; the case ends."""
    from postaward.alerts.models import ClueTransfer

    c = f.at(district, State.INVESTIGATING)
    services.refer(
        actor=district.actor("office_head"),
        obj=c,
        target="discipline",
        recipient_org_id=district.orgs["discipline"].pk,
        document_number="监办移〔2026〕1号",
        note="涉及公职人员违规",
    )
    events.dispatch_pending(limit=10_000)
    events.dispatch_pending(limit=10_000)
    t = ClueTransfer.objects.get(source="case")
    assert t.source_ref == c.number and f"/cases/{c.pk}/" in t.facts
    assert t.recipient_org_id == district.orgs["discipline"].pk
    c.refresh_from_db()
    assert (c.state, c.outcome) == (State.CLOSED, "discipline")
    assert ClueTransfer.objects.filter(source="case").count() == 1


def test_r_cas_01_an_accepted_complaint_opens_a_case_without_the_complainant(district):
    """The complaints step ``open_case`` publishes ``complaints.case_requested``;
    the case opens with the receipt number and a link back; the complainant's
    name, ID number and mobile reach neither the event nor the case."""
    from postaward.complaints import services as complaints
    from postaward.complaints.tests import factories as cf

    f.staff(district)
    complaint = cf.accepted(district)
    complaints.request_case(
        actor=district.actor("office_staff"), complaint=complaint, title="项目经理长期不在岗"
    )
    events.dispatch_pending(limit=10_000)
    c = Case.objects.get()
    assert (c.source, c.source_ref) == (Source.COMPLAINT, complaint.receipt_number)
    assert c.source_url == f"/complaints/{complaint.pk}/"
    assert c.department_id == district.orgs["housing"].pk
    payload = str(_event("complaints.case_requested")) + str(vars(c))
    for secret in (cf.NAME, cf.MOBILE):
        assert secret not in payload
    # asked once: the step is refused the second time
    from postaward.core.errors import Conflict

    with pytest.raises(Conflict, match="已申请立案调查"):
        complaints.request_case(
            actor=district.actor("office_staff"),
            complaint=type(complaint).objects.get(pk=complaint.pk),
            title="再次申请",
        )


def test_statistics_by_source_stage_outcome_and_days_per_stage(district):
    from postaward.cases import stats

    with travel(dt.date(2026, 3, 10)):
        c = f.at(district, State.INVESTIGATING)
    with travel(dt.date(2026, 3, 13)):
        f._take(district, c, "housing_staff", "submit_report", report="属实", proposal="立案")
    s = stats.case_stats(district.actor("office_staff"))
    assert s["total"] == 1
    assert {r["key"]: r["count"] for r in s["by_source"]}["assigned"] == 1
    investigating = next(r for r in s["stages"] if r["key"] == State.INVESTIGATING)
    assert investigating == {
        "key": "investigating",
        "label": "调查中",
        "cases": 1,
        "average_days": 3.0,
    }
    assert district.client("office_staff").get("/cases/statistics/").status_code == 200
    assert district.client("contractor_a_admin").get("/cases/statistics/").status_code == 403
    assert stats.case_stats(district.actor("transport_staff"))["total"] == 0


def _new_case(d: Any) -> dict[str, Any]:
    return {
        "source": "assigned",
        "source_ref": "市监管办交办〔2026〕5号",
        "department_id": d.orgs["housing"].pk,
        "project_id": d.projects["p_school"].pk,
        "title": "擅自变更施工方案",
        "party_name": "甲建设有限公司",
        "party_org_id": d.orgs["contractor_a"].pk,
        "facts": "未经批准擅自变更施工方案",
    }


def test_r_cas_01_registration_by_hand_through_the_api_and_the_page(district):
    """POST /api/v1/cases: anonymous 401, wrong role 403, a bad department 422
    changing nothing, the office's staff 201 once per Idempotency-Key; the
    page form registers 上级交办 too."""
    import json

    f.staff(district)
    body = json.dumps(_new_case(district))
    post = lambda user, data=body, **h: district.client(user).post(  # noqa: E731
        "/api/v1/cases", data, content_type="application/json", **h
    )
    assert post(None).status_code == 401
    assert post("housing_staff").status_code == 403
    bad = post(
        "office_staff",
        json.dumps({**_new_case(district), "department_id": district.orgs["school"].pk}),
    )
    assert bad.status_code == 422 and not Case.objects.exists()
    one = post("office_staff", HTTP_IDEMPOTENCY_KEY="k-1")
    two = post("office_staff", HTTP_IDEMPOTENCY_KEY="k-1")
    assert one.status_code == 201 and one.json() == two.json()
    assert one.json()["number"] == f"AJ-{clock.today().year}-0001" and Case.objects.count() == 1
    page = district.client("office_staff").post(
        "/cases/new/", {**_new_case(district), "project_id": ""}
    )
    assert page.status_code == 302 and Case.objects.count() == 2
    assert district.client("housing_staff").get("/cases/new/").status_code == 403


def test_r_cas_04_a_light_handling_decision_is_entered_at_once(district):
    """约谈 of a first minor case: the handling decision and its points are
    published for the credit capability the same day (no fine)."""
    with travel(dt.date(2026, 3, 10)):
        c = f.at(district, State.REPORTED)
        services.end_light(
            actor=district.actor("office_head"), obj=c, measure="talk", note="约谈", points=1
        )
    evt = _event("cases.penalty_decided")
    assert (evt["measure"], evt["fine_yuan"], evt["points"]) == ("约谈", "0", 1)
    assert evt["decision_number"] == f"{c.number}处理决定"
    assert evt["decided_on"] == evt["entered_on"] == "2026-03-10"
