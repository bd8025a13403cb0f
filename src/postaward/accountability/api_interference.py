"""The interference register under ``/api/v1/accountability`` (R-ACT-06):
the records (the office and discipline inspection of the district; the
recording account its own), one record, recording one (Idempotency-Key), its
additions (multipart, with a file through the upload service), the monthly
report, the handling steps, and the units' integrity rules with the office's
missing-list. No answer ever names the reporter (R-CMP-04)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from postaward.core import steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Forbidden
from postaward.core.types import Date, Id, StrictId

from . import integrity_interference as integrity
from . import services_interference as svc
from .choices_interference import (
    Channel,
    InterferenceKind,
    IntervenerKind,
    RecordState,
    RuleKind,
    Stage,
)
from .models import InterferenceAddition, InterferenceRecord
from .steps_interference import WF
from .views_interference import can_see_register, month_bounds, monthly_summary, records

router = Router()


class InterferenceOut(Schema):
    id: int
    number: str
    intervener_kind: str
    intervener_name: str
    intervener_post: str
    intervener_unit: str
    concerns_officials: bool
    occurred_on: dt.date
    kind: str
    kind_label: str
    stage: str
    stage_label: str
    project_id: int | None
    project: str
    request_text: str
    evidence_note: str
    has_evidence: bool
    channel: str
    submitted_at: dt.datetime
    state: str
    state_label: str
    referred_at: dt.datetime | None
    referral_reason: str
    clue_number: str
    additions: int
    chain_intact: bool | None = Field(
        description="登记及补充说明的留痕摘要链完整（仅详情中核验，列表中为空）"
    )


def record_out(r: InterferenceRecord, *, verify: bool = True) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "intervener_kind": r.intervener_kind,
        "intervener_name": r.intervener_name,
        "intervener_post": r.intervener_post,
        "intervener_unit": r.intervener_unit,
        "concerns_officials": r.concerns_officials,
        "occurred_on": r.occurred_on,
        "kind": r.kind,
        "kind_label": r.kind_text,
        "stage": r.stage,
        "stage_label": r.get_stage_display(),
        "project_id": r.project_id,
        "project": r.project_label,
        "request_text": r.request_text,
        "evidence_note": r.evidence_note,
        "has_evidence": bool(r.evidence_file),
        "channel": r.channel,
        "submitted_at": r.submitted_at,
        "state": r.state,
        "state_label": r.get_state_display(),
        "referred_at": r.referred_at,
        "referral_reason": r.referral_reason,
        "clue_number": r.clue.number if r.clue_id else "",  # type: ignore[union-attr]
        "additions": r.n_additions if hasattr(r, "n_additions") else r.additions.count(),
        "chain_intact": svc.verify_chain(r) if verify else None,
    }


class InterferenceFilter(Schema):
    kind: InterferenceKind | None = None
    stage: Stage | None = None
    state: RecordState | None = None
    channel: Channel | None = None


@router.get(
    "/interference",
    response=responses(list[InterferenceOut]),
    summary="插手干预登记（本区监管办、纪检监察机关；登记账号看到本人登记的）",
)
@paginate(LimitOffset)
def list_interference(request: HttpRequest, q: Query[InterferenceFilter]) -> Any:
    qs = records(actor(request)).order_by("-submitted_at", "-pk")
    for field in ("kind", "stage", "state", "channel"):
        value = getattr(q, field)
        if value is not None:
            qs = qs.filter(**{field: value})
    return [record_out(r, verify=False) for r in qs[:1000]]


class InterferenceMonthOut(Schema):
    month: str
    stages: list[str]
    kinds: list[str]
    counts: list[list[int]] = Field(description="按干预方式（行）和环节（列）的件数")
    total: int
    officials: int
    referred: int
    public: int
    numbers: list[str]


@router.get(
    "/interference/monthly",
    response=responses(InterferenceMonthOut),
    summary="插手干预登记月度报告（month=YYYY-MM）",
)
def interference_monthly(request: HttpRequest, month: str = "") -> Any:
    from .views_interference import _month

    a = actor(request)
    if not can_see_register(a):
        raise Forbidden("仅监管办和纪检监察机关可以查看插手干预月度报告")
    first = _month(month)
    start, end = month_bounds(first)
    qs = records(a).filter(submitted_at__gte=start, submitted_at__lt=end)
    s = monthly_summary(qs)
    return {
        "month": f"{first:%Y-%m}",
        "stages": s["stages"],
        "kinds": [r["label"] for r in s["rows"]],
        "counts": [r["cells"] for r in s["rows"]],
        "total": s["total"],
        "officials": s["officials"],
        "referred": s["referred"],
        "public": s["public"],
        "numbers": list(qs.order_by("submitted_at").values_list("number", flat=True)[:1000]),
    }


@router.get(
    "/interference/{interference_id}",
    response=responses(InterferenceOut),
    summary="插手干预登记详情",
)
def get_interference(request: HttpRequest, interference_id: Id) -> Any:
    a = actor(request)
    r = svc.load(a, interference_id)
    svc.audit_read(a, r)
    return record_out(r)


class InterferenceIn(StrictIn):
    intervener_kind: IntervenerKind = Field(description="干预主体：领导干部或部门")
    intervener_name: str = Field(max_length=100, description="干预人姓名或部门名称")
    intervener_post: str = Field("", max_length=100, description="职务")
    intervener_unit: str = Field("", max_length=200, description="所在单位")
    concerns_officials: bool = Field(False, description="干预人是党员或公职人员（登记即移送）")
    occurred_on: Date = Field(description="干预日期")
    kind: InterferenceKind = Field(description="干预方式")
    kind_other: str = Field("", max_length=100, description="其他方式说明")
    stage: Stage = Field(description="干预环节：招投标或标后监管")
    project_id: StrictId | None = Field(None, description="涉及项目（平台登记的）")
    project_text: str = Field("", max_length=200, description="涉及项目（未登记的填写名称）")
    request_text: str = Field(max_length=2000, description="干预内容（提出的要求）")
    evidence_note: str = Field("", max_length=2000, description="证据说明")


@router.post(
    "/interference",
    response=responses(InterferenceOut, 201),
    summary="登记插手干预（建设单位、招标代理机构、政府部门工作人员；可带 Idempotency-Key）",
)
def create_interference(request: HttpRequest, body: InterferenceIn) -> Any:
    r = svc.record(
        actor=actor(request),
        report=svc.Report(**body.dict()),
        idempotency_key=idempotency_key(request),
    )
    return 201, record_out(r)


class InterferenceAdditionOut(Schema):
    seq: int
    by: str
    by_label: str
    text: str
    has_evidence: bool
    added_at: dt.datetime
    digest: str


def addition_out(x: InterferenceAddition) -> dict[str, Any]:
    return {
        "seq": x.seq,
        "by": x.by,
        "by_label": x.get_by_display(),
        "text": x.text,
        "has_evidence": bool(x.evidence_file),
        "added_at": x.added_at,
        "digest": x.digest,
    }


@router.get(
    "/interference/{interference_id}/additions",
    response=responses(list[InterferenceAdditionOut]),
    summary="插手干预登记的补充说明",
)
def list_additions(request: HttpRequest, interference_id: Id) -> Any:
    r = svc.load(actor(request), interference_id)
    return [addition_out(x) for x in r.additions.order_by("seq")[:500]]


class InterferenceAdditionIn(Schema):
    text: str = Field(max_length=2000, description="补充说明（更正或新情况；原登记不修改）")


@router.post(
    "/interference/{interference_id}/additions",
    response=responses(InterferenceAdditionOut, 201),
    summary="补充说明（登记人或监管办；multipart，可附材料；可带 Idempotency-Key）",
)
def create_addition(
    request: HttpRequest,
    interference_id: Id,
    payload: Form[InterferenceAdditionIn],
    evidence: UploadedFile | None = File(None),  # noqa: B008
) -> Any:
    a = actor(request)
    r = svc.load(a, interference_id)
    x = svc.add(
        actor=a,
        record=r,
        text=payload.text,
        evidence=evidence,
        idempotency_key=idempotency_key(request),
    )
    return 201, addition_out(x)


# --- the units' rules ----------------------------------------------------------------------------


class IntegrityRuleOut(Schema):
    id: int
    unit_id: int
    unit: str
    kind: str
    kind_label: str
    title: str
    effective_on: dt.date
    filed_at: dt.datetime


def rule_out(x: Any) -> dict[str, Any]:
    return {
        "id": x.pk,
        "unit_id": x.unit_id,
        "unit": x.unit.name,
        "kind": x.kind,
        "kind_label": x.get_kind_display(),
        "title": x.title,
        "effective_on": x.effective_on,
        "filed_at": x.filed_at,
    }


@router.get(
    "/integrity-rules",
    response=responses(list[IntegrityRuleOut]),
    summary="廉政风险防控制度（本单位的；监管办看到本区全部）",
)
@paginate(LimitOffset)
def list_rules(request: HttpRequest) -> Any:
    return [rule_out(x) for x in integrity.rules(actor(request)).order_by("-pk")[:1000]]


class IntegrityRuleIn(Schema):
    kind: RuleKind = Field(description="制度类别")
    title: str = Field(max_length=200, description="制度名称")
    effective_on: Date = Field(description="施行日期")


@router.post(
    "/integrity-rules",
    response=responses(IntegrityRuleOut, 201),
    summary="报备本单位制度（建设单位、行业主管部门、招标代理机构；multipart）",
)
def create_rule(
    request: HttpRequest,
    payload: Form[IntegrityRuleIn],
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    x = integrity.file_rule(actor=actor(request), file=file, **payload.dict())
    return 201, rule_out(x)


class IntegrityMissingOut(Schema):
    unit_id: int
    unit: str
    kind: str
    missing: str


@router.get(
    "/integrity-rules/missing",
    response=responses(list[IntegrityMissingOut]),
    summary="未报备制度的单位（监管办）",
)
def list_missing(request: HttpRequest) -> Any:
    a = actor(request)
    if not integrity.is_office(a):
        raise Forbidden("仅监管办可以查看未报备制度的单位")
    return [
        {
            "unit_id": u.pk,
            "unit": u.name,
            "kind": u.get_kind_display(),
            "missing": integrity.missing_text(u),
        }
        for u in integrity.missing_units(a).order_by("kind", "name")[:1000]
    ]


steps.mount_api(router, WF, "interference_id", prefix="/interference")
