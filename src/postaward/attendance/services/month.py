"""Writes of attendance: check-ins, leave, non-construction days, patrols,
reviews of suspicious check-ins, the daily and monthly closings, interviews,
and the anchoring of check-ins into the audit chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.urls import reverse

from postaward.core import audit, clock, events, files, idempotency, merkle
from postaward.core.actor import Actor
from postaward.core.audit import canonical_json
from postaward.core.crypto import sm3_hex
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.files import CheckedUpload, check_upload
from postaward.core.services import close_todos, open_todo
from postaward.orgs.choices import Role
from postaward.projects import selectors as project_selectors
from postaward.projects.choices import STAGED_POSITIONS, ProjectStatus
from postaward.projects.models import KeyPersonAssignment, Project

from . import duty as duty_mod
from . import rules
from .choices import (
    CONSTRUCTION_DAY_STATUSES,
    PATROL_MIN_DURATION,
    DayStatus,
    InterviewKind,
    InterviewState,
    LeaveState,
    Refusal,
    Review,
    absence_streak_min_days,
    interview_kind_label,
    low_rate_text,
    monthly_rate_threshold,
    patrol_interval_days,
)
from .events import (
    AbsenceStreak,
    AttendanceConsequenceWithdrawn,
    CheatConfirmed,
    MonthlyRate,
    PatrolOverdue,
)
from .models import (
    AnchorBatch,
    AttendanceDay,
    AttendanceInterview,
    CheckIn,
    LeaveRequest,
    MonthlyAttendance,
    NonConstructionPeriod,
    Patrol,
    PatrolPoint,
)

PRIOR_WINDOW = 20  # recent check-ins of the person the cheat signals look at

# --- who may act for the owner ----------------------------------------------------------------


def is_owner_side(actor: Actor, project: Project) -> bool:
    """The owner's project leader of this project, or an administrator / leader
    of the owner organisation (R-ATT-05: leave is approved by the owner)."""
    if actor.is_system:
        return True
    owner = project.owner
    if owner is None or not actor.org_path or not owner.path.startswith(actor.org_path):
        return False
    if actor.person_id and project.owner_leader_id == actor.person_id:
        return True
    return bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER}) and actor.organisation_id == owner.pk


def require_owner_side(actor: Actor, project: Project) -> None:
    if not is_owner_side(actor, project):
        raise Forbidden("仅建设单位（项目负责人或单位总管）可以办理")


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
    with connection.cursor() as cur:
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
    with connection.cursor() as cur:
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


# --- review of suspicious check-ins (R-ATT-04) ------------------------------------------------------


def review_checkin(*, actor: Actor, checkin: CheckIn, confirm: bool, note: str = "") -> CheckIn:
    project = Project.objects.select_related("owner").get(pk=checkin.project_id)
    require_owner_side(actor, project)
    note = (note or "").strip()
    if confirm and not note:
        raise ValidationFailed("确认作弊须填写核查意见", field="note")
    with transaction.atomic():
        c = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if c.review not in (Review.PENDING, Review.NONE) or not c.accepted:
            raise Conflict("该打卡记录已核查或无须核查")
        before = {"review": c.review}
        c.review = Review.CONFIRMED if confirm else Review.CLEARED
        c.reviewed_by_name = actor.display_name
        c.reviewed_at = clock.now()
        c.review_note = note[:300]
        c.save(update_fields=["review", "reviewed_by_name", "reviewed_at", "review_note"])
        audit.record(
            actor=actor,
            action="attendance.review_checkin",
            obj=c,
            project_id=c.project_id,
            before=before,
            after={"review": c.review, "note": c.review_note},
        )
        close_todos(key=f"attendance.review:{c.project_id}")
        if confirm:
            a = c.assignment
            org_id = a.participant.organisation_id if a else project.owner_id
            events.publish(
                CheatConfirmed(
                    checkin_id=c.pk,
                    project_id=c.project_id,
                    person_id=c.person_id,
                    organisation_id=org_id,
                    position=a.position if a else "",
                    at=c.at.isoformat(),
                    signals=c.signals,
                    confirmed_by=actor.display_name,
                    note=c.review_note,
                )
            )
            if a is not None:
                _open_interview(
                    kind=InterviewKind.CHEAT,
                    # One interview per person, position and day, however many
                    # of that day's check-ins are confirmed.
                    key=f"cheat:{a.pk}:{c.local_date.isoformat()}",
                    project=project,
                    assignment=a,
                    summary=f"{c.local_date:%Y-%m-%d} 考勤作弊经建设单位确认",
                    trigger={"checkin_id": c.pk, "signals": c.signals, "note": c.review_note},
                )
        if c.local_date < clock.today():
            close_day(c.local_date, project_ids=[c.project_id], detect=False)
    return c


# --- leave (R-ATT-05) ------------------------------------------------------------------------------


def request_leave(
    *,
    actor: Actor,
    assignment: KeyPersonAssignment,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
) -> LeaveRequest:
    if assignment.person_id != actor.person_id:
        raise Forbidden("只能为本人申请请假")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写请假事由", field="reason")
    today = clock.today()
    if starts_on <= today:
        raise ValidationFailed(
            f"请假须事先提出：最早可申请 {today + dt.timedelta(days=1):%Y-%m-%d} 起的假期（R-ATT-05）",
            field="starts_on",
            basis="SY 第26条：因特殊情况需请假的，应事先提出申请",
        )
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    if (ends_on - starts_on).days >= 31:
        raise ValidationFailed("单次请假不超过31天", field="ends_on")
    with transaction.atomic():
        overlap = LeaveRequest.objects.filter(
            assignment=assignment,
            state__in=[LeaveState.PENDING, LeaveState.APPROVED],
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        ).exists()
        if overlap:
            raise Conflict("与已提交的请假日期重叠", field="starts_on")
        leave = LeaveRequest.objects.create(
            person_id=assignment.person_id,
            project_id=assignment.project_id,
            assignment=assignment,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason[:300],
            requested_at=clock.now(),
            requested_by_name=actor.display_name,
        )
        audit.record(
            actor=actor, action="attendance.request_leave", obj=leave, after=audit.snapshot(leave)
        )
        project = assignment.project
        if project.owner_id:
            open_todo(
                key=f"attendance.leave:{leave.pk}",
                kind="attendance.leave",
                title=f"请假审批：{actor.display_name}（{starts_on:%m-%d}至{ends_on:%m-%d}）",
                organisation_id=project.owner_id,
                role=Role.OWNER_PROJECT_LEADER,
                project_id=project.pk,
                subject=leave,
                url=reverse("attendance_leave_detail", args=[leave.pk]),
                due_at=clock.start_of_day(starts_on),
                basis="R-ATT-05 请假须经建设单位同意",
            )
    return leave


def _file_facts(name: str, checked: CheckedUpload | None) -> dict[str, Any] | None:
    """What the audit keeps of a stored file: its original name, type and hash."""
    if checked is None:
        return None
    return {"name": name, "type": checked.content_type, "sha256": checked.sha256}


def _tell_leave_decision(lv: LeaveRequest, project: Project, actor: Actor) -> None:
    """The person who asked for leave and the owner leader are told the decision."""
    from postaward.core import notices
    from postaward.orgs.models import User
    from postaward.orgs.selectors import owner_leader_account_id

    requester = User.objects.filter(person_id=lv.person_id, is_active=True).values_list(
        "pk", flat=True
    )
    decision = lv.get_state_display()
    notices.tell(
        [*requester, owner_leader_account_id(project)],
        key=f"attendance.leave:{lv.pk}:{lv.state}",
        kind="decision",
        title=f"请假申请{decision}：{lv.requested_by_name}（{lv.starts_on:%m-%d}至{lv.ends_on:%m-%d}，{project.name}）",
        body=f"{actor.org_name} {actor.display_name}：{decision}"
        + (f"。意见：{lv.decision_note}" if lv.decision_note else ""),
        url=reverse("attendance_leave_detail", args=[lv.pk]),
        project=project,
        actor=actor,
    )


def decide_leave(
    *,
    actor: Actor,
    leave: LeaveRequest,
    approve: bool,
    note: str = "",
    approval_form: Any = None,
    evidence: Any = None,
) -> LeaveRequest:
    project = Project.objects.select_related("owner").get(pk=leave.project_id)
    require_owner_side(actor, project)
    if approve and (not approval_form or not evidence):
        raise ValidationFailed(
            "同意请假须由建设单位上传请假审批单和证明材料",
            field="approval_form",
            basis="SY 第26条：请假审批单和证明材料由建设单位上传平台",
        )
    if not approve and not (note or "").strip():
        raise ValidationFailed("不同意请假须说明理由", field="note")
    form_file = check_upload(approval_form, field="approval_form") if approve else None
    evidence_file = check_upload(evidence, field="evidence") if approve else None
    with transaction.atomic():
        lv = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
        if lv.state != LeaveState.PENDING:
            raise Conflict("该请假申请已处理")
        lv.state = LeaveState.APPROVED if approve else LeaveState.REJECTED
        lv.decided_at = clock.now()
        lv.decided_by_name = actor.display_name
        lv.decision_note = (note or "")[:300]
        if form_file is not None and evidence_file is not None:
            files.save(lv.approval_form, form_file)
            lv.approval_form_name = form_file.name
            files.save(lv.evidence, evidence_file)
            lv.evidence_name = evidence_file.name
        lv.save()
        audit.record(
            actor=actor,
            action="attendance.decide_leave",
            obj=lv,
            before={"state": LeaveState.PENDING},
            after={
                "state": lv.state,
                "note": lv.decision_note,
                "approval_form": _file_facts(lv.approval_form_name, form_file),
                "evidence": _file_facts(lv.evidence_name, evidence_file),
            },
        )
        close_todos(key=f"attendance.leave:{lv.pk}")
        _tell_leave_decision(lv, project, actor)
        yesterday = clock.today() - dt.timedelta(days=1)
        if approve and lv.starts_on <= yesterday:
            for day in duty_mod.daterange(lv.starts_on, min(lv.ends_on, yesterday)):
                close_day(day, project_ids=[lv.project_id], detect=False)
    return lv


def cancel_leave(*, actor: Actor, leave: LeaveRequest) -> LeaveRequest:
    if leave.person_id != actor.person_id:
        raise Forbidden("只能撤回本人的请假申请")
    with transaction.atomic():
        lv = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
        if lv.state != LeaveState.PENDING:
            raise Conflict("只能撤回待审批的申请")
        lv.state = LeaveState.CANCELLED
        lv.save(update_fields=["state"])
        audit.record(
            actor=actor, action="attendance.cancel_leave", obj=lv, after={"state": lv.state}
        )
        close_todos(key=f"attendance.leave:{lv.pk}", state="cancelled")
    return lv


# --- non-construction days ---------------------------------------------------------------------------


def declare_non_construction(
    *, actor: Actor, project: Project, starts_on: dt.date, ends_on: dt.date, reason: str
) -> NonConstructionPeriod:
    """The owner declares days without construction, in advance or on the day."""
    require_owner_side(actor, project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写非施工原因（如春节停工）", field="reason")
    if starts_on < clock.today():
        raise ValidationFailed("非施工日须事先或当日申报，不能补报过去的日期", field="starts_on")
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    if (ends_on - starts_on).days >= 92:
        raise ValidationFailed("单次申报不超过92天；长期停工请申报停工", field="ends_on")
    with transaction.atomic():
        period = NonConstructionPeriod.objects.create(
            project=project,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason[:300],
            declared_at=clock.now(),
            declared_by_name=actor.display_name,
        )
        audit.record(
            actor=actor,
            action="attendance.declare_non_construction",
            obj=period,
            project_id=project.pk,
            after=audit.snapshot(period),
        )
    return period


def withdraw_non_construction(
    *, actor: Actor, period: NonConstructionPeriod
) -> NonConstructionPeriod:
    project = Project.objects.select_related("owner").get(pk=period.project_id)
    require_owner_side(actor, project)
    if period.starts_on <= clock.today():
        raise ValidationFailed("已开始的非施工日不能撤销")
    with transaction.atomic():
        period.withdrawn_at = clock.now()
        period.save(update_fields=["withdrawn_at"])
        audit.record(
            actor=actor,
            action="attendance.withdraw_non_construction",
            obj=period,
            project_id=project.pk,
            after={"withdrawn_at": period.withdrawn_at},
        )
    return period


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


# --- closings ---------------------------------------------------------------------------------------


def _counted_times(project_ids: list[int], day: dt.date) -> dict[int, list[dt.datetime]]:
    out: dict[int, list[dt.datetime]] = {}
    rows = (
        CheckIn.objects.filter(
            project_id__in=project_ids, local_date=day, accepted=True, assignment__isnull=False
        )
        .exclude(review=Review.CONFIRMED)
        .values_list("assignment_id", "at")
    )
    for assignment_id, at in rows:
        out.setdefault(assignment_id, []).append(at)
    return out


def projects_on_duty(
    first: dt.date, last: dt.date, *, fields: tuple[str, ...] | None = None
) -> list[Project]:
    """Projects that may have had construction days in [first, last]."""
    qs = (
        Project.objects.filter(actual_start__isnull=False, actual_start__lte=last)
        .filter(Q(actual_completion__isnull=True) | Q(actual_completion__gte=first))
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=first))
    )
    qs = qs.only(*fields) if fields else qs.select_related("owner")
    return list(qs)


def close_day(day: dt.date, *, project_ids: list[int] | None = None, detect: bool = True) -> int:
    """Close one day: an AttendanceDay per person in a position (idempotent:
    re-running replaces the day's rows), then the consequences (R-ATT-07, 06)."""
    projects = projects_on_duty(day, day)
    if project_ids is not None:
        projects = [p for p in projects if p.pk in set(project_ids)]
    written = 0
    for project in projects:
        assignments = list(
            KeyPersonAssignment.objects.select_related("participant")
            .filter(project=project, must_check_in=True, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        )
        if not assignments and not detect:
            continue
        duty = duty_mod.load(project, day, day, [a.pk for a in assignments])
        times = _counted_times([project.pk], day) if assignments else {}
        rows = []
        for a in assignments:
            status, reason = duty.status(a, day)
            result = rules.valid_day(times.get(a.pk, []))
            if status is None:
                if result.valid:
                    status, reason = DayStatus.VALID, ""
                elif result.count == 0:
                    status, reason = DayStatus.ABSENT, result.reason
                else:
                    status, reason = DayStatus.INVALID, result.reason
            rows.append(
                AttendanceDay(
                    assignment=a,
                    person_id=a.person_id,
                    project=project,
                    date=day,
                    status=status,
                    first_at=result.first_at,
                    last_at=result.last_at,
                    checkins=result.count,
                    reason=reason[:200],
                    closed_at=clock.now(),
                )
            )
        with transaction.atomic():
            if detect:
                # One closing of a project at a time (the nightly task and a
                # re-closing may overlap): the dedup checks below then see each
                # other's writes.
                list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
            if assignments:
                AttendanceDay.objects.filter(project=project, date=day).delete()
                AttendanceDay.objects.bulk_create(rows)
                written += len(rows)
            if detect:
                _detect_absence_streaks(
                    project, [r for r in rows if r.status in CONSTRUCTION_DAY_STATUSES], day
                )
                # R-ATT-06 applies with or without positions that check in.
                close_stale_patrols(project, day)
                _detect_patrol_overdue(project, day, duty)
    return written


CATCH_UP_DAYS = 7  # how far back the nightly closing looks for days it missed


def unclosed_days(first: dt.date, last: dt.date) -> dict[dt.date, list[int]]:
    """The days in [first, last] the daily closing missed, with their projects: a
    project with a position that must check in that day but no closed day row
    (the 00:30 task did not run, or failed part way)."""
    projects = projects_on_duty(
        first, last, fields=("id", "actual_start", "actual_completion", "terminated_on")
    )
    if not projects:
        return {}
    ids = [p.pk for p in projects]
    closed = set(
        AttendanceDay.objects.filter(project_id__in=ids, date__gte=first, date__lte=last)
        .order_by()
        .values_list("date", "project_id")
        .distinct()
    )
    positions: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for project_id, started_on, ended_on in (
        KeyPersonAssignment.objects.filter(
            project_id__in=ids, must_check_in=True, started_on__lte=last
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .values_list("project_id", "started_on", "ended_on")
    ):
        positions.setdefault(project_id, []).append((started_on, ended_on))
    out: dict[dt.date, list[int]] = {}
    for day in duty_mod.daterange(first, last):
        for p in projects:
            if p.actual_start is None or p.actual_start > day or (day, p.pk) in closed:
                continue
            if p.actual_completion is not None and p.actual_completion < day:
                continue
            if p.terminated_on is not None and p.terminated_on < day:
                continue
            if any(s <= day and (e is None or e > day) for s, e in positions.get(p.pk, [])):
                out.setdefault(day, []).append(p.pk)
    return out


def catch_up(yesterday: dt.date, *, days: int = CATCH_UP_DAYS) -> int:
    """Close, oldest first and with their consequences, the days before
    ``yesterday`` (at most ``days`` back) that the nightly closing missed, so
    that an absence streak spanning a missed day is still found (R-ATT-07)."""
    missed = unclosed_days(yesterday - dt.timedelta(days=days), yesterday - dt.timedelta(days=1))
    return sum(close_day(day, project_ids=missed[day]) for day in sorted(missed))


def _detect_absence_streaks(
    project: Project, today_rows: list[AttendanceDay], day: dt.date
) -> None:
    """R-ATT-07: consecutive construction days without a valid day.

    Each day a streak grows, its facts are published (``AbsenceStreak``, from
    the first day): the alert indicator's configured ``min_days`` decides the
    alert, and the interview follows the same configured threshold (R-ALR-01).
    Days that are not construction days for the person (leave, suspension,
    non-construction, outside the stages) neither count nor break the streak."""
    failing = [r for r in today_rows if r.status != DayStatus.VALID]
    if not failing:
        return
    min_days = absence_streak_min_days()
    history: dict[int, list[AttendanceDay]] = {}
    for r in AttendanceDay.objects.filter(
        assignment_id__in=[r.assignment_id for r in failing],
        date__lt=day,
        date__gte=day - dt.timedelta(days=31),
        status__in=CONSTRUCTION_DAY_STATUSES,
    ).order_by("-date"):
        history.setdefault(r.assignment_id, []).append(r)
    streaks = []
    for row in failing:
        streak = [row]
        for prev in history.get(row.assignment_id, []):
            if prev.status == DayStatus.VALID:
                break
            streak.append(prev)
        key = f"absence:{row.assignment_id}:{streak[-1].date.isoformat()}:{len(streak)}"
        streaks.append((row, streak, key))
    from postaward.core.models import EventRecord

    published = set(
        EventRecord.objects.filter(
            name=AbsenceStreak.name, payload__dedup_key__in=[k for _, _, k in streaks]
        ).values_list("payload__dedup_key", flat=True)
    )
    for row, streak, dedup_key in streaks:
        first = streak[-1].date
        a = row.assignment
        days = sorted(r.date.isoformat() for r in streak)
        if dedup_key in published:
            continue
        events.publish(
            AbsenceStreak(
                project_id=project.pk,
                person_id=a.person_id,
                organisation_id=a.participant.organisation_id,
                assignment_id=a.pk,
                position=a.position,
                first_day=first.isoformat(),
                days=days,
                reasons=[r.reason for r in sorted(streak, key=lambda r: r.date)],
                dedup_key=dedup_key,
            )
        )
        if len(streak) < min_days:
            continue
        _open_interview(
            kind=InterviewKind.ABSENCE_STREAK,
            key=f"absence:{a.pk}:{first.isoformat()}",
            project=project,
            assignment=a,
            summary=f"自 {first:%Y-%m-%d} 起连续 {len(streak)} 个施工日未有效考勤",
            trigger={
                "days": days,
                "statuses": [r.status for r in sorted(streak, key=lambda r: r.date)],
            },
        )


def construction_days_since(project: Project, since: dt.date, day: dt.date) -> int:
    """How many days in (since, day] were construction days of the project:
    suspended (R-PRJ-07) and declared non-construction days do not count."""
    if day <= since:
        return 0
    duty = duty_mod.load(project, since + dt.timedelta(days=1), day, [])
    return sum(
        1
        for d in duty_mod.daterange(since + dt.timedelta(days=1), day)
        if d not in duty.suspended and d not in duty.non_construction
    )


def _detect_patrol_overdue(project: Project, day: dt.date, duty: duty_mod.ProjectDuty) -> None:
    """R-ATT-06: one valid patrol by the owner's project leader every 7
    construction days (the indicator's configured interval, R-ALR-01).

    Suspended days do not count (the leader is not overdue on the day works
    resume after a suspension), nor declared non-construction days. One
    ``PatrolOverdue`` per interval without a valid patrol: construction day 7,
    14, 21… after the last valid patrol (or the start of works). The period is
    the dedup key, stored in the event, so re-closing a day publishes nothing
    twice. The owner's to-do is opened only while the overdue is still current
    (no valid patrol after ``day``: a late re-closing does not ask for a patrol
    already made)."""
    from postaward.core.models import EventRecord

    if project.owner_leader_id is None or day in duty.suspended or project.actual_start is None:
        return
    if day in duty.non_construction:
        return
    interval = patrol_interval_days()
    end = clock.end_of_day(day)
    last = (
        Patrol.objects.filter(project=project, valid=True, started_at__lt=end)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    since = clock.local_date(last) if last else project.actual_start
    if (day - since).days < interval:
        return  # fewer calendar days than the interval: fewer construction days too
    gap = construction_days_since(project, since, day)
    if gap < interval:
        return
    key = f"patrol:{project.pk}:{since.isoformat()}:{gap // interval}"
    if EventRecord.objects.filter(name=PatrolOverdue.name, payload__dedup_key=key).exists():
        return
    events.publish(
        PatrolOverdue(
            project_id=project.pk,
            person_id=project.owner_leader_id,
            owner_id=project.owner_id,
            last_valid_patrol=last.isoformat() if last else None,
            days_without=gap,
            dedup_key=key,
        )
    )
    current = not Patrol.objects.filter(project=project, valid=True, started_at__gte=end).exists()
    if project.owner_id and current:
        open_todo(
            key=f"attendance.patrol:{project.pk}",
            kind="attendance.patrol",
            title=f"巡查超期：{project.name}已 {gap} 个施工日无有效巡查",
            organisation_id=project.owner_id,
            role=Role.OWNER_PROJECT_LEADER,
            project_id=project.pk,
            subject=project,
            url=reverse("attendance_patrol"),
            basis=f"R-ATT-06 建设单位项目负责人每{interval}个施工日巡查一次，每次超过10分钟",
        )


def _open_interview(
    *,
    kind: str,
    key: str,
    project: Project,
    assignment: KeyPersonAssignment,
    summary: str,
    trigger: dict[str, Any],
) -> AttendanceInterview | None:
    interview, created = AttendanceInterview.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "project": project,
            "person_id": assignment.person_id,
            "organisation_id": assignment.participant.organisation_id,
            "trigger": trigger,
            "summary": summary[:300],
        },
    )
    if created and project.owner_id:
        open_todo(
            key=f"attendance.interview:{interview.pk}",
            kind="attendance.interview",
            # the to-do names its subject: who, in which unit, on which project
            title=(
                f"约谈{assignment.person.name}（{assignment.participant.organisation.name}"
                f"·{assignment.get_position_display()}）：{summary}"
            ),
            detail=f"{interview_kind_label(kind)}；项目：{project.name}",
            organisation_id=project.owner_id,
            role=Role.OWNER_PROJECT_LEADER,
            project_id=project.pk,
            subject=interview,
            url=reverse("attendance_interview", args=[interview.pk]),
            basis={
                InterviewKind.ABSENCE_STREAK.value: "R-ATT-07（SY 第42条）",
                InterviewKind.LOW_MONTHLY_RATE.value: "R-ATT-08（SY 第42条）",
                InterviewKind.CHEAT.value: "R-ATT-04（SY 第47条）",
            }[str(kind)],
        )
    return interview if created else None


def close_interview(
    *,
    actor: Actor,
    interview: AttendanceInterview,
    held_on: dt.date,
    record: Any,
    penalty_note: str = "",
    criticism_note: str = "",
) -> AttendanceInterview:
    project = Project.objects.select_related("owner").get(pk=interview.project_id)
    require_owner_side(actor, project)
    if not record:
        raise ValidationFailed("请上传约谈记录", field="record")
    if held_on > clock.today():
        raise ValidationFailed("约谈日期不能晚于今天", field="held_on")
    checked = check_upload(record, field="record")
    if interview.kind == InterviewKind.LOW_MONTHLY_RATE and not (
        penalty_note.strip() and criticism_note.strip()
    ):
        raise ValidationFailed(
            f"{low_rate_text()}：须同时填写依约处罚情况和通报批评情况（SY 第42条）",
            field="penalty_note",
        )
    with transaction.atomic():
        it = AttendanceInterview.objects.select_for_update().get(pk=interview.pk)
        if it.state == InterviewState.DONE:
            raise Conflict("该约谈已办结")
        it.state = InterviewState.DONE
        it.held_on = held_on
        files.save(it.record, checked)
        it.record_name = checked.name
        it.penalty_note = penalty_note[:300]
        it.criticism_note = criticism_note[:300]
        it.closed_by_name = actor.display_name
        it.closed_at = clock.now()
        it.save()
        audit.record(
            actor=actor,
            action="attendance.close_interview",
            obj=it,
            project_id=it.project_id,
            after={
                "held_on": held_on,
                "record": _file_facts(it.record_name, checked),
                "penalty": it.penalty_note,
                "criticism": it.criticism_note,
            },
        )
        close_todos(key=f"attendance.interview:{it.pk}")
    return it


# --- monthly closing (R-ATT-03, R-ATT-08) ---------------------------------------------------------------


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def valid_days_sql(
    first: dt.date, last: dt.date, project_ids: list[int] | None = None
) -> tuple[str, list[Any]]:
    """One query: the (assignment, date) pairs with a valid day (R-ATT-02).

    The same statement (without ``project_ids``) is the baseline of bench/attendance."""
    if connection.vendor == "postgresql":
        span = "MAX(at) - MIN(at) >= INTERVAL '4 hours'"
    else:
        span = "(julianday(MAX(at)) - julianday(MIN(at))) * 86400.0 >= 14400 - 0.0005"
    table = CheckIn._meta.db_table
    params: list[Any] = [first, last]
    only = ""
    if project_ids is not None:
        only = f"AND project_id IN ({', '.join(['%s'] * len(project_ids)) or 'NULL'}) "
        params += list(project_ids)
    # The table name and the clauses are constants of this module; values are parameters.
    sql = (
        f"SELECT assignment_id, local_date FROM {table} "  # noqa: S608
        f"WHERE local_date >= %s AND local_date <= %s {only}AND accepted AND assignment_id IS NOT NULL "
        f"AND review <> 'confirmed' GROUP BY assignment_id, local_date HAVING COUNT(*) >= 2 AND {span}"
    )
    return sql, params


def valid_days(
    first: dt.date, last: dt.date, project_ids: list[int] | None = None
) -> dict[int, set[dt.date]]:
    """Valid days per assignment over [first, last] (R-ATT-02), from ``valid_days_sql``."""
    sql, params = valid_days_sql(first, last, project_ids)
    valid: dict[int, set[dt.date]] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for assignment_id, day in cur.fetchall():
            if isinstance(day, str):
                day = dt.date.fromisoformat(day)
            s = valid.get(assignment_id)
            if s is None:
                valid[assignment_id] = {day}
            else:
                s.add(day)
    return valid


@dataclass(frozen=True)
class PositionRow:
    """What the month computation needs of a position (a KeyPersonAssignment row)."""

    id: int
    project_id: int
    person_id: int
    position: str
    started_on: dt.date
    ended_on: dt.date | None
    organisation_id: int


_EMPTY: frozenset[dt.date] = frozenset()


@dataclass(frozen=True)
class DayMask:
    """Valid days of one position within a month as bits (bit i = first + i days):
    what the closing's aggregate query returns, 10,000 integers instead of
    300,000 (position, date) pairs."""

    first: dt.date
    bits: int

    def __iter__(self):  # type: ignore[no-untyped-def]
        bits, day = self.bits, self.first
        while bits:
            if bits & 1:
                yield day
            bits >>= 1
            day += duty_mod.ONE_DAY


@dataclass(frozen=True)
class ConstructionDays:
    """A position's construction days over the duty's period (R-ATT-03) as a
    bitmask (bit i = ``first`` + i days), their number, and the excluded days
    by status. It needs no check-in, so the closing computes it while the
    check-in aggregate runs."""

    first: dt.date
    bits: int
    count: int
    excluded: dict[str, int]

    def valid(self, valid: Collection[dt.date] | DayMask) -> int:
        """Valid days that fall on construction days."""
        if isinstance(valid, DayMask):
            bits = valid.bits if valid.first == self.first else _bits(self.first, valid)
        else:
            bits = _bits(self.first, valid)
        return (bits & self.bits).bit_count()


def _bits(first: dt.date, days: Iterable[dt.date]) -> int:
    out = 0
    for d in days:
        i = (d - first).days
        if i >= 0:
            out |= 1 << i
    return out


def construction_days(duty: duty_mod.ProjectDuty, a: PositionRow) -> ConstructionDays:
    """The same answer as asking ``duty.status`` for each day (see the test that
    compares both), computed on intervals and bits because a district has tens
    of thousands of positions."""
    first = duty.first
    p = duty.project
    if p.actual_start is None:
        return ConstructionDays(first, 0, 0, {})
    lo = max(first, a.started_on, p.actual_start)
    hi = duty.last
    if a.ended_on is not None:
        hi = min(hi, a.ended_on - duty_mod.ONE_DAY)
    end = duty.works_end
    if end is not None:
        hi = min(hi, end)
    if lo > hi:
        return ConstructionDays(first, 0, 0, {})
    span = (hi - lo).days + 1
    window = ((1 << span) - 1) << (lo - first).days
    staged = a.position in STAGED_POSITIONS
    leave = duty.leave.get(a.id, _EMPTY)
    if not duty.suspended and not duty.non_construction and not staged and not leave:
        return ConstructionDays(first, window, span, {})
    removed = 0
    excluded: dict[str, int] = {}

    def take(status: str, days: Iterable[dt.date]) -> None:
        nonlocal removed
        bits = _bits(first, (d for d in days if lo <= d <= hi)) & ~removed
        if bits:
            excluded[status] = bits.bit_count()
            removed |= bits

    take(DayStatus.SUSPENDED.value, duty.suspended)
    take(DayStatus.NON_CONSTRUCTION.value, duty.non_construction)
    if staged:
        covered: set[dt.date] = set()
        for s_first, s_last, _name in duty.stages.get(a.position, []):
            covered.update(duty_mod.daterange(max(s_first, lo), min(s_last, hi)))
        take(
            DayStatus.OUTSIDE_STAGE.value,
            [d for d in duty_mod.daterange(lo, hi) if d not in covered],
        )
    take(DayStatus.LEAVE.value, leave)
    bits = window & ~removed
    return ConstructionDays(first, bits, bits.bit_count(), excluded)


def month_counts(
    duty: duty_mod.ProjectDuty, a: PositionRow, valid: Collection[dt.date] | DayMask
) -> tuple[int, int, dict[str, int]]:
    """(valid days, construction days, excluded days by status) of one position."""
    c = construction_days(duty, a)
    return c.valid(valid), c.count, c.excluded


def _rate(valid_count: int, construction: int) -> Decimal | None:
    """valid ÷ construction, half up to 4 places, in integer arithmetic (a
    closing computes it 10,000 times)."""
    if not construction:
        return None
    return Decimal((valid_count * 20000 + construction) // (2 * construction)).scaleb(-4)


def valid_masks_sql(
    first: dt.date, last: dt.date, project_ids: list[int] | None = None
) -> tuple[str, list[Any]]:
    """``valid_days_sql`` aggregated per position into a bitmask of the days
    (bit i = ``first`` + i days; a month fits in 31 bits): what the closing runs."""
    inner, params = valid_days_sql(first, last, project_ids)
    if connection.vendor == "postgresql":
        bit = "(1::bigint << (local_date - %s::date))"
    else:
        bit = "(1 << CAST(julianday(local_date) - julianday(%s) AS INTEGER))"
    sql = f"SELECT assignment_id, SUM({bit}) FROM ({inner}) AS v GROUP BY assignment_id"  # noqa: S608
    return sql, [first, *params]


def valid_masks(
    first: dt.date, last: dt.date, project_ids: list[int] | None = None
) -> dict[int, DayMask]:
    if (last - first).days > 62:
        raise ValueError("a bitmask covers at most 63 days")
    sql, params = valid_masks_sql(first, last, project_ids)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {a: DayMask(first, int(bits)) for a, bits in cur.fetchall()}


@dataclass(frozen=True)
class MonthRow:
    """One position's month, before it is written (a MonthlyAttendance row)."""

    assignment_id: int
    person_id: int
    project_id: int
    organisation_id: int
    month: dt.date
    valid_days: int
    construction_days: int
    excluded: dict[str, int]
    rate: Decimal | None
    below_threshold: bool
    closed_at: dt.datetime

    @property
    def rate_percent(self) -> Decimal | None:
        return None if self.rate is None else (self.rate * 100).quantize(Decimal("0.1"))


_MONTH_PROJECT_FIELDS = (
    "id",
    "name",
    "status",
    "owner_id",
    "owner_leader_id",
    "actual_start",
    "actual_completion",
    "terminated_on",
)


def month_rows(
    first: dt.date,
    last: dt.date,
    *,
    project_ids: list[int] | None = None,
    parallel: bool | None = None,
    while_counting: Any = None,
) -> tuple[list[Project], list[MonthRow]]:
    """The monthly attendance of every position over [first, last] (not saved).

    Valid days come from the check-ins (one aggregate query, a bitmask per
    position), construction days from the duty calendar; a valid day counts
    only on a construction day. Everything is loaded in a fixed number of
    queries, whatever the number of projects; on PostgreSQL the aggregate runs
    on a second connection while this one loads the duty calendar."""
    projects = list(projects_on_duty(first, last, fields=_MONTH_PROJECT_FIELDS))
    if project_ids is not None:
        wanted = set(project_ids)
        projects = [p for p in projects if p.pk in wanted]
    if not projects:
        return [], []
    ids = [p.pk for p in projects]
    only = ids if project_ids is not None else None
    if parallel is None:
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    if parallel:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="attendance-count")
        pending = pool.submit(_valid_masks_on_own_connection, first, last, only)
    else:
        valid = valid_masks(first, last, only)
    positions = [
        PositionRow(*row)
        for row in KeyPersonAssignment.objects.filter(
            project_id__in=ids, must_check_in=True, started_on__lte=last
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
        .order_by("project_id", "id")
        .values_list(
            "id",
            "project_id",
            "person_id",
            "position",
            "started_on",
            "ended_on",
            "participant__organisation_id",
        )
    ]
    duties = duty_mod.load_many(projects, first, last, None)
    plans = [(a, construction_days(duties[a.project_id], a)) for a in positions]
    if while_counting is not None:
        while_counting(ids)
    if parallel:
        valid = pending.result()
        pool.shutdown()
    now = clock.now()
    empty = DayMask(first, 0)
    threshold = monthly_rate_threshold()
    rows = []
    for a, c in plans:
        construction, excluded = c.count, c.excluded
        if construction == 0 and not excluded:
            continue
        valid_count = c.valid(valid.get(a.id, empty))
        rate = _rate(valid_count, construction)
        rows.append(
            MonthRow(
                a.id,
                a.person_id,
                a.project_id,
                a.organisation_id,
                first,
                valid_count,
                construction,
                excluded,
                rate,
                rate is not None and rate < threshold,
                now,
            )
        )
    return projects, rows


def _valid_masks_on_own_connection(
    first: dt.date, last: dt.date, project_ids: list[int] | None
) -> dict[int, DayMask]:
    try:
        return valid_masks(first, last, project_ids)
    finally:
        connection.close()  # this thread's own connection


_MONTH_COLUMNS = (
    "assignment_id",
    "person_id",
    "project_id",
    "organisation_id",
    "month",
    "valid_days",
    "construction_days",
    "excluded",
    "rate",
    "below_threshold",
    "closed_at",
)


def _delete_month(first: dt.date, project_ids: list[int]) -> None:
    MonthlyAttendance.objects.filter(month=first, project_id__in=project_ids).delete()


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _insert_month(rows: list[MonthRow]) -> None:
    """Insert the month's rows (inside the caller's transaction): one COPY on
    PostgreSQL, written as text in one piece."""
    if connection.vendor != "postgresql":
        MonthlyAttendance.objects.bulk_create(
            [MonthlyAttendance(**r.__dict__) for r in rows], batch_size=2000
        )
        return
    import json

    lines = []
    for r in rows:
        lines.append(
            "\t".join(
                [
                    str(r.assignment_id),
                    str(r.person_id),
                    str(r.project_id),
                    str(r.organisation_id),
                    r.month.isoformat(),
                    str(r.valid_days),
                    str(r.construction_days),
                    _copy_text(json.dumps(r.excluded)),
                    _copy_text(r.rate),
                    _copy_text(r.below_threshold),
                    r.closed_at.isoformat(),
                ]
            )
        )
    table = MonthlyAttendance._meta.db_table
    with (
        connection.cursor() as cur,
        cur.copy(f"COPY {table} ({', '.join(_MONTH_COLUMNS)}) FROM STDIN") as copy,
    ):
        copy.write("\n".join(lines) + "\n" if lines else "")


def close_month(
    month: dt.date, *, project_ids: list[int] | None = None, detect: bool = True
) -> int:
    """Close a month: valid days / construction days per person and position
    (R-ATT-03); a complete month publishes every position's rate as a fact
    (``MonthlyRate``) and opens the interview of a rate below the configured
    threshold (R-ATT-08, the indicator's threshold, R-ALR-01).

    Idempotent: re-running replaces the month's rows. A month still running is
    closed up to yesterday (month to date) and has no consequences yet."""
    first, last = month_bounds(month)
    last = (
        min(last, clock.today() - dt.timedelta(days=1)) if first <= clock.today() <= last else last
    )
    if last < first:
        return 0
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        # The old rows go while the check-ins are being counted.
        projects, rows = month_rows(
            first,
            last,
            project_ids=project_ids,
            parallel=parallel,
            while_counting=lambda ids: _delete_month(first, ids),
        )
        if not projects:
            return 0
        _insert_month(rows)
    if detect and last == month_bounds(month)[1]:
        by_pk = {p.pk: p for p in projects}
        positions = dict(
            KeyPersonAssignment.objects.filter(
                pk__in=[r.assignment_id for r in rows if r.rate is not None]
            ).values_list("pk", "position")
        )
        with transaction.atomic():
            events.publish_many(
                [
                    MonthlyRate(
                        project_id=r.project_id,
                        person_id=r.person_id,
                        organisation_id=r.organisation_id,
                        assignment_id=r.assignment_id,
                        position=positions[r.assignment_id],
                        month=f"{r.month:%Y-%m}",
                        valid_days=r.valid_days,
                        construction_days=r.construction_days,
                        rate=str(r.rate),
                    )
                    for r in rows
                    if r.rate is not None
                ]
            )
        for r in rows:
            if r.below_threshold:
                with transaction.atomic():
                    _low_rate(by_pk[r.project_id], r)
    return len(rows)


def _low_rate(project: Project, r: MonthRow) -> None:
    """R-ATT-08: the interview of a month below the configured threshold."""
    key = f"monthly:{r.assignment_id}:{r.month:%Y-%m}"
    if AttendanceInterview.objects.filter(key=key).exists():
        return
    a = KeyPersonAssignment.objects.select_related("participant").get(pk=r.assignment_id)
    _open_interview(
        kind=InterviewKind.LOW_MONTHLY_RATE,
        key=key,
        project=project,
        assignment=a,
        summary=(
            f"{r.month:%Y年%m月} 考勤率 {r.valid_days}/{r.construction_days} = "
            f"{r.rate_percent}%，低于{monthly_rate_threshold() * 100:.0f}%"
        ),
        trigger={
            "month": f"{r.month:%Y-%m}",
            "valid_days": r.valid_days,
            "construction_days": r.construction_days,
            "rate": str(r.rate),
            "excluded": r.excluded,
        },
    )


# --- anchoring high-volume rows into the audit chain ---------------------------------------------------


ANCHORED: dict[str, Any] = {
    "attendance.checkin": CheckIn,
    "attendance.patrolpoint": PatrolPoint,
}


def anchor_pending(*, actor: Actor, batch: int = 20_000) -> int:
    """Anchor un-anchored check-ins and patrol points: one audit-chain record per
    batch carries the Merkle root of the rows' hashes."""
    anchored = 0
    for kind, model in ANCHORED.items():
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update(skip_locked=True)
                    .filter(anchor__isnull=True)
                    .order_by("id")
                    .values_list("id", "row_hash")[:batch]
                )
                if not rows:
                    break
                ids = [r[0] for r in rows]
                root = merkle.root([r[1] for r in rows])
                b = AnchorBatch.objects.create(
                    kind=kind,
                    first_id=ids[0],
                    last_id=ids[-1],
                    count=len(ids),
                    merkle_root=root,
                    audit_seq=0,
                )
                rec = audit.record(
                    actor=actor,
                    action="attendance.anchor",
                    obj=b,
                    after={
                        "kind": kind,
                        "first_id": ids[0],
                        "last_id": ids[-1],
                        "count": len(ids),
                        "merkle_root": root,
                    },
                )
                AnchorBatch.objects.filter(pk=b.pk).update(audit_seq=rec.seq)
                model.objects.filter(id__in=ids).update(anchor=b)
                anchored += len(ids)
    return anchored


def verify_anchors() -> tuple[bool, str]:
    """Recompute every batch's root from the rows it anchors and from their
    current content; the first mismatch is reported."""
    for b in AnchorBatch.objects.order_by("id").iterator():
        model = ANCHORED[b.kind]
        rows = list(model.objects.filter(anchor=b).order_by("id"))
        if len(rows) != b.count:
            return (
                False,
                f"锚定批次 #{b.pk}（{b.kind}）应有 {b.count} 行，实有 {len(rows)} 行：记录被删除或增加",
            )
        for row in rows:
            expected = _row_hash(row) if b.kind == "attendance.checkin" else _point_hash(row)
            if expected != row.row_hash:
                return False, f"{b.kind} #{row.pk} 内容与摘要不符：记录被篡改"
        if merkle.root([r.row_hash for r in rows]) != b.merkle_root:
            return False, f"锚定批次 #{b.pk}（{b.kind}）默克尔根不符：记录摘要被改动"
    return True, ""


def _point_hash(p: PatrolPoint) -> str:
    return sm3_hex(
        canonical_json(
            {
                "patrol": p.patrol_id,
                "at": p.at,
                "lon": p.lon,
                "lat": p.lat,
                "accuracy_m": p.accuracy_m,
                "inside": p.inside,
            }
        )
    )


# --- a suspension confirmed late (R-PRJ-07, SY 35) ------------------------------------------------

SUSPENSION_CONFIRMED = "停工已确认"
_FAILING = (DayStatus.ABSENT, DayStatus.INVALID)


def reclose_after_suspension(project_id: int, started_at: dt.datetime) -> int:
    """A suspension confirmed after the day it started (declared 03-10,
    confirmed 03-13): the days from its declared start to yesterday are closed
    again, as suspended days, and the consequences of the old closing that no
    longer hold are withdrawn, nothing deleted: an absence-streak interview
    with fewer failing construction days left than the configured threshold is
    closed as "停工已确认", and ``AttendanceConsequenceWithdrawn`` tells the
    alerts capability to close the alert of the same streak with that reason.
    A complete month already closed is closed again and its low-rate interview
    withdrawn if the rate now meets the threshold. Returns the number of
    consequences withdrawn."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    first = clock.local_date(started_at)
    last = clock.today() - dt.timedelta(days=1)
    if last < first:
        return 0
    for day in duty_mod.daterange(first, last):
        close_day(day, project_ids=[project_id])
    withdrawn = 0
    min_days = absence_streak_min_days()
    for it in AttendanceInterview.objects.filter(
        project_id=project_id, kind=InterviewKind.ABSENCE_STREAK, state=InterviewState.DUE
    ):
        days = list(it.trigger.get("days", []))
        if not days or max(days) < first.isoformat():
            continue
        assignment_id = int(it.key.split(":")[1])
        failing = AttendanceDay.objects.filter(
            assignment_id=assignment_id, date__in=days, status__in=_FAILING
        ).count()
        if failing >= min_days:
            continue
        with transaction.atomic():
            withdrawn += _withdraw_interview(it, assignment_id, days, "absence_streak")
    today = clock.today()
    month = first.replace(day=1)
    while month_bounds(month)[1] < today and month <= last:
        if MonthlyAttendance.objects.filter(project_id=project_id, month=month).exists():
            close_month(month, project_ids=[project_id])
            withdrawn += _withdraw_low_rates(project_id, month)
        month = month_bounds(month)[1] + dt.timedelta(days=1)
    return withdrawn


def _withdraw_low_rates(project_id: int, month: dt.date) -> int:
    """Low-rate interviews of a re-closed month whose rate is no longer low."""
    count = 0
    still_low = set(
        MonthlyAttendance.objects.filter(
            project_id=project_id, month=month, below_threshold=True
        ).values_list("assignment_id", flat=True)
    )
    for it in AttendanceInterview.objects.filter(
        project_id=project_id,
        kind=InterviewKind.LOW_MONTHLY_RATE,
        state=InterviewState.DUE,
        key__endswith=f":{month:%Y-%m}",
    ):
        assignment_id = int(it.key.split(":")[1])
        if assignment_id in still_low:
            continue
        with transaction.atomic():
            count += _withdraw_interview(it, assignment_id, [f"{month:%Y-%m}"], "low_monthly_rate")
    return count


def _withdraw_interview(
    it: AttendanceInterview, assignment_id: int, days: list[str], kind: str
) -> int:
    from postaward.core.actor import SYSTEM

    locked = AttendanceInterview.objects.select_for_update().get(pk=it.pk)
    if locked.state != InterviewState.DUE:
        return 0
    before = {"state": locked.state}
    locked.state = InterviewState.WITHDRAWN
    locked.closed_at = clock.now()
    locked.closed_by_name = "系统"
    locked.closed_reason = f"{SUSPENSION_CONFIRMED}：相关日期已按停工重新结算"
    locked.save(update_fields=["state", "closed_at", "closed_by_name", "closed_reason"])
    audit.record(
        actor=SYSTEM,
        action="attendance.withdraw_interview",
        obj=locked,
        project_id=locked.project_id,
        before=before,
        after={"state": locked.state, "reason": locked.closed_reason},
    )
    close_todos(key=f"attendance.interview:{locked.pk}", state="cancelled")
    first_day = locked.key.split(":")[2]
    events.publish(
        AttendanceConsequenceWithdrawn(
            project_id=locked.project_id,
            person_id=locked.person_id,
            assignment_id=assignment_id,
            kind=kind,
            first_day=first_day,
            days=days,
            reason=SUSPENSION_CONFIRMED,
            interview_id=locked.pk,
        )
    )
    return 1
