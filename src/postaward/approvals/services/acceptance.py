"""Completion acceptance (R-ACC-01..06, SY 31) and the settlement clock
(R-SET-01, SY 32; R-PRJ-05 through the project's coverage rule).

Government works: the contractor initiates, the supervising firm reviews, and
from then the owner has 20 days (< 20,000,000 yuan) or 60 days (≥, and
super-large works, which may apply within the 60 days for an extension that
the superior unit, the industry authority and the leading group approve in
turn) to organise the acceptance and upload opinions and conclusion. Within 3
days of receiving it the owner may return a request as not ready. Village
works: village self-acceptance (15 days) then township re-acceptance (15 days,
reminder at 7). Passing acceptance moves the project lifecycle on.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from postaward.core import business_calendar, clock, deadlines, events, steps
from postaward.core.actor import SYSTEM, Actor
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import Deadline
from postaward.orgs.choices import Role
from postaward.projects import services as project_services
from postaward.projects.choices import (
    FINISHED_STATES,
    ParticipantRole,
    ProjectClass,
    ProjectStatus,
)
from postaward.projects.models import Participant, Project

from .. import deadline_kinds as K
from .. import workflows
from ..choices import (
    ACCEPTANCE_DAYS_ABOVE,
    ACCEPTANCE_DAYS_BELOW,
    ACCEPTANCE_OPEN_STATES,
    ACCEPTANCE_RETURN_DAYS,
    CALENDAR,
    LARGE_THRESHOLD,
    SETTLEMENT_DAYS_ABOVE,
    SETTLEMENT_DAYS_BELOW,
    TOWNSHIP_DAYS,
    TOWNSHIP_REMINDER_DAYS,
    VILLAGE_SELF_DAYS,
    AcceptanceKind,
    AcceptanceState,
    DocumentKind,
    ExtensionState,
)
from ..events import AcceptanceConcluded, AcceptanceReturned, UsedBeforeAcceptance
from ..models import AcceptanceExtension, AcceptanceRequest, UsageBeforeAcceptance
from .common import (
    authority_to,
    close_addressed,
    contractor_to,
    created,
    done,
    facts,
    lock,
    logged,
    node,
    number,
    office_to,
    open_addressed,
    open_clock,
    owner_to,
    rule_text,
    store,
    superior_to,
    supervisor_to,
    text,
    to_org,
    todo,
    todo_keys,
)

BASIS_RETURN = (
    "R-ACC-03（实施细则第三十一条：认为不满足验收条件的，需在3天内提出延期验收理由，退回重新发起）"
)
BASIS_EXTENSION = "R-ACC-04（实施细则第三十一条(三)：超大型工程60天内申请延长验收时间）"
BASIS_VILLAGE = "R-ACC-05（实施细则第三十一条(四)：建设单位应组织村民代表、监理单位等进行村级自验）"
BASIS_USAGE = "R-ACC-06（衢州问责办法第五条(五)：未经竣工验收或验收不合格即交付使用）"


def url(req: AcceptanceRequest) -> str:
    return f"/approvals/acceptance/{req.pk}/"


def is_large(project: Project) -> bool:
    return project.project_class in (ProjectClass.GOV_ABOVE, ProjectClass.SUPER_LARGE) or (
        project.project_class != ProjectClass.VILLAGE and project.contract_amount >= LARGE_THRESHOLD
    )


def government_period(project: Project) -> tuple[Any, int]:
    """(deadline kind, days) of the owner's acceptance period (R-ACC-01/02/04)."""
    if project.project_class == ProjectClass.SUPER_LARGE:
        return K.ACCEPTANCE_SUPER_LARGE, ACCEPTANCE_DAYS_ABOVE
    if is_large(project):
        return K.ACCEPTANCE_ABOVE, ACCEPTANCE_DAYS_ABOVE
    return K.ACCEPTANCE_BELOW, ACCEPTANCE_DAYS_BELOW


