from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve

from .api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("", include("postaward.orgs.urls")),
    path("", include("postaward.projects.urls")),
    path("", include("postaward.attendance.urls")),
    path("", include("postaward.approvals.urls")),
    path("", include("postaward.alerts.urls")),
    path("", include("postaward.core.urls")),
]

# Uploaded files are served by the platform itself only on a single machine; in
# production the object store or the reverse proxy serves /media/.
if settings.DEBUG or settings.POSTAWARD.get("SERVE_MEDIA", True):
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
