"""The sandbox runs the same code as the live sweep; a sweep killed half-way
and restarted creates no duplicate and loses no alert (R-ALR-01, R-ALR-05)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.alerts import services
from postaward.alerts.models import Alert, AlertHit, EvaluationRun
from postaward.core.actor import SYSTEM

from .conftest import at, change, contractor_of, deliver, publish
from .test_indicators import _peers, _valid_day

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def _sandbox(d, code: str, params: dict, as_of: dt.date, since: dt.date | None = None):
    from django.test import TestCase

    ind = services.indicator_for(code)
    # The worker runs the trial once the request is committed.
    with at(as_of, 18), TestCase.captureOnCommitCallbacks(execute=True):
        run = services.request_sandbox(
            actor=d.actor("office_admin"), indicator=ind, params=params, as_of=as_of, since=since
        )
    run.refresh_from_db()
    return run


def test_sandbox_equals_live_for_a_data_indicator(d):  # R-ALR-05
    ps = _peers(d, [0, 10, 20, 30, 40, 50, 60, 200, 300])
    ind = services.indicator_for("peer.delay_iqr")
    as_of = dt.date(2026, 3, 1)
    sandbox = _sandbox(d, "peer.delay_iqr", {}, as_of)
    assert sandbox.state == "done" and sandbox.mode == "sandbox"
    assert not Alert.objects.exists()  # a trial writes no alert
    with at(as_of, 23):
        live = services.run_indicator(ind, as_of=as_of)
    assert live.created == sandbox.hits == 2
    assert {r["hit_key"] for r in sandbox.result} == set(
        AlertHit.objects.filter(indicator=ind).values_list("hit_key", flat=True)
    )
    assert {r["project_id"] for r in sandbox.result} == {ps[-1].pk, ps[-2].pk}
    assert live.notes == sandbox.notes
    # Run again, the trial now says each hit is already recorded.
    again = _sandbox(d, "peer.delay_iqr", {}, as_of)
    assert all(r["status"].startswith("已记录") for r in again.result)
    # With a wider fence (k = 5: 0.6 + 5 × 0.4 = 2.6) only the extreme one; the live setting is unchanged.
    wider = _sandbox(d, "peer.delay_iqr", {"k": "5"}, as_of)
    assert [r["project_id"] for r in wider.result] == [ps[-1].pk]
    ind.refresh_from_db()
    assert ind.params["k"] == "1.5"


def test_sandbox_equals_live_for_an_event_indicator(d):  # R-ALR-01
    from postaward.attendance.events import AbsenceStreak

    def streak(n: int, days: list[str]) -> AbsenceStreak:
        return AbsenceStreak(
            project_id=d.projects["p_school"].pk,
            person_id=d.users["pm_a"].person.pk,
            organisation_id=d.orgs["contractor_a"].pk,
            assignment_id=n,
            position="project_manager",
            first_day=days[0],
            days=days,
            reasons=[],
        )

    with at(DAY):
        publish(streak(1, ["2026-03-07", "2026-03-08"]))
        publish(streak(2, ["2026-03-05", "2026-03-06", "2026-03-07"]))
    live = set(AlertHit.objects.values_list("hit_key", flat=True))
    assert len(live) == 2
    same = _sandbox(d, "attendance.absence_streak", {}, DAY)
    assert {r["hit_key"] for r in same.result} == live
    stricter = _sandbox(d, "attendance.absence_streak", {"min_days": 3}, DAY)
    assert [r["hit_key"] for r in stricter.result] == ["absence:2:2026-03-05"]


def test_sandbox_refuses_bad_parameters_and_other_roles(d):
    from postaward.core.errors import Forbidden, ValidationFailed

    ind = services.indicator_for("peer.delay_iqr")
    with at(DAY), pytest.raises(ValidationFailed) as err:
        services.request_sandbox(
            actor=d.actor("office_admin"), indicator=ind, params={"min_sample": "2"}, as_of=DAY
        )
    assert "不能小于 4" in err.value.message
    with at(DAY), pytest.raises(Forbidden):
        services.request_sandbox(
            actor=d.actor("housing_admin"), indicator=ind, params={}, as_of=DAY
        )
    assert not EvaluationRun.objects.exists()


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, nothing catches it."""


def test_a_sweep_killed_half_way_and_restarted_loses_nothing_and_duplicates_nothing(d):  # R-ALR-01
    part = contractor_of(d)
    ind = services.indicator_for("change.price_up_with_extension")
    with at(DAY):
        for i in range(6):
            change(d, participant=part, cost=1000 + i, days=5)
    recorded = []

    def kill_after_three(hit, outcome):
        recorded.append(hit.hit_key)
        if len(recorded) == 3:
            raise Killed()

    with at(DAY, 23), pytest.raises(Killed):
        services.run_indicator(ind, as_of=DAY, hit_hook=kill_after_three)
    assert Alert.objects.filter(indicator=ind).count() == 3
    with at(DAY, 23):
        run = services.run_indicator(ind, as_of=DAY)  # the worker restarts
    assert (run.created, run.duplicates) == (3, 3)
    assert Alert.objects.filter(indicator=ind).count() == 6
    assert AlertHit.objects.filter(indicator=ind).count() == 6
    assert len(set(Alert.objects.filter(indicator=ind).values_list("dedup_key", flat=True))) == 6
    with at(DAY + dt.timedelta(days=1), 23):
        assert services.run_indicator(ind, as_of=DAY).created == 0


