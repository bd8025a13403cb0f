"""Pages of the annual comprehensive scores and a unit's credit page (issue 16)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from . import views_enterprises as v
from . import views_repair, views_stats

urlpatterns: list[Any] = [
    path("credit/enterprises/", v.enterprise_list, name="credit_enterprise_list"),
    path(
        "credit/enterprises/<id:year>/recompute/",
        v.enterprise_recompute,
        name="credit_enterprise_recompute",
    ),
    path("credit/enterprises/<id:org_id>/", v.enterprise_detail, name="credit_enterprise_detail"),
    # credit repair of score events, a person's archive, the statistics (ADR 0690-0692)
    path("credit/scores/<id:pk>/repair/", views_repair.score_repair, name="credit_score_repair"),
    path(
        "credit/repairs/<id:pk>/evidence/",
        views_repair.repair_evidence,
        name="credit_repair_evidence",
    ),
    path("credit/people/<id:person_id>/", v.person_detail, name="credit_person_detail"),
    path("credit/stats/", views_stats.stats_page, name="credit_stats"),
]
