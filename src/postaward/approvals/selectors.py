"""Reads of the approval processes, always through the actor's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from postaward.core import deadlines
from postaward.core.actor import Actor
from postaward.core.models import Deadline
from postaward.projects.models import Project

from .choices import CHANGE_OPEN_STATES
from .deadline_kinds import ALL as KINDS
from .models import (
    AcceptanceExtension,
    AcceptanceRequest,
    ContractorEvaluation,
    EngineeringChange,
    HiddenWork,
    Inspection,
    PersonnelChange,
    RectificationNotice,
    SupervisionLog,
    UsageBeforeAcceptance,
)

KIND_NAMES = [k.kind for k in KINDS]

# The home page's "近30天超期事项" and the deadline ledger's filter of the same
# name count the same rows (issue 11 §3): this is the one definition.
RECENT_OVERDUE_DAYS = 30


def recently_overdue_q(now: dt.datetime) -> Q:
    """Deadlines missed in the last 30 days, or still running past their end."""
    return Q(
        state=Deadline.State.MISSED, closed_at__gte=now - dt.timedelta(days=RECENT_OVERDUE_DAYS)
    ) | Q(state=Deadline.State.OPEN, paused_at__isnull=True, due_at__lte=now)


def flag(qs: QuerySet, name: str, condition: Q) -> QuerySet:
    """Annotate ``name`` = "1" where ``condition`` holds, else "0" (a ledger
    filter on a composite condition goes through the list component's plain
    choice filter)."""
    return qs.annotate(
        **{
            name: Case(
                When(condition, then=Value("1")), default=Value("0"), output_field=CharField()
            )
        }
    )


OPEN_CHANGE_Q = Q(state__in=CHANGE_OPEN_STATES)


def _filter(qs: QuerySet, filters: dict[str, Any]) -> QuerySet:
    if v := filters.get("project"):
        qs = qs.filter(project_id=v)
    if v := filters.get("state"):
        qs = qs.filter(state=v)
    return qs


def changes(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    return _filter(
        EngineeringChange.objects.visible_to(actor).select_related(
            "project", "participant__organisation"
        ),
        filters or {},
    )


def personnel_changes(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    return _filter(
        PersonnelChange.objects.visible_to(actor).select_related(
            "project", "outgoing", "replacement"
        ),
        filters or {},
    )


def hidden_works(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    return _filter(HiddenWork.objects.visible_to(actor).select_related("project"), filters or {})


def logs(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    return _filter(
        SupervisionLog.objects.visible_to(actor).select_related("project"), filters or {}
    )


def notices(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    return _filter(
        RectificationNotice.objects.visible_to(actor).select_related(
            "project", "participant__organisation"
        ),
        filters or {},
    )


def inspections(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = Inspection.objects.visible_to(actor).select_related("project")
    if v := (filters or {}).get("project"):
        qs = qs.filter(project_id=v)
    return qs


def evaluations(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = ContractorEvaluation.objects.visible_to(actor).select_related(
        "project", "participant__organisation"
    )
    if v := (filters or {}).get("project"):
        qs = qs.filter(project_id=v)
    return qs


def extensions(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    return _filter(
        AcceptanceExtension.objects.visible_to(actor).select_related("project", "request"),
        filters or {},
    )


def usages(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    qs = UsageBeforeAcceptance.objects.visible_to(actor).select_related("project")
    if v := (filters or {}).get("project"):
        qs = qs.filter(project_id=v)
    return qs


def acceptance_requests(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    return _filter(
        AcceptanceRequest.objects.visible_to(actor).select_related("project"), filters or {}
    )


def deadline_rows(actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet:
    f = filters or {}
    qs = Deadline.objects.visible_to(actor).filter(kind__in=KIND_NAMES).order_by("-due_at", "-pk")
    if v := f.get("state"):
        qs = qs.filter(state=v)
    if v := f.get("kind"):
        qs = qs.filter(kind=v)
    if v := f.get("project"):
        qs = qs.filter(project_id=v)
    return qs


def shown_deadlines(subject: Any) -> list[deadlines.Shown]:
    return [deadlines.show(d) for d in deadlines.deadlines_of(subject)]


def projects_for(actor: Actor, statuses: tuple[str, ...] | None = None) -> QuerySet:
    qs = Project.objects.visible_to(actor).order_by("code")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs


# --- for the alerts capability (it reads approvals through these, ADR 0055) ------------------------


def change_label(change_id: Any) -> str | None:
    """“<number> <title>” of an engineering change, or None if there is none."""
    c = EngineeringChange.objects.filter(pk=change_id).only("number", "title").first()
    return f"“{c.number} {c.title}”" if c is not None else None


def approved_changes(as_of: Any) -> QuerySet:
    """Engineering changes as they stood approved at the end of ``as_of`` (a
    date), with their contract and project (the contract-change indicators)."""
    from postaward.core import clock

    return EngineeringChange.objects.filter(
        state="approved", approved_at__lt=clock.end_of_day(as_of)
    ).select_related("participant__organisation", "project")
