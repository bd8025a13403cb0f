"""The accountability app's models, one module per part (ADR 0800)."""

from .catalogue import AccountableAct, snapshot_act
from .clues import Clue, accountability_scope, snapshot_clue
from .matters import (
    Matter,
    MatterPerson,
    matter_scope,
    snapshot_matter,
    snapshot_matter_person,
)

__all__ = [
    "AccountableAct",
    "Clue",
    "Matter",
    "MatterPerson",
    "accountability_scope",
    "matter_scope",
    "snapshot_act",
    "snapshot_clue",
    "snapshot_matter",
    "snapshot_matter_person",
]
