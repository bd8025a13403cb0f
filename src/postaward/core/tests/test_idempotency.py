"""Idempotency keys: a retried write takes effect once (the API's
``Idempotency-Key`` header; phones on weak networks retry)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError

from postaward.core import audit, idempotency
from postaward.core.actor import SYSTEM
from postaward.core.errors import Conflict, ValidationFailed
from postaward.core.models import AuditRecord, CalendarYear, IdempotencyRecord

from .conftest import run_concurrently

pytestmark = pytest.mark.django_db


class Write:
    """A write that leaves a trace per call: an audit record."""

    def __init__(self, status: int = 201, body: object = None) -> None:
        self.calls = 0
        self.status = status
        self.body = body
        self._lock = threading.Lock()

    def __call__(self) -> tuple[int, object]:
        with self._lock:
            self.calls += 1
            n = self.calls
        audit.record(actor=SYSTEM, action="test.idempotent_write", object_type="t", object_id=n)
        return self.status, self.body if self.body is not None else {"id": n}


def _writes() -> int:
    return AuditRecord.objects.filter(action="test.idempotent_write").count()


def run(fn, *, key="k-1", payload=None, user_id=1, scope="test.create"):
    return idempotency.run(
        user_id=user_id, scope=scope, key=key, payload=payload or {"a": 1}, fn=fn
    )


def test_the_same_key_twice_stores_one_result():
    write = Write()
    assert run(write) == (201, {"id": 1}, False)
    assert run(write) == (201, {"id": 1}, True)
    assert write.calls == 1
    assert _writes() == 1
    rec = IdempotencyRecord.objects.get()
    assert (rec.user_id, rec.scope, rec.key, rec.status, rec.body) == (
        1,
        "test.create",
        "k-1",
        201,
        {"id": 1},
    )


def test_the_replay_answers_like_the_first_call_even_with_dates():
    write = Write(body={"due": dt.date(2026, 10, 10), "ok": True})
    status, first, replayed = run(write)
    assert not replayed
    assert first == {"due": dt.date(2026, 10, 10), "ok": True}
    status2, second, replayed2 = run(write)
    assert replayed2
    assert status2 == status
    assert second == {"due": "2026-10-10", "ok": True}


def test_the_fingerprint_ignores_key_order_of_the_body():
    write = Write()
    run(write, payload={"a": 1, "b": [1, 2]})
    assert run(write, payload={"b": [1, 2], "a": 1})[2] is True
    assert write.calls == 1


def test_the_same_key_with_a_different_body_is_a_conflict():
    write = Write()
    run(write, payload={"amount": 100})
    with pytest.raises(Conflict) as info:
        run(write, payload={"amount": 101})
    assert info.value.status == 409
    assert info.value.code == "idempotency_mismatch"
    assert write.calls == 1


def test_keys_are_per_user_and_per_scope():
    write = Write()
    run(write, user_id=1)
    run(write, user_id=2)
    run(write, user_id=1, scope="test.other")
    assert write.calls == 3
    assert IdempotencyRecord.objects.count() == 3


def test_without_a_key_every_request_runs():
    write = Write()
    assert run(write, key=None)[2] is False
    assert run(write, key="")[2] is False
    assert run(write, key="   ")[2] is False
    assert write.calls == 3
    assert not IdempotencyRecord.objects.exists()


def test_anonymous_callers_get_no_shared_key_space():
    write = Write()
    run(write, user_id=None)
    run(write, user_id=None)
    assert write.calls == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["x" * 101, "bad\nkey", "tab\tkey"])
def test_malformed_keys_are_refused(key):
    write = Write()
    with pytest.raises(ValidationFailed) as info:
        run(write, key=key)
    assert info.value.errors[0]["field"] == "Idempotency-Key"
    assert write.calls == 0


def test_surrounding_spaces_do_not_make_a_new_key():
    write = Write()
    run(write, key="k-9")
    assert run(write, key=" k-9 ")[2] is True
    assert write.calls == 1


def test_a_refused_request_leaves_no_claim_and_can_be_corrected():
    def refuse() -> tuple[int, object]:
        audit.record(actor=SYSTEM, action="test.idempotent_write", object_type="t")
        raise ValidationFailed("金额不正确", field="amount")

    with pytest.raises(ValidationFailed):
        run(refuse, payload={"amount": -1})
    assert not IdempotencyRecord.objects.exists()
    assert _writes() == 0  # the refused write was rolled back with the claim
    # a corrected retry with the same key is accepted
    write = Write()
    assert run(write, payload={"amount": 100}) == (201, {"id": 1}, False)


def test_an_integrity_error_of_the_write_itself_is_not_taken_for_a_replay():
    def duplicate_year() -> tuple[int, object]:
        CalendarYear.objects.create(year=2026, source="manual")  # already seeded
        return 201, {}

    with pytest.raises(IntegrityError):
        run(duplicate_year)
    assert not IdempotencyRecord.objects.exists()


def test_concurrent_requests_with_the_same_key_run_once(concurrent_db):
    write = Write()
    workers = 8
    outcome = run_concurrently(lambda i: run(write, key="same-key"), workers)
    assert outcome.errors == []
    assert write.calls == 1
    assert _writes() == 1
    assert IdempotencyRecord.objects.filter(key="same-key").count() == 1
    assert sorted(r[2] for r in outcome.results) == [False] + [True] * (workers - 1)
    assert {(r[0], str(r[1])) for r in outcome.results} == {(201, "{'id': 1}")}


def test_concurrent_requests_with_the_same_key_and_different_bodies(concurrent_db):
    write = Write()
    outcome = run_concurrently(lambda i: run(write, key="contested", payload={"n": i % 2}), 6)
    assert write.calls == 1
    assert len(outcome.results) + len(outcome.errors) == 6
    assert all(isinstance(e, Conflict) for e in outcome.errors)
    assert len(outcome.errors) == 3  # the three with the other body
    assert IdempotencyRecord.objects.filter(key="contested").count() == 1


def test_old_records_are_purged_after_seven_days():
    import time_machine

    from postaward.core.tasks import purge_idempotency_records

    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False):
        run(Write(), key="old")
    with time_machine.travel(dt.datetime(2026, 3, 7, tzinfo=dt.UTC), tick=False):
        run(Write(), key="recent")
        purge_idempotency_records.call_local()
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {"old", "recent"}
    with time_machine.travel(dt.datetime(2026, 3, 8, 0, 1, tzinfo=dt.UTC), tick=False):
        purge_idempotency_records.call_local()
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {"recent"}
