"""Scoped reads of cases."""

from __future__ import annotations

from typing import Any

from postaward.core.actor import Actor

from .models import Case


def cases(actor: Actor) -> Any:
    return Case.objects.visible_to(actor).select_related("office", "department", "project")
