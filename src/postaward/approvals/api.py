"""API of the approval processes (``/api/v1/approvals``): every step a user can
take on the approval pages, through the same services.

- engineering changes and hidden works (raise, read, act on a step, photos);
- personnel changes (initiate with the required documents, agree, review or
  file, the owner's approval form and penalty);
- supervision logs, rectification notices (issue, reply with evidence, review,
  refusal and its handling, the owner's interview), the owner's inspections
  and the evaluation of the contractor;
- completion acceptance (initiate, supervisor review, return as not ready,
  conclusion with opinions and documents), the extension of super-large works,
  village self-acceptance and township re-acceptance, use before acceptance;
- the settlement clock and the submission for audit; the deadlines of every
  process; the supervision office's settings; the documents and photos.

Reads start from the actor's scope (out of scope answers 404); writes call one
service (a refused role 403, a wrong state 409, a rule 422 with its basis) and
accept an ``Idempotency-Key``. Routes that take files accept either JSON with
the files as ``{filename, content_base64}`` or multipart/form-data with the same
field names (ADR 0303)."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictBool

from postaward.core import deadlines, files, steps
from postaward.core.api_base import (
    LimitOffset,
    StrictIn,
    actor,
    responses,
)
from postaward.core.bodies import FILES_NOTE, FileIn, body_doc, parse_body, write_once
from postaward.core.errors import ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, Id, Int64, StrictId, StrictInt64
from postaward.orgs.models import Person, Qualification
from postaward.projects import services as project_services
from postaward.projects import workflows as project_workflows
from postaward.projects.choices import ParticipantRole, ProjectStatus
from postaward.projects.models import KeyPersonAssignment, Participant, Project

from . import selectors, services, workflows
from . import steps as acceptance_steps
from . import steps_works as works
from .choices import AcceptanceKind, PersonnelRoute
from .models import (
    AcceptanceExtension,
    AcceptanceRequest,
    ApprovalDocument,
    ApprovalPolicy,
    ContractorEvaluation,
    EngineeringChange,
    HiddenWork,
    HiddenWorkPhoto,
    Inspection,
    PersonnelChange,
    SupervisionLog,
)

router = Router(tags=["流程审批"])


# --- writes, files and the shared parts of every answer ---------------------------------------------


def _write(
    request: HttpRequest, scope: str, payload: Any, fn: Any, status: int = 200
) -> HttpResponse:
    def run() -> Any:
        try:
            return fn()
        except ValidationFailed as exc:
            _as_named_in_the_body(exc, payload)
            raise

    return write_once(request, scope, payload, run, status=status)


def _as_named_in_the_body(exc: ValidationFailed, payload: Any) -> None:
    """The services (shared with the pages) call the step's text ``note``; the
    API's bodies call it ``opinion``: an error names the field the client sent."""
    if not isinstance(payload, dict) or "opinion" not in payload or "note" in payload:
        return
    if exc.field == "note":
        exc.field = "opinion"
    for err in exc.errors:
        if err.get("field") == "note":
            err["field"] = "opinion"


def _dump(schema: type[Schema], obj: Any, request: HttpRequest) -> dict[str, Any]:
    """An answer serialised by its schema (resolvers see the request)."""
    return schema.model_validate(obj, context={"request": request}).model_dump(mode="json")


class DeadlineOut(Schema):
    id: int
    kind: str
    label: str
    requirement: str
    subject_type: str
    subject_id: str
    project_id: int | None
    start: dt.date
    length: int
    unit: str
    unit_label: str
    due_at: dt.datetime
    end_text: str
    roll_note: str = Field("", description="期限届满日逢休息日顺延的说明（无顺延时为空）")
    basis: str
    period: str
    state: str
    state_label: str
    overdue: bool
    paused: bool


def _deadline(d: Any) -> dict[str, Any]:
    s = deadlines.show(d)
    return {
        "id": d.pk,
        "kind": d.kind,
        "label": s.label,
        "requirement": s.requirement,
        "subject_type": d.subject_type,
        "subject_id": d.subject_id,
        "project_id": d.project_id,
        "start": s.start,
        "length": d.length,
        "unit": d.unit,
        "unit_label": s.unit_label,
        "due_at": d.due_at,
        "end_text": s.end_text,
        "roll_note": s.roll_note,
        "basis": d.basis,
        "period": s.period,
        "state": d.state,
        "state_label": s.state_label,
        "overdue": s.overdue,
        "paused": s.paused,
    }


def _deadlines_of(obj: Any, rows: list[Any] | None = None) -> list[dict[str, Any]]:
    return [_deadline(d) for d in (deadlines.deadlines_of(obj) if rows is None else rows)]


def _deadlines_by_subject(objs: list[Any]) -> dict[str, list[Any]]:
    """The deadlines of every object of a list in one query (a list answers in a
    bounded number of queries: core/tests/test_query_bounds.py)."""
    from postaward.core.models import Deadline

    out: dict[str, list[Any]] = {str(o.pk): [] for o in objs}
    if objs:
        for d in Deadline.objects.filter(
            subject_type=objs[0]._meta.label_lower, subject_id__in=list(out)
        ).order_by("started_at", "pk"):
            out[d.subject_id].append(d)
    return out


class StepOut(Schema):
    """One step taken in a process: who, when, for which unit, with what opinion."""

    action: str
    label: str
    opinion: str
    at: dt.datetime
    actor_name: str
    organisation_name: str


class ApprovalDocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by_name: str
    organisation_name: str
    url: str = Field(..., description="下载地址（按数据权限）")


def _steps(obj: Any) -> list[dict[str, Any]]:
    return [StepOut.from_orm(s).model_dump(mode="json") for s in services.steps_of(obj)]


def _documents(obj: Any) -> list[dict[str, Any]]:
    return [
        ApprovalDocumentOut(
            id=d.pk,
            kind=d.kind,
            kind_label=d.get_kind_display(),
            title=d.title,
            original_name=d.original_name,
            content_type=d.content_type,
            size=d.size,
            sha256=d.sha256,
            uploaded_at=d.uploaded_at,
            uploaded_by_name=d.uploaded_by_name,
            organisation_name=d.organisation_name,
            url=f"/api/v1/approvals/documents/{d.pk}",
        ).model_dump(mode="json")
        for d in services.documents_of(obj)
    ]


Allowed = Callable[[Any, Any], bool]


