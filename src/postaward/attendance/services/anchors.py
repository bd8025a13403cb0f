"""Anchoring high-volume rows (check-ins, patrol points) into the audit chain."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from postaward.core import audit, merkle
from postaward.core.actor import Actor
from postaward.core.audit import canonical_json
from postaward.core.crypto import sm3_hex

from ..models import (
    AnchorBatch,
    CheckIn,
    PatrolPoint,
)
from .checkin import _row_hash

# --- anchoring high-volume rows into the audit chain ---------------------------------------------------


ANCHORED: dict[str, Any] = {
    "attendance.checkin": CheckIn,
    "attendance.patrolpoint": PatrolPoint,
}


def anchor_pending(*, actor: Actor, batch: int = 20_000) -> int:
    """Anchor un-anchored check-ins and patrol points: one audit-chain record per
    batch carries the Merkle root of the rows' hashes."""
    anchored = 0
    for kind, model in ANCHORED.items():
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update(skip_locked=True)
                    .filter(anchor__isnull=True)
                    .order_by("id")
                    .values_list("id", "row_hash")[:batch]
                )
                if not rows:
                    break
                ids = [r[0] for r in rows]
                root = merkle.root([r[1] for r in rows])
                b = AnchorBatch.objects.create(
                    kind=kind,
                    first_id=ids[0],
                    last_id=ids[-1],
                    count=len(ids),
                    merkle_root=root,
                    audit_seq=0,
                )
                rec = audit.record(
                    actor=actor,
                    action="attendance.anchor",
                    obj=b,
                    after={
                        "kind": kind,
                        "first_id": ids[0],
                        "last_id": ids[-1],
                        "count": len(ids),
                        "merkle_root": root,
                    },
                )
                AnchorBatch.objects.filter(pk=b.pk).update(audit_seq=rec.seq)
                model.objects.filter(id__in=ids).update(anchor=b)
                anchored += len(ids)
    return anchored


def verify_anchors() -> tuple[bool, str]:
    """Recompute every batch's root from the rows it anchors and from their
    current content; the first mismatch is reported."""
    for b in AnchorBatch.objects.order_by("id").iterator():
        model = ANCHORED[b.kind]
        rows = list(model.objects.filter(anchor=b).order_by("id"))
        if len(rows) != b.count:
            return (
                False,
                f"锚定批次 #{b.pk}（{b.kind}）应有 {b.count} 行，实有 {len(rows)} 行：记录被删除或增加",
            )
        for row in rows:
            expected = _row_hash(row) if b.kind == "attendance.checkin" else _point_hash(row)
            if expected != row.row_hash:
                return False, f"{b.kind} #{row.pk} 内容与摘要不符：记录被篡改"
        if merkle.root([r.row_hash for r in rows]) != b.merkle_root:
            return False, f"锚定批次 #{b.pk}（{b.kind}）默克尔根不符：记录摘要被改动"
    return True, ""


def _point_hash(p: PatrolPoint) -> str:
    return sm3_hex(
        canonical_json(
            {
                "patrol": p.patrol_id,
                "at": p.at,
                "lon": p.lon,
                "lat": p.lat,
                "accuracy_m": p.accuracy_m,
                "inside": p.inside,
            }
        )
    )
