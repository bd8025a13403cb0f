"""Personnel changes (R-CHG-03, R-CHG-04, SY 27(二)).

Initiated online by the unit that changes its person, with the reason (illness
needs a district-level hospital certificate and the recovery period), the
replacement's qualifications and the last 3 months of social insurance. A
change of the contractor's people is reviewed by the supervising firm first
(SY 23, R-CHG-06; ADR 0073); the supervising firm's own declaration goes
straight to the owner. The
project manager and the chief supervising engineer: the owner agrees, the
industry authority reviews. Other staff: the owner and the superior unit agree,
and the change is filed with the industry authority. Then the owner uploads the
approval form, records the contractual penalty, and the person is swapped; the
bans of R-CHG-04 are recorded at the same time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from postaward.core import clock, events, steps
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.orgs.models import Person, Qualification
from postaward.projects import services as project_services
from postaward.projects.choices import ACTIVE_STATES, BanReason, ParticipantRole, Position
from postaward.projects.models import KeyPersonAssignment

from .. import workflows
from ..choices import (
    PERSONNEL_OPEN_STATES,
    DocumentKind,
    PersonnelReason,
    PersonnelRoute,
    PersonnelState,
)
from ..events import PersonnelChangeCompleted
from ..models import PersonnelChange
from .common import (
    authority_to,
    created,
    done,
    facts,
    lock,
    logged,
    money,
    node,
    number,
    owner_to,
    store,
    superior_to,
    supervising_firm_id,
    supervisor_to,
    text,
    todo,
)

BASIS = "R-CHG-03（实施细则第二十七条(二)）"
BASIS_06 = "R-CHG-06（实施细则第二十三条）"  # the supervising firm reviews first
REVIEWED_POSITIONS = frozenset({Position.PROJECT_MANAGER, Position.CHIEF_SUPERVISING_ENGINEER})


def url(pc: PersonnelChange) -> str:
    return f"/approvals/personnel/{pc.pk}/"


def route_for(position: str) -> str:
    return PersonnelRoute.REVIEW if position in REVIEWED_POSITIONS else PersonnelRoute.FILING


def first_state(project: Any, participant: Any) -> str:
    """Where a new change starts (R-CHG-06, ADR 0073): with the supervising
    firm when the contractor's person changes and the project has one; else
    (the supervising firm's own declaration) with the owner."""
    if participant.role == ParticipantRole.CONTRACTOR and supervising_firm_id(project):
        return PersonnelState.SUPERVISOR_PENDING
    return PersonnelState.SUBMITTED


def insurance_months(today: dt.date) -> list[str]:
    """The 3 months before this one: the social insurance that must be shown."""
    out = []
    year, month = today.year, today.month
    for _ in range(3):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year}-{month:02d}")
    return list(reversed(out))


def may_initiate_personnel_change(actor: Actor, assignment: KeyPersonAssignment) -> bool:
    """R-CHG-03: the unit whose person changes (its administrator or leader)
    initiates; ``initiate_personnel_change`` refuses by this predicate and the
    pages offer the action by it (issue 11 §5)."""
    probe = PersonnelChange(project=assignment.project, participant=assignment.participant)
    return actor.is_system or workflows.initiator_unit(probe, actor)


