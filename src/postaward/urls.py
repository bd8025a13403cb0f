from django.urls import URLPattern, URLResolver, include, path, register_converter

from postaward.core.converters import IdConverter

from .api import api

# Registered before the apps' URL confs are imported (include() imports them lazily).
register_converter(IdConverter, "id")

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("", include("postaward.orgs.urls")),
    path("", include("postaward.projects.urls")),
    path("", include("postaward.attendance.urls")),
    path("", include("postaward.approvals.urls")),
    path("", include("postaward.alerts.urls")),
    path("", include("postaward.core.urls")),
]

# No /media/ route: uploaded files are private and leave only through the
# scope-checked download views (core.files.download, ADR 0010).
