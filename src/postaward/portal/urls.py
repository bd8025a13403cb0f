from django.urls import path

from . import views

urlpatterns = [
    path("public/", views.home, name="portal_home"),
    path("public/complaints/new/", views.file_complaint, name="portal_file"),
    path("public/complaints/track/", views.track, name="portal_track"),
]
