"""The audit trail as an SM3 hash chain (R-REP-04: full trace, every change
traceable to a person and time; DESIGN "Audit")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from postaward.core import audit, context
from postaward.core.actor import Actor
from postaward.core.crypto import sm3_hex
from postaward.core.models import AuditChainHead, AuditRecord, CalendarYear

from .conftest import database_url, run_concurrently

pytestmark = pytest.mark.django_db

ALICE = Actor(
    user_id=7,
    username="alice",
    display_name="张三",
    organisation_id=3,
    org_path="1/3/",
    org_kind="owner",
    org_name="测试区第一中学",
    roles=frozenset({"admin"}),
)


def _append(n: int, *, actor: Actor = ALICE) -> list[AuditRecord]:
    return [
        audit.record(
            actor=actor,
            action="test.write",
            object_type="test.thing",
            object_id=i,
            object_repr=f"对象{i}",
            before={"amount": Decimal("10.50"), "n": i},
            after={"amount": Decimal("12.00"), "n": i + 1, "day": dt.date(2026, 9, 30)},
        )
        for i in range(n)
    ]


def _verify_fails_at(seq: int, words: str) -> audit.VerifyResult:
    result = audit.verify()
    assert not result.ok, result
    assert result.first_bad_seq == seq, result
    assert words in result.problem, result
    assert "审计链校验失败" in str(result)
    return result


# --- appending --------------------------------------------------------------------------


def test_records_link_into_a_chain_from_the_genesis():  # R-REP-04
    base_seq, base_hash = audit.head()
    recs = _append(3)
    assert [r.seq for r in recs] == [base_seq + 1, base_seq + 2, base_seq + 3]
    assert recs[0].prev_hash == base_hash
    assert recs[1].prev_hash == recs[0].hash
    assert recs[2].prev_hash == recs[1].hash
    assert audit.head() == (recs[2].seq, recs[2].hash)
    # The hash is SM3 over the previous hash and the canonical JSON of the record,
    # recomputed here from the stored row, independently of record().
    stored = AuditRecord.objects.get(seq=recs[1].seq)
    payload = audit.canonical_json(audit._payload(stored))
    assert stored.hash == sm3_hex(recs[0].hash + payload)
    assert audit.verify().ok


def test_the_first_record_follows_the_genesis_hash():
    assert AuditRecord.objects.count() == 0
    rec = _append(1)[0]
    assert rec.seq == 1
    assert rec.prev_hash == audit.GENESIS == "0" * 64


def test_record_keeps_who_when_where_and_what():  # R-REP-04
    token_rid = context.request_id.set("req-123")
    token_ip = context.client_ip.set("10.1.2.3")
    try:
        year = CalendarYear.objects.get(year=2026)
        rec = audit.record(actor=ALICE, action="core.test", obj=year, before=None, after={"x": 1})
    finally:
        context.request_id.reset(token_rid)
        context.client_ip.reset(token_ip)
    rec = AuditRecord.objects.get(pk=rec.pk)
    assert (rec.actor_user_id, rec.actor_name) == (7, "张三")
    assert (rec.organisation_id, rec.organisation_name) == (3, "测试区第一中学")
    assert (rec.request_id, rec.ip) == ("req-123", "10.1.2.3")
    assert (rec.object_type, rec.object_id, rec.object_repr) == (
        "core.calendaryear",
        "2026",
        "2026",
    )
    assert rec.after == {"x": 1}


def test_before_and_after_are_stored_as_they_were_hashed():
    rec = _append(1)[0]
    stored = AuditRecord.objects.get(pk=rec.pk)
    assert stored.before == {"amount": "10.50", "n": 0}
    assert stored.after == {"amount": "12.00", "n": 1, "day": "2026-09-30"}
    assert audit.compute_hash(stored.prev_hash, stored) == stored.hash


def test_snapshot_never_contains_the_password(district):
    user = district.users["office_admin"]
    snap = audit.snapshot(user)
    assert "password" not in snap
    assert snap["username"] == "office_admin"


def test_an_append_rolled_back_with_its_transaction_leaves_no_gap():
    from django.db import transaction

    _append(1)
    seq, digest = audit.head()
    with pytest.raises(RuntimeError), transaction.atomic():
        _append(2)
        raise RuntimeError("the service failed")
    assert audit.head() == (seq, digest)
    assert _append(1)[0].seq == seq + 1
    assert audit.verify().ok


def test_a_missing_head_row_is_recreated_by_the_first_writer():
    AuditChainHead.objects.all().delete()
    rec = _append(1)[0]
    assert rec.seq == 1
    assert audit.head() == (1, rec.hash)


def test_verify_walks_a_chain_longer_than_one_chunk():
    _append(7)
    result = audit.verify(chunk_size=3)
    assert result.ok
    assert result.checked == result.head_seq == AuditRecord.objects.count()
    assert "审计链完整" in str(result)


# --- the command ----------------------------------------------------------------------------


def test_command_passes_on_good_data():
    _append(4)
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "审计链完整" in out.getvalue()
    assert "共校验 4 条" in out.getvalue()


def test_command_head_prints_seq_and_hash():
    recs = _append(2)
    out = io.StringIO()
    call_command("audit", "head", stdout=out)
    assert out.getvalue().strip() == f"{recs[-1].seq} {recs[-1].hash}"


def test_command_raises_with_the_message_on_tampering():
    recs = _append(3)
    AuditRecord.objects.filter(seq=recs[1].seq).update(actor_name="李四")
    with pytest.raises(CommandError, match=f"记录 #{recs[1].seq}：内容与哈希不符"):
        call_command("audit", "verify")


def test_postaward_audit_verify_exits_non_zero_on_tampering(concurrent_db, tmp_path):
    """The real command line, in its own process, on committed data."""
    recs = _append(3)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "POSTAWARD_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "postaward.settings",
    }
    command = [sys.executable, "-m", "postaward.cli", "audit", "verify"]
    good = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stderr
    assert "审计链完整" in good.stdout
    AuditRecord.objects.filter(seq=recs[1].seq).update(actor_name="李四")
    bad = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert f"审计链校验失败：记录 #{recs[1].seq}：内容与哈希不符" in bad.stderr


def test_command_refuses_a_malformed_anchor():
    with pytest.raises(CommandError, match="--anchor"):
        call_command("audit", "verify", anchor="12:nothex")


# --- tampering of each kind -------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"before": {"amount": "1.00", "n": 1}},
        {"after": {"amount": "99999.00", "n": 2, "day": "2026-09-30"}},
        {"after": None},
        {"actor_name": "李四"},
        {"actor_user_id": 8},
        {"organisation_name": "另一单位"},
        {"action": "test.other"},
        {"object_id": "999"},
        {"project_id": 5},
        {"request_id": "forged"},
        {"at": dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)},
    ],
    ids=lambda c: next(iter(c)),
)
def test_verify_detects_an_altered_field(change):  # R-REP-04
    recs = _append(4)
    assert AuditRecord.objects.filter(seq=recs[2].seq).update(**change) == 1
    _verify_fails_at(recs[2].seq, "内容与哈希不符")


def test_verify_detects_an_altered_at_by_one_microsecond():
    recs = _append(2)
    stored = AuditRecord.objects.get(seq=recs[0].seq)
    AuditRecord.objects.filter(pk=stored.pk).update(at=stored.at + dt.timedelta(microseconds=1))
    _verify_fails_at(recs[0].seq, "内容与哈希不符")


def test_verify_detects_a_rewritten_hash():
    recs = _append(3)
    AuditRecord.objects.filter(seq=recs[1].seq).update(hash="f" * 64)
    _verify_fails_at(recs[1].seq, "内容与哈希不符")


def test_verify_detects_a_record_deleted_in_the_middle():
    recs = _append(5)
    AuditRecord.objects.filter(seq=recs[2].seq).delete()
    result = _verify_fails_at(recs[2].seq, "记录被删除")
    assert result.checked == recs[2].seq - 1


def test_verify_detects_a_deleted_tail_record():
    recs = _append(4)
    AuditRecord.objects.filter(seq=recs[-1].seq).delete()
    _verify_fails_at(recs[-1].seq, "链尾记录被删除")


def test_verify_detects_a_deleted_tail_when_the_head_row_is_deleted_too():
    recs = _append(3)
    AuditRecord.objects.filter(seq=recs[-1].seq).delete()
    AuditChainHead.objects.all().delete()
    _verify_fails_at(recs[-2].seq, "链头记录缺失")


def test_verify_detects_two_records_with_swapped_seqs():
    recs = _append(5)
    a, b = recs[1].seq, recs[2].seq
    AuditRecord.objects.filter(seq=a).update(seq=-1)
    AuditRecord.objects.filter(seq=b).update(seq=a)
    AuditRecord.objects.filter(seq=-1).update(seq=b)
    _verify_fails_at(a, "前序哈希不连续")


def test_verify_detects_swapped_contents_under_unchanged_seqs():
    recs = _append(4)
    first = AuditRecord.objects.get(seq=recs[1].seq)
    second = AuditRecord.objects.get(seq=recs[2].seq)
    fields = ["object_id", "object_repr", "before", "after", "prev_hash", "hash"]
    values = {f: getattr(first, f) for f in fields}
    AuditRecord.objects.filter(pk=first.pk).update(**{f: getattr(second, f) for f in fields})
    AuditRecord.objects.filter(pk=second.pk).update(**values)
    _verify_fails_at(recs[1].seq, "前序哈希不连续")


def _forge(seq: int, prev_hash: str) -> AuditRecord:
    """A record made by someone who knows the algorithm: its own hash is right."""
    forged = AuditRecord(
        seq=seq,
        at=dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC),
        actor_user_id=None,
        actor_name="系统",
        organisation_name="平台",
        action="projects.approve_change",
        object_type="projects.project",
        object_id="1",
        object_repr="伪造的审批",
        before=None,
        after={"approved": True},
        prev_hash=prev_hash,
    )
    forged.hash = audit.compute_hash(prev_hash, forged)
    forged.save(force_insert=True)
    return forged


def test_verify_detects_a_forged_record_inserted_in_the_middle():
    recs = _append(4)
    k = recs[2].seq
    # make room: move the later records one place up (from the top, seq is unique)
    for seq in sorted((r.seq for r in recs if r.seq >= k), reverse=True):
        AuditRecord.objects.filter(seq=seq).update(seq=seq + 1)
    _forge(k, prev_hash=recs[1].hash)
    _verify_fails_at(k + 1, "前序哈希不连续")


def test_verify_detects_a_forged_record_appended_after_the_head():
    recs = _append(2)
    _forge(recs[-1].seq + 1, prev_hash=recs[-1].hash)
    _verify_fails_at(recs[-1].seq + 1, "疑似伪造追加")


def test_verify_detects_a_replaced_tail_record():
    recs = _append(3)
    AuditRecord.objects.filter(seq=recs[-1].seq).delete()
    _forge(recs[-1].seq, prev_hash=recs[-2].hash)
    _verify_fails_at(recs[-1].seq, "链尾记录的哈希与链头不符")


def test_an_external_anchor_detects_a_chain_rewritten_with_recomputed_hashes():
    recs = _append(3)
    anchor = audit.head()
    # Rewrite the last record and recompute its hash and the head, as someone
    # who can write the whole table could: verify() alone cannot tell.
    last = AuditRecord.objects.get(seq=recs[-1].seq)
    last.actor_name = "李四"
    last.hash = audit.compute_hash(last.prev_hash, last)
    last.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=last.hash)
    assert audit.verify().ok
    result = audit.verify(anchor=anchor)
    assert not result.ok
    assert result.first_bad_seq == anchor[0]
    assert "链被整体改写" in result.problem
    with pytest.raises(CommandError, match="链被整体改写"):
        call_command("audit", "verify", anchor=f"{anchor[0]}:{anchor[1]}")


def test_an_external_anchor_detects_records_deleted_with_the_head_moved_back():
    recs = _append(3)
    anchor = audit.head()
    AuditRecord.objects.filter(seq=recs[-1].seq).delete()
    AuditChainHead.objects.filter(pk=1).update(last_seq=recs[-2].seq, last_hash=recs[-2].hash)
    assert audit.verify().ok
    result = audit.verify(anchor=anchor)
    assert not result.ok
    assert "记录被删除" in result.problem


def test_an_anchor_on_an_intact_chain_passes():
    _append(2)
    anchor = audit.head()
    _append(2)
    assert audit.verify(anchor=anchor).ok
    out = io.StringIO()
    call_command("audit", "verify", anchor=f"{anchor[0]}:{anchor[1]}", stdout=out)
    assert "审计链完整" in out.getvalue()


# --- concurrency ------------------------------------------------------------------------------------


def test_concurrent_writers_cannot_fork_the_chain(concurrent_db):  # R-REP-04
    workers, per_worker = 8, 12
    start_seq, _ = audit.head()

    def write(i: int) -> list[int]:
        actor = dataclasses.replace(ALICE, user_id=100 + i)
        return [
            audit.record(actor=actor, action="test.concurrent", object_type="t", object_id=j).seq
            for j in range(per_worker)
        ]

    outcome = run_concurrently(write, workers)
    assert outcome.errors == []
    seqs = sorted(s for result in outcome.results for s in result)
    total = workers * per_worker
    assert seqs == list(range(start_seq + 1, start_seq + total + 1))
    assert AuditRecord.objects.filter(action="test.concurrent").count() == total
    # every record links to exactly one predecessor: no two share a prev_hash
    prevs = list(AuditRecord.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))
    result = audit.verify()
    assert result.ok, result
    assert result.head_seq == start_seq + total
    assert connection.vendor == concurrent_db
