"""The deadline engine (DESIGN "Deadlines"; STYLE 7: deadlines are data, swept
by a scheduled task through an index).

Periods: the start day is not counted, a period ends at 24:00 of its last day.
Suspension (R-PRJ-07) pauses a project's clocks.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from postaward.core import clock, deadlines, events
from postaward.core.models import Deadline, EventRecord

from .conftest import run_concurrently

pytestmark = pytest.mark.django_db

SH = clock.LOCAL_TZ
WD = "working_days"
CD = "calendar_days"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


# Wednesday 2026-09-30, 10:00 in Shanghai: the day before the National Day holiday.
RECEIVED = local(2026, 9, 30, 10, 0)


@pytest.fixture
def project(district):
    return district.projects["p_school"]


@pytest.fixture
def other_project(district):
    return district.projects["p_hospital"]


def open_for(project, *, kind="test.accept", length=3, unit=WD, start=RECEIVED, **kw):
    return deadlines.open_deadline(
        kind=kind,
        subject=project,
        length=length,
        unit=unit,
        basis="测试依据",
        organisation_id=project.owner_id,
        project_id=project.pk,
        start=start,
        **kw,
    )


# What the subscribers receive: the per-deadline facts, whether they were
# published one by one (close_deadline) or in a sweep's batch (ADR 0301).
_got: dict[str, list[dict]] = {"deadline.missed": [], "deadline.reminder": []}


def _record(evt: events.DomainEvent) -> None:
    _got[evt.name].append(evt.to_payload())


@pytest.fixture(autouse=True)
def _subscriber():
    for got in _got.values():
        got.clear()
    events.subscribe(deadlines.DeadlineMissed, deadlines.DeadlineReminder)(_record)
    yield
    events.unsubscribe(_record, deadlines.DeadlineMissed, deadlines.DeadlineReminder)


def delivered(name: str) -> list[dict]:
    events.dispatch_pending(limit=100_000)
    return list(_got[name])


def missed_events() -> list[dict]:
    return delivered("deadline.missed")


def reminder_events() -> list[dict]:
    return delivered("deadline.reminder")


def sweep(now: dt.datetime, **kw) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A sweep and the dispatch of what it published (the worker's job)."""
    result = deadlines.sweep(now=now, **kw)
    events.dispatch_pending(limit=100_000)
    return result


def fresh(d: Deadline) -> Deadline:
    return Deadline.objects.get(pk=d.pk)


# --- opening and closing ------------------------------------------------------------------------


def test_open_computes_due_at_24_00_of_the_last_working_day(project):  # R-CAL-01
    d = open_for(project, length=3, unit=WD)
    assert d.state == Deadline.State.OPEN
    assert d.due_at == local(2026, 10, 11, 0, 0)  # end of Saturday 10-10, a make-up day
    assert (d.subject_type, d.subject_id) == ("projects.project", str(project.pk))
    assert (d.project_id, d.organisation_id) == (project.pk, project.owner_id)
    assert d.started_at == RECEIVED
    assert d.reminder_at is None


def test_working_days_skip_the_holiday_that_calendar_days_count(project, other_project):  # R-CAL-01
    # R-ACC-01 (days) vs working days (R-CAL-01) over the same National Day week
    working = open_for(project, kind="test.wd", length=5, unit=WD)
    calendar = open_for(other_project, kind="test.cd", length=5, unit=CD)
    # working: 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13
    assert working.due_at == local(2026, 10, 14)
    # calendar: 10-01..10-05, holidays included; 10-05 is a holiday, so the
    # period ends at 24:00 of the next working day, 10-08 (R-CAL-01)
    assert calendar.due_at == local(2026, 10, 9)
    assert calendar.nominal_end == dt.date(2026, 10, 5)
    assert deadlines.show(calendar).roll_note == "原届满 10-05 为法定节假日，顺延至 10-08"
    assert sweep(now=local(2026, 10, 8, 23, 59)) == (0, 0)
    assert sweep(now=local(2026, 10, 9)) == (0, 1)
    assert fresh(calendar).state == Deadline.State.MISSED
    assert fresh(working).state == Deadline.State.OPEN
    assert sweep(now=local(2026, 10, 14)) == (0, 1)
    assert fresh(working).state == Deadline.State.MISSED


