"""Objections to score events (R-SCO-01, R-CAS-04): within the objection
period only, the event frozen while the objection runs (across a holiday the
finalisation leaves it alone), upheld → withdrawn or fewer points, rejected →
final when its period is over, else provisional again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core.errors import Conflict, Forbidden
from postaward.core.models import EventRecord, Todo

from .. import scoring, services, services_scores
from ..choices import RequestState, ScoreState
from ..models import ScoreEvent
from . import factories_scores as fs
from .test_scoring import on

pytestmark = pytest.mark.django_db

REASON = "该次打卡系信号漂移所致，并非作弊，附定位记录"


def _objected(d, day=dt.date(2026, 9, 30)):
    fs.rule_set(d)
    on(day)
    ev = fs.cheat_event(d, checkin_id=2001)
    q = services_scores.file_score_objection(
        actor=d.actor("contractor_a_admin"), event=ev, reason=REASON
    )
    return ev, q


def _opinion(d, q):
    return services.give_opinion(
        actor=d.actor("housing_staff"), obj=q, opinion="经核查属实", recommendation="uphold"
    )


def test_r_sco_01_objection_freezes_the_event_across_the_national_day(district):
    ev, q = _objected(district)
    ev.refresh_from_db()
    assert ev.state == ScoreState.OBJECTING and q.state == RequestState.REGISTERED
    assert ev.objection_until == dt.date(2026, 10, 20)
    assert Todo.objects.filter(key=f"credit:{q.pk}:opinion", organisation=district.orgs["housing"])
    changes = [
        r.payload["change"]
        for r in EventRecord.objects.filter(name="credit.score_changed").order_by("pk")
    ]
    assert changes[-1] == "objecting"
    # long after its period the frozen event is still not final (the person's is)
    assert scoring.finalise_due(dt.date(2026, 11, 30)) == 1
    ev.refresh_from_db()
    assert ev.state == ScoreState.OBJECTING


def test_r_sco_01_objection_on_the_last_day_and_not_after(district):
    fs.rule_set(district)
    on(dt.date(2026, 9, 30))
    ev = fs.cheat_event(district, checkin_id=2002)
    late = fs.cheat_event(district, checkin_id=2003)
    on(dt.date(2026, 10, 20))  # the last day of the period: allowed
    services_scores.file_score_objection(
        actor=district.actor("contractor_a_admin"), event=ev, reason=REASON
    )
    on(dt.date(2026, 10, 21))
    with pytest.raises(Conflict, match="异议期已于2026年10月20日届满"):
        services_scores.file_score_objection(
            actor=district.actor("contractor_a_admin"), event=late, reason=REASON
        )
    late.refresh_from_db()
    assert late.state == ScoreState.PROVISIONAL


def test_r_sco_01_only_the_subject_or_the_office_objects_and_only_once(district):
    fs.rule_set(district)
    on(dt.date(2026, 3, 10))
    ev = fs.cheat_event(district, checkin_id=2004)
    with pytest.raises(Forbidden):
        services_scores.file_score_objection(
            actor=district.actor("housing_staff"), event=ev, reason=REASON
        )
    q = services_scores.file_score_objection(
        actor=district.actor("office_staff"), event=ev, reason=REASON
    )
    assert q.on_behalf
    with pytest.raises(Conflict, match="只能提出一次"):
        services_scores.file_score_objection(
            actor=district.actor("contractor_a_admin"), event=ev, reason=REASON
        )


def test_r_sco_01_objection_upheld_with_fewer_points_before_the_period_ends(district):
    ev, q = _objected(district)
    _opinion(district, q)
    on(dt.date(2026, 10, 9))
    services.uphold(actor=district.actor("office_staff"), obj=q, decision="减为2分", new_points=2)
    ev.refresh_from_db()
    assert (ev.points, ev.raw_points, ev.state) == (
        Decimal("-2"),
        Decimal("-5"),
        ScoreState.PROVISIONAL,
    )
    q.refresh_from_db()
    assert q.state == RequestState.UPHELD and q.new_points == 2
    last = EventRecord.objects.filter(name="credit.score_changed").order_by("-pk").first()
    assert last.payload["change"] == "points_changed" and last.payload["points"] == "-2.00"


def test_r_sco_01_objection_upheld_withdraws_the_event(district):
    ev, q = _objected(district)
    _opinion(district, q)
    services.uphold(
        actor=district.actor("office_staff"), obj=q, decision="不构成作弊", withdraw=True
    )
    ev.refresh_from_db()
    assert ev.state == ScoreState.WITHDRAWN and "不构成作弊" in ev.withdrawn_reason


def test_r_sco_01_objection_rejected_final_after_the_period(district):
    ev, q = _objected(district)
    _opinion(district, q)
    on(dt.date(2026, 10, 21))
    services.reject(actor=district.actor("office_staff"), obj=q, decision="定位记录不能证明")
    ev.refresh_from_db()
    assert (ev.state, ev.final_on, ev.points) == (
        ScoreState.FINAL,
        dt.date(2026, 10, 21),
        Decimal("-5"),
    )


def test_r_sco_01_objection_rejected_within_the_period_is_provisional_again(district):
    ev, q = _objected(district)
    _opinion(district, q)
    on(dt.date(2026, 10, 12))
    services.reject(actor=district.actor("office_staff"), obj=q, decision="定位记录不能证明")
    ev.refresh_from_db()
    assert ev.state == ScoreState.PROVISIONAL
    assert scoring.finalise_due(dt.date(2026, 10, 21)) >= 1
    ev.refresh_from_db()
    assert ev.state == ScoreState.FINAL


def test_r_sco_01_objection_by_page_and_its_steps_by_api(district):
    fs.rule_set(district)
    ev = fs.cheat_event(district, checkin_id=2005)  # notified today (the page reads the clock)
    page = district.client("contractor_a_admin").post(
        f"/credit/scores/{ev.pk}/objection/", {"reason": REASON}
    )
    assert page.status_code == 302, page.content.decode()[-3000:]
    ev.refresh_from_db()
    assert ev.state == ScoreState.OBJECTING
    q = ev.requests.get()
    r = district.client("housing_staff").post(
        f"/api/v1/credit/requests/{q.pk}/steps/give_opinion",
        {"recommendation": "reject", "opinion": "打卡异常属实"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    got = district.client("contractor_a_admin").get(f"/api/v1/credit/requests/{q.pk}").json()
    assert (got["score_event_id"], got["record_id"], got["state"]) == (
        ev.pk,
        None,
        RequestState.OPINION_GIVEN,
    )
    detail = district.client("office_staff").get(f"/credit/scores/{ev.pk}/").content.decode()
    assert "打卡异常属实" in detail and 'data-testid="request-steps"' in detail
    assert ScoreEvent.objects.get(pk=ev.pk).state == ScoreState.OBJECTING


def test_r_sco_01_objection_by_api_with_an_idempotency_key(district):
    fs.rule_set(district)
    ev = fs.cheat_event(district, checkin_id=2006)
    c = district.client("contractor_a_admin")
    url = f"/api/v1/credit/score-events/{ev.pk}/objections"
    body = {"reason": REASON}
    r1 = c.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="o-1")
    r2 = c.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="o-1")
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"] and ev.requests.count() == 1
    short = c.post(url, {"reason": "不对"}, content_type="application/json")
    assert short.status_code == 422  # too short a reason
    again = c.post(url, {"reason": REASON + "（补充）"}, content_type="application/json")
    assert again.status_code == 409  # one objection per event
    assert ev.requests.count() == 1
    got = c.get(f"/api/v1/credit/score-events/{ev.pk}").json()
    assert got["state"] == ScoreState.OBJECTING and got["may_object"] is False
    assert [q["state"] for q in got["requests"]] == [RequestState.REGISTERED]
