from django.urls import path

from postaward.core import steps

from . import steps as project_steps
from . import steps_checks as project_checks
from . import views, views_award, views_lifecycle, views_registry

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/map/", views.project_map, name="project_map"),
    path("projects/stats/", views.project_stats, name="project_stats"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/import/", views.project_import, name="project_import"),
    path("projects/import/template.csv", views.csv_template, name="project_import_template"),
    path("projects/imports/<id:pk>/", views.project_import_detail, name="project_import_detail"),
    path("projects/bans/", views_award.ban_list, name="project_bans"),
    path("projects/<id:pk>/", views.project_detail, name="project_detail"),
    path("projects/<id:pk>/archive/", views.project_archive, name="project_archive"),
    path("projects/<id:pk>/archive.pdf", views.project_archive_pdf, name="project_archive_pdf"),
    path(
        "projects/<id:pk>/documents/<id:doc_id>/",
        views.document_download,
        name="project_document",
    ),
    path(
        "projects/<id:pk>/documents/new/", views_award.document_upload, name="project_document_new"
    ),
    path("projects/<id:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<id:pk>/site/", views.project_site, name="project_site"),
    path("projects/<id:pk>/assign/", views.project_assign, name="project_assign"),
    path(
        "projects/<id:pk>/participants/new/",
        views_registry.participant_create,
        name="project_participant_new",
    ),
    path(
        "projects/<id:pk>/participants/<id:participant_id>/contract/",
        views_registry.participant_contract,
        name="project_participant_contract",
    ),
    path(
        "projects/<id:pk>/participants/<id:participant_id>/delete/",
        views_registry.participant_delete,
        name="project_participant_delete",
    ),
    path(
        "projects/<id:pk>/personnel/new/", views_registry.person_assign, name="project_person_new"
    ),
    path(
        "projects/<id:pk>/personnel/<id:assignment_id>/duty/",
        views_registry.person_duty,
        name="project_person_duty",
    ),
    path(
        "projects/<id:pk>/personnel/<id:assignment_id>/end/",
        views_registry.person_end,
        name="project_person_end",
    ),
    path("projects/<id:pk>/stages/new/", views_registry.stage_create, name="project_stage_new"),
    path(
        "projects/<id:pk>/stages/<id:stage_id>/delete/",
        views_registry.stage_delete,
        name="project_stage_delete",
    ),
    path(
        "projects/<id:pk>/transition/<str:name>/",
        views_lifecycle.project_transition,
        name="project_transition",
    ),
    path(
        "projects/<id:pk>/suspensions/new/",
        views_lifecycle.suspension_declare,
        name="project_suspension_new",
    ),
    path(
        "projects/<id:pk>/suspensions/<id:sid>/<str:decision>/",
        views_lifecycle.suspension_decide,
        name="project_suspension_decide",
    ),
    path(
        "projects/<id:pk>/interviews/new/",
        views_award.interview_create,
        name="project_interview_new",
    ),
    path(
        "projects/<id:pk>/abnormal/new/", views_award.abnormal_create, name="project_abnormal_new"
    ),
    path(
        "projects/<id:pk>/abnormal/<id:event_id>/review/",
        views_award.abnormal_review,
        name="project_abnormal_review",
    ),
    path(
        "projects/<id:pk>/agreements/new/",
        views_award.agreement_create,
        name="project_agreement_new",
    ),
    path(
        "projects/<id:pk>/subcontracts/new/",
        views_award.subcontract_create,
        name="project_subcontract_new",
    ),
    path("projects/<id:pk>/coverage/", views_award.coverage_mark, name="project_coverage"),
    path(
        "projects/<id:pk>/data-completion/new/",
        views_award.completion_create,
        name="project_completion_new",
    ),
    path(
        "projects/<id:pk>/data-completion/<id:app_id>/decide/",
        views_award.completion_decide,
        name="project_completion_decide",
    ),
    path("projects/<id:pk>/backfill/", views_award.backfill, name="project_backfill"),
    path("projects/<id:pk>/bans/new/", views_award.ban_create, name="project_ban_new"),
    # The registry's step actions (core.steps.page_action): the lifecycle steps
    # link to their own pages above; a suspension's withdrawal is a button.
    steps.page_urls("projects/", project_steps.PROJECT_WF, "project_step"),
    steps.page_urls(
        "projects/suspensions/", project_steps.SUSPENSION_WF, "project_suspension_step"
    ),
    # a data-completion application's confirmation is a button; its approval
    # and refusal, and an abnormal event's review, link to their pages above
    steps.page_urls(
        "projects/data-completions/", project_checks.COMPLETION_WF, "project_completion_step"
    ),
    steps.page_urls(
        "projects/abnormal-events/", project_checks.ABNORMAL_WF, "project_abnormal_step"
    ),
]