def test_the_start_counts_from_its_shanghai_date(project):
    # 17:30 UTC on 09-29 is already 01:30 on 09-30 in Shanghai
    d = open_for(project, start=dt.datetime(2026, 9, 29, 17, 30, tzinfo=dt.UTC))
    assert d.due_at == local(2026, 10, 11)


def test_open_uses_the_platform_clock_by_default(project):
    with time_machine.travel(RECEIVED, tick=False):
        d = deadlines.open_deadline(
            kind="test.clock",
            subject=project,
            length=3,
            unit=WD,
            basis="",
            organisation_id=None,
        )
    assert d.started_at == RECEIVED
    assert d.due_at == local(2026, 10, 11)


def test_one_open_deadline_per_kind_and_subject(project):
    from django.db import IntegrityError, transaction

    open_for(project)
    with pytest.raises(IntegrityError), transaction.atomic():
        open_for(project)
    deadlines.close_deadline(kind="test.accept", subject=project, state=Deadline.State.CANCELLED)
    open_for(project)  # a new period once the first is closed
    assert Deadline.objects.filter(kind="test.accept").count() == 2


def test_closing_in_time_is_met(project):
    d = open_for(project)
    with time_machine.travel(local(2026, 10, 10, 23, 59), tick=False):
        assert deadlines.close_deadline(kind="test.accept", subject=project) == 1
    d = fresh(d)
    assert d.state == Deadline.State.MET
    assert d.closed_at == local(2026, 10, 10, 23, 59)
    assert missed_events() == []
    # closing again finds nothing open
    assert deadlines.close_deadline(kind="test.accept", subject=project) == 0


def test_closing_after_it_ran_out_before_the_sweep_is_missed(project):
    d = open_for(project)
    with time_machine.travel(local(2026, 10, 11, 0, 0), tick=False):  # exactly 24:00
        assert deadlines.close_deadline(kind="test.accept", subject=project) == 1
    d = fresh(d)
    assert d.state == Deadline.State.MISSED
    [evt] = missed_events()
    assert evt["deadline_id"] == d.pk
    # the sweep does not report it a second time
    assert sweep(now=local(2026, 10, 12)) == (0, 0)
    assert len(missed_events()) == 1


def test_cancelling_closes_whatever_the_time(project):
    d = open_for(project)
    n = deadlines.close_deadline(
        kind="test.accept", subject=project, state=Deadline.State.CANCELLED
    )
    assert n == 1
    assert fresh(d).state == Deadline.State.CANCELLED
    assert sweep(now=local(2026, 12, 1)) == (0, 0)


def test_closing_only_touches_its_kind_and_subject(project, other_project):
    mine = open_for(project, kind="test.a")
    other_kind = open_for(project, kind="test.b")
    other_subject = open_for(other_project, kind="test.a")
    with time_machine.travel(local(2026, 10, 9), tick=False):
        deadlines.close_deadline(kind="test.a", subject=project)
    assert fresh(mine).state == Deadline.State.MET
    assert fresh(other_kind).state == Deadline.State.OPEN
    assert fresh(other_subject).state == Deadline.State.OPEN


# --- the sweep -------------------------------------------------------------------------------