def _transition(name: str) -> Allowed:
    return lambda obj, a: workflows.can(obj, name, a)


def _actions(obj: Any, a: Any, table: dict[str, Allowed]) -> list[str]:
    """The steps this account may take now (by role and state; periods and other
    rules are checked when the step is submitted)."""
    return [name for name, allowed in table.items() if allowed(obj, a)]


def _request_actor(context: Any) -> Any:
    return actor(context["request"])


ACTIONS_DOC = "当前账号现在可办理的环节（按角色和状态；期限等规则在提交时核验）"


# --- engineering changes (R-CHG-01, 02, 05) ----------------------------------------------------------


class ChangeOut(Schema):
    id: int
    number: str
    project_id: int
    participant_id: int
    category: str
    title: str
    reason: str
    scope: str
    cost_delta: Decimal
    days_delta: int
    work_date: dt.date
    is_major: bool
    state: str
    state_label: str
    raised_at: dt.datetime
    approved_at: dt.datetime | None
    after_the_fact: bool
    hidden_work_ids: list[int]
    deadlines: list[DeadlineOut]


class ChangeDetailOut(ChangeOut):
    hidden_exception_reason: str
    raised_by_name: str
    raised_by_org: str
    decision_note: str
    steps: list[StepOut]
    documents: list[ApprovalDocumentOut]
    actions: list[str] = Field(..., description=ACTIONS_DOC)


def _change(c: EngineeringChange, deadline_rows: list[Any] | None = None) -> dict[str, Any]:
    data = {
        "id": c.pk,
        "number": c.number,
        "project_id": c.project_id,
        "participant_id": c.participant_id,
        "category": c.category,
        "title": c.title,
        "reason": c.reason,
        "scope": c.scope,
        "cost_delta": c.cost_delta,
        "days_delta": c.days_delta,
        "work_date": c.work_date,
        "is_major": c.is_major,
        "state": c.state,
        "state_label": c.get_state_display(),
        "raised_at": c.raised_at,
        "approved_at": c.approved_at,
        "after_the_fact": c.after_the_fact,
        "hidden_work_ids": [w.pk for w in c.hidden_works.all()],
        "deadlines": _deadlines_of(c, deadline_rows),
    }
    return ChangeOut(**data).model_dump(mode="json")


CHANGE_STEPS: dict[str, Allowed] = {
    "review": _transition("review_by_supervisor"),
    "approve": _transition("approve_by_owner"),
    "approve-drc": _transition("approve_by_drc"),
    "reject": _transition("reject"),
    "withdraw": _transition("withdraw"),
}


def _change_detail(c: EngineeringChange, a: Any) -> dict[str, Any]:
    data = {
        **_change(c),
        "hidden_exception_reason": c.hidden_exception_reason,
        "raised_by_name": c.raised_by_name,
        "raised_by_org": c.raised_by_org,
        "decision_note": c.decision_note,
        "steps": _steps(c),
        "documents": _documents(c),
        "actions": _actions(c, a, CHANGE_STEPS),
    }
    return ChangeDetailOut(**data).model_dump(mode="json")


class ChangeIn(StrictIn):
    project_id: StrictId
    participant_id: StrictId
    category: Literal["design", "site_instruction", "material", "cost", "other"]
    title: str = Field(..., max_length=200)
    reason: str = Field(..., max_length=4000)
    scope: str = Field(..., max_length=4000)
    cost_delta: Decimal = Field(..., max_digits=16, decimal_places=2)
    days_delta: StrictInt64
    work_date: Date
    declared_major: StrictBool = False
    hidden_work_ids: list[StrictId] = []
    hidden_exception_reason: str = Field("", max_length=2000)
    documents: list[FileIn] = Field([], description="变更依据（图纸、签证单等，可选）")


class StepIn(StrictIn):
    opinion: str = Field("", max_length=2000)


class ChangeQuery(Schema):
    project: Int64 | None = None
    state: str = ""


@router.get("/changes", response=responses(list[ChangeOut]), summary="工程变更（按数据权限）")
@paginate(LimitOffset)
def list_changes(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    rows = list(selectors.changes(actor(request), q.dict()).prefetch_related("hidden_works")[:500])
    by_subject = _deadlines_by_subject(rows)
    return [_change(c, by_subject[str(c.pk)]) for c in rows]


@router.post(
    "/changes",
    response=responses(ChangeDetailOut, 201),
    summary="发起工程变更（R-CHG-01）",
    description=FILES_NOTE,
    openapi_extra=body_doc(ChangeIn),
)
def create_change(request: HttpRequest) -> HttpResponse:
    a = actor(request)
    body = parse_body(request, ChangeIn)
    payload: ChangeIn = body.data
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)
    participant = Participant.objects.filter(pk=payload.participant_id, project=project).first()
    if participant is None:
        raise ValidationFailed("所选合同不属于该项目", field="participant_id")
    works = list(HiddenWork.objects.filter(project=project, pk__in=payload.hidden_work_ids))
    if len(works) != len(set(payload.hidden_work_ids)):
        raise ValidationFailed("所选隐蔽工程不属于该项目", field="hidden_work_ids")

    def fn() -> dict[str, Any]:
        c = services.raise_change(
            actor=a,
            project=project,
            participant=participant,
            category=payload.category,
            title=payload.title,
            reason=payload.reason,
            scope=payload.scope,
            cost_delta=payload.cost_delta,
            days_delta=payload.days_delta,
            work_date=payload.work_date,
            declared_major=payload.declared_major,
            hidden_works=works,
            hidden_exception_reason=payload.hidden_exception_reason,
            uploads=body.files["documents"],
        )
        return _change_detail(c, a)

    return _write(request, f"approvals.change.{project.pk}", body.fingerprint, fn, status=201)


@router.get(
    "/changes/{change_id}",
    response=responses(ChangeDetailOut),
    summary="工程变更详情（含环节记录、资料和当前可办理的环节）",
)
def get_change(request: HttpRequest, change_id: Id) -> dict:
    a = actor(request)
    return _change_detail(get_visible_or_404(EngineeringChange.objects, a, pk=change_id), a)


CHANGE_ACTIONS = {
    "review": services.review_change,
    "approve": services.approve_change,
    "approve-drc": services.approve_change_by_drc,
}


