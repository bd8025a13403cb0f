"""Domain events through the transactional outbox (DESIGN "Domain events";
STYLE 8: side effects run from events dispatched on commit, never signals)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from django.db import transaction

from postaward.core import events, services
from postaward.core.models import EventRecord, Todo

pytestmark = pytest.mark.django_db


@events.event("test.thing_happened")
@dataclasses.dataclass(frozen=True)
class ThingHappened(events.DomainEvent):
    thing_id: int
    note: str = ""


@events.event("test.other_happened")
@dataclasses.dataclass(frozen=True)
class OtherHappened(events.DomainEvent):
    other_id: int


class Recorder:
    """A subscriber that records what it saw and can be told to fail."""

    def __init__(self) -> None:
        self.seen: list[events.DomainEvent] = []
        self.fail_on: set[int] = set()

    def __call__(self, evt: events.DomainEvent) -> None:
        key = getattr(evt, "thing_id", None) or getattr(evt, "other_id", None)
        if key in self.fail_on:
            raise RuntimeError(f"subscriber down for {key}")
        self.seen.append(evt)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    events.subscribe(ThingHappened, OtherHappened)(rec)
    yield rec
    events.unsubscribe(rec, ThingHappened, OtherHappened)


def _pending() -> list[EventRecord]:
    return list(EventRecord.objects.filter(dispatched_at__isnull=True).order_by("id"))


def test_an_event_published_in_a_rolled_back_transaction_does_not_exist(
    recorder, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.publish(ThingHappened(thing_id=1))
        assert EventRecord.objects.filter(name="test.thing_happened").count() == 1
        raise RuntimeError("the service failed")
    assert callbacks == []
    assert not EventRecord.objects.filter(name="test.thing_happened").exists()
    assert events.dispatch_pending() == 0
    assert recorder.seen == []


def test_an_event_of_a_rolled_back_savepoint_does_not_exist(recorder):
    with transaction.atomic():
        events.publish(ThingHappened(thing_id=1))
        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish(ThingHappened(thing_id=2))
            raise RuntimeError("inner step failed")
    assert [r.payload["thing_id"] for r in _pending()] == [1]


def test_a_committed_event_is_dispatched_after_commit_exactly_once(
    recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        rec = events.publish(ThingHappened(thing_id=7, note="上报"))
        # nothing is delivered before the commit
        assert recorder.seen == []
    assert len(callbacks) == 1
    assert recorder.seen == [ThingHappened(thing_id=7, note="上报")]
    rec.refresh_from_db()
    assert rec.dispatched_at is not None
    assert (rec.attempts, rec.last_error) == (1, "")
    # later runs (the periodic safety net) do not deliver it again
    assert events.dispatch_pending() == 0
    assert recorder.seen == [ThingHappened(thing_id=7, note="上报")]


def test_events_are_delivered_in_order(recorder):
    for i in range(1, 6):
        events.publish(ThingHappened(thing_id=i))
    assert events.dispatch_pending() == 5
    assert [e.thing_id for e in recorder.seen] == [1, 2, 3, 4, 5]


def test_dispatch_respects_its_limit(recorder):
    for i in range(1, 6):
        events.publish(ThingHappened(thing_id=i))
    assert events.dispatch_pending(limit=2) == 2
    assert len(_pending()) == 3
    assert events.dispatch_pending() == 3


def test_a_failing_subscriber_leaves_the_event_pending_and_it_is_retried(recorder):
    recorder.fail_on = {1}
    rec = events.publish(ThingHappened(thing_id=1))
    assert events.dispatch_pending() == 0
    rec.refresh_from_db()
    assert rec.dispatched_at is None
    assert rec.attempts == 1
    assert rec.last_error == "RuntimeError: subscriber down for 1"
    # retried by the next run, failing again
    assert events.dispatch_pending() == 0
    rec.refresh_from_db()
    assert rec.attempts == 2
    # the subscriber recovers: delivered, error cleared
    recorder.fail_on = set()
    assert events.dispatch_pending() == 1
    rec.refresh_from_db()
    assert rec.dispatched_at is not None
    assert (rec.attempts, rec.last_error) == (3, "")
    assert recorder.seen == [ThingHappened(thing_id=1)]


def test_a_failing_event_does_not_hold_up_the_ones_behind_it(recorder):
    recorder.fail_on = {1}
    events.publish(ThingHappened(thing_id=1))
    events.publish(ThingHappened(thing_id=2))
    events.publish(OtherHappened(other_id=3))
    assert events.dispatch_pending() == 2
    assert [getattr(e, "thing_id", None) or e.other_id for e in recorder.seen] == [2, 3]
    [stuck] = _pending()
    assert stuck.payload == {"thing_id": 1, "note": ""}
    assert stuck.attempts == 1  # tried once in that run, not spun on


def test_an_event_is_given_up_after_max_attempts(recorder):
    recorder.fail_on = {1}
    rec = events.publish(ThingHappened(thing_id=1))
    for _ in range(events.MAX_ATTEMPTS + 3):
        events.dispatch_pending()
    rec.refresh_from_db()
    assert rec.attempts == events.MAX_ATTEMPTS
    assert rec.dispatched_at is None
    assert rec.last_error  # left for an operator to see


def test_all_subscribers_of_an_event_succeed_or_none_keeps_its_writes(district):
    """A failure in the second subscriber undoes the first one's writes; the
    retry runs both again, so subscribers must be idempotent (dedup keys)."""
    office = district.orgs["office"]
    EventRecord.objects.all().delete()  # whatever building the district published
    state = {"fail": True}

    def open_a_todo(evt: ThingHappened) -> None:
        services.open_todo(
            key=f"test:thing:{evt.thing_id}",
            kind="test",
            title=f"处理事项 {evt.thing_id}",
            organisation_id=office.pk,
        )

    def flaky(evt: ThingHappened) -> None:
        if state["fail"]:
            raise RuntimeError("notification gateway down")

    events.subscribe(ThingHappened)(open_a_todo)
    events.subscribe(ThingHappened)(flaky)
    try:
        events.publish(ThingHappened(thing_id=42))
        assert events.dispatch_pending() == 0
        assert not Todo.objects.filter(key="test:thing:42").exists()
        state["fail"] = False
        assert events.dispatch_pending() == 1
        assert Todo.objects.filter(key="test:thing:42", state="open").count() == 1
        # delivered again (a worker crashed after the subscriber ran): still one to-do
        EventRecord.objects.update(dispatched_at=None)
        assert events.dispatch_pending() == 1
        assert Todo.objects.filter(key="test:thing:42").count() == 1
    finally:
        events.unsubscribe(open_a_todo, ThingHappened)
        events.unsubscribe(flaky, ThingHappened)


def test_subscribing_twice_delivers_once(recorder):
    events.subscribe(ThingHappened)(recorder)  # already subscribed by the fixture
    events.publish(ThingHappened(thing_id=5))
    events.dispatch_pending()
    assert recorder.seen == [ThingHappened(thing_id=5)]


def test_an_unregistered_event_cannot_be_published():
    @dataclasses.dataclass(frozen=True)
    class Unnamed(events.DomainEvent):
        x: int

    with pytest.raises(TypeError, match="not registered"):
        events.publish(Unnamed(x=1))
    assert not EventRecord.objects.exists()


def test_an_event_without_subscribers_is_marked_dispatched():
    rec = events.publish(OtherHappened(other_id=1))
    assert events.dispatch_pending() == 1
    rec.refresh_from_db()
    assert rec.dispatched_at is not None


def test_the_payload_is_plain_json_and_loads_back():
    rec = events.publish(ThingHappened(thing_id=3, note="备注"))
    rec.refresh_from_db()
    assert rec.payload == {"thing_id": 3, "note": "备注"}
    # fields added to the payload by a newer version are ignored by load()
    assert events.load("test.thing_happened", {**rec.payload, "extra": 1}) == ThingHappened(
        thing_id=3, note="备注"
    )


def test_an_event_whose_type_no_longer_exists_is_not_retried_for_ever(recorder):
    EventRecord.objects.create(name="test.removed_event", payload={"x": 1})
    assert events.dispatch_pending() == 1
    assert _pending() == []


def test_a_transaction_of_many_events_asks_the_worker_once(
    recorder, django_capture_on_commit_callbacks
):
    """One dispatch run per commit delivers every event of it: 3 events (and a bulk
    of 2) stored in one transaction queue ONE dispatch, not one per event (the demo's
    thousands of events became thousands of tasks locking SQLite while people tried
    to log in)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(1, 4):
            events.publish(ThingHappened(thing_id=i))
        events.publish_many([OtherHappened(other_id=8), OtherHappened(other_id=9)])
    assert len(callbacks) == 1
    assert len(recorder.seen) == 5
    assert _pending() == []


def test_a_rolled_back_savepoint_does_not_lose_the_dispatch_of_the_outer_events(
    recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                events.publish(ThingHappened(thing_id=1))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        events.publish(ThingHappened(thing_id=2))
    assert len(callbacks) == 1
    assert [e.thing_id for e in recorder.seen] == [2]


def test_drain_delivers_every_pending_event_in_batches(recorder):
    for i in range(1, 8):
        events.publish(ThingHappened(thing_id=i))
    assert events.drain(batch=3) == 7
    assert _pending() == []
    assert [e.thing_id for e in recorder.seen] == list(range(1, 8))
