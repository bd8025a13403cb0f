"""The owner's patrols (R-ATT-06): start, track points, end, auto-end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from postaward.core import audit, clock
from postaward.core.actor import Actor
from postaward.core.audit import canonical_json
from postaward.core.crypto import sm3_hex
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.services import close_todos
from postaward.projects.choices import ProjectStatus
from postaward.projects.models import Project

from .. import rules
from ..choices import (
    PATROL_MIN_DURATION,
)
from ..models import (
    Patrol,
    PatrolPoint,
)
from .checkin import validate_position

# --- patrols (R-ATT-06) -----------------------------------------------------------------------------------


def start_patrol(*, actor: Actor, project: Project) -> Patrol:
    if not actor.person_id or project.owner_leader_id != actor.person_id:
        raise Forbidden("巡查轨迹由本项目的建设单位项目负责人记录")
    if project.status != ProjectStatus.UNDER_CONSTRUCTION:
        raise ValidationFailed("项目不在施工期，无须巡查")
    with transaction.atomic():
        open_patrol = Patrol.objects.filter(
            person_id=actor.person_id, ended_at__isnull=True
        ).first()
        if open_patrol:
            raise Conflict("您有一条未结束的巡查，请先结束")
        patrol = Patrol.objects.create(
            person_id=actor.person_id, project=project, started_at=clock.now()
        )
        audit.record(
            actor=actor, action="attendance.start_patrol", obj=patrol, project_id=project.pk
        )
    return patrol


def add_patrol_point(
    *, actor: Actor, patrol: Patrol, lon: float, lat: float, accuracy_m: float
) -> PatrolPoint:
    """One position of the track, stamped by the server."""
    if patrol.person_id != actor.person_id:
        raise NotFound()
    if patrol.ended_at is not None:
        raise Conflict("巡查已结束")
    lon, lat, accuracy_m = validate_position(lon, lat, accuracy_m)
    project = Project.objects.get(pk=patrol.project_id)
    now = clock.now()
    inside = rules.fence_decision(project.site, lon, lat, accuracy_m).inside
    with transaction.atomic():
        point = PatrolPoint(
            patrol=patrol, at=now, lon=lon, lat=lat, accuracy_m=accuracy_m, inside=inside
        )
        point.row_hash = sm3_hex(
            canonical_json(
                {
                    "patrol": patrol.pk,
                    "at": now,
                    "lon": lon,
                    "lat": lat,
                    "accuracy_m": accuracy_m,
                    "inside": inside,
                }
            )
        )
        point.save()
        updates: dict[str, Any] = {"points": patrol.points + 1}
        if inside:
            updates["last_inside_at"] = now
            if patrol.first_inside_at is None:
                updates["first_inside_at"] = now
        Patrol.objects.filter(pk=patrol.pk).update(**updates)
        for k, v in updates.items():
            setattr(patrol, k, v)
    return point


def end_patrol(*, actor: Actor, patrol: Patrol, note: str = "") -> Patrol:
    """Valid when the positions inside the site span more than 10 minutes."""
    if patrol.person_id != actor.person_id:
        raise NotFound()
    with transaction.atomic():
        p = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if p.ended_at is not None:
            raise Conflict("巡查已结束")
        _finish_patrol(
            p, ended_at=clock.now(), note=note, actor=actor, action="attendance.end_patrol"
        )
    return p


def _finish_patrol(
    p: Patrol, *, ended_at: dt.datetime, note: str, actor: Actor, action: str
) -> None:
    """End a patrol and judge it by its track (inside the caller's transaction)."""
    p.ended_at = ended_at
    span = p.inside_duration
    p.valid = span is not None and span > PATROL_MIN_DURATION
    p.note = (note or "")[:500]
    p.save(update_fields=["ended_at", "valid", "note"])
    audit.record(
        actor=actor,
        action=action,
        obj=p,
        project_id=p.project_id,
        after={
            "valid": p.valid,
            "points": p.points,
            "inside_seconds": span.total_seconds() if span else 0,
            "ended_at": p.ended_at,
        },
    )
    if p.valid:
        close_todos(key=f"attendance.patrol:{p.project_id}")


AUTO_END_NOTE = "（未手动结束：日结时按最后一个轨迹点自动结束）"


def close_stale_patrols(project: Project, day: dt.date) -> int:
    """R-ATT-06: patrols of the project started on or before ``day`` and still
    open once the day is over, with no track point after it, were left running
    (the leader never pressed "end"). The daily closing ends each at its last
    track point (at its start when it has none) and judges it by the same rule
    as ``end_patrol``: the track, not the button, shows whether the leader was on
    site more than 10 minutes. A patrol still reporting after midnight is left
    to the next day's closing."""
    from postaward.core.actor import SYSTEM

    cutoff = clock.end_of_day(day)
    if clock.now() < cutoff:
        return 0  # the day is not over: a patrol may still be under way
    stale = (
        Patrol.objects.filter(project=project, ended_at__isnull=True, started_at__lt=cutoff)
        .annotate(last_point=Max("track__at"))
        .filter(Q(last_point__isnull=True) | Q(last_point__lt=cutoff))
        .values_list("pk", "last_point")
    )
    ended = 0
    for pk, last_point in list(stale):
        p = Patrol.objects.select_for_update().filter(pk=pk, ended_at__isnull=True).first()
        if p is None:
            continue  # ended meanwhile by the leader
        _finish_patrol(
            p,
            ended_at=last_point or p.started_at,
            note=(p.note + AUTO_END_NOTE) if p.note else AUTO_END_NOTE,
            actor=SYSTEM,
            action="attendance.auto_end_patrol",
        )
        ended += 1
    return ended
