"""Idempotency keys: a retried request stores one record.

The client sends ``Idempotency-Key: <uuid>`` with a write. The first request
claims the key by inserting a row in the same transaction as the write and stores
the answer; a retry (even a concurrent one, which waits on the unique index)
gets the stored answer. The same key with a different body is refused. A request
that the rules refuse rolls back its claim, so a corrected retry is possible.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from .audit import canonical_json, normalise
from .crypto import sm3_hex
from .errors import Conflict, ValidationFailed

MAX_KEY = 100


def fingerprint(payload: Any) -> str:
    """What identifies a request's body: the SM3 of its canonical JSON (sorted
    keys, dates and decimals as text). One definition for every write."""
    return sm3_hex(canonical_json(payload))


def run(
    *,
    user_id: int | None,
    scope: str,
    key: str | None,
    payload: Any,
    fn: Callable[[], tuple[int, Any]],
) -> tuple[int, Any, bool]:
    """Run ``fn`` once per (user, scope, key). Returns (status, body, replayed)."""
    from .models import IdempotencyRecord

    key = (key or "").strip()
    if not key or user_id is None:
        # No key, or an anonymous caller: keys are scoped per user, and sharing
        # one namespace between all anonymous callers would let one replay
        # another's answer. Such requests simply run.
        status, body = fn()
        return status, body, False
    if len(key) > MAX_KEY or not key.isprintable():
        raise ValidationFailed(
            "Idempotency-Key 格式不正确（不超过100个可打印字符）", field="Idempotency-Key"
        )
    digest = fingerprint(payload)

    def replay() -> tuple[int, Any, bool]:
        rec = IdempotencyRecord.objects.get(user_id=user_id, scope=scope, key=key)
        if rec.fingerprint != digest:
            raise Conflict("该幂等键已用于内容不同的请求", code="idempotency_mismatch")
        return rec.status, rec.body, True

    if IdempotencyRecord.objects.filter(user_id=user_id, scope=scope, key=key).exists():
        return replay()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    rec = IdempotencyRecord.objects.create(
                        user_id=user_id, scope=scope, key=key, fingerprint=digest
                    )
            except IntegrityError as exc:
                # A concurrent request with the same key committed first.
                raise _KeyTaken from exc
            # An IntegrityError raised by ``fn`` itself is the caller's and
            # propagates unchanged (the claim is rolled back with it).
            status, body = fn()
            # Stored as JSON (dates as ISO strings): a replay answers the same.
            rec.status, rec.body = status, normalise(body)
            rec.save(update_fields=["status", "body"])
            return status, body, False
    except _KeyTaken:
        return replay()


class _KeyTaken(Exception):
    pass
