"""Reads of the core: audit trail queries, calendar months, the inbox."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from typing import Any

from django.db.models import QuerySet

from . import business_calendar, clock
from .actor import Actor
from .models import AuditRecord, CalendarDay, Todo


def audit_records(actor: Actor, *, filters: dict[str, Any]) -> QuerySet[AuditRecord]:
    qs = AuditRecord.objects.visible_to(actor)
    if v := filters.get("actor"):
        qs = qs.filter(actor_name__icontains=v)
    if v := (filters.get("action") or "").strip():
        # search by the Chinese label people read (or by the code)
        from . import audit_labels

        codes = list(AuditRecord.objects.values_list("action", flat=True).distinct())
        qs = qs.filter(action__in=audit_labels.codes_matching(v, codes))
    if v := filters.get("object_type"):
        qs = qs.filter(object_type__icontains=v)
    if v := filters.get("project_id"):
        qs = qs.filter(project_id=v)
    if v := (filters.get("project") or "").strip():
        qs = qs.filter(project_id__in=_projects_matching(actor, v))
    if v := filters.get("date_from"):
        qs = qs.filter(at__gte=clock.start_of_day(v))
    if v := filters.get("date_to"):
        qs = qs.filter(at__lt=clock.end_of_day(v))
    return qs.order_by("-seq")


def describe_records(records: Any, *, links: bool = True) -> list[Any]:
    """Each record with what people read: the action's label, the object's
    name and page, the project's name and page."""
    from . import audit_labels, registries

    rows = list(records)
    project_ids = {r.project_id for r in rows if r.project_id}
    names = registries.projects().names(project_ids) if project_ids else {}
    for r in rows:
        r.action_label = audit_labels.label(r.action)
        r.object_name = audit_labels.object_name(r.object_type, r.object_id, r.object_repr)
        r.object_type_label = audit_labels.type_label(r.object_type)
        r.object_url = audit_labels.object_url(r.object_type, r.object_id) if links else ""
        r.project_name = names.get(r.project_id, "")
    return rows


def _projects_matching(actor: Actor, text: str) -> list[int]:
    """Projects in the actor's scope whose ID or code is ``text`` or whose name
    contains it (the audit page's project filter). The projects app answers
    (a registry, ADR 0055): the core does not import the apps built on it."""
    from . import registries

    return registries.projects().matching(actor, text)


def open_todos(actor: Actor) -> QuerySet[Todo]:
    """The actor's open to-dos, soonest due first, each with its project's name."""
    from . import registries

    return (
        Todo.objects.visible_to(actor)
        .filter(state=Todo.State.OPEN)
        .annotate(project_name=registries.projects().name_of("project_id"))
        .order_by("due_at", "id")
    )


def calendar_month(year: int, month: int) -> list[list[dict[str, Any]]]:
    """Weeks of a month with each day's working status and label."""
    weeks = []
    for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            working = business_calendar.is_working_day(day)
            label = business_calendar.describe_day(day)
            css = (
                "makeup"
                if label.startswith("调休")
                else ("off" if "（休）" in label else ("weekend" if not working else ""))
            )
            row.append(
                {
                    "date": day,
                    "in_month": day.month == month,
                    "working": working,
                    "label": label,
                    "css": css,
                }
            )
        weeks.append(row)
    return weeks


def calendar_exceptions(year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def today() -> dt.date:
    return clock.today()
