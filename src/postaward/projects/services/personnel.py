"""Key personnel (R-ORG-05, R-ATT-01, R-CHG-04, R-PRJ-09): who may be named,
assignments and their end, check-in duty and stages, and personnel bans.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager

from django.db import transaction

from postaward.core import clock, events, writes
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.writes import text
from postaward.orgs.choices import Role
from postaward.orgs.models import Person, Qualification

from ..choices import (
    ACCEPTED_CERTIFICATES,
    ACTIVE_STATES,
    CONTRACTOR_POSITIONS,
    EXCLUSIVE_POSITIONS,
    STAGED_POSITIONS,
    SUPERVISOR_POSITIONS,
    BanReason,
    ParticipantRole,
    Position,
    ProcurementMethod,
)
from ..events import (
    KeyPersonAssigned,
    KeyPersonReleased,
    PersonnelBanRecorded,
)
from ..models import (
    CheckinStage,
    KeyPersonAssignment,
    Participant,
    PersonnelBan,
    Project,
)
from ..workflows import OWNER_MANAGERS, Who, authority_of, superior_of, supervision_office
from .common import Action, _facts, _lock, _may_edit_registry, _registry_editable, node

# --- key personnel (R-ORG-05, R-ATT-01, R-CHG-04, R-PRJ-09) --------------------------------------


def district_of(project: Project) -> tuple[str, str]:
    """The district a project lies in, for R-CHG-04: (county-level region code,
    root of its organisation tree). Either may be empty when unknown."""
    region = (project.region_code or "")[:6]
    root = ""
    for org in (project.owner, project.industry_authority, project.superior_unit, project.line):
        if org is not None and org.path:
            root = org.district_path
            break
    return region, root


def _same_district(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Same district when the region codes agree (both known), else when the
    organisation trees agree (both known); when neither can be compared the ban
    applies (fail closed, ADR 0107)."""
    if a[0] and b[0]:
        return a[0] == b[0]
    if a[1] and b[1]:
        return a[1] == b[1]
    return True


def may_be_named(
    person: Person,
    position: str,
    on: dt.date,
    *,
    project: Project | None = None,
    region_code: str | None = None,
    procurement_method: str | None = None,
) -> tuple[bool, list[str]]:
    """R-CHG-04 (SY 27(二)): may ``person`` be named for ``position`` on ``on``?

    A person replaced on a project may not hold the same position on another
    **tendered** project (procurement method ``tender``) **of the same district**
    until that project is complete; a direct-award or emergency project, or a
    project of another district, is not concerned. A person replaced for illness
    may not be named for any position until the recovery date (ADR 0106).

    The target is ``project`` when known; otherwise ``region_code`` and
    ``procurement_method`` describe it (the bidding system asks before a project
    exists). Without a procurement method the target is taken to be a tender (the
    bidding system's bids are); without a district the ban applies (ADR 0107).
    Returns (allowed, reasons).
    """
    reasons: list[str] = []
    mine = PersonnelBan.objects.filter(person=person)
    if not mine.exists():  # most people: one cheap statement, no joins to compile
        return (True, reasons)
    if project is not None:
        target_district = district_of(project)
        tendered = project.procurement_method == ProcurementMethod.TENDER
    else:
        target_district = ((region_code or "").strip()[:6], "")
        tendered = (procurement_method or ProcurementMethod.TENDER) == ProcurementMethod.TENDER
    bans = mine.select_related(
        "source_project__owner",
        "source_project__industry_authority",
        "source_project__superior_unit",
        "source_project__line",
    )
    for ban in bans:
        if ban.reason == BanReason.ILLNESS:
            if ban.until is None or on <= ban.until:
                until = f"{ban.until:%Y-%m-%d}" if ban.until else "另行通知"
                reasons.append(
                    f"{person.name}因病变更，治疗恢复期（至 {until}）内不得担任任何项目岗位"
                )
            continue
        if ban.position and ban.position != position:
            continue
        if not tendered:
            continue  # the ban concerns tendered projects only (招投标项目)
        src = ban.source_project
        if project is not None and src is not None and src.pk == project.pk:
            continue
        if src is not None and not _same_district(district_of(src), target_district):
            continue  # another district (区内 only)
        if src is not None and src.status in ACTIVE_STATES:
            reasons.append(
                f"{person.name}已从“{src.name}”的{Position(ban.position).label if ban.position else '岗位'}"
                "变更撤换，该工程完工前不得在区内其他招投标项目担任相同岗位"
            )
        elif src is None and ban.until and on <= ban.until:
            reasons.append(f"{person.name}至 {ban.until:%Y-%m-%d} 前不得担任该岗位")
    return (not reasons, reasons)