@router.post(
    "/changes/{change_id}/{action}",
    response=responses(ChangeDetailOut),
    summary="工程变更环节：review（监理审核）、approve（建设单位审批）、approve-drc（发改批准）、reject（不通过，须填意见）、withdraw（撤回）",
)
def act_on_change(
    request: HttpRequest,
    change_id: Id,
    action: Literal["review", "approve", "approve-drc", "reject", "withdraw"],
    payload: StepIn,
) -> HttpResponse:
    a = actor(request)
    c = get_visible_or_404(EngineeringChange.objects.select_related("project"), a, pk=change_id)

    def fn() -> dict[str, Any]:
        if action == "reject":
            services.reject_change(actor=a, change=c, note=payload.opinion)
        elif action == "withdraw":
            services.withdraw_change(actor=a, change=c)
        else:
            CHANGE_ACTIONS[action](actor=a, change=c, opinion=payload.opinion)
        c.refresh_from_db()
        return _change_detail(c, a)

    return _write(request, f"approvals.change.{c.pk}.{action}", payload.dict(), fn)


class HistoryRowOut(Schema):
    change_id: int
    number: str
    title: str
    cost_delta: Decimal
    days_delta: int
    approved_at: dt.datetime | None
    after_the_fact: bool
    cumulative_cost: Decimal
    cumulative_days: int
    ratio: float | None


class ContractHistoryOut(Schema):
    participant_id: int
    project_id: int
    organisation_name: str
    contract_amount: Decimal | None
    count: int
    cumulative_cost: Decimal
    cumulative_days: int
    ratio: float | None = Field(..., description="累计变更金额占合同金额的比例")
    third_change: bool = Field(..., description="已批准变更达到3次（预警）")
    price_with_extension_ids: list[int] = Field(..., description="既增加费用又延长工期的变更")
    after_the_fact_ids: list[int]
    rows: list[HistoryRowOut]
    pending_ids: list[int]


@router.get(
    "/contracts/{participant_id}/change-history",
    response=responses(ContractHistoryOut),
    summary="一份合同的变更台账：累计金额和工期、第3次变更、增价又延期（R-CHG-02）",
)
def contract_change_history(request: HttpRequest, participant_id: Id) -> dict:
    pt = get_visible_or_404(
        Participant.objects.select_related("project", "organisation"),
        actor(request),
        pk=participant_id,
    )
    h = services.contract_history(pt)
    return {
        "participant_id": pt.pk,
        "project_id": pt.project_id,
        "organisation_name": pt.organisation.name if pt.organisation else "",
        "contract_amount": pt.contract_amount,
        "count": h["count"],
        "cumulative_cost": h["cumulative_cost"],
        "cumulative_days": h["cumulative_days"],
        "ratio": h["ratio"],
        "third_change": h["third_change"],
        "price_with_extension_ids": [c.pk for c in h["price_with_extension"]],
        "after_the_fact_ids": [c.pk for c in h["after_the_fact"]],
        "rows": [
            {
                "change_id": r.change.pk,
                "number": r.change.number,
                "title": r.change.title,
                "cost_delta": r.change.cost_delta,
                "days_delta": r.change.days_delta,
                "approved_at": r.change.approved_at,
                "after_the_fact": r.change.after_the_fact,
                "cumulative_cost": r.cumulative_cost,
                "cumulative_days": r.cumulative_days,
                "ratio": r.ratio,
            }
            for r in h["rows"]
        ],
        "pending_ids": [c.pk for c in h["pending"]],
    }


# --- deadlines ---------------------------------------------------------------------------------------


class DeadlineQuery(Schema):
    project: Int64 | None = None
    state: str = ""
    kind: str = ""


@router.get(
    "/deadlines",
    response=responses(list[DeadlineOut]),
    summary="流程审批的办理期限（起算、长度、单位、届满、依据）",
)
@paginate(LimitOffset)
def list_deadlines(request: HttpRequest, q: Query[DeadlineQuery]) -> list:  # type: ignore[type-arg]
    return [_deadline(d) for d in selectors.deadline_rows(actor(request), q.dict())[:1000]]


# --- personnel changes (R-CHG-03, R-CHG-04) ---------------------------------------------------------


class PersonnelOut(Schema):
    id: int
    number: str
    project_id: int
    position: str
    outgoing_person_id: int
    replacement_person_id: int
    reason_kind: str
    route: str
    state: str
    state_label: str
    recovery_until: dt.date | None
    filed_at: dt.datetime | None
    completed_at: dt.datetime | None
    penalty_amount: Decimal | None


class PersonnelDetailOut(PersonnelOut):
    participant_id: int
    assignment_id: int
    position_label: str
    outgoing_name: str
    replacement_name: str
    replacement_certificate_id: int | None
    reason_kind_label: str
    reason: str
    route_label: str
    initiated_at: dt.datetime
    initiated_by_name: str
    initiated_by_org: str
    approved_at: dt.datetime | None
    approval_form_id: int | None
    penalty_note: str
    new_assignment_id: int | None
    decision_note: str
    steps: list[StepOut]
    documents: list[ApprovalDocumentOut]
    actions: list[str] = Field(..., description=ACTIONS_DOC)


def _personnel(pc: PersonnelChange) -> dict[str, Any]:
    return PersonnelOut(
        id=pc.pk,
        number=pc.number,
        project_id=pc.project_id,
        position=pc.position,
        outgoing_person_id=pc.outgoing_id,
        replacement_person_id=pc.replacement_id,
        reason_kind=pc.reason_kind,
        route=pc.route,
        state=pc.state,
        state_label=pc.get_state_display(),
        recovery_until=pc.recovery_until,
        filed_at=pc.filed_at,
        completed_at=pc.completed_at,
        penalty_amount=pc.penalty_amount,
    ).model_dump(mode="json")


PERSONNEL_STEPS: dict[str, Allowed] = {
    "agree": _transition("agree_by_owner"),
    "approve": lambda pc, a: workflows.can(
        pc,
        "approve_by_authority" if pc.route == PersonnelRoute.REVIEW else "agree_by_superior",
        a,
    ),
    "complete": _transition("complete"),
    "reject": _transition("reject"),
    "withdraw": _transition("withdraw"),
}


