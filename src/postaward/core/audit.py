"""The audit trail (全程留痕, R-REP-04) as an SM3 hash chain.

Every service records its write with ``record(...)`` inside its own transaction.
Appends lock the chain head (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the
connection opens IMMEDIATE transactions, so writers are already serial), so two
writers can never fork the chain. ``verify()`` walks the chain and reports the
first record that was altered, removed or moved.

Known limit, by design of any keyless chain: someone who can rewrite the whole
table can recompute every hash. Anchors -- the head copied every night to a file
outside the database (``core.anchors``, ADR 0027) -- turn that into detectable
tampering too; ``verify()`` checks them by default.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile

from . import clock, context
from .actor import Actor
from .crypto import sm3_hex

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def normalise(value: Any) -> Any:
    """The JSON value as it will come back from the database."""
    return None if value is None else json.loads(canonical_json(value))


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON-ready dict of the concrete fields of ``instance`` (FKs as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name in ("password",):
            continue
        data[field.attname] = getattr(instance, field.attname)
    return normalise(data)


def _payload(rec: Any) -> dict[str, Any]:
    return {
        "seq": rec.seq,
        "at": rec.at.astimezone(dt.UTC).isoformat(),
        "actor_user_id": rec.actor_user_id,
        "actor_name": rec.actor_name,
        "organisation_id": rec.organisation_id,
        "organisation_name": rec.organisation_name,
        "request_id": rec.request_id,
        "ip": rec.ip,
        "action": rec.action,
        "object_type": rec.object_type,
        "object_id": rec.object_id,
        "object_repr": rec.object_repr,
        "project_id": rec.project_id,
        "before": rec.before,
        "after": rec.after,
    }


def compute_hash(prev_hash: str, rec: Any) -> str:
    return sm3_hex(prev_hash + canonical_json(_payload(rec)))


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    before: Any = None,
    after: Any = None,
    project_id: int | None = None,
) -> Any:
    """Append one record to the chain, in the caller's transaction."""
    from .models import AuditRecord

    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr if object_repr is not None else str(obj)[:300]
        if project_id is None:
            project_id = _project_id_of(obj)
    with transaction.atomic():
        last_seq, last_hash = _lock_head()
        rec = AuditRecord(
            seq=last_seq + 1,
            at=clock.now(),
            actor_user_id=actor.user_id,
            actor_name=actor.display_name[:100],
            organisation_id=actor.organisation_id,
            organisation_name=actor.org_name[:200],
            request_id=context.request_id.get()[:64],
            ip=context.client_ip.get()[:64],
            action=action[:100],
            object_type=(object_type or "")[:100],
            object_id="" if object_id is None else str(object_id)[:64],
            object_repr=(object_repr or "")[:300],
            project_id=project_id,
            before=normalise(before),
            after=normalise(after),
            prev_hash=last_hash,
        )
        rec.hash = compute_hash(last_hash, rec)
        _insert(rec)
        with connection.cursor() as cursor:
            cursor.execute(_sql("update_head"), [rec.seq, rec.hash])
    return rec


def record_many(entries: list[dict[str, Any]]) -> int:
    """``record(**entry)`` for each entry, in order, as one append to the chain
    (a batch of alerts, ADR 0517): the head is locked once, the records are
    chained and hashed exactly as one by one and inserted in one statement,
    and the head moves once. Returns how many were appended."""
    from .models import AuditRecord

    if not entries:
        return 0
    at = clock.now()
    request_id = context.request_id.get()[:64]
    ip = context.client_ip.get()[:64]
    with transaction.atomic():
        last_seq, last_hash = _lock_head()
        recs = []
        for entry in entries:
            actor: Actor = entry["actor"]
            obj = entry.get("obj")
            object_type = entry.get("object_type")
            object_id = entry.get("object_id")
            object_repr = entry.get("object_repr")
            project_id = entry.get("project_id")
            if obj is not None:
                object_type = object_type or obj._meta.label_lower
                object_id = obj.pk if object_id is None else object_id
                object_repr = object_repr if object_repr is not None else str(obj)[:300]
                if project_id is None:
                    project_id = _project_id_of(obj)
            last_seq += 1
            rec = AuditRecord(
                seq=last_seq,
                at=at,
                actor_user_id=actor.user_id,
                actor_name=actor.display_name[:100],
                organisation_id=actor.organisation_id,
                organisation_name=actor.org_name[:200],
                request_id=request_id,
                ip=ip,
                action=entry["action"][:100],
                object_type=(object_type or "")[:100],
                object_id="" if object_id is None else str(object_id)[:64],
                object_repr=(object_repr or "")[:300],
                project_id=project_id,
                before=normalise(entry.get("before")),
                after=normalise(entry.get("after")),
                prev_hash=last_hash,
            )
            rec.hash = last_hash = compute_hash(last_hash, rec)
            recs.append(rec)
        AuditRecord.objects.bulk_create(recs, batch_size=1000)
        with connection.cursor() as cursor:
            cursor.execute(_sql("update_head"), [last_seq, last_hash])
    return len(recs)


