from django.urls import path

from postaward.core import steps

from . import (
    urls_agents,
    urls_enterprises,
    urls_public,
    urls_rules,
    urls_sanctions,
    urls_scores,
    views,
)
from .steps import WF

urlpatterns = [
    path("credit/", views.record_list, name="credit_list"),
    path("credit/<id:pk>/", views.record_detail, name="credit_detail"),
    path("credit/<id:pk>/requests/", views.record_request, name="credit_request"),
    steps.page_urls("credit/requests/", WF, "credit_request_step"),
    *urls_rules.urlpatterns,
    *urls_scores.urlpatterns,
    *urls_enterprises.urlpatterns,
    *urls_sanctions.urlpatterns,
    *urls_agents.urlpatterns,
    *urls_public.urlpatterns,
]
