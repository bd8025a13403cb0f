"""Reads of the project registry, through the data-scope layer."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from postaward.core.actor import Actor

from .models import Project


def projects(actor: Actor, *, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    f = filters or {}
    qs = Project.objects.visible_to(actor).select_related(
        "owner", "industry_authority", "superior_unit", "line"
    )
    if v := f.get("q"):
        qs = qs.filter(Q(name__icontains=v) | Q(code__icontains=v))
    for key in ("project_class", "industry", "status", "region_code"):
        if v := f.get(key):
            qs = qs.filter(**{key: v})
    if v := f.get("owner_id"):
        qs = qs.filter(owner_id=v)
    if v := f.get("contractor_id"):
        qs = qs.filter(participants__organisation_id=v, participants__role="contractor")
    return qs.order_by("-created_at", "-pk")