def initiate_personnel_change(  # noqa: C901 — the R-CHG-04 refusals in the order the rules state them; to split next
    *,
    actor: Actor,
    assignment: KeyPersonAssignment,
    replacement: Person,
    reason_kind: str,
    reason: str,
    replacement_certificate: Qualification | None = None,
    recovery_until: dt.date | None = None,
    hospital_certificate: Any = None,
    qualification_document: Any = None,
    social_insurance: Any = None,
) -> PersonnelChange:
    project = assignment.project
    participant = assignment.participant
    if not may_initiate_personnel_change(actor, assignment):
        raise Forbidden("人员所在单位的总管或负责人方可发起人员变更")
    if assignment.ended_on is not None:
        raise Conflict("该人员已离岗")
    if reason_kind not in PersonnelReason.values:
        raise ValidationFailed("变更原因类别不正确", field="reason_kind")
    reason = text(reason, field="reason", label="变更原因", min_len=4)
    if replacement.organisation_id != participant.organisation_id:
        raise ValidationFailed("替换人员应为本单位人员", field="replacement_id")
    if replacement.pk == assignment.person_id:
        raise ValidationFailed("替换人员不能是原人员", field="replacement_id")
    if not replacement.is_active:
        raise ValidationFailed("替换人员已离职", field="replacement_id")
    if replacement_certificate is not None and replacement_certificate.person_id != replacement.pk:
        raise ValidationFailed("该证书不属于替换人员", field="replacement_certificate_id")
    today = clock.today()
    if reason_kind == PersonnelReason.ILLNESS:
        if hospital_certificate is None:
            raise ValidationFailed(
                "因病变更须上传区级医院证明", field="hospital_certificate", basis=BASIS
            )
        if recovery_until is None or recovery_until <= today:
            raise ValidationFailed(
                "因病变更须明确治疗恢复时间（晚于今天）", field="recovery_until", basis=BASIS
            )
    if qualification_document is None:
        raise ValidationFailed(
            "请上传替换人员资格资历证明", field="qualification_document", basis=BASIS
        )
    if social_insurance is None:
        months = "、".join(insurance_months(today))
        raise ValidationFailed(
            f"请上传替换人员近3个月（{months}）社保缴纳证明", field="social_insurance", basis=BASIS
        )
    allowed, reasons = project_services.may_be_named(
        replacement, assignment.position, today, project=project
    )
    if not allowed:
        raise ValidationFailed(
            "；".join(reasons),
            field="replacement_id",
            code="personnel_banned",
            basis="R-CHG-04（实施细则第二十七条(二)）",
        )
    with transaction.atomic():
        p = lock(project)
        if p.status not in ACTIVE_STATES:
            raise Conflict(f"项目当前状态为“{p.get_status_display()}”，不能办理人员变更")
        if PersonnelChange.objects.filter(
            assignment=assignment, state__in=PERSONNEL_OPEN_STATES
        ).exists():
            raise Conflict("该岗位已有办理中的人员变更")
        pc = PersonnelChange.objects.create(
            project=p,
            participant=participant,
            assignment=assignment,
            number=number("RY", p, PersonnelChange),
            position=assignment.position,
            outgoing_id=assignment.person_id,
            replacement=replacement,
            replacement_certificate=replacement_certificate,
            reason_kind=reason_kind,
            reason=reason,
            recovery_until=recovery_until if reason_kind == PersonnelReason.ILLNESS else None,
            route=route_for(assignment.position),
            state=first_state(p, participant),
            initiated_at=clock.now(),
            initiated_by_name=actor.display_name[:100],
            initiated_by_org=actor.org_name[:200],
        )
        if hospital_certificate is not None:
            store(
                actor=actor,
                obj=pc,
                kind=DocumentKind.HOSPITAL_CERTIFICATE,
                title="区级医院证明",
                upload=hospital_certificate,
                field="hospital_certificate",
            )
        store(
            actor=actor,
            obj=pc,
            kind=DocumentKind.QUALIFICATION,
            title="替换人员资格资历证明",
            upload=qualification_document,
            field="qualification_document",
        )
        store(
            actor=actor,
            obj=pc,
            kind=DocumentKind.SOCIAL_INSURANCE,
            title=f"近3个月社保缴纳证明（{'、'.join(insurance_months(today))}）",
            upload=social_insurance,
            field="social_insurance",
        )
        label = Position(pc.position).label
        created(
            pc,
            actor,
            "initiate_personnel_change",
            "发起人员变更",
            f"{label}：{assignment.person.name} → {replacement.name}；{reason}",
        )
        if pc.state == PersonnelState.SUPERVISOR_PENDING:
            title = f"审核人员变更：{label}（{p.name}）"
            todo(pc, "supervisor", title=title, url=url(pc), basis=BASIS_06, **supervisor_to(p))
        else:
            _owner_todo(pc)
        node(
            p,
            "personnel_change",
            f"发起人员变更 {pc.number}：{label} {assignment.person.name} → {replacement.name}",
            actor,
            detail=reason,
        )
    return pc