def test_sweep_marks_missed_at_24_00_and_not_a_moment_before(project):
    d = open_for(project)
    assert sweep(now=local(2026, 10, 10, 23, 59, 59)) == (0, 0)
    assert fresh(d).state == Deadline.State.OPEN
    assert sweep(now=local(2026, 10, 11, 0, 0)) == (0, 1)
    d = fresh(d)
    assert d.state == Deadline.State.MISSED
    assert d.closed_at == local(2026, 10, 11)
    [evt] = missed_events()
    assert evt == {
        "deadline_id": d.pk,
        "kind": "test.accept",
        "subject_type": "projects.project",
        "subject_id": str(project.pk),
        "project_id": project.pk,
        "organisation_id": project.owner_id,
        "due_at": d.due_at.isoformat(),
        "basis": "测试依据",
    }
    assert isinstance(events.load("deadline.missed", evt), deadlines.DeadlineMissed)


def test_sweep_twice_marks_missed_once(project, other_project):
    open_for(project)
    open_for(other_project)
    assert sweep(now=local(2026, 10, 12)) == (0, 2)
    assert sweep(now=local(2026, 10, 12)) == (0, 0)
    assert sweep(now=local(2026, 10, 20)) == (0, 0)
    assert len(missed_events()) == 2


def test_sweep_works_in_batches(project):
    for i in range(7):
        open_for(project, kind=f"test.batch{i}")
    assert sweep(now=local(2026, 10, 12), batch=3) == (0, 7)
    assert len(missed_events()) == 7


def test_reminder_is_sent_once_at_its_time(project):  # R-ACC-05: reminder at 7 of 15 days
    d = open_for(project, kind="test.township", length=15, unit=CD, reminder_after=7)
    assert d.reminder_at == local(2026, 10, 8)
    assert d.due_at == local(2026, 10, 16)
    assert sweep(now=local(2026, 10, 7, 23, 59)) == (0, 0)
    assert sweep(now=local(2026, 10, 8)) == (1, 0)
    assert sweep(now=local(2026, 10, 9)) == (0, 0)
    assert fresh(d).reminded_at == local(2026, 10, 8)
    [evt] = reminder_events()
    assert evt["deadline_id"] == d.pk
    assert sweep(now=local(2026, 10, 16)) == (0, 1)


def test_a_late_sweep_reports_the_miss_without_a_stale_reminder(project):
    d = open_for(project, kind="test.township", length=15, unit=CD, reminder_after=7)
    assert sweep(now=local(2026, 10, 20)) == (0, 1)
    assert reminder_events() == []
    assert fresh(d).state == Deadline.State.MISSED


def test_closed_deadlines_are_not_reminded(project):
    open_for(project, kind="test.township", length=15, unit=CD, reminder_after=7)
    with time_machine.travel(local(2026, 10, 3), tick=False):
        deadlines.close_deadline(kind="test.township", subject=project)
    assert sweep(now=local(2026, 10, 9)) == (0, 0)


def test_concurrent_sweeps_mark_each_missed_deadline_exactly_once(concurrent_db, district):
    project, other = district.projects["p_school"], district.projects["p_hospital"]
    for i in range(10):
        open_for(project, kind=f"test.c{i}")
        open_for(other, kind=f"test.c{i}", reminder_after=1, length=20, unit=CD)
    now = local(2026, 10, 12)
    outcome = run_concurrently(lambda i: deadlines.sweep(now=now), 6)
    assert outcome.errors == []
    assert sum(r[1] for r in outcome.results) == 10
    assert sum(r[0] for r in outcome.results) == 10
    assert len(missed_events()) == 10
    assert len(reminder_events()) == 10
    assert len({e["deadline_id"] for e in missed_events()}) == 10
    assert Deadline.objects.filter(state="missed").count() == 10


# --- suspension (R-PRJ-07) --------------------------------------------------------------------


