"""API of the monthly reports' directory under ``/api/v1/reports`` (ADR 0933):
the office reads its district's units; its administrator adds one (``POST``,
Idempotency-Key) and changes one (``PATCH``: role, active, note)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Forbidden
from postaward.core.types import Id, StrictId

from . import services_units as su
from .choices import UnitRole
from .models import ReportingUnit

router = Router()


class ReportingUnitOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    role: str
    role_label: str
    active: bool
    note: str
    updated_at: dt.datetime


def unit_out(u: ReportingUnit) -> dict[str, Any]:
    return {
        "id": u.pk,
        "organisation_id": u.organisation_id,
        "organisation": u.organisation.name,
        "role": u.role,
        "role_label": u.get_role_display(),
        "active": u.active,
        "note": u.note,
        "updated_at": u.updated_at,
    }


class ReportingUnitFilter(Schema):
    role: UnitRole | None = None
    active: bool | None = None


@router.get(
    "/monthly-units",
    response=responses(list[ReportingUnitOut]),
    summary="月度报告报送单位（监管办）",
)
@paginate(LimitOffset)
def list_units(request: HttpRequest, q: Query[ReportingUnitFilter]) -> Any:
    a = actor(request)
    if not su.may_read(a):
        raise Forbidden(su.READ_DENIED)
    su.ensure(su.office_of_actor(a))
    qs = ReportingUnit.objects.visible_to(a).select_related("organisation")
    if q.role is not None:
        qs = qs.filter(role=q.role)
    if q.active is not None:
        qs = qs.filter(active=q.active)
    return [unit_out(u) for u in qs.order_by("role", "organisation__path", "pk")[:500]]


class ReportingUnitIn(StrictIn):
    organisation_id: StrictId = Field(description="单位（本区的政府部门或单位）")
    role: UnitRole = Field(description="角色：报送部门（department）或牵头单位（coordinator）")
    active: bool = Field(True, description="启用")
    note: str = Field("", max_length=200, description="备注")


@router.post(
    "/monthly-units",
    response=responses(ReportingUnitOut, 201),
    summary="添加月度报告报送单位（监管办管理员；可带 Idempotency-Key）",
)
def create_unit(request: HttpRequest, body: ReportingUnitIn) -> Any:
    a = actor(request)
    u = su.add(
        actor=a,
        organisation_id=body.organisation_id,
        role=str(body.role),
        active=body.active,
        note=body.note,
        idempotency_key=idempotency_key(request),
    )
    return 201, unit_out(u)


class ReportingUnitPatch(StrictIn):
    role: UnitRole | None = Field(None, description="角色")
    active: bool | None = Field(None, description="启用或停用")
    note: str | None = Field(None, max_length=200, description="备注")


@router.get(
    "/monthly-units/{reporting_unit_id}",
    response=responses(ReportingUnitOut),
    summary="一个月度报告报送单位",
)
def get_unit(request: HttpRequest, reporting_unit_id: Id) -> Any:
    return unit_out(su.load(actor(request), reporting_unit_id))


@router.patch(
    "/monthly-units/{reporting_unit_id}",
    response=responses(ReportingUnitOut),
    summary="修改月度报告报送单位（监管办管理员：角色、启用或停用、备注）",
)
def patch_unit(request: HttpRequest, reporting_unit_id: Id, body: ReportingUnitPatch) -> Any:
    a = actor(request)
    u = su.load(a, reporting_unit_id)
    role = str(body.role) if body.role is not None else None
    return unit_out(su.change(actor=a, unit=u, role=role, active=body.active, note=body.note))