def _write(step: Any, pc: PersonnelChange, actor: Actor) -> Any:
    """The step's audited write on the personnel change (``core.steps.write``:
    the registry's check on the locked row, the transition fired), the project
    locked first as every personnel-change write does."""
    lock(pc.project)
    return steps.write(step, pc, actor, project_id=pc.project_id)


def _owner_todo(pc: PersonnelChange, step_key: str = "owner", title: str = "") -> None:
    """The owner's to-do: agree (after the supervising firm's review, or at
    once), or upload the approval form and swap the person."""
    title = title or f"人员变更待同意：{Position(pc.position).label}（{pc.project.name}）"
    todo(pc, step_key, title=title, **owner_to(pc.project), url=url(pc), basis=BASIS)


def review_personnel_change(
    *, actor: Actor, change: PersonnelChange, opinion: str = ""
) -> PersonnelChange:
    """The supervising firm reviews the contractor's declaration before the
    owner (SY 23; R-CHG-06); then the owner agrees."""
    from ..steps_changes import REVIEW_PERSONNEL

    with transaction.atomic(), _write(REVIEW_PERSONNEL, change, actor) as w:
        pc = w.obj
        logged(pc, actor, "review_by_supervisor", opinion.strip()[:2000])
        done(pc, "supervisor")
        _owner_todo(pc)
    change.refresh_from_db()
    return pc  # type: ignore[no-any-return]


def agree_personnel_change(
    *, actor: Actor, change: PersonnelChange, opinion: str = ""
) -> PersonnelChange:
    """The owner agrees; then the authority reviews or the superior unit agrees."""
    from ..steps_changes import AGREE

    with transaction.atomic(), _write(AGREE, change, actor) as w:
        pc = w.obj
        logged(pc, actor, "agree_by_owner", opinion.strip()[:2000])
        done(pc, "owner")
        label = Position(pc.position).label
        if pc.route == PersonnelRoute.REVIEW:
            todo(
                pc,
                "authority",
                title=f"审核人员变更：{label}（{pc.project.name}）",
                **authority_to(pc.project),
                url=url(pc),
                basis=BASIS,
            )
        else:
            todo(
                pc,
                "superior",
                title=f"人员变更待主管单位同意：{label}（{pc.project.name}）",
                **superior_to(pc.project),
                url=url(pc),
                basis=BASIS,
            )
    change.refresh_from_db()
    return pc


def _approved(pc: PersonnelChange, actor: Actor) -> None:
    pc.approved_at = clock.now()
    pc.save(update_fields=["approved_at", "filed_at"])
    _owner_todo(pc, "complete", f"上传人员变更审批表并换岗（{pc.project.name}）")


def approve_personnel_change(
    *, actor: Actor, change: PersonnelChange, opinion: str = ""
) -> PersonnelChange:
    """The industry authority reviews (project manager, chief supervising engineer)
    or the superior unit agrees and the change is filed with the authority: the
    step of the change's route (``steps_changes.personnel_decision``)."""
    from ..steps_changes import personnel_decision

    with transaction.atomic(), _write(personnel_decision(change), change, actor) as w:
        pc = w.obj
        logged(pc, actor, personnel_decision(pc).transition, opinion.strip()[:2000])
        if pc.route == PersonnelRoute.REVIEW:
            done(pc, "authority")
        else:
            pc.filed_at = clock.now()
            done(pc, "superior")
            node(pc.project, "personnel_change", f"人员变更 {pc.number} 报行业主管部门备案", actor)
        _approved(pc, actor)
    change.refresh_from_db()
    return pc