def test_a_suspension_in_the_middle_restarts_with_the_working_days_left(project):  # R-PRJ-07
    d = open_for(project, length=3, unit=WD)  # due 10-11 00:00
    paused_at = local(2026, 10, 9, 12, 0)
    resumed_at = local(2026, 10, 13, 12, 0)  # four days later
    assert deadlines.pause_project(project.pk, paused_at) == 1
    assert fresh(d).paused_at == paused_at
    # while paused the sweep ignores it, even long past the original due time
    assert sweep(now=local(2026, 10, 12)) == (0, 0)
    assert fresh(d).state == Deadline.State.OPEN
    assert deadlines.resume_project(project.pk, resumed_at) == 1
    d = fresh(d)
    assert d.paused_at is None
    assert d.due_at == local(2026, 10, 15, 0, 0)
    assert d.paused_seconds == 4 * 24 * 3600
    assert sweep(now=local(2026, 10, 14, 23, 59)) == (0, 0)
    assert sweep(now=local(2026, 10, 15)) == (0, 1)


def test_pause_moves_the_reminder_too(project):
    d = open_for(project, kind="test.township", length=15, unit=CD, reminder_after=7)
    deadlines.pause_project(project.pk, local(2026, 10, 2))
    assert sweep(now=local(2026, 10, 9)) == (0, 0)  # reminder time passed: paused
    deadlines.resume_project(project.pk, local(2026, 10, 5))
    d = fresh(d)
    assert d.reminder_at == local(2026, 10, 11)
    # 13 calendar days were left after 10-02: from 10-05 that is Sunday 10-18,
    # a rest day, so the period ends at 24:00 of Monday 10-19 (R-CAL-01)
    assert d.due_at == local(2026, 10, 20)
    assert d.nominal_end == dt.date(2026, 10, 18)
    assert sweep(now=local(2026, 10, 11)) == (1, 0)


def test_two_suspensions_inside_a_holiday_cost_no_working_day(project):  # R-PRJ-07, R-CAL-01
    """Resuming recomputes the due date in the clock's own unit: both suspensions
    fall in the National Day holiday, so all 3 working days are still left and
    the period still ends at 24:00 of Saturday 10-10 (a make-up working day)."""
    d = open_for(project, length=3, unit=WD)
    deadlines.pause_project(project.pk, local(2026, 10, 1))
    deadlines.resume_project(project.pk, local(2026, 10, 2))
    deadlines.pause_project(project.pk, local(2026, 10, 3))
    deadlines.resume_project(project.pk, local(2026, 10, 3, 12))
    d = fresh(d)
    assert d.paused_seconds == 36 * 3600
    assert d.due_at == local(2026, 10, 11)


def test_pause_and_resume_only_touch_that_projects_open_clocks(project, other_project):
    mine = open_for(project)
    theirs = open_for(other_project)
    closed = open_for(project, kind="test.closed")
    deadlines.close_deadline(kind="test.closed", subject=project, state=Deadline.State.CANCELLED)
    assert deadlines.pause_project(project.pk, local(2026, 10, 2)) == 1
    assert fresh(theirs).paused_at is None
    assert fresh(closed).paused_at is None
    assert deadlines.pause_project(project.pk, local(2026, 10, 3)) == 0  # already paused
    assert fresh(mine).paused_at == local(2026, 10, 2)
    assert deadlines.resume_project(other_project.pk, local(2026, 10, 4)) == 0


def test_a_deadline_already_run_out_is_not_rescued_by_a_suspension(project):
    d = open_for(project)  # due 10-11 00:00, the sweep has not run yet
    assert deadlines.pause_project(project.pk, local(2026, 10, 11, 9, 0)) == 0
    assert sweep(now=local(2026, 10, 11, 9, 5)) == (0, 1)
    assert fresh(d).state == Deadline.State.MISSED


def test_closing_while_paused_is_met_if_paused_in_time(project):
    d = open_for(project)
    deadlines.pause_project(project.pk, local(2026, 10, 9))
    with time_machine.travel(local(2026, 10, 20), tick=False):  # long after the old due time
        deadlines.close_deadline(kind="test.accept", subject=project)
    assert fresh(d).state == Deadline.State.MET
    assert missed_events() == []


