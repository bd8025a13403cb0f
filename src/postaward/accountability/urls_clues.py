"""Pages of the clues part (R-ACT-01, R-ACT-02)."""

from django.urls import URLPattern, URLResolver, path

from postaward.core import steps

from . import views_clues as v
from .steps_clues import WF

urlpatterns: list[URLPattern | URLResolver] = [
    path("accountability/clues/", v.clue_list, name="accountability_clue_list"),
    path("accountability/clues/new/", v.clue_new, name="accountability_clue_new"),
    path("accountability/clues/<id:pk>/", v.clue_detail, name="accountability_clue_detail"),
    path(
        "accountability/clues/<id:pk>/evidence/",
        v.clue_evidence,
        name="accountability_clue_evidence",
    ),
    steps.page_urls("accountability/clues/", WF, "accountability_clue_step"),
    path("accountability/acts/", v.act_list, name="accountability_act_list"),
    path("accountability/acts/new/", v.act_new, name="accountability_act_new"),
    path("accountability/acts/<id:pk>/", v.act_detail, name="accountability_act_detail"),
]
