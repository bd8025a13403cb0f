from django.urls import path

from postaward.core import steps

from . import ledgers, views
from . import steps as leave_steps

urlpatterns = [
    path("attendance/checkin/", views.checkin_page, name="attendance_checkin"),
    path("attendance/me/", views.my_attendance, name="attendance_me"),
    path("attendance/leave/<id:pk>/", views.leave_detail, name="attendance_leave_detail"),
    steps.page_urls("attendance/leave/", leave_steps.LEAVE_WF, "attendance_leave_step"),
    path("attendance/patrol/", views.patrol_page, name="attendance_patrol"),
    path("attendance/owner/", views.owner_home, name="attendance_owner"),
    path("attendance/projects/<id:pk>/board/", views.project_board, name="attendance_board"),
    path("attendance/interviews/<id:pk>/", views.interview_detail, name="attendance_interview"),
    steps.page_urls(
        "attendance/interviews/", leave_steps.INTERVIEW_WF, "attendance_interview_step"
    ),
    path("attendance/checkins/<id:pk>/", views.checkin_detail, name="attendance_checkin_detail"),
    steps.page_urls(
        "attendance/checkins/", leave_steps.REVIEW_WF, "attendance_checkin_review_step"
    ),
    path("attendance/stats/", views.stats, name="attendance_stats"),
    path("attendance/records/", ledgers.records, name="attendance_records"),
    path("attendance/leaves/", ledgers.leaves, name="attendance_leaves"),
    path("attendance/interviews/", ledgers.interviews, name="attendance_interviews"),
    path(
        "attendance/files/<str:kind>/<id:pk>/<str:which>/",
        views.attendance_file,
        name="attendance_file",
    ),
]