def test_a_deadline_opened_during_a_suspension_starts_paused(project):
    from postaward.projects.models import Project

    Project.objects.filter(pk=project.pk).update(status="suspended")
    d = open_for(project)
    assert d.paused_at == RECEIVED
    assert sweep(now=local(2026, 10, 20)) == (0, 0)
    deadlines.resume_project(project.pk, local(2026, 10, 2, 10, 0))  # two days later
    # paused from the start: 3 working days are left, counted from 10-02 (a holiday)
    assert fresh(d).due_at == local(2026, 10, 11)


def test_pause_and_resume_outside_any_transaction(transactional_db):
    """resume_project locks its rows, so it opens its own transaction (in
    autocommit mode ``select_for_update`` would be refused on PostgreSQL)."""
    from django.db import transaction

    from postaward.core.models import CalendarYear

    assert transaction.get_autocommit()
    subject = CalendarYear.objects.get(year=2026)
    d = deadlines.open_deadline(
        kind="test.autocommit",
        subject=subject,
        length=3,
        unit=WD,
        basis="",
        organisation_id=None,
        project_id=987654,
        start=RECEIVED,
    )
    assert deadlines.pause_project(987654, local(2026, 10, 1)) == 1
    assert deadlines.resume_project(987654, local(2026, 10, 2)) == 1
    assert fresh(d).due_at == local(2026, 10, 11)


# --- cost follows what is due ------------------------------------------------------------------


def _bulk_not_due(project, n: int, tag: str) -> None:
    """Rows the sweep must never read: running but not due, paused, closed."""
    rows = []
    far = local(2027, 6, 1)
    past = local(2026, 1, 1)
    for i in range(n):
        kind = i % 5
        base = {
            "kind": f"bulk.{tag}.{i}",
            "subject_type": "projects.project",
            "subject_id": str(project.pk),
            "project_id": project.pk,
            "started_at": past,
            "length": 3,
            "unit": WD,
            "due_at": far if kind == 0 else past,
            "reminder_at": far if kind == 0 else past,
        }
        if kind == 1:
            base["paused_at"] = past
        elif kind == 2:
            base["state"] = Deadline.State.MET
        elif kind == 3:
            base["state"] = Deadline.State.MISSED
        elif kind == 4:
            base["state"] = Deadline.State.CANCELLED
        rows.append(Deadline(**base))
    Deadline.objects.bulk_create(rows)


def _sweep_queries(project, tag: str, non_due: int) -> int:
    _bulk_not_due(project, non_due, tag)
    for i in range(3):
        open_for(project, kind=f"due.{tag}.{i}", length=3, unit=WD)
    with CaptureQueriesContext(connection) as ctx:
        reminded, missed = deadlines.sweep(now=local(2026, 10, 12))
    assert (reminded, missed) == (0, 3)
    return len(ctx.captured_queries)


def test_sweep_cost_does_not_grow_with_rows_that_are_not_due(project):
    few = _sweep_queries(project, "few", 10)
    many = _sweep_queries(project, "many", 500)
    assert few == many


def test_sweep_selection_matches_the_partial_indexes(project):
    """The selections repeat the partial indexes' conditions, so the planner
    may answer them from the indexes alone."""
    _bulk_not_due(project, 200, "plan")
    now = local(2026, 10, 12)
    for qs, index in [
        (deadlines._due_missed(now), "deadline_open_due_idx"),
        (deadlines._due_reminders(now), "deadline_open_remind_idx"),
    ]:
        sql, params = qs.values_list("pk", flat=True)[:1000].query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(col) for row in cursor.fetchall() for col in row)
        assert index in plan, plan


# --- the set-based sweep: batches in the outbox, per-deadline facts at dispatch (ADR 0301) ----------


def batches(name: str = "deadline.missed_batch") -> list[EventRecord]:
    return list(EventRecord.objects.filter(name=name).order_by("id"))


