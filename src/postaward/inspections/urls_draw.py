from django.urls import URLPattern, URLResolver, path

from postaward.core import steps

from . import public_draw, views_draw

urlpatterns: list[URLPattern | URLResolver] = [
    path("inspections/items/", views_draw.item_list, name="inspections_items"),
    path("inspections/items/new/", views_draw.item_new, name="inspections_item_new"),
    path("inspections/items/<id:pk>/edit/", views_draw.item_edit, name="inspections_item_edit"),
    path("inspections/plans/", views_draw.plan_list, name="inspections_plans"),
    path("inspections/plans/new/", views_draw.plan_new, name="inspections_plan_new"),
    path("inspections/plans/<id:pk>/", views_draw.plan_detail, name="inspections_plan"),
    path(
        "inspections/plans/<id:pk>/rounds/", views_draw.plan_round_add, name="inspections_round_add"
    ),
    path("inspections/plans/<id:pk>/weights/", views_draw.plan_weights, name="inspections_weights"),
    path("inspections/plans/<id:pk>/commit/", views_draw.plan_commit, name="inspections_commit"),
    steps.page_urls("inspections/plans/", "inspections.plan", "inspections_plan_step"),
    path("inspections/draws/", views_draw.draw_list, name="inspections_draws"),
    path("inspections/draws/coverage/", views_draw.coverage, name="inspections_coverage"),
    path("inspections/draws/<id:pk>/", views_draw.draw_detail, name="inspections_draw"),
    path(
        "inspections/draws/<id:pk>/inputs.json",
        views_draw.draw_inputs,
        name="inspections_draw_inputs",
    ),
    steps.page_urls("inspections/draws/", "inspections.draw", "inspections_draw_step"),
    path("public/inspections/draws/", public_draw.public_draws, name="public_inspection_draws"),
    path(
        "public/inspections/draws/<str:number>/",
        public_draw.public_draw,
        name="public_inspection_draw",
    ),
    path(
        "public/inspections/draws/<str:number>/verify/",
        public_draw.public_verify,
        name="public_inspection_draw_verify",
    ),
    path(
        "public/inspections/draws/<str:number>/inputs.json",
        public_draw.public_inputs,
        name="public_inspection_draw_inputs",
    ),
]
