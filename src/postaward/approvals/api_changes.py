"""API of engineering changes and personnel changes (``/api/v1/approvals``,
mounted on the approvals router; R-CHG-01..06).

- engineering changes: raise (with the basis documents), read, the contract's
  change history; the steps (review, approve, approve_drc, reject, withdraw)
  through ``GET/POST /changes/{change_id}/steps[/{name}]`` (``core.steps``);
- personnel changes: initiate with the required documents, read; the steps
  (review by the supervising firm, agree, approve or file by the change's route,
  complete, reject, withdraw)
  through ``GET/POST /personnel/{personnel_change_id}/steps[/{name}]``.

The old per-step routes (``/changes/{id}/{action}``, ``/personnel/{id}/complete``,
``/personnel/{id}/{action}``) are aliases of the registry's steps
(``steps_changes.py``) and answer as before. Reads start from the actor's scope
(out of scope 404); the steps are refused by the registry (role 403, state 409,
rule 409/422)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictBool

from postaward.core import steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, responses
from postaward.core.bodies import FILES_NOTE, FileIn, body_doc, parse_body
from postaward.core.errors import ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.core.types import Date, Id, StrictId, StrictInt64
from postaward.orgs.models import Person, Qualification
from postaward.projects.models import KeyPersonAssignment, Participant, Project

from . import selectors, services
from . import steps_changes as S
from .api import (
    ACTIONS_DOC,
    ApprovalDocumentOut,
    ChangeQuery,
    DeadlineOut,
    StepOut,
    _as_named_in_the_body,
    _deadlines_by_subject,
    _deadlines_of,
    _documents,
    _steps,
    _write,
)
from .models import EngineeringChange, HiddenWork, PersonnelChange
from .steps import OpinionIn

router = Router(tags=["流程审批"])


# --- engineering changes (R-CHG-01, 02, 05, 06) ----------------------------------------------------------


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


def _change_detail(c: EngineeringChange, a: Any) -> dict[str, Any]:
    data = {
        **_change(c),
        "hidden_exception_reason": c.hidden_exception_reason,
        "raised_by_name": c.raised_by_name,
        "raised_by_org": c.raised_by_org,
        "decision_note": c.decision_note,
        "steps": _steps(c),
        "documents": _documents(c),
        "actions": steps.allowed_names(c, a),
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
    return change_answer(request, S.load_change(actor(request), change_id))


def change_answer(request: HttpRequest, c: EngineeringChange) -> dict[str, Any]:
    """The API's answer after a step (``steps.Workflow.answer``)."""
    return _change_detail(c, actor(request))


def _alias(
    request: HttpRequest, step: steps.Step, obj: Any, scope: str, answer: Any
) -> HttpResponse:
    """An old per-step endpoint: an alias of the registry's step
    (``core.steps.take``: the one check, then the service), answering as before."""
    a = actor(request)
    # a step without input still accepts the old routes' optional opinion
    body = parse_body(request, step.schema or OpinionIn)
    data = {**body.data.model_dump(exclude=set(body.files)), **body.files} if step.schema else {}

    def fn() -> dict[str, Any]:
        try:
            steps.take(step, obj, a, data)
        except ValidationFailed as exc:
            _as_named_in_the_body(exc, data)
            raise
        wf = steps.workflow(step.workflow)
        return answer(request, wf.load(a, obj.pk))  # type: ignore[no-any-return]

    return _write(request, scope, body.fingerprint, fn)


CHANGE_ALIASES = {"approve-drc": "approve_drc"}  # the old route's name of the step

# before the ``{action}`` aliases: ``GET …/{id}/steps`` is not one of them
steps.mount_api(router, S.CHANGE_WF, "change_id", prefix="/changes")


@router.post(
    "/changes/{change_id}/{action}",
    response=responses(ChangeDetailOut),
    summary="工程变更环节：review（监理审核）、approve（建设单位审批）、approve-drc（发改批准）、reject（不通过，须填意见）、withdraw（撤回）",
    description="``POST …/steps/{name}`` 的别名。",
    openapi_extra=body_doc(OpinionIn),
)
def act_on_change(
    request: HttpRequest,
    change_id: Id,
    action: Literal["review", "approve", "approve-drc", "approve_drc", "reject", "withdraw"],
) -> HttpResponse:
    """Aliases of ``POST …/steps/{name}``."""
    c = S.load_change(actor(request), change_id)
    step = steps.get(S.CHANGE_WF, CHANGE_ALIASES.get(action, action))
    return _alias(request, step, c, f"approvals.change.{c.pk}.{action}", change_answer)


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
        "actions": steps.allowed_names(pc, a),
    }
    return PersonnelDetailOut(**data).model_dump(mode="json")


def personnel_answer(request: HttpRequest, pc: PersonnelChange) -> dict[str, Any]:
    """The API's answer after a step (``steps.Workflow.answer``)."""
    return _personnel_detail(pc, actor(request))


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
    return personnel_answer(request, S.load_personnel(actor(request), personnel_change_id))


@router.post(
    "/personnel/{personnel_change_id}/complete",
    response=responses(PersonnelDetailOut),
    summary="建设单位上传人员变更审批表、登记违约责任并换岗（R-CHG-03；同时记录 R-CHG-04 限制）",
    description=FILES_NOTE,
    openapi_extra=body_doc(S.CompletePersonnelIn),
)
def complete_personnel_change(request: HttpRequest, personnel_change_id: Id) -> HttpResponse:
    """An alias of ``POST …/steps/complete``."""
    pc = S.load_personnel(actor(request), personnel_change_id)
    return _alias(
        request, S.COMPLETE, pc, f"approvals.personnel.{pc.pk}.complete", personnel_answer
    )


# before the ``{action}`` aliases: ``GET …/{id}/steps`` is not one of them
steps.mount_api(router, S.PERSONNEL_WF, "personnel_change_id", prefix="/personnel")


@router.post(
    "/personnel/{personnel_change_id}/{action}",
    response=responses(PersonnelDetailOut),
    summary="人员变更环节：review（监理单位审核）、agree（建设单位同意）、approve（行业主管部门审核，或主管单位同意并备案）、reject（不同意，须填意见）、withdraw（撤回）",
    description="``POST …/steps/{name}`` 的别名；approve 按审批路径为 approve 或 file。",
    openapi_extra=body_doc(OpinionIn),
)
def act_on_personnel_change(
    request: HttpRequest,
    personnel_change_id: Id,
    action: Literal["review", "agree", "approve", "file", "reject", "withdraw"],
) -> HttpResponse:
    """Aliases of ``POST …/steps/{name}``; ``approve`` is the decision of the
    change's route (the authority's review, or the superior unit's agreement)."""
    pc = S.load_personnel(actor(request), personnel_change_id)
    step = S.personnel_decision(pc) if action == "approve" else steps.get(S.PERSONNEL_WF, action)
    return _alias(request, step, pc, f"approvals.personnel.{pc.pk}.{action}", personnel_answer)
