"""The published contacts through the API (ADR 0520): anyone reads them
(``GET /api/v1/portal/contacts``, no account); the office's staff and leaders
replace their office's list (``PUT``, audited)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from postaward.core.api_base import StrictIn, actor, responses

from . import services
from .models import PublicContact

router = Router(tags=["公众门户"])


class ContactIn(StrictIn):
    name: str = Field(max_length=60, description="受理机构（接待点）")
    complaint_phone: str = Field("", max_length=40, description="投诉电话")
    report_phone: str = Field("", max_length=40, description="举报电话")
    mailing_address: str = Field("", max_length=200, description="来信地址")
    reception_address: str = Field("", max_length=200, description="来访接待地址")
    office_hours: str = Field("", max_length=100, description="接待时间")
    email: str = Field("", max_length=100, description="电子邮箱")
    website: str = Field("", max_length=200, description="网站")
    note: str = Field("", max_length=500, description="说明")


class ContactsIn(StrictIn):
    contacts: list[ContactIn] = Field(
        max_length=services.MAX_CONTACTS, description="本监管办公布的联系方式（按顺序，整体替换）"
    )


class ContactOut(Schema):
    office: str
    name: str
    complaint_phone: str
    report_phone: str
    mailing_address: str
    reception_address: str
    office_hours: str
    email: str
    website: str
    note: str


def _out(c: PublicContact) -> dict[str, Any]:
    return {"office": c.office.name, **{f: getattr(c, f) for f in services.FIELDS}}


@router.get(
    "/contacts",
    auth=None,
    response=responses(list[ContactOut]),
    summary="监管办公布的投诉举报联系方式（无需账号）",
)
def list_contacts(request: HttpRequest) -> Any:
    return [_out(c) for c in services.published()[: services.MAX_CONTACTS * 20]]


@router.put(
    "/contacts",
    response=responses(list[ContactOut]),
    summary="修改本监管办公布的联系方式（监管办工作人员、领导；整体替换，记入操作日志）",
)
def put_contacts(request: HttpRequest, body: ContactsIn) -> Any:
    saved = services.save_contacts(
        actor=actor(request), contacts=[c.model_dump() for c in body.contacts]
    )
    return [_out(c) for c in saved]
