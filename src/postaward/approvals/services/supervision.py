"""Supervision logs, rectification notices, the owner's inspections and the
evaluation of the contractor (R-SUP-01..04, SY 22-23, 45-46, QZ 2(一))."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from postaward.core import audit, clock, deadlines, events, steps
from postaward.core.actor import Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import Deadline
from postaward.projects import selectors as project_selectors
from postaward.projects.choices import FINISHED_STATES, ParticipantRole, ProjectStatus
from postaward.projects.models import Participant, Project

from .. import deadline_kinds as K
from .. import workflows
from ..choices import (
    CALENDAR,
    DocumentKind,
    EvaluationGrade,
    InspectionAspect,
    InspectionResult,
    LogState,
    NoticeState,
)
from ..events import RectificationOverdue, RectificationRefused
from ..models import ContractorEvaluation, Inspection, RectificationNotice, SupervisionLog
from .common import (
    authority_to,
    contractor_to,
    created,
    done,
    facts,
    lock,
    logged,
    node,
    number,
    open_clock,
    owner_to,
    step,
    store,
    supervising_firm_id,
    supervisor_to,
    text,
    todo,
)

BASIS_LOG = "R-SUP-01（实施细则第二十三条：监理单位上传监理日志）"
BASIS_NOTICE = "R-SUP-01（实施细则第二十二条：施工单位及时整改并线上反馈）"
BASIS_OVERDUE = "R-SUP-02（实施细则第四十五条：监理通知单处置不及时的，由建设单位约谈相关责任人）"
BASIS_REFUSED = "R-SUP-02（实施细则第四十五条：拒不整改的，由行业主管部门调查核实）"


# --- supervision logs ----------------------------------------------------------------------------


def log_url(log: SupervisionLog) -> str:
    return f"/approvals/logs/?project={log.project_id}"


def open_log_slots(day: dt.date, *, projects: list[Project] | None = None) -> int:
    """At the start of ``day``: one log slot (with its deadline, 24:00 of the
    day) for every project that has a construction day (started, not
    completed, not suspended) and a supervising firm."""
    opened = 0
    candidates = (
        projects
        if projects is not None
        else list(
            Project.objects.filter(status=ProjectStatus.UNDER_CONSTRUCTION, actual_start__lte=day)
        )
    )
    for p in candidates:
        if not project_selectors.is_construction_day(p, day):
            continue
        firm = supervising_firm_id(p)
        if firm is None:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    log = SupervisionLog.objects.create(project=p, log_date=day)
            except IntegrityError:
                continue
            dl = open_clock(
                log,
                K.SUPERVISION_LOG,
                length=0,
                unit=CALENDAR,
                organisation_id=firm,
                start=clock.start_of_day(day),
            )
            todo(
                log,
                "record",
                title=f"填写监理日志：{p.name}（{day:%Y-%m-%d}）",
                **supervisor_to(p),
                url=log_url(log),
                basis=BASIS_LOG,
                due_at=dl.due_at,
            )
            opened += 1
    return opened


def record_log(
    *,
    actor: Actor,
    project: Project,
    log_date: dt.date,
    weather: str,
    progress: str,
    issues: str = "",
) -> SupervisionLog:
    probe = SupervisionLog(project=project)
    if not (actor.is_system or workflows.supervisor(probe, actor)):
        raise Forbidden("本项目监理单位方可填写监理日志")
    if log_date is None or log_date > clock.today():
        raise ValidationFailed("日志日期不能晚于今天", field="log_date")
    if project.actual_start and log_date < project.actual_start:
        raise ValidationFailed("日志日期不能早于开工日期", field="log_date")
    progress = text(progress, field="progress", label="施工进展", min_len=4)
    with transaction.atomic():
        p = lock(project)
        log = (
            SupervisionLog.objects.select_for_update().filter(project=p, log_date=log_date).first()
        )
        if log is not None and log.state == LogState.RECORDED:
            raise Conflict(f"{log_date:%Y-%m-%d} 的监理日志已填写")
        if log is None:
            log = SupervisionLog(project=p, log_date=log_date)
        before = audit.snapshot(log) if log.pk else None
        log.state = LogState.RECORDED
        log.weather = (weather or "").strip()[:40]
        log.progress = progress
        log.issues = (issues or "").strip()[:4000]
        log.recorded_at = clock.now()
        log.recorded_by_name = actor.display_name[:100]
        log.recorded_by_org = actor.org_name[:200]
        log.late = clock.now() >= clock.end_of_day(log_date)
        log.save()
        audit.record(
            actor=actor,
            action="approvals.record_log",
            obj=log,
            before=before,
            after=audit.snapshot(log),
            project_id=p.pk,
        )
        deadlines.close_deadline(kind=K.SUPERVISION_LOG.kind, subject=log)
        done(log)
    return log


# --- rectification notices -----------------------------------------------------------------------


def notice_url(n: RectificationNotice) -> str:
    return f"/approvals/notices/{n.pk}/"


def _notice_clock(n: RectificationNotice) -> Deadline:
    today = clock.today()
    return open_clock(
        n,
        K.RECTIFICATION,
        length=(n.required_by - today).days,
        unit=CALENDAR,
        organisation_id=n.participant.organisation_id,
        roll=False,  # the date the notice sets, not a period counted in days
    )


def may_issue_notice(actor: Actor, project: Project, participant: Participant) -> bool:
    """R-SUP-01: the project's supervising firm issues supervision notices;
    ``issue_notice`` refuses by this predicate and the pages offer the action by
    it (issue 11 §5)."""
    probe = RectificationNotice(project=project, participant=participant)
    return actor.is_system or workflows.supervisor(probe, actor)


def issue_notice(
    *,
    actor: Actor,
    project: Project,
    participant: Participant,
    title: str,
    content: str,
    required_by: dt.date,
) -> RectificationNotice:
    if not may_issue_notice(actor, project, participant):
        raise Forbidden("本项目监理单位方可签发监理通知单")
    if participant.project_id != project.pk or participant.role != ParticipantRole.CONTRACTOR:
        raise ValidationFailed("请选择本项目的施工单位", field="participant_id")
    title = text(title, field="title", label="事由", max_len=200)
    content = text(content, field="content", label="问题及整改要求", min_len=4)
    if required_by is None or required_by < clock.today():
        raise ValidationFailed("整改期限不能早于今天", field="required_by")
    with transaction.atomic():
        p = lock(project)
        n = RectificationNotice.objects.create(
            project=p,
            participant=participant,
            number=number("JL", p, RectificationNotice),
            title=title,
            content=content,
            required_by=required_by,
            issued_at=clock.now(),
            issued_by_name=actor.display_name[:100],
            issued_by_org=actor.org_name[:200],
        )
        created(n, actor, "issue_notice", "签发监理通知单", f"整改期限 {required_by:%Y-%m-%d}")
        dl = _notice_clock(n)
        todo(
            n,
            "reply",
            title=f"整改并回复监理通知单：{title}（{p.name}）",
            **contractor_to(p, participant.organisation_id),
            url=notice_url(n),
            basis=BASIS_NOTICE,
            due_at=dl.due_at,
            detail=content[:200],
        )
        node(
            p,
            "notice",
            f"签发监理通知单 {n.number}：{title}",
            actor,
            detail=f"整改期限 {required_by:%Y-%m-%d}",
        )
    return n


def _write(name: str, n: RectificationNotice, actor: Actor) -> Any:
    """The step's audited write on the notice (``core.steps.write``: the
    registry's check on the locked row, the transition fired), the project
    locked first as every notice write does."""
    from .. import steps_works

    lock(n.project)
    return steps.write(steps.get(steps_works.NOTICE_WF, name), n, actor, project_id=n.project_id)


def reply_notice(
    *,
    actor: Actor,
    notice: RectificationNotice,
    reply: str,
    evidence: list[Any] | tuple[Any, ...] = (),
) -> RectificationNotice:
    with transaction.atomic(), _write("reply", notice, actor) as w:
        n = w.obj
        reply = text(reply, field="reply", label="整改回复", min_len=4)
        if not evidence:
            raise ValidationFailed("请上传整改佐证资料（照片或文件）", field="evidence")
        for upload in evidence:
            store(
                actor=actor,
                obj=n,
                kind=DocumentKind.RECTIFICATION_EVIDENCE,
                title=f"整改佐证（第{n.round}轮）",
                upload=upload,
                field="evidence",
            )
        n.reply = reply
        n.replied_at = clock.now()
        n.replied_by_name = actor.display_name[:100]
        logged(n, actor, "answer", reply)
        deadlines.close_deadline(kind=K.RECTIFICATION.kind, subject=n)
        done(n, "reply")
        todo(
            n,
            "review",
            title=f"复查整改情况：{n.title}（{n.project.name}）",
            **supervisor_to(n.project),
            url=notice_url(n),
            basis=BASIS_NOTICE,
        )
    notice.refresh_from_db()
    return n


def close_notice(
    *, actor: Actor, notice: RectificationNotice, opinion: str = ""
) -> RectificationNotice:
    with transaction.atomic(), _write("close", notice, actor) as w:
        n = w.obj
        n.review_opinion = opinion.strip()[:2000]
        n.closed_at = clock.now()
        logged(n, actor, "close", n.review_opinion)
        done(n)
        node(n.project, "notice", f"监理通知单 {n.number} 整改完成", actor, detail=n.review_opinion)
    notice.refresh_from_db()
    return n


def reopen_notice(
    *, actor: Actor, notice: RectificationNotice, opinion: str, required_by: dt.date
) -> RectificationNotice:
    with transaction.atomic(), _write("reopen", notice, actor) as w:
        n = w.obj
        opinion = text(opinion, field="opinion", label="复查意见", min_len=2)
        if required_by is None or required_by < clock.today():
            raise ValidationFailed("整改期限不能早于今天", field="required_by")
        n.review_opinion = opinion
        n.required_by = required_by
        n.round += 1
        logged(n, actor, "reopen", f"{opinion}（新整改期限 {required_by:%Y-%m-%d}）")
        done(n, "review")
        dl = _notice_clock(n)
        todo(
            n,
            f"reply{n.round}",
            title=f"重新整改并回复：{n.title}（{n.project.name}）",
            **contractor_to(n.project, n.participant.organisation_id),
            url=notice_url(n),
            basis=BASIS_NOTICE,
            due_at=dl.due_at,
            detail=opinion,
        )
    notice.refresh_from_db()
    return n


def mark_overdue(notice_id: int) -> bool:
    """The rectification deadline was missed (from ``deadline.missed``): an
    owner's to-do to interview the person responsible, and the event."""
    with transaction.atomic():
        n = (
            RectificationNotice.objects.select_for_update()
            .select_related("project", "participant")
            .filter(pk=notice_id)
            .first()
        )
        if n is None or n.state != NoticeState.ISSUED:
            return False
        first = not n.overdue
        n.overdue = True
        n.save(update_fields=["overdue"])
        todo(
            n,
            f"interview{n.round}",
            title=f"监理通知单逾期未整改，约谈责任人：{n.title}（{n.project.name}）",
            **owner_to(n.project),
            url=notice_url(n),
            basis=BASIS_OVERDUE,
        )
        from postaward.core.actor import SYSTEM

        events.publish(
            RectificationOverdue(
                **facts(n.project, SYSTEM),
                notice_id=n.pk,
                contractor_id=n.participant.organisation_id,
                required_by=n.required_by.isoformat(),
            )
        )
        return first


