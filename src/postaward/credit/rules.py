"""Which rule-set version applies (R-SCO-01; ADR 0630).

A fact is scored under the version of the competent authority's rules for the
project's industry that was effective on the day the fact occurred: the
project's industry authority and industry; without a project, the authority
the event names (a penalty's deciding department) and its industry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from postaward.core.actor import Actor
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation

from .choices import RuleSetState
from .models import RuleSet

# The versions that are (or were) in force: anyone of the district reads them.
IN_FORCE_STATES = (RuleSetState.EFFECTIVE, RuleSetState.SUPERSEDED)
# Who drafts, edits and submits an authority's rules; who reviews them (复核).
DRAFTER_ROLES = frozenset({Role.AUTHORITY_STAFF, Role.UNIT_LEADER, Role.ADMIN})
REVIEWER_ROLES = frozenset({Role.UNIT_LEADER, Role.ADMIN})


def effective_rule_set(authority_id: int, industry: str, on: dt.date) -> RuleSet | None:
    """The version of ``authority_id``'s rules for ``industry`` in force on ``on``:
    approved, from ``effective_from`` up to (not including) ``effective_to``;
    a version superseded later still governs the days it was in force."""
    return (
        RuleSet.objects.filter(
            authority_id=authority_id,
            industry=industry,
            state__in=(RuleSetState.EFFECTIVE, RuleSetState.SUPERSEDED),
            effective_from__lte=on,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        .order_by("-effective_from", "-version")
        .first()
    )


def readable_rule_sets(actor: Actor) -> Any:
    """The rule-set versions ``actor`` reads: the model's scope
    (``models.scoring.rule_set_scope``, ADR 0632), the one place of that rule."""
    return RuleSet.objects.visible_to(actor)


def office_of(org: Organisation) -> Organisation:
    """The supervision office at the root of ``org``'s district (the rows'
    ``district``: the office's staff read every score of the district)."""
    root = org.path.split("/", 1)[0] + "/"
    office = Organisation.objects.filter(path=root, kind=OrgKind.SUPERVISION_OFFICE).first()
    if office is None:  # one district per installation: its office
        office = (
            Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE, parent__isnull=True)
            .order_by("pk")
            .first()
        )
    if office is None:
        raise LookupError("no supervision office")
    return office
