"""Pages of the matters part."""

from django.urls import URLPattern, URLResolver, path

from postaward.core import steps

from . import views_matters as v
from .steps_matters import WF_DECISION, WF_MATTER

urlpatterns: list[URLPattern | URLResolver] = [
    # a confirmed clue's "移送有权机关" links here with ?clue=<id>
    path("accountability/matters/new/", v.matter_new, name="accountability_matter_new"),
    path("accountability/matters/", v.matter_list, name="accountability_matter_list"),
    path("accountability/matters/<id:pk>/", v.matter_detail, name="accountability_matter_detail"),
    path("accountability/award-register/", v.award_register, name="accountability_award_register"),
    path("accountability/my-decisions/", v.my_decisions, name="accountability_my_decisions"),
    path("accountability/statistics/", v.stats, name="accountability_stats"),
    steps.page_urls("accountability/matters/", WF_MATTER, "accountability_matter_step"),
    steps.page_urls("accountability/decisions/", WF_DECISION, "accountability_decision_step"),
]