def test_an_event_whose_subscriber_dies_is_retried_without_duplicates(d):  # R-ALR-01
    """The outbox keeps an event pending when a subscriber fails; its alerts
    are rolled back with it, and the retry creates each exactly once."""
    from postaward.alerts import subscribers
    from postaward.attendance.events import CheatConfirmed
    from postaward.core import events
    from postaward.core.models import EventRecord

    calls = {"n": 0}

    @events.subscribe(CheatConfirmed)
    def flaky(evt):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker died")

    try:
        evt = CheatConfirmed(
            checkin_id=7,
            project_id=d.projects["p_school"].pk,
            person_id=d.users["pm_a"].person.pk,
            organisation_id=d.orgs["contractor_a"].pk,
            position="project_manager",
            at="2026-03-09T08:00:00+08:00",
            signals=["replay"],
            confirmed_by="x",
            note="",
        )
        with at(DAY):
            publish(evt)
        assert not Alert.objects.exists()  # rolled back with the failed delivery
        assert EventRecord.objects.get(name="attendance.cheat_confirmed").dispatched_at is None
        with at(DAY):
            deliver()
        assert Alert.objects.count() == 1
        with at(DAY):
            subscribers.handle_event(evt)  # delivered once more (at least once)
        assert Alert.objects.count() == 1
    finally:
        events.unsubscribe(flaky, CheatConfirmed)


def test_daily_sweep_runs_every_data_indicator(d):
    part = contractor_of(d)
    with at(DAY):
        change(d, participant=part, cost=Decimal("1"), days=1)
    with at(DAY, 23):
        created = services.run_data_indicators(DAY)
    assert created == 1
    codes = set(EvaluationRun.objects.values_list("indicator__code", flat=True))
    assert {
        "peer.delay_iqr",
        "attendance.double_site",
        "enterprise.repeated_alerts",
        "change.contract_changes",
    } <= codes


def test_double_site_live_alert_routes_to_each_owner(d):
    person = d.users["pm_a"].person
    _valid_day(d, d.projects["p_school"], person, DAY)
    _valid_day(d, d.projects["p_hospital"], person, DAY)
    with at(DAY, 23):
        services.run_indicator(services.indicator_for("attendance.double_site"), as_of=DAY)
    assert set(Alert.objects.values_list("handling_org", flat=True)) == {
        d.orgs["school"].pk,
        d.orgs["hospital"].pk,
    }
    assert SYSTEM.is_system


def test_one_failing_indicator_does_not_stop_the_sweep(d):  # R-ALR-01
    """A broken indicator is recorded as a failed run; the others still run, and
    a run left 'running' by a killed worker is marked failed by the next sweep."""
    from postaward.alerts.models import Indicator

    part = contractor_of(d)
    with at(DAY):
        change(d, participant=part, cost=Decimal("1"), days=1)
    services.sync_indicators()
    delay = services.indicator_for("peer.delay_iqr")
    with at(DAY, 1):
        cut_off = EvaluationRun.objects.create(
            indicator=delay, mode="live", state="running", as_of=DAY, params={}
        )
    # Indicators run in code order: break the first data indicator (a corrupt
    # parameter row), so every later one must still run.
    first = services.indicator_for("attendance.double_site")
    Indicator.objects.filter(pk=first.pk).update(params={"lookback_days": "not a number"})
    with at(DAY, 23):
        created = services.run_data_indicators(DAY)
    assert created == 1  # the contract-change alert still came
    failed = EvaluationRun.objects.get(indicator=first, state="failed", as_of=DAY, mode="live")
    assert failed.error
    cut_off.refresh_from_db()
    assert cut_off.state == "failed" and "中断" in cut_off.error
    assert EvaluationRun.objects.filter(state="done", mode="live").count() >= 3


def test_a_lock_left_by_a_killed_worker_is_cleared_when_the_worker_starts(d):
    """The periodic sweeps hold huey locks; a worker killed inside one leaves the
    lock behind. The consumer is configured to flush locks when it starts, so the
    next day's sweep is not refused forever."""
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    import postaward.alerts.tasks  # noqa: F401  (registers the lock names)

    lock = HUEY.lock_task("alerts-data-indicators")
    lock.__enter__()  # the worker died inside the task: the lock is never released
    assert lock.is_locked()
    HUEY.create_consumer(**settings.HUEY["consumer"])
    assert not lock.is_locked()