def record_interview(
    *, actor: Actor, notice: RectificationNotice, note: str
) -> RectificationNotice:
    """The owner interviews the person responsible for an overdue notice (SY 45)."""
    with transaction.atomic(), _write("interview", notice, actor) as w:
        n = w.obj
        note = text(note, field="note", label="约谈情况", min_len=4)
        n.interview_at = clock.now()
        n.interview_note = note
        n.interview_by_name = actor.display_name[:100]
        step(n, actor, "interview", "建设单位约谈责任人", note)
        done(n, f"interview{n.round}")
        node(n.project, "notice", f"监理通知单 {n.number} 逾期，建设单位约谈", actor, detail=note)
    notice.refresh_from_db()
    return n


def record_refusal(*, actor: Actor, notice: RectificationNotice, note: str) -> RectificationNotice:
    """The contractor refuses to rectify: escalated to the industry authority."""
    with transaction.atomic(), _write("refuse", notice, actor) as w:
        n = w.obj
        note = text(note, field="note", label="拒不整改情况", min_len=4)
        n.refused_at = clock.now()
        n.refusal_note = note
        logged(n, actor, "refuse", note)
        deadlines.close_deadline(
            kind=K.RECTIFICATION.kind, subject=n, state=Deadline.State.CANCELLED
        )
        done(n)
        todo(
            n,
            "authority",
            title=f"施工单位拒不整改，调查核实：{n.title}（{n.project.name}）",
            **authority_to(n.project),
            url=notice_url(n),
            basis=BASIS_REFUSED,
            detail=note,
        )
        node(
            n.project,
            "notice",
            f"监理通知单 {n.number}：施工单位拒不整改，报行业主管部门",
            actor,
            detail=note,
        )
        events.publish(
            RectificationRefused(
                **facts(n.project, actor),
                notice_id=n.pk,
                contractor_id=n.participant.organisation_id,
                note=note,
            )
        )
    notice.refresh_from_db()
    return n


