"""API of the registry of a project: participants, key personnel and their
check-in duty and stages, interviews, abnormal award events, subcontracts,
coverage and data completion (R-ORG-05, R-PRJ-03..05, R-PRJ-11, R-ATT-01)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema
from pydantic import StrictBool

from postaward.core import clock, steps
from postaward.core.api_base import (
    StrictIn,
    actor,
    responses,
)
from postaward.core.bodies import write_once
from postaward.core.errors import ValidationFailed
from postaward.core.types import Date, Id, StrictId
from postaward.orgs.models import Organisation, Person, Qualification

from . import selectors, services
from . import steps_checks as project_checks
from .api import DocumentOut, ProjectOut, _child, _doc, _dump, _project, router
from .api_lifecycle import _take
from .choices import (
    AbnormalAwardKind,
    InterviewTopic,
    ParticipantRole,
    Position,
)
from .models import (
    AbnormalAwardEvent,
    CheckinStage,
    DataCompletionApplication,
    KeyPersonAssignment,
    Participant,
)

# --- participants and key personnel ---------------------------------------------------------------


class ParticipantOut(Schema):
    id: int
    project_id: int
    organisation_id: int
    organisation_name: str
    role: str
    role_label: str
    contract_number: str
    contract_amount: Decimal | None
    contract_signed_on: dt.date | None
    contract_document: DocumentOut | None
    allows_subcontract: bool
    contract_missing: list[str]

    @staticmethod
    def resolve_organisation_name(obj: Participant) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_role_label(obj: Participant) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_contract_missing(obj: Participant) -> list[str]:
        return obj.contract_missing()


@router.get(
    "/{project_id}/participants", response=responses(list[ParticipantOut]), summary="参建单位及合同"
)
def list_participants(request: HttpRequest, project_id: Id) -> list:
    p = _project(request, project_id)
    return list(
        p.participants.select_related("organisation", "contract_document").order_by("role", "id")
    )


class ParticipantIn(StrictIn):
    organisation_id: StrictId
    role: ParticipantRole
    contract_number: str = Field("", max_length=60)
    contract_amount: Decimal | None = Field(None, gt=0, max_digits=16, decimal_places=2)
    contract_signed_on: Date | None = None
    allows_subcontract: StrictBool = False
    contract_document_id: StrictId | None = Field(
        None, description="已上传的合同文件（类别 contract）"
    )


@router.post(
    "/{project_id}/participants",
    response=responses(ParticipantOut, 201),
    summary="登记参建单位及合同（R-PRJ-03；同一单位同一角色再次提交为更新）",
)
def add_participant(request: HttpRequest, project_id: Id, payload: ParticipantIn):  # type: ignore[no-untyped-def]
    a = actor(request)
    p = _project(request, project_id)
    org = Organisation.objects.filter(
        pk=payload.organisation_id,
        path__startswith=(p.owner or p.industry_authority or Organisation()).district_path or "-",
    ).first()
    if org is None:
        raise ValidationFailed("单位不存在", field="organisation_id")
    fields = payload.dict(exclude={"organisation_id", "role", "contract_document_id"})
    fields = {k: v for k, v in fields.items() if v not in (None, "")}

    def run() -> dict:
        part = services.add_participant(
            actor=a,
            project=p,
            organisation=org,
            role=payload.role,
            contract_document=_doc(p, payload.contract_document_id, "contract_document_id"),
            **fields,
        )
        part.refresh_from_db()
        return _dump(ParticipantOut, part)

    return write_once(request, f"projects.participant.{p.pk}", payload.dict(), run, status=201)


class AssignmentOut(Schema):
    id: int
    project_id: int
    participant_id: int
    person_id: int
    person_name: str
    organisation_name: str
    position: str
    position_label: str
    certificate_id: int | None
    certificate: str
    must_check_in: bool
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str

    @staticmethod
    def resolve_person_name(obj: KeyPersonAssignment) -> str:
        return obj.person.name

    @staticmethod
    def resolve_organisation_name(obj: KeyPersonAssignment) -> str:
        return obj.participant.organisation.name

    @staticmethod
    def resolve_position_label(obj: KeyPersonAssignment) -> str:
        return obj.get_position_display()

    @staticmethod
    def resolve_certificate(obj: KeyPersonAssignment) -> str:
        c = obj.certificate
        return f"{c.get_kind_display()} {c.number}" if c else ""


@router.get(
    "/{project_id}/assignments", response=responses(list[AssignmentOut]), summary="关键岗位人员"
)
def list_assignments(request: HttpRequest, project_id: Id) -> list:
    p = _project(request, project_id)
    return list(
        p.assignments.select_related("person", "participant__organisation", "certificate").order_by(
            "ended_on", "position", "id"
        )
    )


class AssignmentIn(StrictIn):
    participant_id: StrictId
    person_id: StrictId
    position: Position
    started_on: Date
    certificate_id: StrictId | None = None
    must_check_in: StrictBool | None = None


@router.post(
    "/{project_id}/assignments",
    response=responses(AssignmentOut, 201),
    summary="配备关键岗位人员（R-ORG-05；受 R-CHG-04 限制）",
)
def create_assignment(request: HttpRequest, project_id: Id, payload: AssignmentIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    part = p.participants.filter(pk=payload.participant_id).first()
    if part is None:
        raise ValidationFailed("参建单位不存在", field="participant_id")
    person = Person.objects.filter(
        pk=payload.person_id, organisation_id=part.organisation_id
    ).first()
    if person is None:
        raise ValidationFailed("人员不属于该参建单位", field="person_id")
    cert = None
    if payload.certificate_id is not None:
        cert = Qualification.objects.filter(pk=payload.certificate_id, person=person).first()
        if cert is None:
            raise ValidationFailed("该证书不属于所选人员", field="certificate_id")
    return write_once(
        request,
        f"projects.assignment.{p.pk}",
        payload.dict(),
        lambda: _dump(
            AssignmentOut,
            services.assign_key_person(
                actor=actor(request),
                participant=part,
                person=person,
                position=payload.position,
                started_on=payload.started_on,
                certificate=cert,
                must_check_in=payload.must_check_in,
            ),
        ),
        status=201,
    )


class AssignmentPatch(StrictIn):
    must_check_in: StrictBool


@router.patch(
    "/assignments/{assignment_id}",
    response=responses(AssignmentOut),
    summary="设置是否考勤（R-ATT-01、R-PRJ-09）",
)
def patch_assignment(request: HttpRequest, assignment_id: Id, payload: AssignmentPatch):  # type: ignore[no-untyped-def]
    a = _child(request, KeyPersonAssignment, assignment_id)
    return write_once(
        request,
        f"projects.duty.{a.pk}",
        payload.dict(),
        lambda: _dump(
            AssignmentOut,
            services.set_checkin_duty(
                actor=actor(request), assignment=a, must_check_in=payload.must_check_in
            ),
        ),
    )


class EndIn(StrictIn):
    ended_on: Date
    reason: str = Field(..., min_length=1, max_length=200)


@router.post(
    "/assignments/{assignment_id}/end",
    response=responses(AssignmentOut),
    summary="关键岗位人员离岗",
)
def end_assignment(request: HttpRequest, assignment_id: Id, payload: EndIn):  # type: ignore[no-untyped-def]
    a = _child(request, KeyPersonAssignment, assignment_id)
    return write_once(
        request,
        f"projects.end.{a.pk}",
        payload.dict(),
        lambda: _dump(
            AssignmentOut,
            services.end_assignment(
                actor=actor(request), assignment=a, ended_on=payload.ended_on, reason=payload.reason
            ),
        ),
    )


class StageOut(Schema):
    id: int
    project_id: int
    position: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    set_by_name: str


@router.get(
    "/{project_id}/checkin-stages",
    response=responses(list[StageOut]),
    summary="考勤阶段（R-ATT-01）",
)
def list_stages(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).checkin_stages.all())


class StageIn(StrictIn):
    position: Literal["technical_lead", "specialist_engineer"]
    name: str = Field(..., min_length=1, max_length=60)
    starts_on: Date
    ends_on: Date


@router.post(
    "/{project_id}/checkin-stages",
    response=responses(StageOut, 201),
    summary="设置技术负责人、专业监理工程师的考勤阶段（建设单位）",
)
def create_stage(request: HttpRequest, project_id: Id, payload: StageIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.stage.{p.pk}",
        payload.dict(),
        lambda: _dump(
            StageOut, services.set_checkin_stage(actor=actor(request), project=p, **payload.dict())
        ),
        status=201,
    )


@router.delete(
    "/checkin-stages/{stage_id}", response=responses(None, 204), summary="删除尚未开始的考勤阶段"
)
def delete_stage(request: HttpRequest, stage_id: Id):  # type: ignore[no-untyped-def]
    stage = _child(request, CheckinStage, stage_id)
    services.remove_checkin_stage(actor=actor(request), stage=stage)
    return HttpResponse(status=204)


class DutyQuery(Schema):
    on: Date | None = None


class DutyOut(Schema):
    project_id: int
    on: dt.date
    construction_day: bool
    suspended: bool
    assignments: list[AssignmentOut]


@router.get(
    "/{project_id}/checkin-duty",
    response=responses(DutyOut),
    summary="某日须考勤的关键岗位人员（R-ATT-01、R-PRJ-07、R-PRJ-09）",
)
def checkin_duty(request: HttpRequest, project_id: Id, q: Query[DutyQuery]) -> dict:
    p = _project(request, project_id)
    on = q.on or clock.today()
    return {
        "project_id": p.pk,
        "on": on,
        "construction_day": selectors.is_construction_day(p, on),
        "suspended": selectors.is_suspended_on(p, on),
        "assignments": selectors.assignments_due_on(p, on),
    }


# --- interviews, abnormal events, subcontracts -------------------------------------------------


class InterviewOut(Schema):
    id: int
    project_id: int
    held_on: dt.date
    location: str
    attendees: list[dict]
    topics: list[str]
    notes: str
    record_document: DocumentOut
    recorded_by_name: str
    recorded_by_org: str


@router.get(
    "/{project_id}/interviews", response=responses(list[InterviewOut]), summary="标后约谈记录"
)
def list_interviews(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).interviews.select_related("record_document"))


class AttendeeIn(StrictIn):
    organisation_id: StrictId
    name: str = Field(..., min_length=1, max_length=50)
    title: str = Field("", max_length=60)


class InterviewIn(StrictIn):
    held_on: Date
    location: str = Field("", max_length=200)
    topics: list[InterviewTopic]
    attendees: list[AttendeeIn]
    notes: str = Field("", max_length=4000)
    record_document_id: StrictId = Field(
        ..., description="已上传的签字记录（类别 interview_record）"
    )


@router.post(
    "/{project_id}/interviews",
    response=responses(InterviewOut, 201),
    summary="登记标后约谈（履约提醒，R-PRJ-11）",
)
def create_interview(request: HttpRequest, project_id: Id, payload: InterviewIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.interview.{p.pk}",
        payload.dict(),
        lambda: _dump(
            InterviewOut,
            services.record_interview(
                actor=actor(request),
                project=p,
                held_on=payload.held_on,
                attendees=[att.dict() for att in payload.attendees],
                topics=[str(t) for t in payload.topics],
                location=payload.location,
                notes=payload.notes,
                document=_doc(p, payload.record_document_id, "record_document_id"),
            ),
        ),
        status=201,
    )


class AbnormalOut(Schema):
    id: int
    project_id: int
    kind: str
    kind_label: str
    occurred_on: dt.date
    party_name: str
    reason: str
    state: str
    state_label: str
    recorded_by_name: str
    recorded_by_org: str
    reviewed_by_name: str
    review_note: str
    filing_document: DocumentOut | None

    @staticmethod
    def resolve_kind_label(obj: AbnormalAwardEvent) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_state_label(obj: AbnormalAwardEvent) -> str:
        return obj.get_state_display()


@router.get(
    "/{project_id}/abnormal-events",
    response=responses(list[AbnormalOut]),
    summary="标后异常事件（R-PRJ-12）",
)
def list_abnormal(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).abnormal_events.select_related("filing_document"))


class AbnormalIn(StrictIn):
    kind: AbnormalAwardKind
    occurred_on: Date
    party_name: str = Field("", max_length=200)
    reason: str = Field(..., min_length=4, max_length=2000)
    filing_document_id: StrictId | None = Field(
        None, description="已上传的报备材料（类别 abnormal_filing，可选）"
    )


@router.post(
    "/{project_id}/abnormal-events",
    response=responses(AbnormalOut, 201),
    summary="登记弃标、取消采购、拖延签约等异常事件（R-PRJ-12）",
)
def create_abnormal(request: HttpRequest, project_id: Id, payload: AbnormalIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    data = payload.dict(exclude={"filing_document_id"})
    return write_once(
        request,
        f"projects.abnormal.{p.pk}",
        payload.dict(),
        lambda: _dump(
            AbnormalOut,
            services.record_abnormal_event(
                actor=actor(request),
                project=p,
                document=_doc(p, payload.filing_document_id, "filing_document_id"),
                **data,
            ),
        ),
        status=201,
    )


class ReviewIn(StrictIn):
    valid_reason: StrictBool
    note: str = Field("", max_length=2000)


@router.post(
    "/abnormal-events/{event_id}/review",
    response=responses(AbnormalOut),
    summary="审查异常事件：理由正当则备案，否则移交查处（行业主管部门）",
)
def review_abnormal(request: HttpRequest, event_id: Id, payload: ReviewIn):  # type: ignore[no-untyped-def]
    """An alias of the ``file`` or ``flag`` step (``steps_checks.py``)."""
    step = project_checks.FILE if payload.valid_reason else project_checks.FLAG
    e = _child(request, AbnormalAwardEvent, event_id)
    return _take(request, e, step, {"note": payload.note}, "abnormal_review")


class SubcontractOut(Schema):
    id: int
    project_id: int
    participant_id: int
    subcontractor_name: str
    subcontractor_uscc: str
    scope: str
    amount: Decimal | None
    signed_on: dt.date
    document: DocumentOut
    registered_by_name: str


@router.get(
    "/{project_id}/subcontracts", response=responses(list[SubcontractOut]), summary="分包合同"
)
def list_subcontracts(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).subcontracts.select_related("document"))


class SubcontractIn(StrictIn):
    participant_id: StrictId
    subcontractor_name: str = Field(..., min_length=1, max_length=200)
    subcontractor_uscc: str = Field(..., min_length=18, max_length=18)
    scope: str = Field(..., min_length=4, max_length=2000)
    amount: Decimal | None = Field(None, gt=0, max_digits=16, decimal_places=2)
    signed_on: Date
    document_id: StrictId = Field(..., description="已上传的分包合同（类别 subcontract）")


@router.post(
    "/{project_id}/subcontracts",
    response=responses(SubcontractOut, 201),
    summary="登记分包（施工单位，合同允许分包时，R-PRJ-08）",
)
def create_subcontract(request: HttpRequest, project_id: Id, payload: SubcontractIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    part = p.participants.filter(pk=payload.participant_id).first()
    if part is None:
        raise ValidationFailed("参建单位不存在", field="participant_id")
    data = payload.dict(exclude={"participant_id", "document_id"})
    return write_once(
        request,
        f"projects.subcontract.{p.pk}",
        payload.dict(),
        lambda: _dump(
            SubcontractOut,
            services.register_subcontract(
                actor=actor(request),
                participant=part,
                document=_doc(p, payload.document_id, "document_id"),
                **data,
            ),
        ),
        status=201,
    )


# --- coverage and data completion (R-PRJ-05) -------------------------------------------------------


class CoverageIn(StrictIn):
    note: str = Field(..., min_length=4, max_length=300)


@router.post(
    "/{project_id}/coverage",
    response=responses(ProjectOut),
    summary="认定项目未纳入平台监管（R-PRJ-05）",
)
def mark_uncovered(request: HttpRequest, project_id: Id, payload: CoverageIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.uncovered.{p.pk}",
        payload.dict(),
        lambda: _dump(
            ProjectOut, services.mark_uncovered(actor=actor(request), project=p, note=payload.note)
        ),
    )


class CompletionOut(Schema):
    id: int
    project_id: int
    state: str
    state_label: str
    reason: str
    application_document: DocumentOut
    submitted_at: dt.datetime
    submitted_by_name: str
    decided_at: dt.datetime | None
    decided_by_name: str
    decided_by_org: str
    decision_note: str
    backfilled_at: dt.datetime | None

    @staticmethod
    def resolve_state_label(obj: DataCompletionApplication) -> str:
        return obj.get_state_display()


@router.get(
    "/{project_id}/data-completions",
    response=responses(list[CompletionOut]),
    summary="资料补全申请",
)
def list_completions(request: HttpRequest, project_id: Id) -> list:
    return list(
        _project(request, project_id).data_completions.select_related("application_document")
    )


class CompletionIn(StrictIn):
    reason: str = Field(..., min_length=4, max_length=2000)
    application_document_id: StrictId = Field(
        ..., description="已上传的项目资料补全申请书（类别 data_completion）"
    )


@router.post(
    "/{project_id}/data-completions",
    response=responses(CompletionOut, 201),
    summary="提交项目资料补全申请书（建设单位，R-PRJ-05）",
)
def create_completion(request: HttpRequest, project_id: Id, payload: CompletionIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.completion.{p.pk}",
        payload.dict(),
        lambda: _dump(
            CompletionOut,
            services.apply_data_completion(
                actor=actor(request),
                project=p,
                reason=payload.reason,
                document=_doc(p, payload.application_document_id, "application_document_id"),
            ),
        ),
        status=201,
    )


class DecideIn(StrictIn):
    approve: StrictBool
    note: str = Field("", max_length=300)


@router.post(
    "/data-completions/{application_id}/decide",
    response=responses(CompletionOut),
    summary="审批资料补全申请（主管单位）",
)
def decide_completion(request: HttpRequest, application_id: Id, payload: DecideIn):  # type: ignore[no-untyped-def]
    """An alias of the ``approve`` or ``reject`` step (``steps_checks.py``)."""
    step = project_checks.APPROVE if payload.approve else project_checks.REFUSE
    app = _child(request, DataCompletionApplication, application_id)
    return _take(request, app, step, {"note": payload.note}, "completion_decide")


@router.post(
    "/data-completions/{application_id}/backfilled",
    response=responses(CompletionOut),
    summary="确认资料已补全（建设单位）",
)
def confirm_backfill(request: HttpRequest, application_id: Id):  # type: ignore[no-untyped-def]
    """An alias of the ``confirm_backfill`` step (``steps_checks.py``)."""
    app = _child(request, DataCompletionApplication, application_id)
    return _take(request, app, project_checks.CONFIRM_BACKFILL, {}, "backfilled")


class BackfillDatesIn(StrictIn):
    actual_start: Date
    actual_completion: Date | None = None


@router.put(
    "/{project_id}/backfill-dates",
    response=responses(ProjectOut),
    summary="补录开工、完工日期（未纳入监管的项目，补全申请获批后）",
)
def backfill_dates(request: HttpRequest, project_id: Id, payload: BackfillDatesIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    return write_once(
        request,
        f"projects.backfill_dates.{p.pk}",
        payload.dict(),
        lambda: _dump(
            ProjectOut, services.backfill_dates(actor=actor(request), project=p, **payload.dict())
        ),
    )


steps.mount_api(router, project_checks.ABNORMAL_WF, "event_id", prefix="/abnormal-events")
steps.mount_api(router, project_checks.COMPLETION_WF, "application_id", prefix="/data-completions")