def complete_personnel_change(
    *,
    actor: Actor,
    change: PersonnelChange,
    approval_form: Any,
    penalty_amount: Any,
    penalty_note: str = "",
) -> PersonnelChange:
    """The owner uploads the approval form, records the penalty; the person is
    swapped and the bans of R-CHG-04 are recorded."""
    from ..steps_changes import COMPLETE

    with transaction.atomic(), _write(COMPLETE, change, actor) as w:
        pc = w.obj
        if approval_form is None:
            raise ValidationFailed("请上传人员变更审批表", field="approval_form", basis=BASIS)
        penalty = money(penalty_amount, field="penalty_amount", label="违约金", signed=False)
        note = (penalty_note or "").strip()[:2000]
        if penalty == Decimal("0") and len(note) < 2:
            raise ValidationFailed("未追究违约金的，请说明理由", field="penalty_note")
        pc.approval_form = store(
            actor=actor,
            obj=pc,
            kind=DocumentKind.APPROVAL_FORM,
            title="人员变更审批表",
            upload=approval_form,
            field="approval_form",
        )
        pc.penalty_amount = penalty
        pc.penalty_note = note
        today = clock.today()
        old = KeyPersonAssignment.objects.get(pk=pc.assignment_id)
        project_services.end_assignment(
            actor=actor,
            assignment=old,
            ended_on=today,
            reason=f"人员变更 {pc.number}：{pc.get_reason_kind_display()}",
        )
        pc.new_assignment = project_services.assign_key_person(
            actor=actor,
            participant=pc.participant,
            person=pc.replacement,
            position=pc.position,
            started_on=today,
            must_check_in=old.must_check_in,
            certificate=pc.replacement_certificate,
        )
        pc.completed_at = clock.now()
        logged(pc, actor, "complete", f"违约金 {penalty:,.2f} 元；{note}")
        done(pc)
        # R-CHG-04: applied automatically (recorded by the platform on the approved change).
        project_services.record_personnel_ban(
            actor=SYSTEM,
            person=pc.outgoing,
            reason=BanReason.REPLACED,
            source_project=pc.project,
            position=pc.position,
            note=f"人员变更 {pc.number}",
        )
        if pc.reason_kind == PersonnelReason.ILLNESS and pc.recovery_until:
            project_services.record_personnel_ban(
                actor=SYSTEM,
                person=pc.outgoing,
                reason=BanReason.ILLNESS,
                source_project=pc.project,
                until=pc.recovery_until,
                note=f"人员变更 {pc.number}：因病变更，治疗恢复期至 {pc.recovery_until:%Y-%m-%d}",
            )
        events.publish(
            PersonnelChangeCompleted(
                **facts(pc.project, actor),
                personnel_change_id=pc.pk,
                position=pc.position,
                outgoing_person_id=pc.outgoing_id,
                replacement_person_id=pc.replacement_id,
                reason_kind=pc.reason_kind,
                recovery_until=pc.recovery_until.isoformat() if pc.recovery_until else None,
                penalty_amount=str(penalty),
            )
        )
    change.refresh_from_db()
    return pc


def reject_personnel_change(*, actor: Actor, change: PersonnelChange, note: str) -> PersonnelChange:
    from ..steps_changes import REJECT_PERSONNEL

    with transaction.atomic(), _write(REJECT_PERSONNEL, change, actor) as w:
        pc = w.obj
        note = text(note, field="note", label="不同意的理由", min_len=2, max_len=2000)
        pc.decision_note = note
        logged(pc, actor, "reject", note)
        done(pc)
        node(pc.project, "personnel_change", f"人员变更 {pc.number} 未通过", actor, detail=note)
    change.refresh_from_db()
    return pc


def withdraw_personnel_change(*, actor: Actor, change: PersonnelChange) -> PersonnelChange:
    from ..steps_changes import WITHDRAW_PERSONNEL

    with transaction.atomic(), _write(WITHDRAW_PERSONNEL, change, actor) as w:
        pc = w.obj
        logged(pc, actor, "withdraw")
        done(pc, cancelled=True)
    change.refresh_from_db()
    return pc


def is_open(pc: PersonnelChange) -> bool:
    return pc.state in PERSONNEL_OPEN_STATES and pc.state != PersonnelState.COMPLETED
