"""Pages of the credit part 'public' (issue 16): the credit on the public site
(信用公示, 黑名单), anonymous (``public_credit``)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from . import public_credit as v

urlpatterns: list[Any] = [
    path("public/credit/", v.public_scores, name="public_credit"),
    path("public/credit/blacklist/", v.public_blacklist, name="public_credit_blacklist"),
    path(
        "public/credit/enterprises/<str:uscc>/",
        v.public_enterprise,
        name="public_credit_enterprise",
    ),
]
