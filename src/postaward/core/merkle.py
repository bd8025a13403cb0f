"""Merkle roots over SM3 leaf hashes, for anchoring high-volume rows.

Check-ins and patrol points are too many to append one audit record each under
the chain lock. Instead each row carries ``row_hash`` (SM3 of its canonical
content) and a periodic task anchors the rows written since the last batch: the
Merkle root of their hashes becomes one audit-chain record. Altering, removing
or adding a single anchored row changes the recomputed root (RFC 6962 style:
leaves and nodes are domain-separated, an odd node is promoted).
"""

from __future__ import annotations

from collections.abc import Sequence

from .crypto import sm3_hex

EMPTY_ROOT = sm3_hex(b"")


def leaf(row_hash: str) -> str:
    return sm3_hex(b"\x00" + bytes.fromhex(row_hash))


def _node(left: str, right: str) -> str:
    return sm3_hex(b"\x01" + bytes.fromhex(left) + bytes.fromhex(right))


def root(row_hashes: Sequence[str]) -> str:
    """The Merkle root of the rows' hashes, in the given (id) order."""
    if not row_hashes:
        return EMPTY_ROOT
    level = [leaf(h) for h in row_hashes]
    while len(level) > 1:
        nxt = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]
