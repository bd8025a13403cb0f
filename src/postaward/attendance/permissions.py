"""Who sees which attendance pages (the data scope still filters every row)."""

from __future__ import annotations

from postaward.core.actor import Actor
from postaward.orgs.choices import GOVERNMENT_KINDS, OWNER_KINDS, Role
from postaward.projects.choices import CONTRACTOR_POSITIONS, SUPERVISOR_POSITIONS

KEY_ROLES = frozenset({*CONTRACTOR_POSITIONS, *SUPERVISOR_POSITIONS})


def has_checkin_duty(actor: Actor) -> bool:
    """Key personnel of contractors and supervising firms (R-ATT-01)."""
    return bool(actor.person_id) and bool(actor.roles & KEY_ROLES)


def is_owner_user(actor: Actor) -> bool:
    return actor.org_kind in OWNER_KINDS and bool(
        actor.roles & {Role.ADMIN, Role.UNIT_LEADER, Role.OWNER_PROJECT_LEADER}
    )


def can_view_stats(actor: Actor) -> bool:
    """Government users (authorities, superior units, the office, …) and owners."""
    return actor.org_kind in GOVERNMENT_KINDS and bool(actor.roles - {Role.INTEGRATOR})
