"""Score events from facts (R-SCO-01, R-ATT-09): the facts of the events, the
rule items that apply, the caps, idempotency, withdrawal, the objection period
on the working-day calendar and the finalisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core import clock
from postaward.core.models import AuditRecord, EventRecord

from .. import scoring
from ..choices import ScoreState, SubjectKind
from ..models import ScoreEvent, subject_key
from . import factories_scores as fs

pytestmark = pytest.mark.django_db


def on(day: dt.date) -> None:
    """Move the platform clock to noon (local) of ``day``."""
    target = dt.datetime.combine(day, dt.time(12), tzinfo=clock.LOCAL_TZ)
    clock.set_offset(0)
    clock.set_offset((target - clock.now()).total_seconds())


# --- the "done when" facts --------------------------------------------------------------------


def test_r_att_09_r_sco_01_confirmed_cheat_scores_the_contractor_and_the_person(district):
    fs.rule_set(district)
    fs.publish("attendance.cheat_confirmed", **fs.cheat(district))
    rows = {e.item.code: e for e in ScoreEvent.objects.select_related("item")}
    assert set(rows) == {"C01", "P01"}
    c = rows["C01"]
    assert c.subject_org == district.orgs["contractor_a"]
    assert c.subject_kind == SubjectKind.CONTRACTOR
    assert c.project == district.projects["p_school"]
    assert (c.raw_points, c.points, c.cap_note) == (Decimal("-5"), Decimal("-5"), "")
    assert c.state == ScoreState.PROVISIONAL
    assert c.occurred_on == dt.date(2026, 3, 10) and c.year == 2026
    assert c.authority == district.orgs["housing"] and c.district == district.orgs["office"]
    p = rows["P01"]
    assert p.subject_person_id == district.users["pm_a"].person_id
    assert p.subject_kind == SubjectKind.PERSON and p.points == Decimal("-2")
    assert AuditRecord.objects.filter(action="credit.score_recorded").count() == 2
    changed = EventRecord.objects.filter(name="credit.score_changed")
    assert sorted(r.payload["change"] for r in changed) == ["recorded", "recorded"]
    # the unit's accounts are told, with the objection deadline and the page
    from postaward.alerts.models import Notification

    told = Notification.objects.get(
        recipient=district.users["contractor_a_admin"], kind="credit.score"
    )
    assert "扣5分" in told.title and f"/credit/scores/{c.pk}/" == told.url
    assert f"{c.objection_until:%Y年%m月%d日}" in told.body


def test_r_sco_01_late_acceptance_scores_the_owner(district):
    fs.rule_set(district)
    fs.publish(
        "deadline.missed",
        deadline_id=9901,
        kind="approvals.acceptance_below",
        subject_type="approvals.acceptancerequest",
        subject_id="17",
        project_id=district.projects["p_school"].pk,
        organisation_id=district.orgs["school"].pk,
        due_at="2026-05-20T16:00:00+00:00",
        basis="实施细则第三十一条(一)",
    )
    (ev,) = ScoreEvent.objects.all()
    assert (ev.item.code, ev.subject_org, ev.subject_kind) == (
        "O01",
        district.orgs["school"],
        SubjectKind.OWNER,
    )
    assert ev.points == Decimal("-3") and ev.state == ScoreState.PROVISIONAL
    assert ev.occurred_on == dt.date(2026, 5, 21)  # 24:00 local of the 20th is the 21st


def test_r_sco_01_missed_deadline_of_another_kind_scores_nothing(district):
    fs.rule_set(district)
    fs.publish(
        "deadline.missed",
        deadline_id=9902,
        kind="approvals.hidden_photos",
        subject_type="approvals.hiddenwork",
        subject_id="3",
        project_id=district.projects["p_school"].pk,
        organisation_id=district.orgs["school"].pk,
        due_at="2026-05-20T16:00:00+00:00",
        basis="",
    )
    assert not ScoreEvent.objects.exists()


def _complaint(d, **kw):
    payload = {
        "complaint_id": 3301,
        "receipt_number": "TS-2026-0001",
        "kind": "complaint",
        "outcome": "substantiated",
        "project_id": d.projects["p_school"].pk,
        "subject_text": "甲建设有限公司",
        "subject_org_id": d.orgs["contractor_a"].pk,
        "facts": "夜间违规施工，经查属实",
        "office_id": d.orgs["office"].pk,
        "retaliation": False,
    }
    payload.update(kw)
    return payload


def test_r_sco_01_verified_complaint_scores_the_unit_by_its_role_on_the_project(district):
    fs.rule_set(district)
    on(dt.date(2026, 6, 3))
    fs.publish("complaints.verified", **_complaint(district))
    (ev,) = ScoreEvent.objects.all()
    assert (ev.item.code, ev.subject_org) == ("C04", district.orgs["contractor_a"])
    assert ev.points == Decimal("-4") and ev.state == ScoreState.PROVISIONAL
    assert ev.link == f"/complaints/{3301}/"
    # the supervising firm on the same project is scored by its own item
    fs.publish(
        "complaints.verified",
        **_complaint(district, complaint_id=3302, subject_org_id=district.orgs["supervisor_a"].pk),
    )
    s = ScoreEvent.objects.get(fact_key="complaint:3302")
    assert (s.item.code, s.subject_kind, s.points) == ("S01", "supervising_firm", Decimal("-2"))


def test_r_sco_01_no_effective_rule_set_on_the_day_scores_nothing(district):
    fs.rule_set(district, effective_from=dt.date(2026, 4, 1))
    fs.publish("attendance.cheat_confirmed", **fs.cheat(district))  # 2026-03-10
    assert not ScoreEvent.objects.exists()


def test_r_sco_01_penalty_without_project_uses_the_deciding_department(district):
    from .contract import PENALTY_DECIDED, penalty, publish

    fs.rule_set(district)
    publish(PENALTY_DECIDED, **penalty(district, case_id=9301, project_id=None))
    ev = ScoreEvent.objects.get(fact="cases.penalty_decided")
    assert ev.authority == district.orgs["housing"] and ev.project is None
    assert (ev.subject_kind, ev.points) == ("contractor", Decimal("-6"))


# --- R-ATT-09: attendance thresholds read from their one place ----------------------------------


def _rate(d, rate, month="2026-04"):
    return {
        "project_id": d.projects["p_school"].pk,
        "person_id": d.users["pm_a"].person_id,
        "organisation_id": d.orgs["contractor_a"].pk,
        "assignment_id": 77,
        "position": "project_manager",
        "month": month,
        "valid_days": 16,
        "construction_days": 20,
        "rate": rate,
    }


def test_r_att_09_monthly_rate_below_the_configured_threshold_only(district):
    fs.rule_set(district)
    fs.publish("attendance.monthly_rate", **_rate(district, "0.8000"))  # exactly 80 %: fine
    assert not ScoreEvent.objects.exists()
    fs.publish("attendance.monthly_rate", **_rate(district, "0.7900", month="2026-05"))
    (ev,) = ScoreEvent.objects.all()
    assert (ev.item.code, ev.points, ev.occurred_on) == ("C03", Decimal("-2"), dt.date(2026, 5, 31))


def test_r_att_09_monthly_rate_follows_the_threshold_provider(district, monkeypatch):
    from postaward.core import thresholds

    monkeypatch.setattr(thresholds, "_provider", [lambda code, param: "0.9"])
    fs.rule_set(district)
    fs.publish("attendance.monthly_rate", **_rate(district, "0.8500"))
    assert ScoreEvent.objects.filter(fact="attendance.monthly_rate_low").count() == 1


def _streak(d, days):
    return {
        "project_id": d.projects["p_school"].pk,
        "person_id": d.users["pm_a"].person_id,
        "organisation_id": d.orgs["contractor_a"].pk,
        "assignment_id": 88,
        "position": "project_manager",
        "first_day": days[0],
        "days": days,
        "reasons": [],
        "dedup_key": f"88:{days[0]}:{len(days)}",
    }


def test_r_att_09_absence_streak_scores_once_and_its_withdrawal_withdraws_it(district):
    fs.rule_set(district)
    fs.publish("attendance.absence_streak", **_streak(district, ["2026-04-07"]))
    assert not ScoreEvent.objects.exists()  # one day is not a streak
    fs.publish("attendance.absence_streak", **_streak(district, ["2026-04-07", "2026-04-08"]))
    days3 = ["2026-04-07", "2026-04-08", "2026-04-09"]
    fs.publish("attendance.absence_streak", **_streak(district, days3))  # the streak grows
    (ev,) = ScoreEvent.objects.all()
    assert (ev.item.code, ev.occurred_on) == ("C02", dt.date(2026, 4, 8))
    fs.publish(
        "attendance.consequence_withdrawn",
        project_id=district.projects["p_school"].pk,
        person_id=district.users["pm_a"].person_id,
        assignment_id=88,
        kind="absence_streak",
        first_day="2026-04-07",
        days=days3,
        reason="停工确认后重新结算",
        interview_id=None,
    )
    ev.refresh_from_db()
    assert ev.state == ScoreState.WITHDRAWN
    assert "停工确认后重新结算" in ev.withdrawn_reason
    assert AuditRecord.objects.filter(action="credit.score_withdrawn").count() == 1
    changes = [r.payload["change"] for r in EventRecord.objects.filter(name="credit.score_changed")]
    assert changes == ["recorded", "withdrawn"]


# --- idempotency --------------------------------------------------------------------------------


def test_r_sco_01_the_same_event_dispatched_twice_scores_once(district):
    fs.rule_set(district)
    payload = fs.cheat(district, checkin_id=601)
    fs.publish("attendance.cheat_confirmed", **payload)
    fs.publish("attendance.cheat_confirmed", **payload)  # published again
    rec = EventRecord.objects.filter(name="attendance.cheat_confirmed").first()
    EventRecord.objects.filter(pk=rec.pk).update(dispatched_at=None)  # and re-dispatched
    fs.publish("attendance.cheat_confirmed", **payload)
    assert ScoreEvent.objects.filter(item__code="C01").count() == 1
    assert ScoreEvent.objects.count() == 2  # the unit and the person, once each
    assert AuditRecord.objects.filter(action="credit.score_recorded").count() == 2


def test_r_sco_01_a_concurrent_double_insert_returns_the_first(district, monkeypatch):
    fs.rule_set(district)
    first = fs.cheat_event(district, checkin_id=602)
    (fact,) = [
        f
        for f in scoring.extract("attendance.cheat_confirmed", fs.cheat(district, 602))
        if f.org_id
    ]
    # the other worker's row is not yet visible to the pre-check: the insert fails
    real = ScoreEvent.objects.filter
    calls = {"n": 0}

    def blind(*a, **kw):
        qs = real(*a, **kw)
        if "fact_key" in kw and calls["n"] == 0:
            calls["n"] += 1
            return qs.none()
        return qs

    monkeypatch.setattr(ScoreEvent.objects, "filter", blind)
    (again, *_) = scoring.score_fact(fact)
    assert again.pk == first.pk
    assert ScoreEvent.objects.filter(item__code="C01").count() == 1


# --- caps -----------------------------------------------------------------------------------------


def test_r_sco_01_cap_per_project_exactly_reached_then_absorbed(district):
    # C01: -5 a cheat, at most 12 per project: -5, -5, -2 (clamped), 0 (absorbed)
    fs.rule_set(district)
    pts = [fs.cheat_event(district, checkin_id=700 + i).points for i in range(4)]
    assert pts == [Decimal("-5"), Decimal("-5"), Decimal("-2"), Decimal("0")]
    third = ScoreEvent.objects.get(fact_key="checkin:702", item__code="C01")
    assert third.raw_points == Decimal("-5")
    assert "单项目累计上限12分" in third.cap_note and "实计2分" in third.cap_note
    fourth = ScoreEvent.objects.get(fact_key="checkin:703", item__code="C01")
    assert fourth.state == ScoreState.PROVISIONAL and "已达上限" in fourth.cap_note
    total = sum(e.points for e in ScoreEvent.objects.filter(item__code="C01"))
    assert total == Decimal("-12")


def test_r_sco_01_cap_per_year_counts_across_projects_and_restarts_next_year(district):
    # P01 (the person): -2 a cheat, at most 4 a year, whatever the project
    fs.rule_set(district)
    for i in range(3):
        fs.cheat_event(district, checkin_id=800 + i)
    person = subject_key(person_id=district.users["pm_a"].person_id)
    rows = ScoreEvent.objects.filter(subject_key=person).order_by("pk")
    assert [e.points for e in rows] == [Decimal("-2"), Decimal("-2"), Decimal("0")]
    assert "年度累计上限4分" in rows[2].cap_note
    fs.cheat_event(district, checkin_id=899, at="2027-01-05T01:00:00+00:00")
    nxt = ScoreEvent.objects.get(subject_key=person, fact_key="checkin:899")
    assert (nxt.year, nxt.points, nxt.cap_note) == (2027, Decimal("-2"), "")


def test_r_sco_01_a_withdrawn_event_frees_its_room_under_the_cap(district):
    fs.rule_set(district)
    fs.cheat_event(district, checkin_id=901)
    fs.cheat_event(district, checkin_id=902)
    scoring.withdraw_fact("attendance.cheat_confirmed", "checkin:901", "误判")
    third = fs.cheat_event(district, checkin_id=903)
    assert third.points == Decimal("-5") and third.cap_note == ""


# --- the objection period and finalisation ---------------------------------------------------------


def test_r_sco_01_objection_until_across_national_day_and_a_make_up_working_day(district):
    # notified Wednesday 2026-09-30, 10 working days: 10-01..07 holidays, 10-08, 09,
    # Saturday 10-10 (make-up), 10-12..16, 10-19 and 10-20 → 2026-10-20
    fs.rule_set(district)
    on(dt.date(2026, 9, 30))
    ev = fs.cheat_event(district, checkin_id=1001)
    assert ev.notified_on == dt.date(2026, 9, 30)
    assert ev.objection_until == dt.date(2026, 10, 20)


def test_r_sco_01_finalised_after_the_period_not_on_its_last_day(district):
    fs.rule_set(district)
    on(dt.date(2026, 9, 30))
    ev = fs.cheat_event(district, checkin_id=1002)
    assert ev.objection_until == dt.date(2026, 10, 20)
    assert scoring.finalise_due(dt.date(2026, 10, 20)) == 0  # the last day: still open
    ev.refresh_from_db()
    assert ev.state == ScoreState.PROVISIONAL
    assert scoring.finalise_due(dt.date(2026, 10, 21)) == 2  # the unit's and the person's
    ev.refresh_from_db()
    assert (ev.state, ev.final_on) == (ScoreState.FINAL, dt.date(2026, 10, 21))
    assert AuditRecord.objects.filter(action="credit.score_final").count() == 2
    assert scoring.finalise_due(dt.date(2026, 10, 22)) == 0  # once


def test_r_sco_01_an_event_under_objection_is_never_finalised(district):
    fs.rule_set(district)
    on(dt.date(2026, 9, 30))
    ev = fs.cheat_event(district, checkin_id=1003)
    ScoreEvent.objects.filter(pk=ev.pk).update(state=ScoreState.OBJECTING)
    assert scoring.finalise_due(dt.date(2027, 1, 1)) == 1  # only the person's event
    ev.refresh_from_db()
    assert ev.state == ScoreState.OBJECTING


def test_r_sco_01_finalisation_task_runs(district):
    from .. import tasks

    fs.rule_set(district)
    on(dt.date(2026, 9, 30))
    fs.cheat_event(district, checkin_id=1004)
    on(dt.date(2026, 10, 21))
    tasks.finalise_score_events.call_local()
    assert set(ScoreEvent.objects.values_list("state", flat=True)) == {ScoreState.FINAL}


def test_r_sco_01_every_fact_of_the_catalogue_has_its_event_subscribed():
    from postaward.core import events

    from ..facts import FACTS
    from ..subscribers_scores import on_fact_event

    for kind in FACTS.values():
        assert on_fact_event in events.subscribers_of(kind.event), kind.code


def test_r_sco_01_a_fact_is_scored_under_the_version_in_force_on_its_day(district):
    from ..models import RuleItem

    v1 = fs.rule_set(district, effective_to=dt.date(2026, 7, 1))
    v2 = fs.rule_set(district, version=2, effective_from=dt.date(2026, 7, 1))
    RuleItem.objects.filter(rule_set=v2, code="C01").update(points=Decimal("-8"))
    before = fs.cheat_event(district, checkin_id=3001, at="2026-06-30T08:00:00+00:00")
    after = fs.cheat_event(district, checkin_id=3002, at="2026-07-01T08:00:00+00:00")
    assert (before.item.rule_set, before.points) == (v1, Decimal("-5"))
    # v2's -8 meets the per-project cap (12) that counts the item across versions
    # by its code: 5 already counted under v1, 7 left
    assert (after.item.rule_set, after.raw_points, after.points) == (
        v2,
        Decimal("-8"),
        Decimal("-7"),
    )
    assert "此前已计5分" in after.cap_note
