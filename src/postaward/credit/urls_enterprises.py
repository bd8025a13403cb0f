"""Pages of the annual comprehensive scores and a unit's credit page (issue 16)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from . import views_enterprises as v

urlpatterns: list[Any] = [
    path("credit/enterprises/", v.enterprise_list, name="credit_enterprise_list"),
    path(
        "credit/enterprises/<id:year>/recompute/",
        v.enterprise_recompute,
        name="credit_enterprise_recompute",
    ),
    path("credit/enterprises/<id:org_id>/", v.enterprise_detail, name="credit_enterprise_detail"),
]
