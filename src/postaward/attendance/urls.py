from django.urls import path

from . import views

urlpatterns = [
    path("attendance/checkin/", views.checkin_page, name="attendance_checkin"),
    path("attendance/me/", views.my_attendance, name="attendance_me"),
    path("attendance/leave/<id:pk>/", views.leave_detail, name="attendance_leave_detail"),
    path("attendance/patrol/", views.patrol_page, name="attendance_patrol"),
    path("attendance/owner/", views.owner_home, name="attendance_owner"),
    path("attendance/projects/<id:pk>/board/", views.project_board, name="attendance_board"),
    path("attendance/interviews/<id:pk>/", views.interview_detail, name="attendance_interview"),
    path("attendance/stats/", views.stats, name="attendance_stats"),
    path(
        "attendance/files/<str:kind>/<id:pk>/<str:which>/",
        views.attendance_file,
        name="attendance_file",
    ),
]
