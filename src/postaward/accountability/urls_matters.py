"""Pages of the matters part."""

from django.urls import URLPattern, URLResolver, path

from . import views_matters as v

urlpatterns: list[URLPattern | URLResolver] = [
    # a confirmed clue's "移送有权机关" links here with ?clue=<id>
    path("accountability/matters/new/", v.matter_new, name="accountability_matter_new"),
]
