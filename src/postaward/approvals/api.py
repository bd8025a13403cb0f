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
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

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
from postaward.projects.choices import ParticipantRole
from postaward.projects.models import Participant, Project

from . import selectors, services
from . import steps as acceptance_steps
from . import steps_works as works
from .choices import AcceptanceKind
from .models import (
    AcceptanceExtension,
    AcceptanceRequest,
    ApprovalDocument,
    ApprovalPolicy,
    ContractorEvaluation,
    HiddenWorkPhoto,
    Inspection,
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


def _request_actor(context: Any) -> Any:
    return actor(context["request"])


ACTIONS_DOC = "当前账号现在可办理的环节（按角色和状态；期限等规则在提交时核验）"


# --- inputs shared by several processes ----------------------------------------------------------------


class StepIn(StrictIn):
    opinion: str = Field("", max_length=2000)


class ChangeQuery(Schema):
    project: Int64 | None = None
    state: str = ""


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


# --- engineering and personnel changes (R-CHG-01..06): api_changes.py, on the helpers above ---------

from .api_changes import router as changes_router  # noqa: E402

router.add_router("", changes_router)


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


# --- settlement: api_settlement.py ------------------------------------------------------------------

from .api_settlement import router as settlement_router  # noqa: E402  (it reads the helpers above)

router.add_router("", settlement_router)
