from django.urls import URLPattern, URLResolver, path

from postaward.core import steps

from . import views_contracts as v
from .steps_contracts import WF

urlpatterns: list[URLPattern | URLResolver] = [
    path("inspections/contract-checks/", v.check_list, name="inspections_contract_checks"),
    path(
        "inspections/contract-checks/new/",
        v.check_new,
        name="inspections_contract_check_new",
    ),
    path(
        "inspections/contract-checks/<id:pk>/",
        v.check_detail,
        name="inspections_contract_check",
    ),
    steps.page_urls("inspections/contract-checks/", WF, "inspections_contract_check_step"),
]
