from django.urls import path

from postaward.core import steps

from . import views
from .steps import PART_WF, WF

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaints_list"),
    path("complaints/statistics/", views.complaint_statistics, name="complaints_statistics"),
    path("complaints/new/", views.complaint_new, name="complaints_new"),
    path("complaints/<id:pk>/", views.complaint_detail, name="complaints_detail"),
    path("complaints/<id:pk>/identity/", views.complaint_reveal, name="complaints_reveal"),
    path("complaints/<id:pk>/files/<id:file_id>/", views.complaint_file, name="complaints_file"),
    path(
        "complaints/<id:pk>/documents/<id:doc_id>/",
        views.complaint_document,
        name="complaints_document",
    ),
    path(
        "complaints/<id:pk>/documents/<id:doc_id>/word/",
        views.complaint_document,
        {"word": True},
        name="complaints_document_word",
    ),
    path(
        "complaints/<id:pk>/registration-form/",
        views.complaint_registration_form,
        name="complaints_registration_form",
    ),
    steps.page_urls("complaints/", WF, "complaints_step"),
    steps.page_urls("complaints/parts/", PART_WF, "complaints_part_step"),
]
