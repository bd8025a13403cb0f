"""API of supplementary agreements (补充协议, R-INS-07): list and register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Schema

from postaward.core.api_base import StrictIn, actor, responses
from postaward.core.bodies import write_once
from postaward.core.errors import ValidationFailed
from postaward.core.types import Date, Id, StrictId

from . import services
from .api import DocumentOut, _doc, _dump, _project, router


class AgreementOut(Schema):
    id: int
    project_id: int
    participant_id: int
    number: str
    signed_on: dt.date
    amount_change: Decimal
    duration_change_days: int
    scope_change: str
    personnel_change: str
    document: DocumentOut
    registered_by_name: str


@router.get("/{project_id}/agreements", response=responses(list[AgreementOut]), summary="补充协议")
def list_agreements(request: HttpRequest, project_id: Id) -> list:
    return list(_project(request, project_id).agreements.select_related("document"))


class AgreementIn(StrictIn):
    participant_id: StrictId = Field(..., description="所补充的施工合同（参建单位）")
    number: str = Field(..., min_length=1, max_length=60, description="协议编号")
    signed_on: Date
    amount_change: Decimal = Field(
        Decimal("0"), max_digits=16, decimal_places=2, description="合同金额变化（元，减少为负）"
    )
    duration_change_days: int = Field(0, ge=-3650, le=3650, description="工期变化（日历天）")
    scope_change: str = Field("", max_length=2000, description="工程范围（内容）变化")
    personnel_change: str = Field("", max_length=2000, description="关键岗位人员变化")
    document_id: StrictId = Field(..., description="已上传的协议文件（类别 contract）")


@router.post(
    "/{project_id}/agreements",
    response=responses(AgreementOut, 201),
    summary="登记补充协议（建设单位或该合同的施工单位，R-INS-07）",
)
def create_agreement(request: HttpRequest, project_id: Id, payload: AgreementIn):  # type: ignore[no-untyped-def]
    p = _project(request, project_id)
    part = p.participants.filter(pk=payload.participant_id).first()
    if part is None:
        raise ValidationFailed("参建单位不存在", field="participant_id")
    data = payload.dict(exclude={"participant_id", "document_id"})
    return write_once(
        request,
        f"projects.agreement.{p.pk}",
        payload.dict(),
        lambda: _dump(
            AgreementOut,
            services.register_agreement(
                actor=actor(request),
                participant=part,
                document=_doc(p, payload.document_id, "document_id"),
                **data,
            ),
        ),
        status=201,
    )
