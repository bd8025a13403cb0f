"""The attendance rules at their edges (R-ATT-02, R-ATT-04) and the geofence."""

from __future__ import annotations

import datetime as dt

from postaward.attendance import rules
from postaward.attendance.choices import Refusal
from postaward.core import clock
from postaward.core.geo import Site

T0 = dt.datetime(2026, 3, 10, 8, 0, tzinfo=clock.LOCAL_TZ)
SITE = Site.circle(120.87, 30.03, 200)


def test_valid_day_exactly_four_hours_counts():  # R-ATT-02
    assert rules.valid_day([T0, T0 + dt.timedelta(hours=4)]).valid


def test_valid_day_three_fifty_nine_fifty_nine_does_not_count():  # R-ATT-02
    result = rules.valid_day([T0, T0 + dt.timedelta(hours=3, minutes=59, seconds=59)])
    assert not result.valid
    assert "不足4小时" in result.reason


def test_valid_day_uses_first_and_last_of_many():  # R-ATT-02
    times = [T0 + dt.timedelta(hours=h) for h in (0, 1, 2, 4)]
    assert rules.valid_day(times).valid
    assert rules.valid_day(times).count == 4


def test_one_check_in_is_not_a_valid_day():  # R-ATT-02
    result = rules.valid_day([T0])
    assert not result.valid and result.count == 1 and "仅打卡1次" in result.reason


def test_no_check_in():
    assert rules.valid_day([]).count == 0


def test_fence_inside_the_circle():
    d = rules.fence_decision(SITE, 120.87, 30.03, 10)
    assert d.inside and d.distance_m == 0


def test_fence_tolerance_is_margin_plus_accuracy_capped():
    # 230 m from the centre = 30 m outside the 200 m circle; tolerance 30 + 8 = 38 m.
    lon = 120.87 + 230 / (111_195 * 0.8660)
    assert rules.fence_decision(SITE, lon, 30.03, 8).inside
    # 300 m from the centre = 100 m outside: refused even with a 120 m accuracy (credit capped at 50 m).
    lon = 120.87 + 300 / (111_195 * 0.8660)
    d = rules.fence_decision(SITE, lon, 30.03, 120)
    assert not d.inside and d.refusal == Refusal.OUT_OF_FENCE and d.tolerance_m == 80


def test_fence_refuses_poor_accuracy_even_inside():
    d = rules.fence_decision(SITE, 120.87, 30.03, 151)
    assert not d.inside and d.refusal == Refusal.POOR_ACCURACY


def test_fence_without_site():
    assert rules.fence_decision(None, 120.87, 30.03, 5).refusal == Refusal.NO_SITE


def _candidate(**kw):
    base = dict(
        at=T0,
        project_id=1,
        lon=120.871234,
        lat=30.031234,
        accuracy_m=8.0,
        client_at=T0,
        device_id="dev-1",
        mock_location=False,
        local_date=T0.date(),
    )
    base.update(kw)
    return rules.Candidate(**base)


def _prior(**kw):
    base = dict(
        at=T0 - dt.timedelta(hours=1),
        project_id=1,
        lon=120.87,
        lat=30.03,
        accuracy_m=8.0,
        accepted=True,
        client_at=T0 - dt.timedelta(hours=1),
        device_id="dev-1",
    )
    base.update(kw)
    return rules.PriorCheckIn(**base)


def codes(signals):
    return {s.code for s in signals}


def signals_of(c, prior=(), others=0):
    return rules.cheat_signals(
        c, list(prior), device_users_today=others, local_date_of=clock.local_date
    )


def test_signal_mock_location_alone_is_suspicious():  # R-ATT-04
    s = signals_of(_candidate(mock_location=True))
    assert codes(s) == {"mock_location"} and rules.is_suspicious(s)


def test_signal_perfect_accuracy():  # R-ATT-04
    assert "perfect_accuracy" in codes(signals_of(_candidate(accuracy_m=1.0)))
    assert "perfect_accuracy" not in codes(signals_of(_candidate(accuracy_m=3.5)))


def test_signal_shared_device():  # R-ATT-04
    s = signals_of(_candidate(), others=1)
    assert "shared_device" in codes(s) and rules.is_suspicious(s)


def test_signal_impossible_travel():  # R-ATT-04
    # 30 km in 10 minutes = 180 km/h
    far = _prior(at=T0 - dt.timedelta(minutes=10), lon=120.87 + 0.31, lat=30.03)
    assert "impossible_travel" in codes(signals_of(_candidate(), [far]))
    # the same distance in an hour is possible (30 km/h)
    slow = _prior(at=T0 - dt.timedelta(hours=1), lon=120.87 + 0.31, lat=30.03)
    assert "impossible_travel" not in codes(signals_of(_candidate(), [slow]))


def test_impossible_travel_compares_with_the_previous_good_fix_refused_or_not():  # R-ATT-04
    # Refused 30 km away ten minutes ago, accepted here now: the phone was there.
    refused_far = _prior(
        at=T0 - dt.timedelta(minutes=10), lon=120.87 + 0.31, accepted=False, accuracy_m=12.0
    )
    accepted_here = _prior(at=T0 - dt.timedelta(hours=3))  # an older accepted one, here
    assert "impossible_travel" in codes(signals_of(_candidate(), [refused_far, accepted_here]))
    # A fix too poor to be judged (> 150 m) proves no position: the next good one counts.
    poor_far = _prior(
        at=T0 - dt.timedelta(minutes=10), lon=120.87 + 0.31, accepted=False, accuracy_m=900.0
    )
    assert "impossible_travel" not in codes(signals_of(_candidate(), [poor_far, accepted_here]))
    # ...and a poor fix of the candidate itself is not compared either.
    far = _prior(at=T0 - dt.timedelta(minutes=10), lon=120.87 + 0.31)
    assert "impossible_travel" not in codes(signals_of(_candidate(accuracy_m=400.0), [far]))


def test_signal_repeated_coordinates_needs_full_precision():  # R-ATT-04
    same = _prior(lon=120.871234, lat=30.031234)
    assert "repeated_coordinates" in codes(signals_of(_candidate(), [same]))
    coarse = _candidate(lon=120.87, lat=30.03)
    assert "repeated_coordinates" not in codes(signals_of(coarse, [_prior(lon=120.87, lat=30.03)]))


def test_signal_two_sites_same_day():  # R-ATT-04
    other_site = _prior(project_id=2, lon=120.80, lat=30.00, at=T0 - dt.timedelta(hours=5))
    assert "two_sites_same_day" in codes(signals_of(_candidate(), [other_site]))


def test_signal_replay_and_clock_skew():  # R-ATT-04
    replay = _prior(client_at=T0, lon=120.871234, lat=30.031234)
    s = signals_of(_candidate(), [replay])
    assert {"replay", "repeated_coordinates"} <= codes(s)
    skewed = _candidate(client_at=T0 - dt.timedelta(minutes=11))
    assert "clock_skew" in codes(signals_of(skewed))
    assert "clock_skew" not in codes(signals_of(_candidate(client_at=T0 - dt.timedelta(minutes=9))))


def test_an_honest_check_in_has_no_signal():
    assert signals_of(_candidate(), [_prior()]) == []
