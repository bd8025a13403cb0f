"""The audit check never cries wolf, and catches a rewritten chain without being
told where the old head was (R-REP-04; issue 10 §6).

- ``verify`` reads the head and walks the records in one snapshot: appends
  committed while it runs are never taken for forged ones.
- Anchors (the head, copied every night to a file outside the database) are
  checked by default: truncating the tail and moving the head back, or
  rewriting a record and recomputing every hash after it, are caught.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from postaward.core import anchors, audit
from postaward.core.models import AuditChainHead, AuditRecord

from .conftest import run_concurrently
from .test_audit import ALICE, _append
from .test_schedule import _fires

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchor_dir(settings, tmp_path):
    settings.POSTAWARD = {**settings.POSTAWARD, "ANCHOR_DIR": tmp_path / "anchors"}
    return tmp_path / "anchors"


def _rewind_tail(recs: list[AuditRecord], n: int) -> None:
    """Delete the last ``n`` records and move the head back onto the one before:
    the chain is consistent again."""
    AuditRecord.objects.filter(seq__gt=recs[-n - 1].seq).delete()
    AuditChainHead.objects.filter(pk=1).update(
        last_seq=recs[-n - 1].seq, last_hash=recs[-n - 1].hash
    )


def _rewrite_from(seq: int) -> None:
    """Change record ``seq`` and recompute its hash and every hash after it, and the head."""
    prev = AuditRecord.objects.get(seq=seq).prev_hash
    for rec in AuditRecord.objects.filter(seq__gte=seq).order_by("seq"):
        if rec.seq == seq:
            rec.actor_name = "李四"
        rec.prev_hash = prev
        rec.hash = audit.compute_hash(prev, rec)
        rec.save()
        prev = rec.hash
    last = AuditRecord.objects.order_by("-seq").first()
    assert last is not None
    AuditChainHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=last.hash)


# --- anchors -----------------------------------------------------------------------------------


def test_an_anchor_is_one_json_line_outside_the_database(anchor_dir):
    recs = _append(3)
    written = anchors.write_anchor()
    lines = (anchor_dir / anchors.ANCHOR_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert (data["seq"], data["hash"]) == (recs[-1].seq, recs[-1].hash)
    assert data["database"] == anchors.database_label()
    assert data["at"].endswith("+08:00")  # local time, for the operator
    assert anchors.latest_anchor() == written
    assert oct((anchor_dir / anchors.ANCHOR_FILE).stat().st_mode & 0o777) == "0o600"


def test_truncated_tail_with_rewound_head_is_caught_by_default():  # R-REP-04
    recs = _append(5)
    anchors.write_anchor()
    _rewind_tail(recs, 2)
    # Without the anchor file the chain looks intact: that is the attack.
    assert audit.verify(external_anchors=False).ok
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == recs[-2].seq
    assert "外部锚点记载链头为第 5 条" in result.problem and "记录被删除" in result.problem
    with pytest.raises(CommandError, match="记录被删除"):
        call_command("audit", "verify")
    call_command("audit", "verify", no_anchors=True, stdout=io.StringIO())


def test_rewritten_record_with_recomputed_hashes_is_caught_by_default():  # R-REP-04
    recs = _append(5)
    anchors.write_anchor()
    _append(2)  # later, legitimate appends
    _rewrite_from(recs[1].seq)
    assert audit.verify(external_anchors=False).ok
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_seq == recs[-1].seq  # the anchored record no longer matches
    assert "链被整体改写" in result.problem
    with pytest.raises(CommandError, match="链被整体改写"):
        call_command("audit", "verify")


def test_every_anchor_counts_not_only_the_latest():
    """An anchor written after a tampering must not bless it: the older one still catches it."""
    recs = _append(5)
    anchors.write_anchor()
    _rewind_tail(recs, 2)
    anchors.write_anchor()  # e.g. written by hand after the truncation
    result = audit.verify()
    assert not result.ok and "记录被删除" in result.problem


def test_the_nightly_anchor_refuses_a_broken_chain(caplog):
    recs = _append(4)
    result, written = anchors.anchor_if_intact()
    assert result.ok and written is not None and written.seq == recs[-1].seq
    _rewrite_from(recs[0].seq)
    result, written = anchors.anchor_if_intact()
    assert not result.ok and written is None
    assert len(anchors.anchors()) == 1
    assert "no anchor written" in caplog.text


def test_the_nightly_task_writes_an_anchor_at_0241_local():
    from postaward.core.tasks import write_daily_audit_anchor

    assert _fires(dt.date(2026, 9, 30))["write_daily_audit_anchor"] == ["02:41"]
    recs = _append(2)
    assert write_daily_audit_anchor.call_local() == recs[-1].seq
    assert anchors.latest_anchor().seq == recs[-1].seq  # type: ignore[union-attr]


def test_anchors_of_another_database_and_broken_lines_are_ignored(anchor_dir):
    recs = _append(3)
    anchor_dir.mkdir(parents=True)
    other = {"seq": 99, "hash": "a" * 64, "at": "2026-01-01T00:00:00+08:00", "database": "x"}
    (anchor_dir / anchors.ANCHOR_FILE).write_text(
        json.dumps(other) + "\n" + '{"seq": 3, "ha', encoding="utf-8"
    )
    assert anchors.anchors() == []
    result = audit.verify()
    assert result.ok and result.anchors_checked == 0
    assert "尚无外部锚点" in str(result)
    anchors.write_anchor()
    result = audit.verify()
    assert result.ok and result.anchors_checked == 1
    assert f"共校验 {recs[-1].seq} 条" in str(result) and "与 1 个外部锚点一致" in str(result)


def test_command_anchor_writes_and_verify_reports_it():
    _append(2)
    out = io.StringIO()
    call_command("audit", "anchor", stdout=out)
    assert "已写入锚点" in out.getvalue()
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "与 1 个外部锚点一致" in out.getvalue()


# --- one snapshot ------------------------------------------------------------------------------


def test_verify_during_concurrent_appends_never_reports_forgery(concurrent_db):  # R-REP-04
    """Writers append as fast as they can while verify runs again and again: an
    intact chain must pass every time (before, the head was read in one statement
    and the records in another, and an append in between read as a forgery)."""
    _append(200)
    stop = threading.Event()
    runs = 40

    def work(i: int) -> list[str]:
        if i == 0:
            problems = []
            try:
                for _ in range(runs):
                    result = audit.verify(chunk_size=50)
                    if not result.ok:
                        problems.append(str(result))
            finally:
                stop.set()
            return problems
        actor = dataclasses.replace(ALICE, user_id=200 + i)
        n = 0
        while not stop.is_set():
            audit.record(actor=actor, action="test.during_verify", object_type="t", object_id=n)
            n += 1
        return [f"writer {i}: {n}"]

    outcome = run_concurrently(work, 3)
    assert outcome.errors == []
    problems = [p for r in outcome.results for p in r if not p.startswith("writer")]
    assert problems == []
    written = AuditRecord.objects.filter(action="test.during_verify").count()
    assert written > 0  # the writers really wrote while verify ran
    assert audit.verify().ok