def _personnel_detail(pc: PersonnelChange, a: Any) -> dict[str, Any]:
    from postaward.projects.choices import Position

    data = {
        **_personnel(pc),
        "participant_id": pc.participant_id,
        "assignment_id": pc.assignment_id,
        "position_label": Position(pc.position).label
        if pc.position in Position.values
        else pc.position,
        "outgoing_name": pc.outgoing.name,
        "replacement_name": pc.replacement.name,
        "replacement_certificate_id": pc.replacement_certificate_id,
        "reason_kind_label": pc.get_reason_kind_display(),
        "reason": pc.reason,
        "route_label": pc.get_route_display(),
        "initiated_at": pc.initiated_at,
        "initiated_by_name": pc.initiated_by_name,
        "initiated_by_org": pc.initiated_by_org,
        "approved_at": pc.approved_at,
        "approval_form_id": pc.approval_form_id,
        "penalty_note": pc.penalty_note,
        "new_assignment_id": pc.new_assignment_id,
        "decision_note": pc.decision_note,
        "steps": _steps(pc),
        "documents": _documents(pc),
        "actions": _actions(pc, a, PERSONNEL_STEPS),
    }
    return PersonnelDetailOut(**data).model_dump(mode="json")


def _personnel_change(request: HttpRequest, pk: int) -> PersonnelChange:
    return get_visible_or_404(
        PersonnelChange.objects.select_related("project", "participant", "outgoing", "replacement"),
        actor(request),
        pk=pk,
    )


