"""Pages of scoring rule sets (评分规则, R-SCO-01)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from postaward.core import steps

from . import views_rules as v
from .steps_rules import WF

urlpatterns: list[Any] = [
    path("credit/rules/", v.rule_set_list, name="credit_rule_list"),
    path("credit/rules/new/", v.rule_set_new, name="credit_rule_new"),
    path("credit/rules/<id:pk>/", v.rule_set_detail, name="credit_rule_detail"),
    path("credit/rules/<id:pk>/edit/", v.rule_set_edit, name="credit_rule_edit"),
    path("credit/rules/<id:pk>/items/", v.item_add, name="credit_rule_item_add"),
    path("credit/rules/<id:pk>/items/<id:item_id>/", v.item_edit, name="credit_rule_item"),
    path(
        "credit/rules/<id:pk>/items/<id:item_id>/delete/",
        v.item_delete,
        name="credit_rule_item_delete",
    ),
    steps.page_urls("credit/rules/", WF, "credit_rule_step"),
]