def test_the_sweep_writes_no_deadline_row_and_publishes_one_event_per_batch(project):
    ds = [open_for(project, kind=f"test.b{i}") for i in range(5)]
    assert deadlines.sweep(now=local(2026, 10, 12), batch=2) == (0, 5)
    assert [len(b.payload["deadline_ids"]) for b in batches()] == [2, 2, 1]
    assert all(fresh(d).state == Deadline.State.OPEN for d in ds)
    assert not EventRecord.objects.filter(name="deadline.missed").exists()
    # the dispatch claims the rows and hands each deadline over on its own
    assert len(missed_events()) == 5
    assert all(fresh(d).state == Deadline.State.MISSED for d in ds)
    assert {fresh(d).closed_at for d in ds} == {local(2026, 10, 12)}


def test_a_deadline_waiting_in_a_batch_is_not_published_again(project):
    open_for(project)
    assert deadlines.sweep(now=local(2026, 10, 12)) == (0, 1)
    assert deadlines.sweep(now=local(2026, 10, 12, 0, 5)) == (0, 0)
    assert len(batches()) == 1
    assert len(missed_events()) == 1
    assert deadlines.sweep(now=local(2026, 10, 13)) == (0, 0)


def test_a_duplicate_batch_claims_nothing(project):
    d = open_for(project)
    deadlines.sweep(now=local(2026, 10, 12))
    # a second sweeper that did not see the first batch publishes the same id
    events.publish(
        deadlines.DeadlinesMissedBatch(at=local(2026, 10, 12).isoformat(), deadline_ids=[d.pk])
    )
    assert len(batches()) == 2
    assert [e["deadline_id"] for e in missed_events()] == [d.pk]


def test_a_batch_that_failed_for_good_is_published_again(project):
    d = open_for(project)
    deadlines.sweep(now=local(2026, 10, 12))
    EventRecord.objects.filter(name="deadline.missed_batch").update(attempts=events.MAX_ATTEMPTS)
    assert deadlines.sweep(now=local(2026, 10, 12, 1)) == (0, 1)
    assert [e["deadline_id"] for e in missed_events()] == [d.pk]


def test_closed_between_the_sweep_and_the_dispatch_is_reported_once(project):
    d = open_for(project)
    deadlines.sweep(now=local(2026, 10, 12))
    with time_machine.travel(local(2026, 10, 12, 0, 1), tick=False):
        # the owner closes it late: close_deadline reports the miss itself
        assert deadlines.close_deadline(kind="test.accept", subject=project) == 1
    assert [e["deadline_id"] for e in missed_events()] == [d.pk]
    assert fresh(d).state == Deadline.State.MISSED


def test_cancelled_or_paused_between_the_sweep_and_the_dispatch_is_not_reported(
    project, other_project
):
    cancelled = open_for(project)
    paused = open_for(other_project)
    deadlines.sweep(now=local(2026, 10, 12))
    deadlines.close_deadline(kind="test.accept", subject=project, state=Deadline.State.CANCELLED)
    # a suspension confirmed after the sweep that started before the deadline ran out
    Deadline.objects.filter(pk=paused.pk).update(paused_at=local(2026, 10, 10, 12))
    assert missed_events() == []
    assert fresh(cancelled).state == Deadline.State.CANCELLED
    assert fresh(paused).state == Deadline.State.OPEN


