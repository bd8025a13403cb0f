"""API of the approval processes (``/api/v1/approvals``): engineering changes and
hidden works (raise, list, read, act on a step, upload photos) and the
deadlines of every process. Reads start from the actor's scope (out of scope
answers 404); writes call one service (a refused role 403, a wrong state 409,
a rule 422) and accept an ``Idempotency-Key``."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import StrictBool, StrictInt

from postaward.core import deadlines, idempotency
from postaward.core.api_base import StrictIn, actor, idempotency_key, responses
from postaward.core.errors import NotFound, ValidationFailed
from postaward.core.scoping import get_visible_or_404
from postaward.projects.models import Participant, Project

from . import selectors, services
from .models import EngineeringChange, HiddenWork

router = Router(tags=["流程审批"])


def _write(
    request: HttpRequest, scope: str, payload: Any, fn: Any, status: int = 200
) -> HttpResponse:
    a = actor(request)
    code, body, replayed = idempotency.run(
        user_id=a.user_id or 0,
        scope=scope,
        key=idempotency_key(request),
        payload=payload,
        fn=lambda: (status, fn()),
    )
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=code,
        content_type="application/json; charset=utf-8",
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


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
        "basis": d.basis,
        "period": s.period,
        "state": d.state,
        "state_label": s.state_label,
        "overdue": s.overdue,
        "paused": s.paused,
    }


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


def _change(c: EngineeringChange) -> dict[str, Any]:
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
        "hidden_work_ids": list(c.hidden_works.values_list("pk", flat=True)),
        "deadlines": [_deadline(d) for d in deadlines.deadlines_of(c)],
    }
    return ChangeOut(**data).model_dump(mode="json")


class ChangeIn(StrictIn):
    project_id: StrictInt
    participant_id: StrictInt
    category: Literal["design", "site_instruction", "material", "cost", "other"]
    title: str = Field(..., max_length=200)
    reason: str = Field(..., max_length=4000)
    scope: str = Field(..., max_length=4000)
    cost_delta: Decimal = Field(..., max_digits=16, decimal_places=2)
    days_delta: StrictInt
    work_date: dt.date
    declared_major: StrictBool = False
    hidden_work_ids: list[StrictInt] = []
    hidden_exception_reason: str = Field("", max_length=2000)


class StepIn(StrictIn):
    opinion: str = Field("", max_length=2000)


class ChangeQuery(Schema):
    project: int | None = None
    state: str = ""


@router.get("/changes", response=responses(list[ChangeOut]), summary="工程变更（按数据权限）")
@paginate(LimitOffsetPagination)
def list_changes(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    return [_change(c) for c in selectors.changes(actor(request), q.dict())[:500]]


@router.post("/changes", response=responses(ChangeOut, 201), summary="发起工程变更（R-CHG-01）")
def create_change(request: HttpRequest, payload: ChangeIn) -> HttpResponse:
    a = actor(request)
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
        )
        return _change(c)

    return _write(request, f"approvals.change.{project.pk}", payload.dict(), fn, status=201)


@router.get("/changes/{change_id}", response=responses(ChangeOut), summary="工程变更详情")
def get_change(request: HttpRequest, change_id: int) -> dict:
    return _change(get_visible_or_404(EngineeringChange.objects, actor(request), pk=change_id))


CHANGE_ACTIONS = {
    "review": services.review_change,
    "approve": services.approve_change,
    "approve-drc": services.approve_change_by_drc,
}


@router.post(
    "/changes/{change_id}/{action}",
    response=responses(ChangeOut),
    summary="工程变更环节：review（监理审核）、approve（建设单位审批）、approve-drc（发改批准）、reject（不通过，须填意见）、withdraw（撤回）",
)
def act_on_change(
    request: HttpRequest,
    change_id: int,
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
        return _change(c)

    return _write(request, f"approvals.change.{c.pk}.{action}", payload.dict(), fn)


class PhotoOut(Schema):
    id: int
    kind: str
    taken_at: dt.datetime | None
    lon: float | None
    lat: float | None
    distance_m: float | None
    warnings: list[str]


class HiddenWorkOut(Schema):
    id: int
    number: str
    project_id: int
    part_name: str
    description: str
    work_date: dt.date
    is_important: bool
    state: str
    state_label: str
    standby_at: dt.datetime | None
    owner_standby_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    photos: list[PhotoOut]
    deadlines: list[DeadlineOut]


def _hidden(hw: HiddenWork) -> dict[str, Any]:
    data = {
        "id": hw.pk,
        "number": hw.number,
        "project_id": hw.project_id,
        "part_name": hw.part_name,
        "description": hw.description,
        "work_date": hw.work_date,
        "is_important": hw.is_important,
        "state": hw.state,
        "state_label": hw.get_state_display(),
        "standby_at": hw.standby_at,
        "owner_standby_at": hw.owner_standby_at,
        "reviewed_at": hw.reviewed_at,
        "photos": [
            {
                "id": p.pk,
                "kind": p.kind,
                "taken_at": p.taken_at,
                "lon": p.lon,
                "lat": p.lat,
                "distance_m": p.distance_m,
                "warnings": p.warnings,
            }
            for p in services.current_photos(hw)
        ],
        "deadlines": [_deadline(d) for d in deadlines.deadlines_of(hw)],
    }
    return HiddenWorkOut(**data).model_dump(mode="json")


class HiddenWorkIn(StrictIn):
    project_id: StrictInt
    part_name: str = Field(..., max_length=200)
    description: str = Field(..., max_length=4000)
    work_date: dt.date
    is_important: StrictBool = False


@router.get(
    "/hidden-works", response=responses(list[HiddenWorkOut]), summary="隐蔽工程（按数据权限）"
)
@paginate(LimitOffsetPagination)
def list_hidden_works(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    return [_hidden(h) for h in selectors.hidden_works(actor(request), q.dict())[:500]]


@router.post(
    "/hidden-works",
    response=responses(HiddenWorkOut, 201),
    summary="申请隐蔽工程验收（施工日前2天内，R-HID-01）",
)
def create_hidden_work(request: HttpRequest, payload: HiddenWorkIn) -> HttpResponse:
    from postaward.projects.choices import ParticipantRole

    from . import workflows

    a = actor(request)
    project = get_visible_or_404(Project.objects, a, pk=payload.project_id)
    pts = [
        pt
        for pt in project.participants.filter(role=ParticipantRole.CONTRACTOR)
        if a.is_system or workflows.contractor(HiddenWork(project=project, participant=pt), a)
    ]
    participant = (
        pts[0] if pts else project.participants.filter(role=ParticipantRole.CONTRACTOR).first()
    )
    if participant is None:
        raise ValidationFailed("该项目没有施工单位", field="project_id")

    def fn() -> dict[str, Any]:
        return _hidden(
            services.apply_hidden_work(
                actor=a,
                project=project,
                participant=participant,
                part_name=payload.part_name,
                description=payload.description,
                work_date=payload.work_date,
                is_important=payload.is_important,
            )
        )

    return _write(request, f"approvals.hidden.{project.pk}", payload.dict(), fn, status=201)


@router.post(
    "/hidden-works/{hidden_work_id}/photos",
    response=responses(HiddenWorkOut),
    summary="上传隐蔽工程影像（旁站验收时或之后；EXIF 时间和位置核验，R-HID-02）",
)
def upload_hidden_photos(
    request: HttpRequest,
    hidden_work_id: int,
    opinion: Form[str] = "",
    before: File[UploadedFile] | None = None,
    after: File[UploadedFile] | None = None,
    scale: File[UploadedFile] | None = None,
) -> dict:
    a = actor(request)
    hw = get_visible_or_404(HiddenWork.objects.select_related("project"), a, pk=hidden_work_id)
    photos = {
        k: v for k, v in (("before", before), ("after", after), ("scale", scale)) if v is not None
    }
    if hw.state == "applied":
        services.record_standby(actor=a, hidden_work=hw, opinion=opinion, photos=photos)
    else:
        services.upload_photos(actor=a, hidden_work=hw, photos=photos)
    hw.refresh_from_db()
    return _hidden(hw)


HIDDEN_ACTIONS = {
    "owner-standby": lambda a, hw, o: services.record_owner_standby(
        actor=a, hidden_work=hw, opinion=o
    ),
    "approve": lambda a, hw, o: services.approve_review(actor=a, hidden_work=hw, opinion=o),
    "return": lambda a, hw, o: services.return_photos(actor=a, hidden_work=hw, opinion=o),
    "resubmit": lambda a, hw, o: services.resubmit(actor=a, hidden_work=hw),
    "withdraw": lambda a, hw, o: services.withdraw_hidden_work(actor=a, hidden_work=hw),
    "important": lambda a, hw, o: services.mark_important(actor=a, hidden_work=hw, note=o),
}


@router.post(
    "/hidden-works/{hidden_work_id}/{action}",
    response=responses(HiddenWorkOut),
    summary="隐蔽工程环节：owner-standby、approve、return、resubmit、withdraw、important",
)
def act_on_hidden_work(
    request: HttpRequest,
    hidden_work_id: int,
    action: Literal["owner-standby", "approve", "return", "resubmit", "withdraw", "important"],
    payload: StepIn,
) -> HttpResponse:
    a = actor(request)
    hw = get_visible_or_404(HiddenWork.objects.select_related("project"), a, pk=hidden_work_id)

    def fn() -> dict[str, Any]:
        HIDDEN_ACTIONS[action](a, hw, payload.opinion)
        hw.refresh_from_db()
        return _hidden(hw)

    return _write(request, f"approvals.hidden.{hw.pk}.{action}", payload.dict(), fn)


class DeadlineQuery(Schema):
    project: int | None = None
    state: str = ""
    kind: str = ""


@router.get(
    "/deadlines",
    response=responses(list[DeadlineOut]),
    summary="流程审批的办理期限（起算、长度、单位、届满、依据）",
)
@paginate(LimitOffsetPagination)
def list_deadlines(request: HttpRequest, q: Query[DeadlineQuery]) -> list:  # type: ignore[type-arg]
    return [_deadline(d) for d in selectors.deadline_rows(actor(request), q.dict())[:1000]]


_ = NotFound


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
        "deadlines": [_deadline(d) for d in deadlines.deadlines_of(r)],
    }
    return AcceptanceOut(**data).model_dump(mode="json")


@router.get(
    "/acceptance",
    response=responses(list[AcceptanceOut]),
    summary="竣工验收申请（按数据权限，含期限）",
)
@paginate(LimitOffsetPagination)
def list_acceptance(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    return [_acceptance(r) for r in selectors.acceptance_requests(actor(request), q.dict())[:500]]


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


@router.get("/personnel", response=responses(list[PersonnelOut]), summary="人员变更（按数据权限）")
@paginate(LimitOffsetPagination)
def list_personnel(request: HttpRequest, q: Query[ChangeQuery]) -> list:  # type: ignore[type-arg]
    return [
        PersonnelOut(
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
        for pc in selectors.personnel_changes(actor(request), q.dict())[:500]
    ]
