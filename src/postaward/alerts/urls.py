from django.urls import path

from postaward.core import steps

from . import steps as alert_steps
from . import views

urlpatterns = [
    path("alerts/", views.inbox, name="alerts_inbox"),
    path("alerts/query/", views.query, name="alerts_query"),
    path("alerts/stats/", views.stats, name="alerts_stats"),
    path("alerts/<id:pk>/", views.detail, name="alerts_detail"),
    steps.page_urls("alerts/", alert_steps.WF, "alerts_step"),
    path("alerts/<id:pk>/files/<id:att_id>/", views.attachment, name="alerts_attachment"),
    path("alerts/indicators/", views.indicator_list, name="alerts_indicators"),
    path("alerts/indicators/<id:pk>/", views.indicator_detail, name="alerts_indicator"),
    path("alerts/indicators/<id:pk>/sandbox/", views.sandbox, name="alerts_sandbox"),
    path("alerts/sandbox/", views.sandbox_list, name="alerts_sandbox_list"),
    path("alerts/runs/<id:pk>/", views.run_detail, name="alerts_run"),
    path("alerts/issues/", views.issue_list, name="alerts_issues"),
    path("alerts/issues/new/", views.issue_new, name="alerts_issue_new"),
    path("alerts/issues/<id:pk>/", views.issue_detail, name="alerts_issue"),
    steps.page_urls("alerts/issues/", alert_steps.ISSUE_WF, "alerts_issue_step"),
    path("alerts/transfers/", views.transfer_list, name="alerts_transfers"),
    path("alerts/transfers/<id:pk>/", views.transfer_detail, name="alerts_transfer_detail"),
    steps.page_urls("alerts/transfers/", alert_steps.TRANSFER_WF, "alerts_transfer_step"),
    path("notifications/", views.notification_list, name="alerts_notifications"),
    path(
        "notifications/read-all/",
        views.notifications_read_all,
        name="alerts_notifications_read_all",
    ),
    path("notifications/<id:pk>/", views.notification_open, name="alerts_notification_open"),
]