def test_a_failing_subscriber_does_not_hold_up_the_batch(project):
    ds = [open_for(project, kind=f"test.f{i}") for i in range(3)]
    failing = {ds[1].pk}
    seen: list[int] = []

    def flaky(evt):  # type: ignore[no-untyped-def]
        if evt.deadline_id in failing:
            raise RuntimeError("subscriber down")
        # what the subscriber did counts only if it was committed (a batch is
        # first delivered in one savepoint, then one by one if anyone failed)
        transaction.on_commit(lambda: seen.append(evt.deadline_id))

    events.subscribe(deadlines.DeadlineMissed)(flaky)
    try:
        deadlines.sweep(now=local(2026, 10, 12))
        with TestCase.captureOnCommitCallbacks(execute=True):
            events.dispatch_pending()
        assert seen == [ds[0].pk, ds[2].pk]
        # the failing one is claimed, and waits as its own event for a retry
        assert all(fresh(d).state == Deadline.State.MISSED for d in ds)
        retry = EventRecord.objects.get(name="deadline.missed")
        assert retry.payload["deadline_id"] == ds[1].pk
        failing.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            events.dispatch_pending()
        assert seen == [ds[0].pk, ds[2].pk, ds[1].pk]
    finally:
        events.unsubscribe(flaky, deadlines.DeadlineMissed)


def test_a_sweep_killed_half_way_publishes_nothing_and_the_rerun_loses_nothing(
    project, monkeypatch
):
    ds = [open_for(project, kind=f"test.k{i}") for i in range(5)]
    real_publish = events.publish
    calls = {"n": 0}

    def dying_publish(evt):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real_publish(evt)

    monkeypatch.setattr(events, "publish", dying_publish)
    with pytest.raises(SystemExit):
        deadlines.sweep(now=local(2026, 10, 12), batch=2)
    monkeypatch.setattr(events, "publish", real_publish)
    assert batches() == []
    assert deadlines.sweep(now=local(2026, 10, 12), batch=2) == (0, 5)
    assert sorted(e["deadline_id"] for e in missed_events()) == sorted(d.pk for d in ds)


def test_concurrent_sweeps_and_dispatchers_report_each_deadline_once(concurrent_db, district):
    project, other = district.projects["p_school"], district.projects["p_hospital"]
    for i in range(30):
        open_for(project if i % 2 else other, kind=f"test.cc{i}")
    now = local(2026, 10, 12)

    def work(i: int) -> int:
        if i % 2:
            return deadlines.sweep(now=now, batch=4)[1]
        return events.dispatch_pending()

    outcome = run_concurrently(work, 6)
    assert outcome.errors == []
    events.dispatch_pending()
    ids = [e["deadline_id"] for e in missed_events()]
    assert len(ids) == 30
    assert len(set(ids)) == 30
    assert Deadline.objects.filter(state="missed").count() == 30


# --- extension and reading ---------------------------------------------------------------------


def test_an_extension_lengthens_a_running_period_in_its_own_unit(project, other_project):
    cd = open_for(project, kind="test.ext", length=60, unit=CD)  # due 11-30 00:00
    wd = open_for(other_project, kind="test.ext", length=3, unit=WD)  # due 10-11 00:00
    with time_machine.travel(local(2026, 10, 9), tick=False):
        assert (
            deadlines.extend_deadline(kind="test.ext", subject=project, extra=30, note="延长") == 1
        )
        assert deadlines.extend_deadline(kind="test.ext", subject=other_project, extra=2) == 1
    cd, wd = fresh(cd), fresh(wd)
    assert cd.due_at == local(2026, 12, 30) and cd.length == 90 and cd.basis.endswith("延长")
    assert wd.due_at == local(2026, 10, 14)  # 10-12 (Mon), 10-13 (Tue)
    shown = deadlines.show(cd, now=local(2026, 10, 9))
    assert (
        shown.period == "自 2026-09-30 起 90 个自然日，至 2026-12-29 24:00（依据：测试依据；延长）"
    )


def test_an_extension_does_not_rescue_a_deadline_that_ran_out(project):
    d = open_for(project, kind="test.ext", length=3, unit=WD)
    with time_machine.travel(local(2026, 10, 11, 0, 1), tick=False):
        assert deadlines.extend_deadline(kind="test.ext", subject=project, extra=5) == 0
    assert fresh(d).due_at == local(2026, 10, 11)
