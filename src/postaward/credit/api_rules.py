"""The API of scoring rule sets under ``/api/v1/credit`` (R-SCO-01): the
versions an account reads (filters), one version with its items and the
steps it may take, a new draft (Idempotency-Key), a draft's header and items,
and the steps (``GET/POST /rule-sets/{rule_set_id}/steps[/{name}]``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from postaward.core import clock, steps
from postaward.core.api_base import PatchIn, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Forbidden, NotFound
from postaward.core.types import Id
from postaward.orgs.choices import Industry
from postaward.orgs.models import Organisation

from . import facts, services_rules
from .choices import RuleSetState, SubjectKind
from .models import RuleItem, RuleSet
from .rules import readable_rule_sets
from .steps_rules import WF, load_rule_set

router = Router(tags=["信用管理"])


class RuleItemOut(Schema):
    id: int
    code: str
    description: str
    subject_kind: str
    subject_kind_label: str
    points: str
    cap_per_project: str | None
    cap_per_year: str | None
    trigger: str
    trigger_label: str
    basis_document: str
    basis_article: str
    basis: str = Field(description="依据：《文件》条款")
    order: int


class RuleSetOut(Schema):
    id: int
    authority_id: int
    authority: str
    industry: str
    industry_label: str
    version: int
    title: str
    state: str
    state_label: str
    based_on_id: int | None
    based_on_version: int | None
    effective_from: str | None
    effective_to: str | None
    base_score: str
    objection_days: int
    green_min: str
    blue_min: str
    yellow_min: str
    orange_min: str
    note: str
    drafted_at: str
    submitted_at: str
    approved_at: str
    review_opinion: str
    item_count: int


class RuleSetDetailOut(RuleSetOut):
    items: list[RuleItemOut]
    actions: list[str] = Field(description="当前账号可办理的环节")
    editable: bool = Field(description="当前账号可修改（草稿）")


def _d(value: Any) -> str | None:
    return None if value is None else str(value)


def _t(value: Any) -> str:
    return clock.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def item_out(i: RuleItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "code": i.code,
        "description": i.description,
        "subject_kind": i.subject_kind,
        "subject_kind_label": i.get_subject_kind_display(),
        "points": str(i.points),
        "cap_per_project": _d(i.cap_per_project),
        "cap_per_year": _d(i.cap_per_year),
        "trigger": i.trigger,
        "trigger_label": facts.label(i.trigger),
        "basis_document": i.basis_document,
        "basis_article": i.basis_article,
        "basis": f"《{i.basis_document}》{i.basis_article}",
        "order": i.order,
    }


def rule_set_row(rs: RuleSet, item_count: int | None = None) -> dict[str, Any]:
    count = getattr(rs, "item_count", None) if item_count is None else item_count
    return {
        "id": rs.pk,
        "authority_id": rs.authority_id,
        "authority": rs.authority.name,
        "industry": rs.industry,
        "industry_label": rs.get_industry_display(),
        "version": rs.version,
        "title": rs.title,
        "state": rs.state,
        "state_label": rs.get_state_display(),
        "based_on_id": rs.based_on_id,
        "based_on_version": rs.based_on.version if rs.based_on is not None else None,
        "effective_from": rs.effective_from.isoformat() if rs.effective_from else None,
        "effective_to": rs.effective_to.isoformat() if rs.effective_to else None,
        "base_score": str(rs.base_score),
        "objection_days": rs.objection_days,
        "green_min": str(rs.green_min),
        "blue_min": str(rs.blue_min),
        "yellow_min": str(rs.yellow_min),
        "orange_min": str(rs.orange_min),
        "note": rs.note,
        "drafted_at": _t(rs.drafted_at),
        "submitted_at": _t(rs.submitted_at),
        "approved_at": _t(rs.approved_at),
        "review_opinion": rs.review_opinion,
        "item_count": count if count is not None else rs.items.count(),
    }


def rule_set_out(rs: RuleSet, request: HttpRequest) -> dict[str, Any]:
    a = actor(request)
    items = [item_out(i) for i in rs.items.all()]
    return {
        **rule_set_row(rs, len(items)),
        "items": items,
        "actions": steps.allowed_names(rs, a),
        "editable": services_rules.may_edit(rs, a),
    }


@router.get(
    "/rule-sets",
    response=responses(list[RuleSetOut]),
    summary="评分规则版本列表（监管办看到全部；行业主管部门看到本部门各版本和其他部门生效的版本；"
    "其他单位看到生效及曾生效的版本）",
)
def list_rule_sets(
    request: HttpRequest,
    authority_id: Id | None = None,
    industry: Industry | None = None,
    state: RuleSetState | None = None,
    on: dt.date | None = None,
) -> Any:
    from django.db.models import Count, Q

    qs = readable_rule_sets(actor(request)).select_related("authority", "based_on")
    if authority_id:
        qs = qs.filter(authority_id=authority_id)
    if industry:
        qs = qs.filter(industry=industry)
    if state:
        qs = qs.filter(state=state)
    if on:  # the versions in force on that day
        qs = qs.filter(
            state__in=(RuleSetState.EFFECTIVE, RuleSetState.SUPERSEDED), effective_from__lte=on
        ).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
    qs = qs.annotate(item_count=Count("items")).order_by("authority_id", "industry", "-version")
    return [rule_set_row(rs) for rs in qs[:500]]


@router.get(
    "/rule-sets/{rule_set_id}",
    response=responses(RuleSetDetailOut),
    summary="评分规则版本详情：评分项、当前账号可办理的环节",
)
def get_rule_set(request: HttpRequest, rule_set_id: Id) -> Any:
    return rule_set_out(load_rule_set(actor(request), rule_set_id), request)


class RuleSetIn(StrictIn):
    industry: Literal[tuple(Industry.values)] = Field(  # type: ignore[valid-type]
        description="行业"
    )
    based_on_id: int | None = Field(None, description="基于的版本（默认现行有效版本）")


@router.post(
    "/rule-sets",
    response=responses(RuleSetDetailOut, 201),
    summary="起草评分规则新版本（本行业主管部门工作人员；复制所基于版本的评分项；可带 Idempotency-Key）",
)
def create_rule_set(request: HttpRequest, body: RuleSetIn) -> Any:
    a = actor(request)
    if a.organisation_id is None:
        raise Forbidden("本行业主管部门工作人员方可起草评分规则")
    authority = Organisation.objects.get(pk=a.organisation_id)
    based_on = None
    if body.based_on_id is not None:
        based_on = readable_rule_sets(a).filter(pk=body.based_on_id).first()
        if based_on is None:
            raise NotFound()
    rs = services_rules.create_draft(
        actor=a,
        authority=authority,
        industry=body.industry,
        based_on=based_on,
        idempotency_key=idempotency_key(request) or "",
    )
    return Status(201, rule_set_out(rs, request))


class RuleSetPatch(PatchIn):
    clearable = frozenset({"effective_from", "note"})

    title: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=2000)
    effective_from: dt.date | None = Field(
        None, description="生效日期（不早于今天；空为复核通过之日）"
    )
    base_score: Decimal | None = None
    objection_days: int | None = Field(None, description="异议期（1至30个工作日）")
    green_min: Decimal | None = None
    blue_min: Decimal | None = None
    yellow_min: Decimal | None = None
    orange_min: Decimal | None = None


@router.patch(
    "/rule-sets/{rule_set_id}",
    response=responses(RuleSetDetailOut),
    summary="修改草稿版本的名称、生效日期、基础分、异议期、五色码最低分",
)
def update_rule_set(request: HttpRequest, rule_set_id: Id, body: RuleSetPatch) -> Any:
    a = actor(request)
    rs = services_rules.update_rule_set(
        actor=a, rule_set=load_rule_set(a, rule_set_id), **body.dict(exclude_unset=True)
    )
    return rule_set_out(load_rule_set(a, rs.pk), request)


class RuleItemIn(StrictIn):
    code: str = Field(max_length=20, description="编号（本版本内唯一）")
    description: str = Field(max_length=2000, description="评分内容")
    subject_kind: Literal[tuple(SubjectKind.values)] = Field(  # type: ignore[valid-type]
        description="评分对象"
    )
    points: Decimal = Field(description="分值：负数为扣分，正数为加分，不能为0")
    cap_per_project: Decimal | None = Field(None, description="单项目累计上限（正数）")
    cap_per_year: Decimal | None = Field(None, description="年度累计上限（正数）")
    trigger: str = Field(max_length=60, description="触发事实的编码，或 manual（人工录入）")
    basis_document: str = Field(max_length=200, description="依据文件")
    basis_article: str = Field(max_length=100, description="条款")
    order: int | None = Field(None, ge=0, le=999, description="排序")


def _item_data(body: RuleItemIn) -> dict[str, Any]:
    data = body.dict()
    if data.get("order") is None:
        data.pop("order", None)
    return data


@router.post(
    "/rule-sets/{rule_set_id}/items",
    response=responses(RuleItemOut, 201),
    summary="向草稿版本添加评分项（可带 Idempotency-Key）",
)
def add_item(request: HttpRequest, rule_set_id: Id, body: RuleItemIn) -> Any:
    from postaward.core.bodies import write_once

    a = actor(request)
    rs = load_rule_set(a, rule_set_id)
    data = _item_data(body)

    def run() -> Any:
        return _json(item_out(services_rules.add_item(actor=a, rule_set=rs, **data)))

    return write_once(request, f"credit.rule_item.{rs.pk}", data, run, status=201)


def _json(value: Any) -> Any:
    from postaward.core import audit

    return audit.normalise(value)


@router.put(
    "/rule-sets/{rule_set_id}/items/{item_id}",
    response=responses(RuleItemOut),
    summary="修改草稿版本的评分项",
)
def update_item(request: HttpRequest, rule_set_id: Id, item_id: Id, body: RuleItemIn) -> Any:
    a = actor(request)
    rs = load_rule_set(a, rule_set_id)
    item = services_rules.update_item(actor=a, rule_set=rs, item_id=item_id, **_item_data(body))
    return item_out(item)


@router.delete(
    "/rule-sets/{rule_set_id}/items/{item_id}",
    response=responses(None, 204),
    summary="删除草稿版本的评分项",
)
def delete_item(request: HttpRequest, rule_set_id: Id, item_id: Id) -> Any:
    a = actor(request)
    rs = load_rule_set(a, rule_set_id)
    services_rules.delete_item(actor=a, rule_set=rs, item_id=item_id)
    return HttpResponse(status=204)


steps.mount_api(router, WF, "rule_set_id", prefix="/rule-sets")
