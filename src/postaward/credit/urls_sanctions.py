"""Pages of the sanctions register (R-SCO-07, R-SCO-08)."""

from __future__ import annotations

from django.urls import path

from postaward.core import steps

from . import views_sanctions as v
from .steps_sanctions import WF

urlpatterns = [
    path("credit/sanctions/", v.sanction_list, name="credit_sanction_list"),
    path("credit/sanctions/new/", v.sanction_new, name="credit_sanction_new"),
    path("credit/sanctions/<id:pk>/", v.sanction_detail, name="credit_sanction_detail"),
    path("credit/sanctions/<id:pk>/repair/", v.sanction_repair, name="credit_sanction_repair"),
    steps.page_urls("credit/sanctions/", WF, "credit_sanction_step"),
]
