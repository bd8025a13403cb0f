from django.urls import URLPattern, URLResolver, path

from postaward.core import steps

from . import public_visits, views_visits
from .steps_visits import ORDER_WF, WF

urlpatterns: list[URLPattern | URLResolver] = [
    path("inspections/visits/", views_visits.visit_list, name="inspections_visits"),
    path("inspections/visits/new/", views_visits.visit_new, name="inspections_visit_new"),
    path("inspections/visits/joint/", views_visits.merge_page, name="inspections_merge"),
    path(
        "inspections/visits/statistics/",
        views_visits.statistics,
        name="inspections_visit_statistics",
    ),
    path("inspections/visits/<id:pk>/", views_visits.visit_detail, name="inspections_visit"),
    steps.page_urls("inspections/visits/", WF, "inspections_visit_step"),
    path("inspections/evidence/<id:pk>/", views_visits.evidence_file, name="inspections_evidence"),
    path("inspections/rectifications/", views_visits.ledger, name="inspections_ledger"),
    path(
        "inspections/rectifications/<id:pk>/",
        views_visits.order_detail,
        name="inspections_order",
    ),
    steps.page_urls("inspections/rectifications/", ORDER_WF, "inspections_order_step"),
    path(
        "inspections/replies/<id:pk>/file/",
        views_visits.reply_file,
        name="inspections_reply_file",
    ),
    path("public/inspections/", public_visits.public_list, name="inspections_public"),
    path(
        "public/inspections/<str:number>/",
        public_visits.public_detail,
        name="inspections_public_detail",
    ),
]
