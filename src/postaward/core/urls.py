from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("system/calendar/", views.calendar_page, name="calendar"),
    path("system/audit/", views.audit_log, name="audit_log"),
    path("system/audit/<id:seq>/", views.audit_detail, name="audit_detail"),
]