# The chain's three statements, written once per database vendor: every
# audited write runs them, and building them through the ORM each time cost
# more CPU than running them (ADR 0086).
_SQL: dict[tuple[str, str], str] = {}


def _sql(name: str) -> str:
    from .models import AuditChainHead, AuditRecord

    key = (connection.vendor, name)
    if key not in _SQL:
        qn = connection.ops.quote_name
        head = AuditChainHead._meta
        table = qn(head.db_table)
        column = {f.name: str(f.column) for f in head.concrete_fields}
        pk, seq, last = (qn(column[f]) for f in ("id", "last_seq", "last_hash"))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        cols = ", ".join(qn(str(f.column)) for f in _record_fields())
        marks = ", ".join(["%s"] * len(_record_fields()))
        _SQL[(connection.vendor, "lock_head")] = (
            f"SELECT {seq}, {last} FROM {table} WHERE {pk} = 1{lock}"  # noqa: S608
        )
        _SQL[(connection.vendor, "update_head")] = (
            f"UPDATE {table} SET {seq} = %s, {last} = %s WHERE {pk} = 1"  # noqa: S608
        )
        _SQL[(connection.vendor, "insert")] = (
            f"INSERT INTO {qn(AuditRecord._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608
            + (" RETURNING id" if connection.features.can_return_columns_from_insert else "")
        )
    return _SQL[key]


def _record_fields() -> list[Any]:
    from .models import AuditRecord

    return [f for f in AuditRecord._meta.concrete_fields if not f.primary_key]


def _insert(rec: Any) -> None:
    """``rec.save(force_insert=True)``, the values through each field's own
    conversion as ``save`` does."""
    sql = _sql("insert")
    values = [f.get_db_prep_save(getattr(rec, f.attname), connection) for f in _record_fields()]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rec.pk = cursor.fetchone()[0] if sql.endswith("RETURNING id") else cursor.lastrowid
    rec._state.adding = False
    rec._state.db = connection.alias


def _lock_head() -> tuple[int, str]:
    """Lock the chain head for this transaction, creating it if missing; its
    last sequence number and hash.

    The head is seeded after migrate; if it is missing (a flushed test
    database), two first writers could both try to create it. ``ON CONFLICT DO
    NOTHING`` lets the loser wait for the winner and then lock the same row,
    instead of failing with an integrity error.
    """
    from .models import AuditChainHead

    select = _sql("lock_head")
    with connection.cursor() as cursor:
        cursor.execute(select)
        row = cursor.fetchone()
        if row is None:
            AuditChainHead.objects.bulk_create(
                [AuditChainHead(pk=1, last_seq=0, last_hash=GENESIS)], ignore_conflicts=True
            )
            cursor.execute(select)
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


def _project_id_of(obj: models.Model) -> int | None:
    label = obj._meta.label_lower
    if label == "projects.project":
        return obj.pk  # type: ignore[return-value]
    value = getattr(obj, "project_id", None)
    return value if isinstance(value, int) else None


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    first_bad_seq: int | None = None
    problem: str = ""
    anchors_checked: int = 0

    def __str__(self) -> str:
        if self.ok:
            against = (
                f"与 {self.anchors_checked} 个外部锚点一致。"
                if self.anchors_checked
                else "尚无外部锚点可对照。"
            )
            return f"审计链完整：共校验 {self.checked} 条记录，链头 #{self.head_seq}；{against}"
        return f"审计链校验失败：记录 #{self.first_bad_seq}：{self.problem}（已校验 {self.checked} 条）"