def _contractor_of(project: Project, actor: Actor) -> Participant:
    parts = Participant.objects.filter(
        project=project, role=ParticipantRole.CONTRACTOR
    ).select_related("project")
    for pt in parts:
        if actor.is_system or workflows.contractor(
            AcceptanceRequest(project=project, participant=pt), actor
        ):
            return pt
    raise Forbidden("本项目施工单位方可发起竣工验收")


ACCEPTANCE = "acceptance"
TOWNSHIP = "township"


def acceptance_openings(actor: Actor) -> list[tuple[Project, str]]:
    """The projects on which ``actor`` may open an acceptance now, and how.

    ``acceptance``: the project's contractor (its administrator or leader, or its
    project manager / technical lead on the project) on a project under
    construction or completed — the party ``request_acceptance`` accepts;
    ``township``: the village that owns a village work whose self-acceptance
    passed and whose township re-acceptance is not open yet — the party
    ``request_township`` accepts. Pages offer "发起验收" only from this list, so
    an owner is never shown a form the service would refuse (issue 11 §5)."""
    out: list[tuple[Project, str]] = []
    if actor.organisation_id is None:
        return out
    visible = Project.objects.visible_to(actor)
    parts = Participant.objects.filter(
        project__in=visible.filter(
            status__in=(ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED)
        ),
        role=ParticipantRole.CONTRACTOR,
        organisation_id=actor.organisation_id,
    ).select_related("project")
    for pt in parts:
        if workflows.contractor(AcceptanceRequest(project=pt.project, participant=pt), actor):
            out.append((pt.project, ACCEPTANCE))
    passed = (
        AcceptanceRequest.objects.filter(
            project__in=visible.filter(project_class=ProjectClass.VILLAGE),
            kind=AcceptanceKind.VILLAGE_SELF,
            state=AcceptanceState.PASSED,
        )
        .exclude(
            project_id__in=AcceptanceRequest.objects.filter(
                kind=AcceptanceKind.TOWNSHIP,
                state__in=(*ACCEPTANCE_OPEN_STATES, AcceptanceState.PASSED),
            ).values("project_id")
        )
        .select_related("project")
    )
    seen: set[int] = set()
    for req in passed:
        if req.project_id in seen:
            continue
        seen.add(req.project_id)
        probe = AcceptanceRequest(project=req.project, kind=AcceptanceKind.TOWNSHIP)
        if workflows.owner(probe, actor):
            out.append((req.project, TOWNSHIP))
    return out


def request_acceptance(
    *, actor: Actor, project: Project, completed_on: dt.date, description: str
) -> AcceptanceRequest:
    """The contractor initiates online: government works go to the supervising
    firm; village works go straight to the village (self-acceptance)."""
    participant = _contractor_of(project, actor)
    description = text(description, field="description", label="完成情况", min_len=4)
    if completed_on is None or completed_on > clock.today():
        raise ValidationFailed("完工日期不能晚于今天", field="completed_on")
    if project.actual_start and completed_on < project.actual_start:
        raise ValidationFailed("完工日期不能早于开工日期", field="completed_on")
    village = project.project_class == ProjectClass.VILLAGE
    with transaction.atomic():
        p = lock(project)
        if p.status not in (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED):
            raise Conflict(f"项目当前状态为“{p.get_status_display()}”，不能发起竣工验收")
        kinds = (
            [AcceptanceKind.VILLAGE_SELF, AcceptanceKind.TOWNSHIP]
            if village
            else [AcceptanceKind.GOVERNMENT]
        )
        if AcceptanceRequest.objects.filter(
            project=p, kind__in=kinds, state__in=ACCEPTANCE_OPEN_STATES
        ).exists():
            raise Conflict("已有办理中的验收申请")
        if (
            village
            and AcceptanceRequest.objects.filter(
                project=p, kind=AcceptanceKind.VILLAGE_SELF, state=AcceptanceState.PASSED
            ).exists()
        ):
            raise Conflict("村级自验已合格，请由村（社区）发起乡镇复验")
        req = AcceptanceRequest.objects.create(
            project=p,
            kind=AcceptanceKind.VILLAGE_SELF if village else AcceptanceKind.GOVERNMENT,
            participant=participant,
            number=number("YS", p, AcceptanceRequest),
            completed_on=completed_on,
            description=description,
            submitted_at=clock.now(),
            submitted_by_name=actor.display_name[:100],
            submitted_by_org=actor.org_name[:200],
        )
        created(req, actor, "request_acceptance", f"发起{req.get_kind_display()}", description)
        _close_again(p, [req.kind])
        if village:
            _receive(
                req,
                K.VILLAGE_SELF,
                VILLAGE_SELF_DAYS,
                owner_to(p),
                "组织村级自验（村民代表、监理单位等参加）",
            )
        else:
            todo(
                req,
                "supervisor",
                title=f"审核竣工验收申请（{p.name}）",
                **supervisor_to(p),
                url=url(req),
                basis="R-ACC-01（实施细则第三十一条）",
            )
        node(
            p, "acceptance", f"发起{req.get_kind_display()} {req.number}", actor, detail=description
        )
    return req


