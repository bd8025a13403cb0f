"""Rule-set versions in each state, built through the services (R-SCO-01):
the housing authority's defaults (version 1, effective), then a draft of
version 2 by ``housing_staff``, submitted, approved or rejected by
``housing_admin`` (the second person)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core.actor import SYSTEM
from postaward.orgs.choices import Role
from postaward.testing import District, account

from .. import services_rules
from ..default_rules import install_defaults
from ..models import RuleSet

DEFAULTS_FROM = dt.date(2026, 1, 1)


def defaults(d: District, org: str = "housing") -> RuleSet:
    """Version 1 of the authority's rules: the platform's defaults, in force."""
    return install_defaults(actor=SYSTEM, authority=d.orgs[org], effective_from=DEFAULTS_FROM)


def draft(d: District, user: str = "housing_staff", **kw: Any) -> RuleSet:
    """Version 2, drafted from the defaults (installed unless there) by ``user``."""
    if not RuleSet.objects.filter(authority=d.orgs["housing"]).exists():
        defaults(d)
    return services_rules.create_draft(
        actor=d.actor(user), authority=d.orgs["housing"], industry="housing", **kw
    )


def pending(d: District) -> RuleSet:
    rs = draft(d)
    return services_rules.submit_rule_set(actor=d.actor("housing_staff"), obj=rs)


def rejected(d: District) -> RuleSet:
    rs = pending(d)
    return services_rules.reject_rule_set(
        actor=d.actor("housing_admin"), obj=rs, opinion="分值与上一版本相同，请说明修订理由"
    )


def effective(d: District) -> RuleSet:
    rs = pending(d)
    return services_rules.approve_rule_set(actor=d.actor("housing_admin"), obj=rs)


def leader(d: District, username: str = "housing_leader") -> str:
    """One more account of the housing authority: a unit leader."""
    if username not in d.users:
        d.users[username] = account(d.orgs["housing"], username, [Role.UNIT_LEADER])
    return username
