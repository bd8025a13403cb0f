"""Credit repair of score events (信用修复; R-SCO-04 removal by repair, R-CAS-04
repair handled; ADR 0690): only a final deduction, by the subject or the
office on its behalf, with the account of the rectification (and a proof
file); the authority's opinion, the office's decision within 15 working days;
upheld → the event 已信用修复 with its deduction restored (in full or in
part) and the annual score recomputed as a new version; rejected → the
points stand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock, events, files
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import AuditRecord, Deadline, EventRecord, Todo

from .. import annual, scoring, services, services_scores
from ..choices import RequestKind, RequestState, ScoreState
from ..models import AnnualScore, ScoreEvent
from . import factories_scores as fs
from .test_scoring import on

pytestmark = pytest.mark.django_db

FIXED = "已对项目经理考勤设备进行整改，建立考勤复核制度，并组织全员培训，整改报告附后"


def _final(d, checkin_id=3001):
    """A final −5 deduction of 甲建设有限公司 (its objection period over)."""
    fs.rule_set(d)
    on(dt.date(2026, 3, 10))
    ev = fs.cheat_event(d, checkin_id=checkin_id)
    on(dt.date(2026, 4, 1))
    scoring.finalise_due(dt.date(2026, 4, 1))
    events.dispatch_pending(limit=10_000)
    ev.refresh_from_db()
    assert ev.state == ScoreState.FINAL and ev.points == Decimal("-5")
    return ev


def _requested(d, **kw):
    ev = _final(d)
    q = services_scores.file_score_repair(
        actor=d.actor("contractor_a_admin"), event=ev, reason=FIXED, **kw
    )
    services.give_opinion(
        actor=d.actor("housing_staff"), obj=q, opinion="整改到位", recommendation="uphold"
    )
    q.refresh_from_db()
    return ev, q


def _annual(ev):
    return list(
        AnnualScore.objects.filter(subject_key=ev.subject_key, year=ev.year).order_by("version")
    )


def test_r_cas_04_repair_opens_the_15_working_day_clock_and_the_authority_todo(district):
    ev = _final(district)
    pdf = SimpleUploadedFile("整改报告.pdf", files.minimal_pdf(["ok"]), "application/pdf")
    q = services_scores.file_score_repair(
        actor=district.actor("contractor_a_admin"), event=ev, reason=FIXED, evidence=pdf
    )
    assert (q.kind, q.state, q.on_behalf) == (RequestKind.REPAIR, RequestState.REGISTERED, False)
    assert q.evidence and q.evidence_name == "整改报告.pdf"
    d = Deadline.objects.get(kind="credit.repair_answer")
    # registered Wednesday 2026-04-01: 15 working days (Qingming 4-6 April off) → 2026-04-23
    # the last day is 2026-04-23 (due at its end)
    assert (clock.localtime(d.due_at) - dt.timedelta(seconds=1)).date() == dt.date(2026, 4, 23)
    assert Todo.objects.filter(key=f"credit:{q.pk}:opinion", organisation=district.orgs["housing"])
    ev.refresh_from_db()
    assert ev.state == ScoreState.FINAL  # it keeps counting until the decision
    assert AuditRecord.objects.filter(action="credit.score_repair_filed").count() == 1


def test_r_cas_04_repair_refused_for_provisional_withdrawn_and_addition(district):
    fs.rule_set(district)
    on(dt.date(2026, 3, 10))
    ev = fs.cheat_event(district, checkin_id=3002)
    a = district.actor("contractor_a_admin")
    with pytest.raises(Conflict, match="公示期"):
        services_scores.file_score_repair(actor=a, event=ev, reason=FIXED)
    ScoreEvent.objects.filter(pk=ev.pk).update(state=ScoreState.WITHDRAWN)
    with pytest.raises(Conflict, match="已撤销"):
        services_scores.file_score_repair(actor=a, event=ev, reason=FIXED)
    ScoreEvent.objects.filter(pk=ev.pk).update(
        state=ScoreState.FINAL, points=Decimal("2"), raw_points=Decimal("2")
    )
    with pytest.raises(Conflict, match="加分"):
        services_scores.file_score_repair(actor=a, event=ev, reason=FIXED)
    # the scoring authority is not the subject and does not file for it
    ScoreEvent.objects.filter(pk=ev.pk).update(points=Decimal("-5"), raw_points=Decimal("-5"))
    with pytest.raises(Forbidden):
        services_scores.file_score_repair(
            actor=district.actor("housing_staff"), event=ev, reason=FIXED
        )
    with pytest.raises(ValidationFailed):
        services_scores.file_score_repair(actor=a, event=ev, reason="已整改")  # too short
    assert not ev.requests.exists()


def test_r_sco_04_repair_upheld_restores_the_points_and_the_annual_score_follows(district):
    ev, q = _requested(district)
    before = _annual(ev)
    assert before and before[-1].current
    services.uphold(actor=district.actor("office_staff"), obj=q, decision="整改到位，予以修复")
    events.dispatch_pending(limit=10_000)
    ev.refresh_from_db()
    q.refresh_from_db()
    assert (ev.state, ev.points, ev.raw_points) == (
        ScoreState.REPAIRED,
        Decimal("0"),
        Decimal("-5"),
    )
    assert ev.cap_note.endswith("信用修复：原扣5分，恢复5分")
    assert (q.state, q.new_points) == (RequestState.UPHELD, 0)
    last = EventRecord.objects.filter(name="credit.score_changed").order_by("-pk").first()
    assert last.payload["change"] == "repaired" and last.payload["points"] == "0.00"
    after = _annual(ev)
    assert len(after) == len(before) + 1
    assert after[-1].current and after[-1].score == before[-1].score + 5
    assert after[-1].reason == "记分事件变化（信用修复）"
    assert Deadline.objects.get(kind="credit.repair_answer").closed_at is not None
    assert AuditRecord.objects.filter(action="credit.score_repaired").count() == 1
    # a repaired event is not repaired twice
    with pytest.raises(Conflict, match="已信用修复"):
        services_scores.file_score_repair(
            actor=district.actor("contractor_a_admin"), event=ev, reason=FIXED
        )


def test_r_sco_04_repair_upheld_in_part_keeps_the_rest(district):
    ev, q = _requested(district)
    with pytest.raises(ValidationFailed, match="小于原扣分"):
        services.uphold(actor=district.actor("office_staff"), obj=q, decision="部分", new_points=5)
    services.uphold(actor=district.actor("office_staff"), obj=q, decision="部分修复", new_points=2)
    ev.refresh_from_db()
    assert (ev.state, ev.points) == (ScoreState.REPAIRED, Decimal("-2"))
    assert ev.cap_note.endswith("原扣5分，恢复3分，保留扣2分")
    events.dispatch_pending(limit=10_000)
    cur = annual.annual_of(ev.subject_key, ev.year)
    assert any(e["points"] == "-2.00" for p in cur.computation["projects"] for e in p["events"])


def test_r_cas_04_repair_rejected_keeps_the_points_and_may_be_filed_again(district):
    ev, q = _requested(district)
    before = _annual(ev)
    services.reject(actor=district.actor("office_staff"), obj=q, decision="整改证明不足")
    events.dispatch_pending(limit=10_000)
    ev.refresh_from_db()
    q.refresh_from_db()
    assert (ev.state, ev.points, q.state) == (
        ScoreState.FINAL,
        Decimal("-5"),
        RequestState.REJECTED,
    )
    assert len(_annual(ev)) == len(before)  # nothing changed: no new version
    again = services_scores.file_score_repair(
        actor=district.actor("office_staff"), event=ev, reason=FIXED + "（补充材料）"
    )
    assert again.on_behalf
    with pytest.raises(Conflict, match="正在办理"):
        services_scores.file_score_repair(
            actor=district.actor("contractor_a_admin"), event=ev, reason=FIXED
        )


def test_r_cas_04_repair_by_page_with_proof_and_by_api_idempotent(district):
    ev = _final(district)
    detail = district.client("contractor_a_admin").get(f"/credit/scores/{ev.pk}/")
    assert 'data-testid="repair-form"' in detail.content.decode()
    pdf = SimpleUploadedFile("整改报告.pdf", files.minimal_pdf(["ok"]), "application/pdf")
    bad = district.client("contractor_a_admin").post(
        f"/credit/scores/{ev.pk}/repair/", {"reason": "短"}
    )
    assert bad.status_code == 422 and not ev.requests.exists()
    r = district.client("contractor_a_admin").post(
        f"/credit/scores/{ev.pk}/repair/", {"reason": FIXED, "evidence": pdf}
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    q = ev.requests.get()
    page = district.client("housing_staff").get(f"/credit/scores/{ev.pk}/").content.decode()
    assert "整改报告.pdf" in page and "信用修复" in page
    got = district.client("housing_staff").get(f"/credit/repairs/{q.pk}/evidence/")
    assert got.status_code == 200
    assert (
        district.client("contractor_b_admin").get(f"/credit/repairs/{q.pk}/evidence/").status_code
        == 404
    )
    # by API on the person's final deduction (P01 −2 of pm_a)
    p_ev = ScoreEvent.objects.get(item__code="P01", fact_key=ev.fact_key)
    c = district.client("pm_a")
    url = f"/api/v1/credit/score-events/{p_ev.pk}/repairs"
    r1 = c.post(url, {"reason": FIXED}, HTTP_IDEMPOTENCY_KEY="rp-1")
    r2 = c.post(url, {"reason": FIXED}, HTTP_IDEMPOTENCY_KEY="rp-1")
    assert r1.status_code == r2.status_code == 201, r1.content
    assert r1.json()["id"] == r2.json()["id"] and r1.json()["kind"] == "repair"
    assert p_ev.requests.count() == 1
    assert c.get(f"/api/v1/credit/score-events/{p_ev.pk}").json()["may_repair"] is False


def test_r_cas_04_repair_steps_by_api_and_the_page_shows_the_outcome(district):
    ev, q = _requested(district)
    c = district.client("office_staff")
    bad = c.post(
        f"/api/v1/credit/requests/{q.pk}/steps/uphold",
        {"decision": "部分修复", "new_points": 9},
        content_type="application/json",
    )
    assert bad.status_code == 422
    ev.refresh_from_db()
    assert ev.state == ScoreState.FINAL  # nothing changed
    r = c.post(
        f"/api/v1/credit/requests/{q.pk}/steps/uphold",
        {"decision": "整改到位，予以修复"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    ev.refresh_from_db()
    assert (ev.state, ev.points) == (ScoreState.REPAIRED, Decimal("0"))
    page = district.client("contractor_a_admin").get(f"/credit/scores/{ev.pk}/").content.decode()
    assert "已信用修复" in page and "扣分全部恢复" in page
    assert 'data-testid="repair-form"' not in page
    listed = c.get("/credit/scores/?state=repaired")
    assert [e.pk for e in listed.context["object_list"]] == [ev.pk]
