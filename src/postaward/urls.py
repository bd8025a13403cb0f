from django.urls import URLPattern, URLResolver, include, path

from .api import api

# The <id:...> converter is registered in CoreConfig.ready(), before any URL conf
# (this one or an app's, imported on its own) is imported.

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("", include("postaward.orgs.urls")),
    path("", include("postaward.projects.urls")),
    path("", include("postaward.attendance.urls")),
    path("", include("postaward.approvals.urls")),
    path("", include("postaward.alerts.urls")),
    path("", include("postaward.complaints.urls")),
    path("", include("postaward.cases.urls")),
    path("", include("postaward.credit.urls")),
    path("", include("postaward.inspections.urls")),
    path("", include("postaward.accountability.urls")),
    path("", include("postaward.reports.urls")),
    path("", include("postaward.portal.urls")),
    path("", include("postaward.core.urls")),
]

# No /media/ route: uploaded files are private and leave only through the
# scope-checked download views (core.files.download, ADR 0010).
