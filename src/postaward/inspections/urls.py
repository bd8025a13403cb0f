from django.urls import include, path

urlpatterns = [
    path("", include("postaward.inspections.urls_draw")),
    path("", include("postaward.inspections.urls_visits")),
    path("", include("postaward.inspections.urls_contracts")),
]