def handle_refusal(*, actor: Actor, notice: RectificationNotice, note: str) -> RectificationNotice:
    with transaction.atomic(), _write("handle", notice, actor) as w:
        n = w.obj
        note = text(note, field="note", label="调查处理结果", min_len=4)
        n.handled_at = clock.now()
        n.handling_note = note
        n.handled_by_name = actor.display_name[:100]
        logged(n, actor, "handle", note)
        done(n)
        node(
            n.project, "notice", f"监理通知单 {n.number}：行业主管部门调查处理", actor, detail=note
        )
    notice.refresh_from_db()
    return n


# --- inspections and evaluation (R-SUP-04) -----------------------------------------------------


def record_inspection(
    *,
    actor: Actor,
    project: Project,
    inspected_on: dt.date,
    inspectors: str,
    aspects: list[str],
    findings: str,
    result: str,
    record: Any = None,
) -> Inspection:
    probe = Inspection(project=project)
    if not (actor.is_system or workflows.OWNER_STAFF(probe, actor)):
        raise Forbidden("建设单位方可登记检查")
    if inspected_on is None or inspected_on > clock.today():
        raise ValidationFailed("检查日期不能晚于今天", field="inspected_on")
    inspectors = text(inspectors, field="inspectors", label="检查人员", max_len=200)
    findings = text(findings, field="findings", label="检查情况", min_len=4)
    if not aspects or any(a not in InspectionAspect.values for a in aspects):
        raise ValidationFailed("请选择检查内容", field="aspects")
    if result not in InspectionResult.values:
        raise ValidationFailed("检查结论不正确", field="result")
    with transaction.atomic():
        p = lock(project)
        if p.status not in (
            ProjectStatus.UNDER_CONSTRUCTION,
            ProjectStatus.SUSPENDED,
            ProjectStatus.COMPLETED,
        ):
            raise Conflict("施工期间方可登记检查")
        ins = Inspection.objects.create(
            project=p,
            inspected_on=inspected_on,
            inspectors=inspectors,
            aspects=sorted(set(aspects)),
            findings=findings,
            result=result,
            recorded_by_name=actor.display_name[:100],
            recorded_by_org=actor.org_name[:200],
        )
        if record is not None:
            store(
                actor=actor,
                obj=ins,
                kind=DocumentKind.INSPECTION_RECORD,
                title=f"检查记录 {inspected_on:%Y-%m-%d}",
                upload=record,
            )
        created(ins, actor, "record_inspection", "登记检查", findings)
        node(
            p,
            "inspection",
            f"建设单位检查（{InspectionResult(result).label}）",
            actor,
            detail=findings,
        )
    return ins


