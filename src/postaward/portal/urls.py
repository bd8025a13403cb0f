from captcha import views as captcha_views
from django.urls import path

from postaward.core import steps

from . import backoffice, views, views_publications, views_site
from .publications import WF as PUBLICATION_WF

urlpatterns = [
    path("public/", views.home, name="portal_home"),
    # the office's back office: the contacts the public window shows
    path("portal/contacts/", backoffice.contacts, name="portal_contacts"),
    # results published on the public site (R-CAS-05): the office's worklist and the public pages
    path("portal/publications/", views_publications.worklist, name="portal_publications"),
    path("portal/publications/<id:pk>/", views_publications.detail, name="portal_publication"),
    steps.page_urls("portal/publications/", PUBLICATION_WF, "portal_publication_step"),
    path(
        "public/publications/",
        views_publications.public_list,
        name="portal_publications_public",
    ),
    path(
        "public/publications/<id:pk>/",
        views_publications.public_detail,
        name="portal_public_publication",
    ),
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

# The public site's own pages (R-REP-04, ADR 0930).
urlpatterns += [
    path("public/projects/", views_site.project_list, name="portal_public_projects"),
    path("public/projects/<str:code>/", views_site.project_detail, name="portal_public_project"),
    path(
        "public/complaints/stats/", views_site.complaint_statistics, name="portal_complaint_stats"
    ),
    path("public/search/", views_site.search, name="portal_search"),
    # the monthly public summary (R-REP-07, ADR 0922)
    path("public/summary/", views_site.summary_index, name="portal_public_summary"),
    path(
        "public/summary/<str:month>/",
        views_site.summary_month,
        name="portal_public_summary_month",
    ),
    path("sitemap.xml", views_site.sitemap, name="portal_sitemap"),
]
