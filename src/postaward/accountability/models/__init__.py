"""The accountability app's models, one module per part (ADR 0800)."""

from .catalogue import AccountableAct, snapshot_act
from .clues import Clue, accountability_scope, snapshot_clue
from .interference import (
    IntegrityRule,
    InterferenceAddition,
    InterferenceRecord,
    interference_scope,
    snapshot_addition,
    snapshot_record,
    snapshot_rule,
)
from .matters import (
    Matter,
    MatterPerson,
    matter_scope,
    snapshot_matter,
    snapshot_matter_person,
)
from .proposals import Proposal, proposal_scope, snapshot_proposal

__all__ = [
    "AccountableAct",
    "Clue",
    "IntegrityRule",
    "InterferenceAddition",
    "InterferenceRecord",
    "Matter",
    "MatterPerson",
    "Proposal",
    "accountability_scope",
    "interference_scope",
    "matter_scope",
    "proposal_scope",
    "snapshot_act",
    "snapshot_addition",
    "snapshot_clue",
    "snapshot_matter",
    "snapshot_matter_person",
    "snapshot_proposal",
    "snapshot_record",
    "snapshot_rule",
]
