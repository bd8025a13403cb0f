"""An inspection from scheduling to published results (R-INS-05, R-INS-06,
R-INS-08, R-CAS-05), the team rule (R-INS-09). Real dates of the 2026 State
Council notice (Mid-Autumn 09-25..09-27, National Day 10-01..10-07, make-up
working days 09-20 and 10-10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from postaward.cases.models import Case
from postaward.core import clock, deadlines, events
from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.models import Deadline, EventRecord

from .. import services_visits as svc
from ..deadline_kinds_visits import RECTIFICATION, RESULTS
from ..models.visits import (
    Disposition,
    Evidence,
    Inspection,
    InspectionState,
    OrderState,
    RectificationOrder,
)
from . import factories_visits as f

pytestmark = pytest.mark.django_db
S = InspectionState


def travel(day: dt.date, hour: int = 10) -> Any:
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LOCAL_TZ), tick=False
    )


def _clock(obj: Any, kind: str) -> Deadline:
    return next(d for d in deadlines.deadlines_of(obj) if d.kind == kind)


# --- R-INS-05: numbering, steps, findings with evidence ------------------------------------------------


def test_r_ins_05_numbers_are_gapless_per_office_and_year(district):
    with travel(dt.date(2026, 3, 10)):
        a = f.scheduled(district)
        b = f.scheduled(
            district,
            dept="transport",
            project="p_hospital",
            team=("transport_staff", "office_staff"),
        )
    assert (a.number, b.number) == ("JC-2026-0001", "JC-2026-0002")
    assert [it.name for it in a.items.all()] == [it.name for it in f.ITEMS]
    assert a.departments.get().lead and a.inspectors.count() == 2


def test_r_ins_05_the_whole_way_to_published_results(district):
    with travel(dt.date(2026, 3, 10)):
        i = f.published(district)
    assert i.state == S.PUBLISHED
    assert [r.signed_at is not None for r in i.inspectors.all()] == [True, True]
    e = Evidence.objects.get(inspection=i)
    assert (e.lat, e.lon) == (30.03, 120.87) and e.taken_at is not None
    assert e.content_type == "image/jpeg" and len(e.sha256) == 64
    assert e.finding is not None and e.finding.subject_text == "甲建设有限公司"


def test_r_ins_05_an_announced_inspection_is_notified_before_the_visit(district):
    i = f.scheduled(district)
    with pytest.raises(Conflict, match="须先通知"):
        svc.start_visit(actor=district.actor("housing_staff"), obj=i)
    u = f.scheduled(district, announced=False)
    with pytest.raises(Conflict, match="不打招呼"):
        svc.notify(actor=district.actor("housing_staff"), obj=u)
    svc.start_visit(actor=district.actor("housing_staff"), obj=u)
    assert Inspection.objects.get(pk=u.pk).state == S.ON_SITE


def test_r_ins_05_the_record_is_signed_only_when_every_item_has_a_result(district):
    i = f.on_site(district)
    with pytest.raises(Conflict, match="尚有检查事项未记录结果"):
        svc.sign_record(actor=district.actor("housing_staff"), obj=i)
    i = f.disposed(district)
    svc.sign_record(actor=district.actor("housing_staff"), obj=i)
    assert Inspection.objects.get(pk=i.pk).state == S.ON_SITE  # one of two signed
    with pytest.raises(Conflict, match="已签认"):
        svc.sign_record(actor=district.actor("housing_staff"), obj=Inspection.objects.get(pk=i.pk))
    svc.sign_record(actor=district.actor("office_staff"), obj=Inspection.objects.get(pk=i.pk))
    assert Inspection.objects.get(pk=i.pk).state == S.RECORD_SIGNED


def test_r_ins_05_a_finding_needs_a_subject_of_the_project_and_a_checked_upload(district):
    i = f.on_site(district)
    item = i.items.first()
    with pytest.raises(ValidationFailed, match="责任主体"):
        svc.record_result(
            actor=district.actor("housing_staff"),
            obj=i,
            item_id=item.pk,
            result="finding",
            description="问题",
            subject_org_id=district.orgs["contractor_b"].pk,
        )
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationFailed, match="只接受"):
        svc.record_result(
            actor=district.actor("housing_staff"),
            obj=i,
            item_id=item.pk,
            result="compliant",
            photo=SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", "image/jpeg"),
        )
    assert not Evidence.objects.exists() and not i.findings.exists()


# --- R-INS-09: the team --------------------------------------------------------------------------------


def test_r_ins_09_a_team_of_one_is_refused(district):
    with pytest.raises(ValidationFailed, match="至少需要 2 名"):
        f.scheduled(district, team=("housing_staff",))
    assert not Inspection.objects.exists()


def test_r_ins_09_a_conflicted_inspector_is_refused(district):
    from ..models import InterestDeclaration

    f.staff(district)
    InterestDeclaration.objects.create(
        person=district.users["office_staff"].person,
        enterprise=district.orgs["contractor_a"],
        relation="配偶在该公司任职",
    )
    with pytest.raises(ValidationFailed, match="利害关系"):
        f.scheduled(district)
    assert not Inspection.objects.exists()


# --- R-INS-08: dispositions, the rectification ledger -----------------------------------------------------


def test_r_ins_08_a_light_disposition_only_for_a_first_minor_case_without_harm(district):
    i = f.with_finding(district)
    finding = f.finding_of(i)
    for first_minor, harm in ((False, False), (True, True)):
        with pytest.raises(ValidationFailed, match="首次轻微"):
            svc.dispose(
                actor=district.actor("housing_staff"),
                obj=i,
                finding_id=finding.pk,
                disposition=Disposition.TALK,
                note="谈话",
                first_minor=first_minor,
                social_harm=harm,
            )
    assert f.finding_of(i).disposition == ""
    svc.dispose(
        actor=district.actor("housing_staff"),
        obj=i,
        finding_id=finding.pk,
        disposition=Disposition.CRITICISM,
        note="批评教育",
        first_minor=True,
    )
    assert f.finding_of(i).disposition == Disposition.CRITICISM


def test_r_ins_08_a_suspected_violation_opens_a_case(district):
    i = f.with_finding(district)
    svc.dispose(
        actor=district.actor("housing_staff"),
        obj=i,
        finding_id=f.finding_of(i).pk,
        disposition=Disposition.CASE,
        note="涉嫌出借资质，提请立案",
    )
    events.dispatch_pending()
    c = Case.objects.get()
    assert c.source == "inspection" and c.source_ref == i.number
    assert c.party_name == "甲建设有限公司" and c.department == district.orgs["housing"]


def test_r_ins_08_a_crime_is_transferred_to_public_security(district):
    i = f.with_finding(district)
    args = {
        "actor": district.actor("housing_staff"),
        "finding_id": f.finding_of(i).pk,
        "disposition": Disposition.DISCIPLINE,
        "note": "涉嫌公职人员违纪",
        "transfer_document": "监办移〔2026〕1号",
    }
    with pytest.raises(ValidationFailed, match="纪检监察机关"):
        svc.dispose(obj=i, transfer_org_id=district.orgs["contractor_b"].pk, **args)
    svc.dispose(obj=i, transfer_org_id=district.orgs["discipline"].pk, **args)
    fd = f.finding_of(i)
    assert (
        fd.transfer_org == district.orgs["discipline"]
        and fd.transfer_document == "监办移〔2026〕1号"
    )
    # the receiving body gets it as a clue transfer, in the one list of clues,
    # once however often the outbox delivers
    from postaward.alerts.models import ClueTransfer

    events.dispatch_pending()
    events.dispatch_pending()
    t = ClueTransfer.objects.get()
    assert (t.source, t.source_id, t.source_ref) == ("inspection", fd.pk, i.number)
    assert t.recipient == "discipline" and t.recipient_org == district.orgs["discipline"]
    assert t.document_number == "监办移〔2026〕1号" and f"/inspections/visits/{i.pk}/" in t.facts


def test_r_ins_08_the_order_runs_over_the_holidays_and_the_make_up_day(district):
    """Ordered Thursday 2026-09-24 with 7 working days: 09-28, 09-29, 09-30,
    10-08, 10-09, 10-10 (make-up Saturday), 10-12 → due 10-12 24:00."""
    with travel(dt.date(2026, 9, 24)):
        i = f.with_finding(district)
        svc.dispose(
            actor=district.actor("housing_staff"),
            obj=i,
            finding_id=f.finding_of(i).pk,
            disposition=Disposition.RECTIFY,
            note="限期整改",
            first_minor=True,
            days=7,
        )
    o = RectificationOrder.objects.get()
    assert o.due_on == dt.date(2026, 10, 12) and o.number == "ZG-2026-0001"
    assert deadlines.last_day(_clock(o, RECTIFICATION.kind)) == dt.date(2026, 10, 12)


def test_r_ins_08_reply_verify_reopen_and_close(district):
    with travel(dt.date(2026, 3, 10)):
        o = f.order(district)
    other = district.actor("contractor_b_admin")
    from postaward.core.errors import NotFound

    from ..steps_visits import load_order

    with pytest.raises(NotFound):
        load_order(other, o.pk)
    with travel(dt.date(2026, 3, 12)):
        svc.reply(actor=district.actor("contractor_a_admin"), obj=o, text="已整改")
        o = RectificationOrder.objects.get(pk=o.pk)
        assert o.state == OrderState.REPLIED
        assert _clock(o, RECTIFICATION.kind).state == Deadline.State.MET
        svc.verify(
            actor=district.actor("housing_staff"), obj=o, verdict="failed", note="仍未到岗", days=3
        )
    o = RectificationOrder.objects.get(pk=o.pk)
    assert (o.state, o.rounds, o.due_on) == (OrderState.OPEN, 2, dt.date(2026, 3, 17))
    with travel(dt.date(2026, 3, 16)):
        svc.reply(actor=district.actor("contractor_a_admin"), obj=o, text="项目经理已到岗")
        o = RectificationOrder.objects.get(pk=o.pk)
        svc.verify(actor=district.actor("housing_staff"), obj=o, verdict="passed", note="已到岗")
    o = RectificationOrder.objects.get(pk=o.pk)
    assert o.state == OrderState.CLOSED and o.closed_at is not None
    assert [r.verdict for r in o.replies.all()] == ["failed", "passed"]


def test_r_ins_08_an_overdue_order_is_a_missed_deadline(district):
    with travel(dt.date(2026, 3, 10)):
        o = f.order(district)
    with travel(dt.date(2026, 3, 20)):
        deadlines.sweep()
        events.dispatch_pending(limit=10_000)
    assert _clock(o, RECTIFICATION.kind).state == Deadline.State.MISSED
    from postaward.alerts.models import Alert

    assert Alert.objects.filter(indicator__code=f"deadline.{RECTIFICATION.kind}").exists()


def test_r_ins_08_findings_are_told_after_the_sign_off(district):
    with travel(dt.date(2026, 3, 10)):
        i = f.reported(district)
        assert not EventRecord.objects.filter(name="inspections.finding_recorded").exists()
        svc.sign_off(actor=district.actor("office_head"), obj=i)
    rows = [r.payload for r in EventRecord.objects.filter(name="inspections.finding_recorded")]
    found = [r for r in rows if not r["compliant"]]
    assert len(found) == 1 and found[0]["subject_text"] == "甲建设有限公司"
    assert found[0]["disposition"] == "rectify" and found[0]["inspection_ref"] == i.number
    assert {r["subject_text"] for r in rows if r["compliant"]} == {"甲监理有限公司"}


# --- R-CAS-05: results within 10 working days of the sign-off ------------------------------------------------


def test_r_cas_05_results_due_10_working_days_after_the_sign_off(district):
    """Signed off Thursday 2026-09-24: over Mid-Autumn, National Day and the
    make-up Saturday 10-10, the results are due 10-15 24:00."""
    with travel(dt.date(2026, 9, 24)):
        i = f.signed_off(district)
    d = _clock(i, RESULTS.kind)
    assert deadlines.last_day(d) == dt.date(2026, 10, 15)
    with travel(dt.date(2026, 10, 15), hour=16):
        svc.publish_results(actor=district.actor("office_staff"), obj=i)
    assert _clock(i, RESULTS.kind).state == Deadline.State.MET


def test_r_cas_05_results_published_late_are_missed(district):
    with travel(dt.date(2026, 9, 24)):
        i = f.signed_off(district)
    with travel(dt.date(2026, 10, 16)):
        svc.publish_results(actor=district.actor("office_staff"), obj=i)
    assert _clock(i, RESULTS.kind).state == Deadline.State.MISSED


def test_r_ins_08_every_matter_has_a_reply_in_the_inboxes(district):
    """事事有回音: the order waits in the subject's inbox, the reply in the
    inspecting department's, the report in the head's, the results in the office's."""
    from postaward.core.models import Todo

    def open_for(user: str) -> list[str]:
        return list(
            Todo.objects.visible_to(district.actor(user))
            .filter(state="open", kind__startswith="inspections.")
            .values_list("kind", flat=True)
        )

    o = f.order(district)
    assert open_for("contractor_a_admin") == ["inspections.order_reply"]
    assert open_for("contractor_b_admin") == []
    svc.reply(actor=district.actor("contractor_a_admin"), obj=o, text="已整改")
    assert open_for("contractor_a_admin") == [] and "inspections.order_verify" in open_for(
        "housing_staff"
    )
    svc.verify(
        actor=district.actor("housing_staff"),
        obj=RectificationOrder.objects.get(pk=o.pk),
        verdict="passed",
        note="已到岗",
    )
    assert "inspections.order_verify" not in open_for("housing_staff")
    i = f.reported(district)
    assert "inspections.visit_sign_off" in open_for("office_head")
    svc.sign_off(actor=district.actor("office_head"), obj=Inspection.objects.get(pk=i.pk))
    assert "inspections.visit_sign_off" not in open_for("office_head")
    assert "inspections.visit_publish" in open_for("office_staff")
