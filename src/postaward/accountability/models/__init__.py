"""The accountability app's models, one module per part (ADR 0800)."""

from .catalogue import AccountableAct, snapshot_act
from .clues import Clue, accountability_scope, snapshot_clue

__all__ = ["AccountableAct", "Clue", "accountability_scope", "snapshot_act", "snapshot_clue"]