@contextmanager
def read_snapshot() -> Iterator[None]:
    """Run the enclosed reads against one consistent view of the database.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction (its snapshot is taken
    at the first statement). SQLite: one deferred read transaction, which in WAL
    mode sees the database as of its first read while writers go on (the
    connection's IMMEDIATE mode would take the write lock, so ``atomic()`` is
    not used). Inside a caller's transaction the reads simply join it;
    ``verify`` then brackets its walk between two reads of the head.
    """
    from django.db import connection

    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")  # nothing was written: this only ends the read
        return
    with transaction.atomic():
        yield


def verify(
    chunk_size: int = 2000,
    *,
    anchor: tuple[int, str] | None = None,
    external_anchors: bool = True,
) -> VerifyResult:
    """Walk the chain in order and report the first broken link.

    The walk and the reads of the head run in one snapshot (``read_snapshot``),
    so appends committed meanwhile are never taken for forged ones. Outside a
    snapshot (inside a caller's READ COMMITTED transaction) the head is read
    before the walk for the checks of a missing tail and again after it for the
    check of records beyond the head: a record that was committed before the
    second read carries a seq at most that head's.

    Anchors are heads ``(seq, hash)`` kept outside the database: every anchor in
    the anchor file (``core.anchors``, unless ``external_anchors`` is off) and
    ``anchor`` if given. The record at an anchored seq must still exist and
    carry that hash, which catches a tail truncated with the head moved back and
    a chain rewritten from some point with recomputed hashes.
    """
    from . import anchors as anchor_file

    expected: dict[int, str] = {}
    count = 0
    if external_anchors:
        for a in anchor_file.anchors():
            expected.setdefault(a.seq, a.hash)
            count += 1
    if anchor is not None:
        expected.setdefault(anchor[0], anchor[1])
        count += 1
    with read_snapshot():
        result = _walk(chunk_size, expected)
    if result.ok:
        result.anchors_checked = count
    return result


def _walk(chunk_size: int, expected: dict[int, str]) -> VerifyResult:
    from .models import AuditChainHead, AuditRecord

    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq = head.last_seq if head else 0
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    hash_at_head = ""
    for rec in AuditRecord.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if rec.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                head_seq,
                expected_seq,
                f"应为第 {expected_seq} 条，实际为第 {rec.seq} 条：记录被删除或序号被改动",
            )
        if rec.prev_hash != prev_hash:
            return VerifyResult(
                False, checked, head_seq, rec.seq, "前序哈希不连续：记录被删除、插入或调换顺序"
            )
        if compute_hash(prev_hash, rec) != rec.hash:
            return VerifyResult(False, checked, head_seq, rec.seq, "内容与哈希不符：记录被篡改")
        if rec.seq in expected and rec.hash != expected[rec.seq]:
            return VerifyResult(
                False, checked, head_seq, rec.seq, "与外部锚点的哈希不符：链被整体改写"
            )
        if rec.seq == head_seq:
            hash_at_head = rec.hash
        prev_hash = rec.hash
        expected_seq += 1
        checked += 1
    # Read again: in a snapshot the same head; otherwise a head at least as new
    # as every record the walk saw.
    after = AuditChainHead.objects.filter(pk=1).first()
    if head is None or after is None:
        if checked:
            return VerifyResult(
                False, checked, head_seq, checked, "链头记录缺失：无法确认链尾记录是否被删除"
            )
    elif checked < head.last_seq:
        return VerifyResult(
            False,
            checked,
            head_seq,
            checked + 1,
            f"链头记录为第 {head.last_seq} 条，实际只有 {checked} 条：链尾记录被删除",
        )
    elif checked > after.last_seq:
        return VerifyResult(
            False,
            checked,
            head_seq,
            after.last_seq + 1,
            f"链头记录为第 {after.last_seq} 条，其后出现 {checked - after.last_seq} 条多余记录：疑似伪造追加",
        )
    elif checked and hash_at_head != head.last_hash:
        return VerifyResult(
            False, checked, head_seq, head.last_seq, "链尾记录的哈希与链头不符：链尾记录被替换"
        )
    beyond = max(expected, default=0)
    if beyond > checked:
        return VerifyResult(
            False,
            checked,
            head_seq,
            checked + 1,
            f"外部锚点记载链头为第 {beyond} 条，实际只有 {checked} 条：记录被删除",
        )
    return VerifyResult(True, checked, head_seq)


def head() -> tuple[int, str]:
    from .models import AuditChainHead

    h = AuditChainHead.objects.filter(pk=1).first()
    return (h.last_seq, h.last_hash) if h else (0, GENESIS)
