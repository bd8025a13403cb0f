from django.urls import path

from . import document_views as docs
from . import export_jobs, views

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("system/calendar/", views.calendar_page, name="calendar"),
    path("system/audit/", views.audit_log, name="audit_log"),
    path("system/audit/<id:seq>/", views.audit_detail, name="audit_detail"),
    path("documents/", docs.document_list, name="document_list"),
    path("documents/<id:pk>/", docs.document_detail, name="document_detail"),
    path("documents/<id:pk>/status/", docs.document_status, name="document_status"),
    path("documents/<id:pk>/file/<str:fmt>/", docs.document_file, name="document_file"),
    path("documents/<id:pk>/retry/", docs.document_retry, name="document_retry"),
    path("documents/<id:pk>/correct/", docs.document_correct, name="document_correct"),
    path("exports/<id:pk>/", export_jobs.job_page, name="export_job"),
    path("exports/<id:pk>/status/", export_jobs.job_status, name="export_job_status"),
    path("exports/<id:pk>/file/", export_jobs.job_file, name="export_job_file"),
    path("system/document-templates/", docs.document_templates, name="document_templates"),
    path(
        "system/document-templates/<str:key>/<id:version>/",
        docs.document_template_file,
        name="document_template_file",
    ),
]