def _receive(
    req: AcceptanceRequest,
    kind: Any,
    days: int,
    to: dict[str, Any],
    what: str,
    reminder: int | None = None,
) -> Deadline:
    """The request reaches the organiser (``to``: who acts, ``common.owner_to``
    and the like): its period starts (the day not counted)."""
    org_id = to["organisation_id"]
    req.received_at = clock.now()
    req.state = AcceptanceState.RECEIVED
    req.deadline_kind = kind.kind
    req.save(update_fields=["received_at", "state", "deadline_kind"])
    dl = open_clock(
        req, kind, length=days, unit=CALENDAR, organisation_id=org_id, reminder_after=reminder
    )
    todo(
        req,
        "organise",
        title=f"{what}：{req.project.name}",
        **to,
        url=url(req),
        basis=rule_text(dl),
        due_at=dl.due_at,
    )
    return dl


def _locked(req: AcceptanceRequest) -> AcceptanceRequest:
    lock(req.project)
    return AcceptanceRequest.objects.select_related("project", "participant").get(pk=req.pk)


def _write(step: Any, req: AcceptanceRequest, actor: Actor) -> Any:
    """The step's audited write on the request (``core.steps.write``: the
    registry's check on the locked row, the transition fired), the project
    locked first as every acceptance write does."""
    lock(req.project)
    return steps.write(step, req, actor, project_id=req.project_id)


def review_acceptance(
    *, actor: Actor, request: AcceptanceRequest, opinion: str = ""
) -> AcceptanceRequest:
    """The supervising firm reviews; the owner's period starts (R-ACC-01/02)."""
    from ..steps import REVIEW

    with transaction.atomic(), _write(REVIEW, request, actor) as w:
        req = w.obj
        logged(req, actor, "review_by_supervisor", opinion.strip()[:2000])
        done(req, "supervisor")
        kind, days = government_period(req.project)
        _receive(
            req, kind, days, owner_to(req.project), "组织竣工验收（监理、勘察、设计等单位参加）"
        )
    request.refresh_from_db()
    return req


def reject_acceptance(*, actor: Actor, request: AcceptanceRequest, note: str) -> AcceptanceRequest:
    from ..steps import REJECT

    with transaction.atomic(), _write(REJECT, request, actor) as w:
        req = w.obj
        note = text(note, field="note", label="审核意见", min_len=2)
        req.decision_note = note
        logged(req, actor, "reject_by_supervisor", note)
        done(req)
        _again(req, f"竣工验收申请未通过监理审核，整改后重新发起（{req.project.name}）", note)
    request.refresh_from_db()
    return req


def _again(req: AcceptanceRequest, title: str, detail: str) -> None:
    """Returned, refused by the supervisor or failed: the initiator (the
    contractor; the village for a township re-acceptance) re-initiates. The
    to-do closes when the project's next request is made."""
    p = req.project
    pt = req.participant
    to = contractor_to(p, pt.organisation_id) if pt is not None else owner_to(p)
    todo(
        req,
        "again",
        title=title,
        **to,
        url=f"/approvals/acceptance/new/?project={p.pk}",
        basis="R-ACC-01、R-ACC-03（实施细则第三十一条：退回重新发起）",
        detail=detail[:2000],
    )


