from django.urls import path

from postaward.core import steps

from . import views
from .steps import WF

urlpatterns = [
    path("cases/", views.case_list, name="cases_list"),
    path("cases/new/", views.case_new, name="cases_new"),
    path("cases/statistics/", views.case_statistics, name="cases_statistics"),
    path("cases/delivered/", views.case_delivered, name="cases_delivered"),
    path("cases/<id:pk>/", views.case_detail, name="cases_detail"),
    path("cases/documents/<id:doc_id>/", views.case_document, name="cases_document"),
    path(
        "cases/documents/<id:doc_id>/word/",
        views.case_document,
        {"word": True},
        name="cases_document_word",
    ),
    path("cases/deliveries/<id:pk>/proof/", views.case_proof, name="cases_proof"),
    steps.page_urls("cases/", WF, "cases_step"),
]