def _side(position: str) -> frozenset[str]:
    return CONTRACTOR_POSITIONS if position in CONTRACTOR_POSITIONS else SUPERVISOR_POSITIONS


def _check_certificate(
    person: Person, position: str, certificate: Qualification | None, on: dt.date
) -> None:
    if certificate is None:
        return
    if certificate.person_id != person.pk:
        raise ValidationFailed("该证书不属于所选人员", field="certificate")
    if certificate.kind not in ACCEPTED_CERTIFICATES[position]:
        raise ValidationFailed(
            f"{certificate.get_kind_display()}不能作为{Position(position).label}的岗位证书",
            field="certificate",
        )
    if not certificate.is_valid_on(on):
        raise ValidationFailed(
            f"证书已于 {certificate.valid_until:%Y-%m-%d} 过期", field="certificate"
        )


def assign_key_person(
    *,
    actor: Actor,
    participant: Participant,
    person: Person,
    position: str,
    started_on: dt.date,
    must_check_in: bool | None = None,
    certificate: Qualification | None = None,
) -> KeyPersonAssignment:
    """Name a person for a key position (R-ORG-05), with the certificate.

    Refused when the position does not belong to the unit, a ban forbids it
    (R-CHG-04), or the person is already project manager / chief supervising
    engineer on another active project.
    """
    project = participant.project
    if not (
        _may_edit_registry(project, actor)
        or (
            actor.organisation_id == participant.organisation_id
            and bool(actor.roles & {Role.ADMIN, Role.UNIT_LEADER})
        )
    ):
        raise Forbidden("建设单位项目负责人或参建单位总管方可配备关键岗位人员")
    if position not in Position.values:
        raise ValidationFailed("岗位不正确", field="position")
    expected_role = (
        ParticipantRole.CONTRACTOR
        if position in CONTRACTOR_POSITIONS
        else ParticipantRole.SUPERVISING_FIRM
    )
    if participant.role != expected_role:
        raise ValidationFailed(
            f"{Position(position).label}应由{ParticipantRole(expected_role).label}委派",
            field="position",
        )
    if person.organisation_id != participant.organisation_id:
        raise ValidationFailed("人员不属于该参建单位", field="person")
    if not person.is_active:
        raise ValidationFailed("该人员已离职", field="person")
    _check_certificate(person, position, certificate, started_on)
    allowed, reasons = may_be_named(person, position, started_on, project=project)
    if not allowed:
        raise ValidationFailed(
            "；".join(reasons),
            field="person",
            code="personnel_banned",
            basis="R-CHG-04（实施细则第二十七条）",
        )
    with transaction.atomic():
        p = _lock(project)
        _registry_editable(p)
        active = KeyPersonAssignment.objects.filter(project=p, ended_on__isnull=True)
        if position in EXCLUSIVE_POSITIONS:
            holder = active.filter(position=position).select_related("person").first()
            if holder is not None:
                raise Conflict(
                    f"本项目已有{Position(position).label}{holder.person.name}，须先办理人员变更",
                    field="position",
                )
            elsewhere = (
                KeyPersonAssignment.objects.filter(
                    person=person,
                    position=position,
                    ended_on__isnull=True,
                    project__status__in=ACTIVE_STATES,
                )
                .exclude(project=p)
                .select_related("project")
                .first()
            )
            if elsewhere is not None:
                raise Conflict(
                    f"{person.name}已在“{elsewhere.project.name}”担任{Position(position).label}，"
                    "在建项目期间不得同时担任",
                    field="person",
                    code="already_serving",
                )
        if active.filter(person=person, position=position).exists():
            raise Conflict(f"{person.name}已在本项目担任{Position(position).label}", field="person")
        side_musts = active.filter(position__in=_side(position), must_check_in=True).exists()
        if must_check_in is None:
            must_check_in = not (p.is_small_works and side_musts)
        elif must_check_in and p.is_small_works and side_musts:
            raise ValidationFailed(
                "限额以下小额工程施工单位和监理单位各只对 1 名执业人员考勤（R-PRJ-09）",
                field="must_check_in",
            )
        assignment = KeyPersonAssignment.objects.create(
            project=p,
            participant=participant,
            person=person,
            position=position,
            certificate=certificate,
            started_on=started_on,
            must_check_in=must_check_in,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        writes.created(assignment, actor=actor, action="projects.assign_key_person")
        node(
            p,
            "key_person",
            f"配备{assignment.get_position_display()}：{person.name}（{participant.organisation.name}）",
            actor=actor,
            detail=(
                f"证书 {certificate.get_kind_display()} {certificate.number}；"
                if certificate
                else ""
            )
            + ("须考勤" if must_check_in else "不考勤"),
        )
        events.publish(
            KeyPersonAssigned(
                **_facts(p, actor),
                assignment_id=assignment.pk,
                person_id=person.pk,
                position=position,
                organisation_id=participant.organisation_id,
                must_check_in=must_check_in,
            )
        )
    return assignment


# the single edits of the key personnel (ADR 0072): one predicate each
END_ASSIGNMENT = Action(OWNER_MANAGERS, "办理关键岗位人员离岗")
SET_CHECKIN_DUTY = Action(OWNER_MANAGERS, "设置考勤人员")
SET_CHECKIN_STAGE = Action(
    OWNER_MANAGERS,
    "设置考勤阶段",
    lambda p: "" if p.status in ACTIVE_STATES else "项目已完工或终止",
)


def _still_assigned(a: KeyPersonAssignment) -> None:
    if a.ended_on is not None:
        raise Conflict("该人员已离岗")


def _assignment_write(
    assignment: KeyPersonAssignment, actor: Actor, action: str
) -> AbstractContextManager[writes.Write]:
    """The audited edit of a key person's assignment, refused once they left."""
    return writes.audited(
        KeyPersonAssignment, pk=assignment.pk, actor=actor, action=action, check=_still_assigned
    )


def end_assignment(
    *, actor: Actor, assignment: KeyPersonAssignment, ended_on: dt.date, reason: str
) -> KeyPersonAssignment:
    """A key person leaves the project (the change workflow, R-CHG-03, calls this
    once the change is approved)."""
    project = assignment.project
    END_ASSIGNMENT.check_who(project, actor)
    reason = text(reason, field="reason", label="离岗原因", max_len=200)
    with _assignment_write(assignment, actor, "projects.end_assignment") as w:
        a = w.obj
        if ended_on < a.started_on:
            raise ValidationFailed("离岗日期不能早于到岗日期", field="ended_on")
        a.ended_on = ended_on
        a.end_reason = reason
        a.updated_at = clock.now()
        node(
            project,
            "key_person",
            f"{a.get_position_display()}{a.person.name}离岗",
            actor=actor,
            detail=reason,
        )
        w.publish(
            KeyPersonReleased(
                **_facts(project, actor),
                assignment_id=a.pk,
                person_id=a.person_id,
                position=a.position,
                ended_on=ended_on.isoformat(),
                reason=reason,
            )
        )
    return a


def set_checkin_duty(
    *, actor: Actor, assignment: KeyPersonAssignment, must_check_in: bool
) -> KeyPersonAssignment:
    """The owner decides which key persons check in (R-ATT-01); small works: one
    person each of contractor and supervisor (R-PRJ-09)."""
    project = assignment.project
    SET_CHECKIN_DUTY.check_who(project, actor)
    with transaction.atomic():
        p = _lock(project)  # the project first, as every write of its personnel
        with _assignment_write(assignment, actor, "projects.set_checkin_duty") as w:
            a: KeyPersonAssignment = w.obj
            if a.must_check_in == must_check_in:
                w.nothing_changed()
                return a
            if (
                must_check_in
                and p.is_small_works
                and KeyPersonAssignment.objects.filter(
                    project=p,
                    ended_on__isnull=True,
                    must_check_in=True,
                    position__in=_side(a.position),
                )
                .exclude(pk=a.pk)
                .exists()
            ):
                raise ValidationFailed(
                    "限额以下小额工程施工单位和监理单位各只对 1 名执业人员考勤（R-PRJ-09），请先取消另一人的考勤",
                    field="must_check_in",
                )
            a.must_check_in = must_check_in
            a.updated_at = clock.now()
            node(
                p,
                "checkin_duty",
                f"{a.get_position_display()}{a.person.name}{'须考勤' if must_check_in else '不再考勤'}",
                actor=actor,
            )
    return a


def set_checkin_stage(
    *,
    actor: Actor,
    project: Project,
    position: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
) -> CheckinStage:
    """R-ATT-01 (SY 26): the owner sets in which stages the technical lead and the
    specialist engineer check in."""
    SET_CHECKIN_STAGE.check_who(project, actor)
    if position not in STAGED_POSITIONS:
        raise ValidationFailed("只有技术负责人和专业监理工程师按阶段考勤", field="position")
    name = text(name, field="name", label="施工阶段名称", max_len=60)
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    with transaction.atomic():
        p = _lock(project)
        SET_CHECKIN_STAGE.check(p, actor)
        overlap = CheckinStage.objects.filter(
            project=p, position=position, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).first()
        if overlap:
            raise ValidationFailed(
                f"与已设置的阶段“{overlap.name}”（{overlap.starts_on:%Y-%m-%d} 至 {overlap.ends_on:%Y-%m-%d}）重叠",
                field="starts_on",
            )
        stage = CheckinStage.objects.create(
            project=p,
            position=position,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            set_by_name=actor.display_name[:100],
            set_at=clock.now(),
        )
        writes.created(stage, actor=actor, action="projects.set_checkin_stage")
        node(
            p,
            "checkin_stage",
            f"设置{stage.get_position_display()}考勤阶段：{name}",
            actor=actor,
            detail=f"{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}",
        )
    return stage


def remove_checkin_stage(*, actor: Actor, stage: CheckinStage) -> None:
    project = stage.project
    SET_CHECKIN_STAGE.check_who(project, actor)
    with transaction.atomic():
        if stage.starts_on <= clock.today():
            raise Conflict("已开始的考勤阶段不能删除（可设置新的阶段）")
        node(
            project,
            "checkin_stage",
            f"删除{stage.get_position_display()}考勤阶段：{stage.name}",
            actor=actor,
        )
        writes.deleted(stage, actor=actor, action="projects.remove_checkin_stage")


# --- personnel bans (R-CHG-04) ----------------------------------------------------------------


BAN_RECORDERS = Who(
    "行业主管部门、主管单位或监管办",
    (authority_of, superior_of, supervision_office),
)


RECORD_BAN = Action(BAN_RECORDERS, "登记人员任职限制")


def record_personnel_ban(
    *,
    actor: Actor,
    person: Person,
    reason: str,
    source_project: Project,
    position: str = "",
    until: dt.date | None = None,
    note: str = "",
) -> PersonnelBan:
    """Keep a ban that the personnel-change workflow decides (R-CHG-04)."""
    RECORD_BAN.check_who(source_project, actor)
    if reason not in BanReason.values:
        raise ValidationFailed("限制原因不正确", field="reason")
    if position and position not in Position.values:
        raise ValidationFailed("岗位不正确", field="position")
    if reason == BanReason.REPLACED and not position:
        raise ValidationFailed("变更撤换的限制须指明岗位", field="position")
    if reason == BanReason.ILLNESS:
        if until is None:
            raise ValidationFailed("因病变更须明确治疗恢复时间", field="until")
        position = ""
    with transaction.atomic():
        ban = PersonnelBan.objects.create(
            person=person,
            position=position,
            reason=reason,
            source_project=source_project,
            until=until,
            note=note.strip()[:300],
            created_at=clock.now(),
            created_by_name=actor.display_name[:100],
            organisation_name=actor.org_name[:200],
        )
        writes.created(
            ban, actor=actor, action="projects.record_personnel_ban", project_id=source_project.pk
        )
        node(
            source_project,
            "personnel_ban",
            f"登记人员任职限制：{person.name}（{ban.get_reason_display().split('（')[0]}）",
            actor=actor,
            detail=note,
        )
        events.publish(
            PersonnelBanRecorded(
                **_facts(source_project, actor),
                ban_id=ban.pk,
                person_id=person.pk,
                position=position,
                reason=reason,
                until=until.isoformat() if until else None,
            )
        )
    return ban