def _close_again(project: Project, kinds: list[str]) -> None:
    """The project's new request: the to-dos to re-initiate are done."""
    for prev in AcceptanceRequest.objects.filter(
        project=project,
        kind__in=kinds,
        state__in=(AcceptanceState.RETURNED, AcceptanceState.REJECTED, AcceptanceState.FAILED),
    ):
        done(prev, "again")


def return_window_end(req: AcceptanceRequest) -> dt.date | None:
    """The last day on which the owner may return the request as not ready:
    3 calendar days after receipt, the day of receipt not counted (ADR 0302)."""
    if req.received_at is None:
        return None
    return business_calendar.add_days(clock.local_date(req.received_at), ACCEPTANCE_RETURN_DAYS)


def return_acceptance(
    *, actor: Actor, request: AcceptanceRequest, reason: str, upload: Any = None
) -> AcceptanceRequest:
    """R-ACC-03: within 3 days, with the reasons for postponement; the
    contractor re-initiates."""
    from ..steps import RETURN

    with transaction.atomic(), _write(RETURN, request, actor) as w:
        req = w.obj
        reason = text(reason, field="reason", label="延期验收理由", min_len=4)
        if upload is not None:
            store(
                actor=actor,
                obj=req,
                kind=DocumentKind.RETURN_REASON,
                title="延期验收理由",
                upload=upload,
            )
        req.returned_at = clock.now()
        req.return_reason = reason
        logged(req, actor, "return_not_ready", reason)
        deadlines.close_deadline(
            kind=req.deadline_kind, subject=req, state=Deadline.State.CANCELLED
        )
        done(req)
        _again(req, f"验收申请被退回，具备验收条件后重新发起（{req.project.name}）", reason)
        node(
            req.project,
            "acceptance",
            f"{req.get_kind_display()} {req.number} 退回（不满足验收条件）",
            actor,
            detail=reason,
        )
        events.publish(
            AcceptanceReturned(**facts(req.project, actor), request_id=req.pk, reason=reason)
        )
    request.refresh_from_db()
    return req


def village_participants(representatives: str | None, supervisor: str | None) -> tuple[str, str]:
    """R-ACC-05: the owner organises the village self-acceptance with villager
    representatives and the supervising firm; both must be named."""
    names = [n for n in re.split(r"[、，,；;\s]+", (representatives or "").strip()) if n]
    if not names:
        raise ValidationFailed(
            "村级自验须有村民代表参加，请填写参加验收的村民代表姓名",
            field="villager_representatives",
            code="villager_representatives_missing",
            basis=BASIS_VILLAGE,
        )
    villagers = "、".join(names)
    if len(villagers) > 1000 or any(len(n) > 50 for n in names):
        raise ValidationFailed(
            "村民代表姓名过长（每人最多 50 个字，合计最多 1000 个字）",
            field="villager_representatives",
        )
    name = (supervisor or "").strip()
    if len(name) < 2:
        raise ValidationFailed(
            "村级自验须有监理单位参加，请填写参加验收的监理人员姓名",
            field="supervisor_attendee",
            code="supervisor_attendee_missing",
            basis=BASIS_VILLAGE,
        )
    if len(name) > 100:
        raise ValidationFailed("监理人员姓名过长（最多 100 个字）", field="supervisor_attendee")
    return villagers, name