def grade_of(total: Decimal) -> str:
    if total >= 90:
        return EvaluationGrade.EXCELLENT
    if total >= 80:
        return EvaluationGrade.GOOD
    if total >= 60:
        return EvaluationGrade.PASS
    return EvaluationGrade.FAIL


def evaluate_contractor(
    *,
    actor: Actor,
    project: Project,
    participant: Participant,
    construction_score: int,
    management_score: int,
    quality_score: int,
    contract_score: int,
    comment: str,
) -> ContractorEvaluation:
    """R-SUP-04: at completion the owner evaluates the contractor."""
    probe = ContractorEvaluation(project=project)
    if not (actor.is_system or workflows.OWNER(probe, actor)):
        raise Forbidden("建设单位项目负责人或总管方可评价施工单位")
    if participant.project_id != project.pk or participant.role != ParticipantRole.CONTRACTOR:
        raise ValidationFailed("请选择本项目的施工单位", field="participant_id")
    scores = [construction_score, management_score, quality_score, contract_score]
    names = ["construction_score", "management_score", "quality_score", "contract_score"]
    for name, value in zip(names, scores, strict=True):
        if not isinstance(value, int) or not 0 <= value <= 100:
            raise ValidationFailed("分数应为 0-100 的整数", field=name)
    comment = text(comment, field="comment", label="评价意见", min_len=4)
    total = (Decimal(sum(scores)) / 4).quantize(Decimal("0.01"))
    with transaction.atomic():
        p = lock(project)
        if p.status not in FINISHED_STATES:
            raise Conflict("项目完工后方可进行综合评价", code="invalid_state")
        if ContractorEvaluation.objects.filter(project=p, participant=participant).exists():
            raise Conflict("已对该施工单位作出综合评价")
        ev = ContractorEvaluation.objects.create(
            project=p,
            participant=participant,
            construction_score=construction_score,
            management_score=management_score,
            quality_score=quality_score,
            contract_score=contract_score,
            total=total,
            grade=grade_of(total),
            comment=comment,
            evaluated_by_name=actor.display_name[:100],
            evaluated_by_org=actor.org_name[:200],
        )
        created(ev, actor, "evaluate_contractor", "综合评价", comment)
        node(
            p,
            "evaluation",
            f"施工单位综合评价：{total} 分（{ev.get_grade_display()}）",
            actor,
            detail=comment,
        )
    return ev
