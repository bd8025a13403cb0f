"""The legal clocks of complaints and reports (R-CMP-02, "自收件起"; R-CAL-01):
from the day of receipt, the start day not counted, ending 24:00; a complaint
3 / 15 working days, a report 5 / 30 calendar days rolled off a rest day.
Real dates of the 2026 State Council notice (National Day 10-01..10-07,
make-up working days 09-20 and 10-10)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from postaward.core import clock, deadlines

from ..choices import Kind
from ..deadline_kinds import COMPLAINT_CLOSE, COMPLAINT_DECISION, REPORT_CLOSE, REPORT_DECISION
from . import factories as f

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 9, 30, 10, 0, tzinfo=clock.LOCAL_TZ)


def _last_days(c) -> dict[str, dt.date]:  # type: ignore[no-untyped-def]
    return {d.kind: deadlines.last_day(d) for d in deadlines.deadlines_of(c)}


@pytest.fixture
def on_0930(district):
    with time_machine.travel(RECEIVED, tick=False):
        yield district


def test_r_cmp_02_complaint_received_0930_decision_due_1010_a_make_up_working_day(on_0930):
    c = f.received(on_0930)
    assert _last_days(c)[COMPLAINT_DECISION.kind] == dt.date(2026, 10, 10)


def test_r_cmp_02_complaint_received_0930_closed_by_1027(on_0930):
    c = f.received(on_0930)
    assert _last_days(c)[COMPLAINT_CLOSE.kind] == dt.date(2026, 10, 27)


def test_r_cmp_02_report_received_0930_decision_due_1008_rolled_off_the_holiday(on_0930):
    c = f.received(on_0930, kind=Kind.REPORT, standing="public")
    d = next(x for x in deadlines.deadlines_of(c) if x.kind == REPORT_DECISION.kind)
    assert deadlines.last_day(d) == dt.date(2026, 10, 8)
    assert deadlines.roll_note(d) == "原届满 10-05 为法定节假日，顺延至 10-08"


def test_r_cmp_02_report_received_0930_closed_by_1030(on_0930):
    c = f.received(on_0930, kind=Kind.REPORT, standing="public")
    assert _last_days(c)[REPORT_CLOSE.kind] == dt.date(2026, 10, 30)


def test_r_cmp_02_a_report_period_ending_on_a_weekend_rolls_to_monday(district):
    # received Tuesday 2026-03-10: 5 days → Sunday 03-15 → Monday 03-16; 30 days →
    # Thursday 04-09 (no roll)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        c = f.received(district, kind=Kind.REPORT, standing="public")
    days = _last_days(c)
    assert days[REPORT_DECISION.kind] == dt.date(2026, 3, 16)
    assert days[REPORT_CLOSE.kind] == dt.date(2026, 4, 9)


def test_r_cmp_02_each_clock_has_a_reminder_and_a_missed_one_is_a_fact_for_the_alerts(on_0930):
    from postaward.core.models import EventRecord

    c = f.received(on_0930)
    decision = next(x for x in deadlines.deadlines_of(c) if x.kind == COMPLAINT_DECISION.kind)
    assert decision.reminder_at is not None and decision.organisation_id == c.office_id
    # nobody decided by 10-10 24:00: closing the clock late reports it missed
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        from .. import services

        services.accept_complaint(actor=on_0930.actor("office_staff"), complaint=c)
    decision.refresh_from_db()
    assert decision.state == "missed"
    assert EventRecord.objects.filter(
        name="deadline.missed", payload__kind=COMPLAINT_DECISION.kind
    ).exists()
