from django.urls import path

from postaward.core import steps

from . import steps as approval_steps
from . import steps_changes, steps_works, views, views_changes, views_works

urlpatterns = [
    path("approvals/changes/", views_changes.change_list, name="approval_changes"),
    path("approvals/changes/new/", views_changes.change_new, name="approval_change_new"),
    path("approvals/changes/<id:pk>/", views_changes.change_detail, name="approval_change_detail"),
    steps.page_urls("approvals/changes/", steps_changes.CHANGE_WF, "approval_change_step"),
    path(
        "approvals/contracts/<id:participant_id>/changes/",
        views_changes.contract_history,
        name="approval_contract_history",
    ),
    path("approvals/personnel/", views_changes.personnel_list, name="approval_personnel"),
    path("approvals/personnel/new/", views_changes.personnel_new, name="approval_personnel_new"),
    path(
        "approvals/personnel/<id:pk>/",
        views_changes.personnel_detail,
        name="approval_personnel_detail",
    ),
    steps.page_urls("approvals/personnel/", steps_changes.PERSONNEL_WF, "approval_personnel_step"),
    path("approvals/hidden-works/", views_works.hidden_list, name="approval_hidden_works"),
    path("approvals/hidden-works/new/", views_works.hidden_new, name="approval_hidden_work_new"),
    path(
        "approvals/hidden-works/<id:pk>/",
        views_works.hidden_detail,
        name="approval_hidden_work_detail",
    ),
    steps.page_urls("approvals/hidden-works/", steps_works.HIDDEN_WF, "approval_hidden_work_step"),
    path("approvals/photos/<id:pk>/", views.photo_file, name="approval_photo"),
    path("approvals/documents/<id:pk>/", views.document_file, name="approval_document"),
    path("approvals/logs/", views.log_list, name="approval_logs"),
    path("approvals/notices/", views_works.notice_list, name="approval_notices"),
    path("approvals/notices/new/", views_works.notice_new, name="approval_notice_new"),
    path("approvals/notices/<id:pk>/", views_works.notice_detail, name="approval_notice_detail"),
    steps.page_urls("approvals/notices/", steps_works.NOTICE_WF, "approval_notice_step"),
    path("approvals/inspections/", views.inspection_list, name="approval_inspections"),
    path(
        "approvals/evaluations/<id:project_id>/",
        views.evaluation_page,
        name="approval_evaluation",
    ),
    path("approvals/acceptance/", views.acceptance_list, name="approval_acceptance"),
    path("approvals/acceptance/new/", views.acceptance_new, name="approval_acceptance_new"),
    path(
        "approvals/acceptance/<id:pk>/", views.acceptance_detail, name="approval_acceptance_detail"
    ),
    steps.page_urls(
        "approvals/acceptance/", approval_steps.ACCEPTANCE_WF, "approval_acceptance_step"
    ),
    steps.page_urls("approvals/extensions/", steps_works.EXTENSION_WF, "approval_extension_step"),
    path("approvals/settlement/", views.settlement_list, name="approval_settlement"),
    path("approvals/deadlines/", views.deadline_list, name="approval_deadlines"),
    path("approvals/policy/", views.policy_page, name="approval_policy"),
]
