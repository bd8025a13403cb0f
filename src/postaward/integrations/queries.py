"""Which contracting processes are public and in what order (ADR 0910): projects
with an owner on the platform (a project still waiting for its owner is not yet
under supervision), in the order of their last change, then id; only approved
changes are read (a change under review, rejected or withdrawn is not public)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import DateTimeField, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from postaward.approvals.choices import ChangeState
from postaward.approvals.models import EngineeringChange
from postaward.core import clock
from postaward.projects.models import Participant, Project

from .ocds_export import Process, releases

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def _approved() -> QuerySet[EngineeringChange]:
    return EngineeringChange.objects.filter(state=ChangeState.APPROVED, approved_at__isnull=False)


def public() -> Any:
    """The public projects, annotated ``changed_at`` (a queryset)."""
    last_change = Subquery(
        _approved()
        .filter(project_id=OuterRef("pk"))
        .order_by("-approved_at")
        .values("approved_at")[:1],
        output_field=DateTimeField(),
    )
    return (
        Project.objects.filter(owner__isnull=False, is_platform_covered=True)
        .annotate(changed_at=Greatest(F("updated_at"), Coalesce(last_change, F("updated_at"))))
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("organisation").order_by("role", "pk"),
            ),
            Prefetch(
                "engineering_changes",
                queryset=_approved().order_by("approved_at", "pk"),
                to_attr="approved_changes",
            ),
        )
        .order_by("changed_at", "pk")
    )


def page(since: dt.datetime | None, number: int, size: int) -> tuple[list[Process], int]:
    qs: Any = public()
    if since is not None:
        qs = qs.filter(changed_at__gte=since)
    total = qs.count()
    start = (number - 1) * size
    return [Process.of(p) for p in qs[start : start + size]], total


def by_ocid(ocid: str) -> Process | None:
    from .ocds_export import ocid_prefix

    qs = public()
    prefix = f"{ocid_prefix()}-"
    if ocid.startswith(prefix):
        p = qs.filter(ocid__isnull=True, code=ocid[len(prefix) :]).first()
        if p is not None:
            return Process.of(p)
    p = qs.filter(ocid=ocid).first()
    return Process.of(p) if p is not None else None


def month(year: int, month_no: int) -> list[dict[str, Any]]:
    """The releases dated in the month (local time), in the order of their date."""
    first = clock.start_of_day(dt.date(year, month_no, 1))
    nxt = clock.start_of_day(dt.date(year + month_no // 12, month_no % 12 + 1, 1))
    out = []
    for project in public().filter(changed_at__gte=first).iterator(chunk_size=200):
        for release in releases(Process.of(project)):
            if first.isoformat() <= release["date"] < nxt.isoformat():
                out.append(release)
    out.sort(key=lambda r: (r["date"], r["ocid"], r["id"]))
    return out
