"""What every page of the shell needs: the actor, the menu, counts, warnings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import business_calendar, clock, menu, registries
from .actor import ANONYMOUS
from .services import may_edit_calendar


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", ANONYMOUS)
    data: dict[str, Any] = {
        "actor": actor,
        "district_name": settings.POSTAWARD["DISTRICT_NAME"],
        "platform_name": "标后监管平台",
    }
    if not actor.is_authenticated:
        return data
    today = clock.today()
    offset = clock.offset()
    enterprise = registries.orgs().is_enterprise(actor)
    # One read of the open to-dos for the envelope's count and the menu's
    # badges (``todos.open_count`` counts the same rows, ADR 0084).
    kinds = menu.todo_kinds(actor)
    data.update(
        menu=menu.build(actor, request.path, enterprise=enterprise, kinds=kinds),
        todo_count=len(kinds),
        # The missing-holidays warning is for those who can enter them; others
        # see it on the deadlines it affects (the calendar_gap filter).
        calendar_uncovered=business_calendar.uncovered_years(today.year, today.year + 1)
        if may_edit_calendar(actor)
        else [],
        clock_shifted=abs(offset.total_seconds()) > 60,
        platform_now=clock.localtime(),
        is_enterprise_portal=enterprise,
    )
    return data