def conclude_acceptance(
    *,
    actor: Actor,
    request: AcceptanceRequest,
    passed: bool,
    accepted_on: dt.date,
    attendees: str,
    rectification_opinions: str,
    conclusion: str,
    document: Any,
    villager_representatives: str = "",
    supervisor_attendee: str = "",
) -> AcceptanceRequest:
    """The organiser uploads the rectification opinions and the conclusion (this
    stops the clock); a passed acceptance moves the project on. A village
    self-acceptance names the villager representatives and the supervisor who
    took part (R-ACC-05)."""
    from ..steps import CONCLUDE

    with transaction.atomic(), _write(CONCLUDE, request, actor) as w:
        req = w.obj
        name = "conclude_pass" if passed else "conclude_fail"
        w.action = f"approvals.acceptancerequest.{name}"
        attendees = text(attendees, field="attendees", label="参加验收单位及人员", min_len=2)
        conclusion = text(conclusion, field="conclusion", label="验收结论", min_len=2)
        opinions = (rectification_opinions or "").strip()[:4000]
        if document is None:
            raise ValidationFailed("请上传验收结论及整改意见资料", field="document")
        villagers, supervisor_name = "", ""
        if req.kind == AcceptanceKind.VILLAGE_SELF:
            villagers, supervisor_name = village_participants(
                villager_representatives, supervisor_attendee
            )
        if accepted_on is None or accepted_on > clock.today():
            raise ValidationFailed("验收日期不能晚于今天", field="accepted_on")
        if req.received_at and accepted_on < clock.local_date(req.received_at):
            raise ValidationFailed("验收日期不能早于受理日期", field="accepted_on")
        doc = store(
            actor=actor,
            obj=req,
            kind=DocumentKind.ACCEPTANCE_CONCLUSION,
            title=f"{req.get_kind_display()}结论",
            upload=document,
            field="document",
        )
        req.accepted_on = accepted_on
        req.attendees = attendees
        req.villager_representatives = villagers
        req.supervisor_attendee = supervisor_name
        req.rectification_opinions = opinions
        req.conclusion = conclusion
        req.conclusion_document = doc
        req.concluded_at = clock.now()
        req.concluded_by_name = actor.display_name[:100]
        getattr(req, name)()
        logged(req, actor, name, conclusion)
        deadlines.close_deadline(kind=req.deadline_kind, subject=req)
        done(req)
        p = req.project
        node(
            p,
            "acceptance",
            f"{req.get_kind_display()} {req.number}：{'合格' if passed else '不合格'}",
            actor,
            detail=conclusion,
        )
        if passed:
            _move_project_on(req, actor, doc)
        else:
            _again(req, f"验收不合格，整改后重新发起验收（{p.name}）", opinions)
        events.publish(
            AcceptanceConcluded(
                **facts(p, actor),
                request_id=req.pk,
                kind=req.kind,
                passed=passed,
                accepted_on=accepted_on.isoformat(),
            )
        )
    request.refresh_from_db()
    return req


def _copy(doc: Any) -> ContentFile:
    with doc.file.open("rb") as fh:
        return ContentFile(fh.read(), name=doc.original_name)


def _move_project_on(req: AcceptanceRequest, actor: Actor, doc: Any) -> None:
    p = Project.objects.get(pk=req.project_id)
    if (
        req.kind in (AcceptanceKind.GOVERNMENT, AcceptanceKind.VILLAGE_SELF)
        and p.status == ProjectStatus.UNDER_CONSTRUCTION
    ):
        p = project_services.complete_works(actor=actor, project=p, on=req.completed_on)
    if req.kind == AcceptanceKind.GOVERNMENT:
        project_services.accept_works(
            actor=actor, project=p, on=req.accepted_on, upload=_copy(doc), conclusion=req.conclusion
        )
    elif req.kind == AcceptanceKind.TOWNSHIP:
        # The township is not the owner: the platform records the lifecycle step.
        project_services.accept_works(
            actor=SYSTEM,
            project=p,
            on=req.accepted_on,
            upload=_copy(doc),
            conclusion=f"乡镇（街道）复验合格：{req.conclusion}",
        )
    else:
        todo(
            req,
            "township",
            title=f"村级自验合格，发起乡镇（街道）复验（{p.name}）",
            **owner_to(p),
            url=f"/approvals/acceptance/new/?project={p.pk}",
            basis="R-ACC-05（实施细则第三十一条(四)）",
        )


