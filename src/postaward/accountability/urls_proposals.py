"""Pages of the proposals part (不良行为认定建议书, R-ACT-07)."""

from django.urls import URLPattern, URLResolver, path

from postaward.core import steps

from . import views_proposals as v
from .steps_proposals import WF

urlpatterns: list[URLPattern | URLResolver] = [
    path("accountability/proposals/", v.proposal_list, name="accountability_proposal_list"),
    path("accountability/proposals/new/", v.proposal_new, name="accountability_proposal_new"),
    path(
        "accountability/proposals/<id:pk>/",
        v.proposal_detail,
        name="accountability_proposal_detail",
    ),
    path(
        "accountability/proposals/<id:pk>/evidence/",
        v.proposal_evidence,
        name="accountability_proposal_evidence",
    ),
    steps.page_urls("accountability/proposals/", WF, "accountability_proposal_step"),
]
