"""Pages of the credit part 'public' (issue 16): the credit on the public site
(信用公示, 黑名单), anonymous (``public_credit``)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from . import public_agents
from . import public_credit as v

urlpatterns: list[Any] = [
    path("public/credit/", v.public_scores, name="public_credit"),
    path("public/credit/blacklist/", v.public_blacklist, name="public_credit_blacklist"),
    path("public/credit/agents/", public_agents.public_agents, name="public_credit_agents"),
    path("public/credit/experts/", public_agents.public_experts, name="public_credit_experts"),
    path(
        "public/credit/enterprises/<str:uscc>/",
        v.public_enterprise,
        name="public_credit_enterprise",
    ),
]