def request_township(*, actor: Actor, project: Project, description: str) -> AcceptanceRequest:
    """R-ACC-05: the village initiates the township re-acceptance online."""
    probe = AcceptanceRequest(project=project, kind=AcceptanceKind.TOWNSHIP)
    if not (actor.is_system or workflows.owner(probe, actor)):
        raise Forbidden("行政村（社区）方可发起乡镇复验")
    description = text(description, field="description", label="自验及整改情况", min_len=4)
    with transaction.atomic():
        p = lock(project)
        selfcheck = (
            AcceptanceRequest.objects.filter(
                project=p, kind=AcceptanceKind.VILLAGE_SELF, state=AcceptanceState.PASSED
            )
            .order_by("-concluded_at")
            .first()
        )
        if p.project_class != ProjectClass.VILLAGE or selfcheck is None:
            raise Conflict("村级自验合格后方可发起乡镇复验")
        if AcceptanceRequest.objects.filter(
            project=p,
            kind=AcceptanceKind.TOWNSHIP,
            state__in=(*ACCEPTANCE_OPEN_STATES, AcceptanceState.PASSED),
        ).exists():
            raise Conflict("已发起乡镇复验")
        req = AcceptanceRequest.objects.create(
            project=p,
            kind=AcceptanceKind.TOWNSHIP,
            participant=None,
            number=number("YS", p, AcceptanceRequest),
            completed_on=selfcheck.completed_on,
            description=description,
            submitted_at=clock.now(),
            submitted_by_name=actor.display_name[:100],
            submitted_by_org=actor.org_name[:200],
        )
        created(req, actor, "request_township", "发起乡镇（街道）复验", description)
        done(selfcheck, "township")
        _close_again(p, [AcceptanceKind.TOWNSHIP])
        _receive(
            req,
            K.TOWNSHIP,
            TOWNSHIP_DAYS,
            to_org(p.superior_unit_id, Role.LINE_SUPERVISOR),
            "组织乡镇（街道）复验",
            reminder=TOWNSHIP_REMINDER_DAYS,
        )
        node(p, "acceptance", f"发起乡镇（街道）复验 {req.number}", actor, detail=description)
    return req


def withdraw_acceptance(*, actor: Actor, request: AcceptanceRequest) -> AcceptanceRequest:
    from ..steps import WITHDRAW

    with transaction.atomic(), _write(WITHDRAW, request, actor) as w:
        req = w.obj
        logged(req, actor, "withdraw")
        done(req, cancelled=True)
    request.refresh_from_db()
    return req


# --- extension of super-large works (R-ACC-04) ---------------------------------------------------


def _extension_to(ext: AcceptanceExtension) -> dict[str, Any]:
    p = ext.project
    step = {
        ExtensionState.PENDING_SUPERIOR: superior_to,
        ExtensionState.PENDING_AUTHORITY: authority_to,
        ExtensionState.PENDING_OFFICE: office_to,
    }.get(ext.state)
    return step(p) if step else {"organisation_id": None}


def apply_extension(
    *, actor: Actor, request: AcceptanceRequest, days: int, reason: str, upload: Any = None
) -> AcceptanceExtension:
    from ..steps import EXTEND

    with transaction.atomic():
        req = _locked(request)
        steps.check(EXTEND, req, actor)
        reason = text(reason, field="reason", label="申请理由", min_len=4)
        if not isinstance(days, int) or not 1 <= days <= 365:
            raise ValidationFailed("延长天数应为 1-365 天", field="days")
        ext = AcceptanceExtension.objects.create(
            project=req.project,
            request=req,
            days=days,
            reason=reason,
            applied_at=clock.now(),
            applied_by_name=actor.display_name[:100],
        )
        if upload is not None:
            store(
                actor=actor,
                obj=ext,
                kind=DocumentKind.EXTENSION_REQUEST,
                title="延长验收时间申请",
                upload=upload,
            )
        created(ext, actor, "apply_extension", f"申请延长验收时间 {days} 天", reason)
        todo(
            ext,
            "decide",
            title=f"审核延长验收时间申请（{req.project.name}，{days} 天）",
            **_extension_to(ext),
            url=url(req),
            basis=BASIS_EXTENSION,
        )
    return ext


