from captcha import views as captcha_views
from django.urls import path

from . import backoffice, views

urlpatterns = [
    path("public/", views.home, name="portal_home"),
    # the office's back office: the contacts the public window shows
    path("portal/contacts/", backoffice.contacts, name="portal_contacts"),
    path("public/complaints/new/", views.file_complaint, name="portal_file"),
    path("public/complaints/track/", views.track, name="portal_track"),
    path("public/mine/", views.mine, name="portal_mine"),
    path("public/mine/<str:number>/", views.mine_detail, name="portal_mine_detail"),
    path(
        "public/complaints/track/document/",
        views.track_document,
        name="portal_track_document",
    ),
    path(
        "public/complaints/retaliation/",
        views.report_retaliation,
        name="portal_retaliation",
    ),
    # the captcha's image (django-simple-captcha; its other routes are not used)
    path(
        "public/captcha/<slug:key>/",
        captcha_views.captcha_image,
        {"scale": 1},
        name="captcha-image",
    ),
]
