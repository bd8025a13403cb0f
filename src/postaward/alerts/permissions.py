"""Menu and page predicates (the services check the same rules on every write)."""

from __future__ import annotations

from postaward.core.actor import Actor
from postaward.orgs.choices import ENTERPRISE_KINDS, OrgKind

from .levels import level_of_kind


def can_see_alerts(actor: Actor) -> bool:
    """Government organisations of the tree (alerts are the government's own
    supervision; enterprises do not see them)."""
    return actor.is_system or (bool(actor.org_path) and actor.org_kind not in ENTERPRISE_KINDS)


def can_configure(actor: Actor) -> bool:
    from .workflows import may_configure

    return may_configure(actor)


def can_see_issues(actor: Actor) -> bool:
    return actor.is_system or (
        bool(actor.org_path)
        and (
            level_of_kind(actor.org_kind) in ("leading_group", "industry_authority")
            or actor.org_kind in (OrgKind.DISCIPLINE, OrgKind.PUBLIC_SECURITY)
        )
    )