AGREE_BY = {
    ExtensionState.PENDING_SUPERIOR: "agree_by_superior",
    ExtensionState.PENDING_AUTHORITY: "agree_by_authority",
    ExtensionState.PENDING_OFFICE: "agree_by_office",
}


def decide_extension(
    *, actor: Actor, extension: AcceptanceExtension, approve: bool, opinion: str = ""
) -> AcceptanceExtension:
    """The superior unit, the industry authority and the leading group decide
    in turn (``steps_works.AGREE``/``DISAGREE``: the decider of the current
    state; the leading group only while the period runs)."""
    from .. import steps_works

    lock(extension.project)
    step = steps_works.AGREE if approve else steps_works.DISAGREE
    with (
        transaction.atomic(),
        steps.write(step, extension, actor, project_id=extension.project_id) as w,
    ):
        ext = w.obj
        if approve:
            name = AGREE_BY[ext.state]
            getattr(ext, name)()
            w.action = f"approvals.acceptanceextension.{name}"
        else:
            name = "reject"
            opinion = text(opinion, field="opinion", label="不同意的理由", min_len=2)
        logged(ext, actor, name, opinion.strip()[:2000])
        done(ext, "decide")
        if ext.state == ExtensionState.APPROVED:
            ext.decided_at = clock.now()
            req = ext.request
            n = deadlines.extend_deadline(
                kind=req.deadline_kind,
                subject=req,
                extra=ext.days,
                note=f"经批准延长 {ext.days} 天（R-ACC-04）",
            )
            if n == 0:
                raise ValidationFailed(
                    "验收期限已届满，不能再延长", code="extension_too_late", basis=BASIS_EXTENSION
                )
            d = Deadline.objects.get(
                kind=req.deadline_kind,
                subject_type="approvals.acceptancerequest",
                subject_id=str(req.pk),
                state=Deadline.State.OPEN,
            )
            from postaward.core import todos

            todos.reschedule(keys=todo_keys(req, "organise"), due_at=d.due_at, basis=rule_text(d))
            node(
                req.project,
                "acceptance",
                f"超大型工程验收时间延长 {ext.days} 天",
                actor,
                detail=ext.reason,
            )
        elif ext.state == ExtensionState.REJECTED:
            ext.decided_at = clock.now()
        else:
            todo(
                ext,
                f"decide_{ext.state}",
                title=f"审核延长验收时间申请（{ext.project.name}，{ext.days} 天）",
                **_extension_to(ext),
                url=url(ext.request),
                basis=BASIS_EXTENSION,
            )
    extension.refresh_from_db()
    return ext


# --- use before acceptance (R-ACC-06) ------------------------------------------------------------


def record_usage_before_acceptance(
    *,
    actor: Actor,
    project: Project,
    used_since: dt.date,
    description: str,
    industry_exception: bool = False,
    exception_reason: str = "",
) -> UsageBeforeAcceptance:
    from ..steps_works import USAGE_RECORDERS  # the creation's predicate, the step's who

    if not USAGE_RECORDERS(project, actor):
        raise Forbidden(f"{USAGE_RECORDERS.label}方可登记未验先用")
    description = text(description, field="description", label="使用情况", min_len=4)
    if used_since is None or used_since > clock.today():
        raise ValidationFailed("投入使用日期不能晚于今天", field="used_since")
    reason = (exception_reason or "").strip()
    if industry_exception and len(reason) < 4:
        raise ValidationFailed("属行业特殊要求的，请填写例外依据", field="exception_reason")
    with transaction.atomic():
        p = lock(project)
        if p.status in FINISHED_STATES and p.status != ProjectStatus.COMPLETED:
            raise Conflict("项目已通过竣工验收，无需登记未验先用")
        if p.status == ProjectStatus.TERMINATED:
            raise Conflict("项目已终止")
        u = UsageBeforeAcceptance.objects.create(
            project=p,
            used_since=used_since,
            description=description,
            industry_exception=bool(industry_exception),
            exception_reason=reason if industry_exception else "",
            recorded_by_name=actor.display_name[:100],
            recorded_by_org=actor.org_name[:200],
        )
        created(u, actor, "record_usage_before_acceptance", "登记未验先用", description)
        node(
            p,
            "usage_before_acceptance",
            f"未经竣工验收投入使用（自 {used_since:%Y-%m-%d}）",
            actor,
            detail=description,
        )
        events.publish(
            UsedBeforeAcceptance(
                **facts(p, actor),
                usage_id=u.pk,
                used_since=used_since.isoformat(),
                industry_exception=u.industry_exception,
                exception_reason=u.exception_reason,
            )
        )
    return u