@router.get("/personnel", response=responses(list[PersonnelOut]), summary="人员变更（按数据权限）")
@paginate(LimitOffset)
def list_personnel(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    return [_personnel(pc) for pc in selectors.personnel_changes(actor(request), q.dict())[:500]]


class PersonnelIn(StrictIn):
    assignment_id: StrictId = Field(..., description="被变更人员的岗位（项目关键人员任职记录）")
    replacement_id: StrictId = Field(..., description="替换人员（本单位人员）")
    replacement_certificate_id: StrictId | None = Field(
        None, description="替换人员用于该岗位的执业资格证书（可选）"
    )
    reason_kind: Literal["illness", "resignation", "transfer", "other"]
    reason: str = Field(..., max_length=4000)
    recovery_until: Date | None = Field(None, description="因病变更：治疗恢复期至")
    hospital_certificate: FileIn | None = Field(None, description="因病变更：区级医院证明")
    qualification_document: FileIn | None = Field(None, description="替换人员资格资历证明")
    social_insurance: FileIn | None = Field(None, description="替换人员近3个月社保缴纳证明")


@router.post(
    "/personnel",
    response=responses(PersonnelDetailOut, 201),
    summary="发起人员变更（变更单位总管或负责人；须附资格资历证明、近3个月社保，因病须附区级医院证明，R-CHG-03）",
    description=FILES_NOTE,
    openapi_extra=body_doc(PersonnelIn),
)
def create_personnel_change(request: HttpRequest) -> HttpResponse:
    a = actor(request)
    body = parse_body(request, PersonnelIn)
    payload: PersonnelIn = body.data
    assignment = get_visible_or_404(
        KeyPersonAssignment.objects.select_related("project", "participant", "person"),
        a,
        pk=payload.assignment_id,
    )
    replacement = Person.objects.visible_to(a).filter(pk=payload.replacement_id).first()
    if replacement is None:
        raise ValidationFailed("替换人员不存在", field="replacement_id")
    certificate = None
    if payload.replacement_certificate_id is not None:
        certificate = Qualification.objects.filter(
            pk=payload.replacement_certificate_id, person=replacement
        ).first()
        if certificate is None:
            raise ValidationFailed("该证书不属于替换人员", field="replacement_certificate_id")

    def fn() -> dict[str, Any]:
        pc = services.initiate_personnel_change(
            actor=a,
            assignment=assignment,
            replacement=replacement,
            replacement_certificate=certificate,
            reason_kind=payload.reason_kind,
            reason=payload.reason,
            recovery_until=payload.recovery_until,
            hospital_certificate=body.files["hospital_certificate"],
            qualification_document=body.files["qualification_document"],
            social_insurance=body.files["social_insurance"],
        )
        return _personnel_detail(pc, a)

    return _write(request, f"approvals.personnel.{assignment.pk}", body.fingerprint, fn, status=201)


@router.get(
    "/personnel/{personnel_change_id}",
    response=responses(PersonnelDetailOut),
    summary="人员变更详情（资料、环节记录、当前可办理的环节）",
)
def get_personnel_change(request: HttpRequest, personnel_change_id: Id) -> dict:
    return _personnel_detail(_personnel_change(request, personnel_change_id), actor(request))


class CompletePersonnelIn(StrictIn):
    penalty_amount: Decimal = Field(
        ..., max_digits=16, decimal_places=2, description="依合同追究的违约金（元，可为 0）"
    )
    penalty_note: str = Field(
        "", max_length=2000, description="违约责任追究情况（违约金为 0 须说明）"
    )
    approval_form: FileIn | None = Field(None, description="人员变更审批表")


@router.post(
    "/personnel/{personnel_change_id}/complete",
    response=responses(PersonnelDetailOut),
    summary="建设单位上传人员变更审批表、登记违约责任并换岗（R-CHG-03；同时记录 R-CHG-04 限制）",
    description=FILES_NOTE,
    openapi_extra=body_doc(CompletePersonnelIn),
)
def complete_personnel_change(request: HttpRequest, personnel_change_id: Id) -> HttpResponse:
    a = actor(request)
    pc = _personnel_change(request, personnel_change_id)
    body = parse_body(request, CompletePersonnelIn)

    def fn() -> dict[str, Any]:
        services.complete_personnel_change(
            actor=a,
            change=pc,
            approval_form=body.files["approval_form"],
            penalty_amount=body.data.penalty_amount,
            penalty_note=body.data.penalty_note,
        )
        pc.refresh_from_db()
        return _personnel_detail(pc, a)

    return _write(request, f"approvals.personnel.{pc.pk}.complete", body.fingerprint, fn)


@router.post(
    "/personnel/{personnel_change_id}/{action}",
    response=responses(PersonnelDetailOut),
    summary="人员变更环节：agree（建设单位同意）、approve（行业主管部门审核，或主管单位同意并备案）、reject（不同意，须填意见）、withdraw（撤回）",
)
def act_on_personnel_change(
    request: HttpRequest,
    personnel_change_id: Id,
    action: Literal["agree", "approve", "reject", "withdraw"],
    payload: StepIn,
) -> HttpResponse:
    a = actor(request)
    pc = _personnel_change(request, personnel_change_id)

    def fn() -> dict[str, Any]:
        if action == "agree":
            services.agree_personnel_change(actor=a, change=pc, opinion=payload.opinion)
        elif action == "approve":
            services.approve_personnel_change(actor=a, change=pc, opinion=payload.opinion)
        elif action == "reject":
            services.reject_personnel_change(actor=a, change=pc, note=payload.opinion)
        else:
            services.withdraw_personnel_change(actor=a, change=pc)
        pc.refresh_from_db()
        return _personnel_detail(pc, a)

    return _write(request, f"approvals.personnel.{pc.pk}.{action}", payload.dict(), fn)


# --- supervision logs (R-SUP-01, R-SUP-03) ----------------------------------------------------------


class LogOut(Schema):
    id: int
    project_id: int
    log_date: dt.date
    state: str
    state_label: str
    weather: str
    progress: str
    issues: str
    recorded_at: dt.datetime | None
    recorded_by_name: str
    recorded_by_org: str
    late: bool = Field(..., description="当日 24:00 后补填")
    deadlines: list[DeadlineOut]

    @staticmethod
    def resolve_state_label(obj: SupervisionLog) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_deadlines(obj: SupervisionLog) -> list[dict[str, Any]]:
        return _deadlines_of(obj)


@router.get(
    "/logs",
    response=responses(list[LogOut]),
    summary="监理日志（按数据权限；每个施工日一条，当日 24:00 前填写）",
)
@paginate(LimitOffset)
def list_logs(request: HttpRequest, q: Query[ChangeQuery]):  # type: ignore[no-untyped-def]
    return selectors.logs(actor(request), q.dict())


class LogIn(StrictIn):
    project_id: StrictId
    log_date: Date
    weather: str = Field("", max_length=40)
    progress: str = Field(..., max_length=4000, description="施工进展")
    issues: str = Field("", max_length=4000, description="质量安全问题及处理")


@router.post(
    "/logs",
    response=responses(LogOut, 201),
    summary="填写监理日志（本项目监理单位，R-SUP-01）",
)
def create_log(request: HttpRequest, payload: LogIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        log = services.record_log(
            actor=a,
            project=project,
            log_date=payload.log_date,
            weather=payload.weather,
            progress=payload.progress,
            issues=payload.issues,
        )
        return _dump(LogOut, log, request)

    return _write(request, f"approvals.log.{project.pk}", payload.dict(), fn, status=201)


@router.get("/logs/{log_id}", response=responses(LogOut), summary="监理日志详情")
def get_log(request: HttpRequest, log_id: Id) -> SupervisionLog:
    return get_visible_or_404(SupervisionLog.objects, actor(request), pk=log_id)


# --- the contract a notice or an evaluation names -----------------------------------------------


def _contractor(project: Project, participant_id: int | None) -> Participant:
    """The named participant of the project, or its (first) contractor when none
    is named; the service checks that it is a contractor."""
    qs = project.participants.all()
    participant = (
        qs.filter(role=ParticipantRole.CONTRACTOR).order_by("id").first()
        if participant_id is None
        else qs.filter(pk=participant_id).first()
    )
    if participant is None:
        raise ValidationFailed("请选择本项目的施工单位", field="participant_id")
    return participant


# --- the owner's inspections and the evaluation of the contractor (R-SUP-04) -------------------------


class InspectionOut(Schema):
    id: int
    project_id: int
    inspected_on: dt.date
    inspectors: str
    aspects: list[str]
    aspect_labels: list[str]
    findings: str
    result: str
    result_label: str
    recorded_at: dt.datetime
    recorded_by_name: str
    recorded_by_org: str
    documents: list[ApprovalDocumentOut]

    @staticmethod
    def resolve_aspect_labels(obj: Inspection) -> list[str]:
        from .choices import InspectionAspect

        labels = dict(InspectionAspect.choices)
        return [str(labels.get(x, x)) for x in obj.aspects]

    @staticmethod
    def resolve_result_label(obj: Inspection) -> str:
        return obj.get_result_display()

    @staticmethod
    def resolve_documents(obj: Inspection) -> list[dict[str, Any]]:
        return _documents(obj)


@router.get(
    "/inspections",
    response=responses(list[InspectionOut]),
    summary="建设单位施工期间检查（按数据权限）",
)
@paginate(LimitOffset)
def list_inspections(request: HttpRequest, q: Query[ChangeQuery]):  # type: ignore[no-untyped-def]
    return selectors.inspections(actor(request), q.dict())


class InspectionIn(StrictIn):
    project_id: StrictId
    inspected_on: Date
    inspectors: str = Field(..., max_length=200, description="检查人员")
    aspects: list[Literal["quality", "safety", "progress", "civilised", "personnel"]] = Field(
        [], description="检查内容（至少一项）"
    )
    findings: str = Field(..., max_length=4000, description="检查情况")
    result: Literal["ok", "rectify"] = Field(..., description="ok 符合要求；rectify 责令整改")
    record: FileIn | None = Field(None, description="检查记录（可选）")


@router.post(
    "/inspections",
    response=responses(InspectionOut, 201),
    summary="登记施工期间检查（建设单位，R-SUP-04）",
    description=FILES_NOTE,
    openapi_extra=body_doc(InspectionIn),
)
def create_inspection(request: HttpRequest) -> HttpResponse:
    a = actor(request)
    body = parse_body(request, InspectionIn)
    payload: InspectionIn = body.data
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        ins = services.record_inspection(
            actor=a,
            project=project,
            inspected_on=payload.inspected_on,
            inspectors=payload.inspectors,
            aspects=list(payload.aspects),
            findings=payload.findings,
            result=payload.result,
            record=body.files["record"],
        )
        return _dump(InspectionOut, ins, request)

    return _write(request, f"approvals.inspection.{project.pk}", body.fingerprint, fn, status=201)


@router.get(
    "/inspections/{inspection_id}", response=responses(InspectionOut), summary="检查记录详情"
)
def get_inspection(request: HttpRequest, inspection_id: Id) -> Inspection:
    return get_visible_or_404(Inspection.objects, actor(request), pk=inspection_id)


class EvaluationOut(Schema):
    id: int
    project_id: int
    participant_id: int
    contractor_name: str
    construction_score: int
    management_score: int
    quality_score: int
    contract_score: int
    total: Decimal
    grade: str
    grade_label: str
    comment: str
    evaluated_at: dt.datetime
    evaluated_by_name: str
    evaluated_by_org: str

    @staticmethod
    def resolve_contractor_name(obj: ContractorEvaluation) -> str:
        org = obj.participant.organisation
        return org.name if org else ""

    @staticmethod
    def resolve_grade_label(obj: ContractorEvaluation) -> str:
        return obj.get_grade_display()


@router.get(
    "/evaluations",
    response=responses(list[EvaluationOut]),
    summary="施工单位综合评价（按数据权限）",
)
@paginate(LimitOffset)
def list_evaluations(request: HttpRequest, q: Query[ChangeQuery]):  # type: ignore[no-untyped-def]
    return selectors.evaluations(actor(request), q.dict())


class EvaluationIn(StrictIn):
    project_id: StrictId
    participant_id: StrictId | None = Field(
        None, description="被评价的施工单位（参建记录）；不填为本项目的施工单位"
    )
    construction_score: StrictInt64 = Field(..., description="施工组织（0-100）")
    management_score: StrictInt64 = Field(..., description="现场管理（0-100）")
    quality_score: StrictInt64 = Field(..., description="工程质量（0-100）")
    contract_score: StrictInt64 = Field(..., description="合同履约（0-100）")
    comment: str = Field(..., max_length=4000)


@router.post(
    "/evaluations",
    response=responses(EvaluationOut, 201),
    summary="完工后对施工单位作出综合评价（建设单位，R-SUP-04）",
)
def create_evaluation(request: HttpRequest, payload: EvaluationIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)
    participant = _contractor(project, payload.participant_id)

    def fn() -> dict[str, Any]:
        ev = services.evaluate_contractor(
            actor=a,
            project=project,
            participant=participant,
            construction_score=payload.construction_score,
            management_score=payload.management_score,
            quality_score=payload.quality_score,
            contract_score=payload.contract_score,
            comment=payload.comment,
        )
        return _dump(EvaluationOut, ev, request)

    return _write(request, f"approvals.evaluation.{project.pk}", payload.dict(), fn, status=201)


@router.get(
    "/evaluations/{evaluation_id}", response=responses(EvaluationOut), summary="综合评价详情"
)
def get_evaluation(request: HttpRequest, evaluation_id: Id) -> ContractorEvaluation:
    return get_visible_or_404(
        ContractorEvaluation.objects.select_related("participant__organisation"),
        actor(request),
        pk=evaluation_id,
    )


# --- completion acceptance (R-ACC-01..05) ------------------------------------------------------------


class AcceptanceOut(Schema):
    id: int
    number: str
    project_id: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    completed_on: dt.date
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    accepted_on: dt.date | None
    conclusion: str
    return_reason: str
    deadlines: list[DeadlineOut]


def _acceptance(r: Any) -> dict[str, Any]:
    data = {
        "id": r.pk,
        "number": r.number,
        "project_id": r.project_id,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "state": r.state,
        "state_label": r.get_state_display(),
        "completed_on": r.completed_on,
        "submitted_at": r.submitted_at,
        "received_at": r.received_at,
        "accepted_on": r.accepted_on,
        "conclusion": r.conclusion,
        "return_reason": r.return_reason,
        "deadlines": _deadlines_of(r),
    }
    return AcceptanceOut(**data).model_dump(mode="json")


class ExtensionOut(Schema):
    id: int
    project_id: int
    acceptance_id: int
    days: int
    reason: str
    state: str
    state_label: str
    applied_at: dt.datetime
    applied_by_name: str
    decided_at: dt.datetime | None
    steps: list[StepOut]
    documents: list[ApprovalDocumentOut]
    actions: list[str] = Field(..., description=ACTIONS_DOC)


def _extension_out(e: AcceptanceExtension, a: Any) -> dict[str, Any]:
    data = {
        "id": e.pk,
        "project_id": e.project_id,
        "acceptance_id": e.request_id,
        "days": e.days,
        "reason": e.reason,
        "state": e.state,
        "state_label": e.get_state_display(),
        "applied_at": e.applied_at,
        "applied_by_name": e.applied_by_name,
        "decided_at": e.decided_at,
        "steps": _steps(e),
        "documents": _documents(e),
        "actions": steps.allowed_names(e, a),
    }
    return ExtensionOut(**data).model_dump(mode="json")


class AcceptanceDetailOut(AcceptanceOut):
    participant_id: int | None
    description: str
    submitted_by_name: str
    submitted_by_org: str
    return_until: dt.date | None = Field(
        ..., description="建设单位可退回至该日 24:00（受理后3个自然日，R-ACC-03）"
    )
    returned_at: dt.datetime | None
    attendees: str
    villager_representatives: str = Field(
        ..., description="村级自验：参加验收的村民代表（R-ACC-05）"
    )
    supervisor_attendee: str = Field(..., description="村级自验：参加验收的监理人员（R-ACC-05）")
    rectification_opinions: str
    conclusion_document_id: int | None
    concluded_at: dt.datetime | None
    concluded_by_name: str
    decision_note: str
    extensions: list[ExtensionOut]
    steps: list[StepOut]
    documents: list[ApprovalDocumentOut]
    actions: list[str] = Field(..., description=ACTIONS_DOC)


def _acceptance_detail(request: HttpRequest, r: AcceptanceRequest) -> dict[str, Any]:
    a = actor(request)
    data = {
        **_acceptance(r),
        "participant_id": r.participant_id,
        "description": r.description,
        "submitted_by_name": r.submitted_by_name,
        "submitted_by_org": r.submitted_by_org,
        "return_until": services.return_window_end(r)
        if r.kind != AcceptanceKind.TOWNSHIP
        else None,
        "returned_at": r.returned_at,
        "attendees": r.attendees,
        "villager_representatives": r.villager_representatives,
        "supervisor_attendee": r.supervisor_attendee,
        "rectification_opinions": r.rectification_opinions,
        "conclusion_document_id": r.conclusion_document_id,
        "concluded_at": r.concluded_at,
        "concluded_by_name": r.concluded_by_name,
        "decision_note": r.decision_note,
        "extensions": [_extension_out(e, a) for e in r.extensions.order_by("applied_at", "id")],
        "steps": _steps(r),
        "documents": _documents(r),
        # the request's own steps: use before acceptance is a record of its own
        # (``/usage-before-acceptance``), listed by ``GET …/steps``
        "actions": [n for n in steps.allowed_names(r, a) if n != works.USAGE.name],
    }
    return AcceptanceDetailOut(**data).model_dump(mode="json")


def _acceptance_request(request: HttpRequest, pk: int) -> AcceptanceRequest:
    return get_visible_or_404(
        AcceptanceRequest.objects.select_related("project", "participant"),
        actor(request),
        pk=pk,
    )


def _acceptance_answer(request: HttpRequest, r: AcceptanceRequest) -> dict[str, Any]:
    r.refresh_from_db()
    return _acceptance_detail(request, r)


@router.get(
    "/acceptance",
    response=responses(list[AcceptanceOut]),
    summary="竣工验收申请（按数据权限，含期限）",
)
@paginate(LimitOffset)
def list_acceptance(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    return [_acceptance(r) for r in selectors.acceptance_requests(actor(request), q.dict())[:500]]


class AcceptanceIn(StrictIn):
    project_id: StrictId
    completed_on: Date = Field(..., description="完工日期")
    description: str = Field(..., max_length=4000, description="完成情况")


@router.post(
    "/acceptance",
    response=responses(AcceptanceDetailOut, 201),
    summary="施工单位发起竣工验收（政府投资项目报监理审核；村级工程为村级自验，R-ACC-01、R-ACC-05）",
)
def create_acceptance(request: HttpRequest, payload: AcceptanceIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        r = services.request_acceptance(
            actor=a,
            project=project,
            completed_on=payload.completed_on,
            description=payload.description,
        )
        return _acceptance_detail(request, r)

    return _write(request, f"approvals.acceptance.{project.pk}", payload.dict(), fn, status=201)


class TownshipIn(StrictIn):
    project_id: StrictId
    description: str = Field(..., max_length=4000, description="自验及整改情况")


@router.post(
    "/acceptance/township",
    response=responses(AcceptanceDetailOut, 201),
    summary="行政村发起乡镇（街道）复验（村级自验合格后，R-ACC-05）",
)
def create_township_acceptance(request: HttpRequest, payload: TownshipIn) -> HttpResponse:
    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)

    def fn() -> dict[str, Any]:
        r = services.request_township(actor=a, project=project, description=payload.description)
        return _acceptance_detail(request, r)

    return _write(request, f"approvals.township.{project.pk}", payload.dict(), fn, status=201)


@router.get(
    "/acceptance/{acceptance_id}",
    response=responses(AcceptanceDetailOut),
    summary="竣工验收详情（期限、可退回期限、延长申请、资料、当前可办理的环节）",
)
def get_acceptance(request: HttpRequest, acceptance_id: Id) -> dict:
    return _acceptance_detail(request, _acceptance_request(request, acceptance_id))


@router.post(
    "/acceptance/{acceptance_id}/return",
    response=responses(AcceptanceDetailOut),
    summary="不满足验收条件，退回重新发起（受理后3天内，须说明延期理由，R-ACC-03）",
    description=FILES_NOTE,
    openapi_extra=body_doc(acceptance_steps.ReturnIn),
)
def return_acceptance(request: HttpRequest, acceptance_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/return``."""
    return _take(request, acceptance_steps.RETURN, acceptance_id)


def _take(request: HttpRequest, step: Any, acceptance_id: int, status: int = 200) -> HttpResponse:
    """The old per-step endpoints of an acceptance request: aliases of the
    registry's step (``core.steps.take``: the one check, then the service)."""
    a = actor(request)
    r = _acceptance_request(request, acceptance_id)
    # a step without input still accepted the old routes' optional opinion
    body = parse_body(request, step.schema or acceptance_steps.OpinionIn)
    data = {**body.data.model_dump(exclude=set(body.files)), **body.files} if step.schema else {}

    def fn() -> dict[str, Any]:
        try:
            taken = steps.take(step, r, a, data)
        except ValidationFailed as exc:
            _as_named_in_the_body(exc, data)
            raise
        if step is acceptance_steps.EXTEND:
            return _extension_out(taken.result, a)
        return _acceptance_answer(request, r)

    return _write(
        request,
        f"approvals.acceptance.{r.pk}.{step.name}",
        body.fingerprint,
        fn,
        status=status,
    )


@router.post(
    "/acceptance/{acceptance_id}/conclude",
    response=responses(AcceptanceDetailOut),
    summary="组织验收并上传整改意见和验收结论（建设单位；乡镇复验为乡镇，R-ACC-01、R-ACC-05）",
    description=FILES_NOTE,
    openapi_extra=body_doc(acceptance_steps.ConcludeIn),
)
def conclude_acceptance(request: HttpRequest, acceptance_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/conclude``."""
    return _take(request, acceptance_steps.CONCLUDE, acceptance_id)


@router.post(
    "/acceptance/{acceptance_id}/extensions",
    response=responses(ExtensionOut, 201),
    summary="超大型工程申请延长验收时间（60天内，建设单位；主管单位、行业主管部门、领导小组依次审批，R-ACC-04）",
    description=FILES_NOTE,
    openapi_extra=body_doc(acceptance_steps.ExtensionIn),
)
def apply_extension(request: HttpRequest, acceptance_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/extension`` (answers the new extension, 201)."""
    return _take(request, acceptance_steps.EXTEND, acceptance_id, status=201)


steps.mount_api(router, acceptance_steps.ACCEPTANCE_WF, "acceptance_id", prefix="/acceptance")


@router.post(
    "/acceptance/{acceptance_id}/{action}",
    response=responses(AcceptanceDetailOut),
    summary="竣工验收环节：review（监理审核通过，建设单位期限起算）、reject（监理审核不通过，须填意见）、withdraw（撤回）",
    openapi_extra=body_doc(acceptance_steps.OpinionIn),
)
def act_on_acceptance(
    request: HttpRequest,
    acceptance_id: Id,
    action: Literal["review", "reject", "withdraw"],
) -> HttpResponse:
    """Aliases of ``POST …/steps/{review,reject,withdraw}``."""
    return _take(request, steps.get(acceptance_steps.ACCEPTANCE_WF, action), acceptance_id)


# --- settlement (R-SET-01, R-PRJ-05) ----------------------------------------------------------------


SETTLEMENT_KINDS = ("approvals.settlement_below", "approvals.settlement_above")


class ApprovalMissingOut(Schema):
    field: str
    message: str


class SettlementOut(Schema):
    project_id: int
    project_code: str
    project_name: str
    project_status: str
    project_status_label: str
    contract_amount: Decimal
    deadline: DeadlineOut | None = Field(
        ..., description="结算送审期限（完工日起 60 / 180 个自然日；送审后由事件停止计时）"
    )
    missing: list[ApprovalMissingOut] = Field(..., description="送审前尚缺的条件（R-PRJ-05）")
    can_submit: bool = Field(..., description="当前账号现在可以送审")


def _settlement(p: Project, dl: Any, a: Any) -> dict[str, Any]:
    data = {
        "project_id": p.pk,
        "project_code": p.code,
        "project_name": p.name,
        "project_status": p.status,
        "project_status_label": p.get_status_display(),
        "contract_amount": p.contract_amount,
        "deadline": _deadline(dl) if dl is not None else None,
        "missing": [m.as_dict() for m in project_workflows.settlement_missing(p)],
        "can_submit": p.status == ProjectStatus.ACCEPTED and project_workflows.OWNER_MANAGERS(p, a),
    }
    return SettlementOut(**data).model_dump(mode="json")


def _settlement_of(p: Project, a: Any) -> dict[str, Any]:
    dl = (
        selectors.deadline_rows(a, {"project": p.pk})
        .filter(kind__in=SETTLEMENT_KINDS)
        .order_by("-started_at", "-pk")
        .first()
    )
    return _settlement(p, dl, a)


@router.get(
    "/settlement",
    response=responses(list[SettlementOut]),
    summary="结算送审期限（按数据权限，R-SET-01）",
)
@paginate(LimitOffset)
def list_settlement(request: HttpRequest, q: Query[DeadlineQuery]) -> list:  # type: ignore[type-arg]
    a = actor(request)
    rows = list(
        selectors.deadline_rows(a, {"project": q.project, "state": q.state}).filter(
            kind__in=SETTLEMENT_KINDS
        )[:500]
    )
    projects = {p.pk: p for p in Project.objects.filter(pk__in=[d.project_id for d in rows])}
    return [_settlement(projects[d.project_id], d, a) for d in rows if d.project_id in projects]


def _project(request: HttpRequest, project_id: int) -> Project:
    return get_visible_or_404(Project.objects, actor(request), pk=project_id)


@router.get(
    "/settlement/{project_id}",
    response=responses(SettlementOut),
    summary="一个项目的结算送审期限和尚缺条件（R-SET-01、R-PRJ-05）",
)
def get_settlement(request: HttpRequest, project_id: Id) -> dict:
    return _settlement_of(_project(request, project_id), actor(request))


class SettlementIn(StrictIn):
    on: Date = Field(..., description="送审日期（不早于竣工验收日期）")
    amount: Decimal = Field(..., max_digits=16, decimal_places=2, description="送审金额（元）")
    document: FileIn | None = Field(None, description="结算送审资料（可选）")


@router.post(
    "/settlement/{project_id}",
    response=responses(SettlementOut),
    summary="建设单位提交结算审计（与 POST /projects/{id}/settlement 同一服务；未纳入平台监管的项目须先补全资料，R-SET-01、R-PRJ-05）",
    description=FILES_NOTE,
    openapi_extra=body_doc(SettlementIn),
)
def submit_settlement(request: HttpRequest, project_id: Id) -> HttpResponse:
    a = actor(request)
    p = _project(request, project_id)
    body = parse_body(request, SettlementIn)

    def fn() -> dict[str, Any]:
        done = project_services.submit_settlement(
            actor=a,
            project=p,
            on=body.data.on,
            amount=body.data.amount,
            upload=body.files["document"],
        )
        return _settlement_of(done, a)

    return _write(request, f"approvals.settlement.{p.pk}", body.fingerprint, fn)


# --- the supervision office's settings (R-CHG-05, R-HID-03, R-ALR-01) ---------------------------------


class PolicyOut(Schema):
    major_change_amount: Decimal = Field(..., description="重大设计变更金额标准（元）")
    major_change_ratio: Decimal = Field(..., description="重大设计变更比例标准（占合同金额%）")
    hidden_review_days: int = Field(..., description="隐蔽工程影像审核期限")
    hidden_review_unit: str = Field(..., description="working_days 工作日 / calendar_days 自然日")
    updated_at: dt.datetime
    updated_by_name: str


@router.get(
    "/policy",
    response=responses(PolicyOut),
    summary="流程审批参数（重大设计变更标准、隐蔽工程影像审核期限）",
)
def get_policy(request: HttpRequest) -> ApprovalPolicy:
    # as stored (a row just created still holds its Python defaults, e.g. no decimals)
    return ApprovalPolicy.objects.get(pk=ApprovalPolicy.current().pk)


class PolicyIn(StrictIn):
    major_change_amount: Decimal = Field(..., max_digits=16, decimal_places=2)
    major_change_ratio: Decimal = Field(..., max_digits=5, decimal_places=2)
    hidden_review_days: StrictInt64
    hidden_review_unit: Literal["working_days", "calendar_days"]


@router.put(
    "/policy",
    response=responses(PolicyOut),
    summary="设置流程审批参数（监管办总管，R-CHG-05、R-HID-03）",
)
def update_policy(request: HttpRequest, payload: PolicyIn) -> HttpResponse:
    a = actor(request)

    def fn() -> dict[str, Any]:
        policy = services.update_policy(actor=a, **payload.dict())
        return _dump(PolicyOut, policy, request)

    return _write(request, "approvals.policy", payload.dict(), fn)


# --- documents and photos (served through the scope check, ADR 0104) ---------------------------------


@router.get(
    "/documents/{document_id}",
    response=responses(None),
    summary="下载流程资料（证明、审批表、验收结论、整改佐证等；按数据权限）",
)
def download_document(request: HttpRequest, document_id: Id) -> HttpResponseBase:
    return files.download(ApprovalDocument.objects, actor(request), document_id)


@router.get(
    "/photos/{photo_id}",
    response=responses(None),
    summary="下载隐蔽工程照片（按数据权限）",
)
def download_photo(request: HttpRequest, photo_id: Id) -> HttpResponseBase:
    return files.download(HiddenWorkPhoto.objects, actor(request), photo_id)


# --- hidden works, supervision notices, the decisions on an extension (api_works.py) -----------------

from .api_works import router as works_router  # noqa: E402  (it reads the helpers above)

router.add_router("", works_router)
