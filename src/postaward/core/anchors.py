"""Audit anchors: the chain head copied outside the database (ADR 0027).

Someone who can write the whole audit table can truncate its tail and move the
head back, or rewrite a record and recompute every hash after it: the chain is
then consistent again. An anchor -- the head's ``seq`` and ``hash`` at a moment,
kept where the database's writers cannot reach -- turns both into detectable
tampering: the record at the anchored ``seq`` must still exist and still carry
the anchored hash.

Anchors are appended, one JSON object a line, to ``audit-anchors.jsonl`` in
``settings.POSTAWARD["ANCHOR_DIR"]`` (``POSTAWARD_ANCHOR_DIR``; by default
``var/anchors/``). A periodic task writes one every night
(``core.tasks.write_daily_audit_anchor``), ``postaward audit anchor`` writes one
on demand, and ``postaward audit verify`` checks them by default. The
operations guide says where to keep the directory (another disk or host, a
write-once share) and how to copy it off. ``verify`` checks every anchor of the
file, not just the latest: an anchor written after a tampering would otherwise
bless it.

Each line names the database it anchors (engine, host, name), so that a test
database or a second installation never reads another's anchors.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from . import clock

ANCHOR_FILE = "audit-anchors.jsonl"
logger = logging.getLogger("postaward.audit")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str  # ISO 8601, local time
    database: str


def anchor_dir() -> Path:
    return Path(str(settings.POSTAWARD["ANCHOR_DIR"]))


def anchor_path() -> Path:
    return anchor_dir() / ANCHOR_FILE


def database_label() -> str:
    """Which database an anchor belongs to (no password)."""
    s = connection.settings_dict
    host = s.get("HOST") or ""
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"{connection.vendor}://{host}{port}/{s.get('NAME') or ''}"


def write_anchor() -> Anchor:
    """Append the current head to the anchor file (created with 0600, fsynced)."""
    from . import audit

    seq, digest = audit.head()
    anchor = Anchor(
        seq=seq,
        hash=digest,
        at=clock.localtime().isoformat(timespec="seconds"),
        database=database_label(),
    )
    directory = anchor_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = json.dumps(asdict(anchor), ensure_ascii=False, sort_keys=True) + "\n"
    path = anchor_path()
    if path.exists() and path.stat().st_size:
        with path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                line = "\n" + line  # a line cut short by a crash stays on its own
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    logger.info("audit anchor written: seq=%s hash=%s file=%s", seq, digest, anchor_path())
    return anchor


def anchor_if_intact() -> tuple[Any, Anchor | None]:
    """Verify the chain (against the anchors so far), then anchor its head.

    A broken chain gets no new anchor -- it would bless the tampering -- and is
    logged as an error. Returns the verification result and the anchor written.
    """
    from . import audit

    result = audit.verify()
    if not result.ok:
        logger.error("audit chain broken, no anchor written: %s", result)
        return result, None
    return result, write_anchor()


def anchors() -> list[Anchor]:
    """Every anchor written for this database, oldest first.

    A line that is not a complete anchor (a write cut short by a crash) is skipped.
    """
    path = anchor_path()
    if not path.exists():
        return []
    label = database_label()
    found: list[Anchor] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                data = json.loads(line)
                anchor = Anchor(
                    seq=int(data["seq"]),
                    hash=str(data["hash"]),
                    at=str(data["at"]),
                    database=str(data["database"]),
                )
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            if anchor.database == label:
                found.append(anchor)
    return found


def latest_anchor() -> Anchor | None:
    found = anchors()
    return found[-1] if found else None
