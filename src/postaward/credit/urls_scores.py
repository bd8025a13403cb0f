"""Pages of the scoring part 'scores' (issue 16): score events."""

from __future__ import annotations

from typing import Any

from django.urls import path

from . import views_scores

urlpatterns: list[Any] = [
    path("credit/scores/", views_scores.score_list, name="credit_score_list"),
    path("credit/scores/new/", views_scores.score_new, name="credit_score_new"),
    path("credit/scores/<id:pk>/", views_scores.score_detail, name="credit_score_detail"),
    path(
        "credit/scores/<id:pk>/objection/",
        views_scores.score_objection,
        name="credit_score_objection",
    ),
    path(
        "credit/scores/<id:pk>/evidence/",
        views_scores.score_evidence,
        name="credit_score_evidence",
    ),
]
