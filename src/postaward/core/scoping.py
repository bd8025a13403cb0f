"""The data-scope layer (R-ORG-04).

A scoped model defines ``scope_q(actor) -> Q`` (a classmethod); every read a user
makes goes through ``Model.objects.visible_to(actor)``. The system actor sees
everything, the anonymous actor nothing. ``get_visible_or_404`` loads one object
and answers "not found" both when it does not exist and when it is out of scope,
so that scope never leaks through error messages.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from .actor import Actor
from .errors import NotFound

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, actor: Actor) -> ScopedQuerySet:
        if actor.is_system:
            return self
        if not actor.is_authenticated:
            return self.none()
        scope_q = getattr(self.model, "scope_q", None)
        if scope_q is None:  # pragma: no cover - a programming error
            raise TypeError(f"{self.model.__name__} has no scope_q(actor)")
        return self.filter(scope_q(actor))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


def project_visible_q(
    actor: Actor, field: str = "project_id", *, without_project: bool = True
) -> Q:
    """Rows whose project (``field``) the actor may see, as a Q (R-ORG-04).

    The one rule behind every row that hangs off a project but is routed to an
    organisation or a person (a deadline, a to-do, a notification, a hit of an
    indicator run): it is visible only if its project is visible. Rows without
    a project are kept when ``without_project`` (their own rule decides). The
    projects app answers which projects are visible (a registry, ADR 0055): the
    core does not import it.
    """
    from . import registries

    if actor.is_system:
        return Q()
    visible = Q(**{f"{field}__in": registries.projects().visible_ids(actor)})
    if without_project:
        return visible | Q(**{f"{field}__isnull": True})
    return visible


def get_visible_or_404(queryset: Any, actor: Actor, **lookup: Any) -> Any:
    """Load one object through the actor's scope; out of scope looks missing."""
    qs = queryset.visible_to(actor) if hasattr(queryset, "visible_to") else queryset
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj
