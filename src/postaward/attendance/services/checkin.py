"""The check-in hot path (ADR 0203): validation, the duty check, the insert
with its own SQL, the replay of a retried tap and the cheat signals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction

from postaward.core import clock, hotsql, idempotency
from postaward.core.actor import Actor
from postaward.core.audit import canonical_json
from postaward.core.crypto import sm3_hex
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.projects import selectors as project_selectors
from postaward.projects.choices import ProjectStatus
from postaward.projects.models import KeyPersonAssignment, Project

from .. import duty as duty_mod
from .. import rules
from ..choices import (
    DayStatus,
    Refusal,
    Review,
)
from ..models import (
    CheckIn,
)

PRIOR_WINDOW = 20  # recent check-ins of the person the cheat signals look at

# --- check-in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    replayed: bool


def _row_hash(c: CheckIn) -> str:
    return sm3_hex(
        canonical_json(
            {
                "person": c.person_id,
                "project": c.project_id,
                "assignment": c.assignment_id,
                "at": c.at,
                "client_at": c.client_at,
                "lon": c.lon,
                "lat": c.lat,
                "accuracy_m": c.accuracy_m,
                "distance_m": c.distance_m,
                "accepted": c.accepted,
                "refusal": c.refusal,
                "device_id": c.device_id,
                "mock_location": c.mock_location,
                "idempotency_key": c.idempotency_key,
            }
        )
    )


def validate_position(lon: Any, lat: Any, accuracy_m: Any) -> tuple[float, float, float]:
    try:
        lon, lat, accuracy_m = float(lon), float(lat), float(accuracy_m)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("位置数据不正确") from exc
    if not (-180 <= lon <= 180):
        raise ValidationFailed("经度应在 -180 至 180 之间", field="lon")
    if not (-90 <= lat <= 90):
        raise ValidationFailed("纬度应在 -90 至 90 之间", field="lat")
    if not (0 <= accuracy_m <= 100_000):
        raise ValidationFailed("定位精度应为 0 至 100000 米", field="accuracy_m")
    return lon, lat, accuracy_m


def check_in(
    *,
    actor: Actor,
    project_id: int,
    lon: float,
    lat: float,
    accuracy_m: float,
    idempotency_key: str,
    client_at: dt.datetime | None = None,
    device_id: str = "",
    mock_location: bool = False,
    user_agent: str = "",
    ip: str = "",
    delayed: bool = False,
) -> CheckInResult:
    """Record a check-in, accepted or refused with its reason (R-ATT-01, R-ATT-04).

    The server decides the time; the client's time is kept only as evidence. A
    retry with the same idempotency key returns the stored check-in. ``delayed``:
    the phone queued the tap without a network and sent it when the network
    returned; the check-in is judged as any other, with a ``delayed_upload``
    signal stating both times (issue 11 §6).
    """
    if not actor.person_id:
        raise Forbidden("仅关键岗位人员可以现场打卡")
    lon, lat, accuracy_m = validate_position(lon, lat, accuracy_m)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ValidationFailed(
            "缺少幂等键（Idempotency-Key，不超过100个字符）", field="idempotency_key"
        )
    device_id = (device_id or "")[:100]

    sent = {
        "project_id": project_id,
        "lon": lon,
        "lat": lat,
        "accuracy_m": accuracy_m,
        "client_at": client_at,
        "device_id": device_id,
        "mock_location": bool(mock_location),
    }
    now = clock.now()
    today = clock.local_date(now)
    # One query for the positions and their project (no idempotency pre-check:
    # a replay is rare and is caught by the unique (person, key) index below).
    assignments = _positions_today(actor.person_id, project_id, today)
    if not assignments:
        existing = CheckIn.objects.filter(person_id=actor.person_id, idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, sent)
        raise NotFound()  # out of scope looks the same as missing
    project = assignments[0].project

    refusal, detail, assignment = _duty_refusal(project, assignments, today)
    fence = rules.fence_decision(project.site, lon, lat, accuracy_m)
    if not refusal and not fence.inside:
        refusal, detail = fence.refusal, fence.detail
    checkin = CheckIn(
        person_id=actor.person_id,
        project=project,
        assignment=assignment,
        at=now,
        local_date=today,
        client_at=client_at,
        lon=lon,
        lat=lat,
        accuracy_m=accuracy_m,
        distance_m=fence.distance_m,
        accepted=not refusal,
        refusal=refusal,
        refusal_detail=detail[:200],
        device_id=device_id,
        mock_location=bool(mock_location),
        user_agent=user_agent[:200],
        ip=ip[:64],
        idempotency_key=key,
    )
    signals = _signals(checkin, delayed=delayed)
    checkin.signals = [s.__dict__ for s in signals]
    checkin.suspicion_score = rules.total_score(signals)
    if checkin.accepted and rules.is_suspicious(signals):
        checkin.review = Review.PENDING
    checkin.row_hash = _row_hash(checkin)
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                _insert(checkin)
        else:
            # Autocommit: the INSERT is its own transaction (one round trip).
            _insert(checkin)
    except IntegrityError:
        # A retry (possibly concurrent) with the same key stored it first.
        stored = CheckIn.objects.get(person_id=actor.person_id, idempotency_key=key)
        return _replay(stored, sent)
    return CheckInResult(checkin, replayed=False)


# --- the hot path's own SQL ----------------------------------------------------------------------
# Thousands of check-ins arrive within the same morning minutes. Building these
# statements through the ORM cost more CPU than running them (ADR 0203), so the
# check-in path writes its two statements once, with values as parameters and
# the models' own field conversions.


def _positions_today(person_id: int, project_id: int, today: dt.date) -> list[KeyPersonAssignment]:
    """The person's positions on the project today, each with its project: the
    projects app owns the statement over its tables (ADR 0055, ADR 0203)."""
    return project_selectors.positions_on(person_id=person_id, project_id=project_id, day=today)


_SQL: dict[str, str] = {}
_INSERT_FIELDS = [f for f in CheckIn._meta.concrete_fields if not f.primary_key]


def _insert(c: CheckIn) -> None:
    """``c.save(force_insert=True)`` without building the statement each time."""
    if "insert" not in _SQL:
        cols = ", ".join(connection.ops.quote_name(str(f.column)) for f in _INSERT_FIELDS)
        marks = ", ".join(["%s"] * len(_INSERT_FIELDS))
        _SQL["insert"] = f"INSERT INTO {CheckIn._meta.db_table} ({cols}) VALUES ({marks})"  # noqa: S608
    values = [f.get_db_prep_save(getattr(c, f.attname), connection) for f in _INSERT_FIELDS]
    with hotsql.cursor() as cur:
        if connection.features.can_return_columns_from_insert:
            cur.execute(_SQL["insert"] + " RETURNING id", values)
            c.pk = cur.fetchone()[0]
        else:  # pragma: no cover - every supported database returns the id
            cur.execute(_SQL["insert"], values)
            c.pk = cur.lastrowid
    c._state.adding = False
    c._state.db = connection.alias


def _as_utc(body: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.astimezone(dt.UTC) if isinstance(v, dt.datetime) and v.tzinfo else v
        for k, v in body.items()
    }


def _replay(stored: CheckIn, sent: dict[str, Any]) -> CheckInResult:
    """A retry answers with the stored check-in; the same key with a different
    body is refused (409), as for every other write (``core.idempotency``). The
    stored row holds every field of the body, so it is its own fingerprint."""
    kept = {k: getattr(stored, k) for k in sent}
    if idempotency.fingerprint(_as_utc(kept)) != idempotency.fingerprint(_as_utc(sent)):
        raise Conflict("该幂等键已用于内容不同的打卡请求", code="idempotency_mismatch")
    return CheckInResult(stored, replayed=True)


def _duty_refusal(
    project: Project, assignments: list[KeyPersonAssignment], today: dt.date
) -> tuple[str, str, KeyPersonAssignment | None]:
    """Why the person need not (may not) check in today, or ('', '', assignment)."""
    fallback = assignments[0]
    if project.status == ProjectStatus.SUSPENDED:
        return Refusal.SUSPENDED, "", fallback
    if project.status != ProjectStatus.UNDER_CONSTRUCTION:
        return Refusal.PROJECT_NOT_ACTIVE, f"项目状态：{project.get_status_display()}", fallback
    duty = duty_mod.load_day(project, today, [a.pk for a in assignments])
    reasons: list[tuple[str, str]] = []
    for a in assignments:
        status, why = duty.status(a, today)
        if status is None:
            return "", "", a
        reasons.append((status, why))
    status, why = reasons[0]
    refusals: dict[str, str] = {
        DayStatus.SUSPENDED: Refusal.SUSPENDED,
        DayStatus.NON_CONSTRUCTION: Refusal.NON_CONSTRUCTION_DAY,
        DayStatus.LEAVE: Refusal.ON_LEAVE,
        DayStatus.OUTSIDE_STAGE: Refusal.NOT_REQUIRED_TODAY,
    }
    refusal = refusals.get(status, Refusal.NOT_ASSIGNED)
    return refusal, why, fallback


def _recent(c: CheckIn) -> tuple[list[rules.PriorCheckIn], int]:
    """The person's recent check-ins (newest first) and how many other people
    used the same device today, in one round trip (the check-in hot path)."""
    ops = connection.ops
    cols = "at, project_id, lon, lat, accuracy_m, accepted, client_at, device_id, person_id"
    table = CheckIn._meta.db_table
    # The table and columns are constants of this module; values are parameters.
    sql = (
        f"SELECT 'p', {cols} FROM (SELECT {cols} FROM {table} "  # noqa: S608
        f"WHERE person_id = %s AND at >= %s ORDER BY at DESC LIMIT {PRIOR_WINDOW}) AS mine"
    )
    params: list[Any] = [
        c.person_id,
        ops.adapt_datetimefield_value(c.at - dt.timedelta(days=30)),
    ]
    if c.device_id:
        sql += (
            f" UNION ALL SELECT 'd', {cols} FROM (SELECT {cols} FROM {table} "  # noqa: S608
            "WHERE device_id = %s AND local_date = %s AND person_id <> %s LIMIT 50) AS shared"
        )
        params += [c.device_id, ops.adapt_datefield_value(c.local_date), c.person_id]
    prior: list[rules.PriorCheckIn] = []
    others: set[int] = set()
    with hotsql.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    sqlite = connection.vendor == "sqlite"
    for kind, at, project_id, lon, lat, acc, accepted, client_at, device_id, person_id in rows:
        if kind == "d":
            others.add(person_id)
            continue
        if sqlite:  # raw SQLite rows: naive UTC datetimes, integers for booleans
            at, client_at = _sqlite_dt(at), _sqlite_dt(client_at)
        prior.append(
            rules.PriorCheckIn(at, project_id, lon, lat, acc, bool(accepted), client_at, device_id)
        )
    prior.sort(key=lambda p: p.at, reverse=True)
    return prior, len(others)


def _sqlite_dt(value: Any) -> dt.datetime | None:
    """SQLite stores UTC without an offset (Django's convention)."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _signals(c: CheckIn, *, delayed: bool = False) -> list[rules.Signal]:
    prior, others = _recent(c)
    candidate = rules.Candidate(
        at=c.at,
        project_id=c.project_id,
        lon=c.lon,
        lat=c.lat,
        accuracy_m=c.accuracy_m,
        client_at=c.client_at,
        device_id=c.device_id,
        mock_location=c.mock_location,
        local_date=c.local_date,
        delayed=delayed,
    )
    return rules.cheat_signals(
        candidate, prior, device_users_today=others, local_date_of=clock.local_date
    )
