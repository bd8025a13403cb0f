from django.urls import include, path

urlpatterns = [
    path("", include("postaward.accountability.urls_clues")),
    path("", include("postaward.accountability.urls_matters")),
    path("", include("postaward.accountability.urls_interference")),
    path("", include("postaward.accountability.urls_proposals")),
]