def record_usage_on_request(
    *, actor: Actor, request: AcceptanceRequest, **data: Any
) -> UsageBeforeAcceptance:
    """The step ``usage`` of an acceptance request (``steps_works.USAGE``): the
    registry's check on the locked request, then the record on its project."""
    from ..steps_works import USAGE

    with transaction.atomic():
        req = _locked(request)
        steps.check(USAGE, req, actor)
        return record_usage_before_acceptance(actor=actor, project=req.project, **data)


# --- settlement (R-SET-01) -----------------------------------------------------------------------


def settlement_period(project: Project) -> tuple[Any, int]:
    """R-SET-01 (SY 32): the settlement period depends on the amount only,
    whatever the project's class: a village work of 20,000,000 yuan or more
    has 180 days like any other (the acceptance split, R-ACC-05, is by class)."""
    if project.contract_amount is not None and project.contract_amount >= LARGE_THRESHOLD:
        return K.SETTLEMENT_ABOVE, SETTLEMENT_DAYS_ABOVE
    return K.SETTLEMENT_BELOW, SETTLEMENT_DAYS_BELOW


def open_settlement_clock(project: Project, completed_on: dt.date) -> Deadline | None:
    """After completion the owner has 60 / 180 days to submit the settlement
    for audit (SY 32): the clock starts on the completion date (not counted)."""
    kind, days = settlement_period(project)
    existing = Deadline.objects.filter(
        kind__in=(K.SETTLEMENT_ABOVE.kind, K.SETTLEMENT_BELOW.kind),
        subject_type="projects.project",
        subject_id=str(project.pk),
    )
    if existing.exists():
        return None
    dl = deadlines.open_deadline(
        kind=kind.kind,
        subject=project,
        length=days,
        unit=CALENDAR,
        basis=kind.basis,
        organisation_id=project.owner_id,
        project_id=project.pk,
        start=clock.start_of_day(completed_on) + dt.timedelta(hours=12),
    )
    if project.owner_id:
        # the owner's project leader submits (with the administrator's copy), as
        # for the owner's other to-dos; not all of the owner's staff
        open_addressed(
            key=f"approvals.settlement.{project.pk}",
            kind="approvals.settlement",
            title=f"提交结算审计：{project.name}",
            **owner_to(project),
            project_id=project.pk,
            subject=project,
            url=f"/approvals/settlement/?project={project.pk}",
            due_at=dl.due_at,
            basis=rule_text(dl),
        )
    return dl


def close_settlement_clock(project: Project, submitted_on: dt.date | None = None) -> int:
    """Settlement submitted: the clock stops. Judged by the submission date
    (the event may be dispatched later): on or before the last day is met."""
    n = 0
    for kind in (K.SETTLEMENT_ABOVE, K.SETTLEMENT_BELOW):
        open_ = Deadline.objects.filter(
            kind=kind.kind,
            subject_type="projects.project",
            subject_id=str(project.pk),
            state=Deadline.State.OPEN,
        ).first()
        if open_ is None:
            continue
        if submitted_on is not None and clock.end_of_day(submitted_on) <= open_.due_at:
            n += deadlines.close_as_met(open_.pk)
        else:
            n += deadlines.close_deadline(kind=kind.kind, subject=project)
    close_addressed(f"approvals.settlement.{project.pk}")
    return n


def cancel_project_clocks(project_id: int) -> None:
    """A terminated project: the projects service cancels its clocks; the to-dos go."""
    from postaward.core import todos

    todos.close_for(kind_prefix="approvals.", project_id=project_id, state="cancelled")
