"""API of the core: who am I, the business calendar, my to-dos, the audit trail."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictInt

from . import audit, business_calendar, selectors, services
from .api_base import LimitOffset, StrictIn, actor, responses
from .errors import Forbidden, ValidationFailed
from .types import Date, Id

router = Router(tags=["平台"])


class MeOut(Schema):
    user_id: int | None
    username: str
    display_name: str
    organisation_id: int | None
    organisation_name: str
    organisation_kind: str
    roles: list[str]
    portal: Literal["government", "enterprise"]


@router.get("/me", response=responses(MeOut), summary="当前账号")
def me(request: HttpRequest) -> dict:
    from . import registries

    a = actor(request)
    return {
        "user_id": a.user_id,
        "username": a.username,
        "display_name": a.display_name,
        "organisation_id": a.organisation_id,
        "organisation_name": a.org_name,
        "organisation_kind": a.org_kind,
        "roles": sorted(a.roles),
        "portal": "enterprise" if registries.orgs().is_enterprise(a) else "government",
    }


class CalendarDayOut(Schema):
    date: dt.date
    working: bool
    label: str


class DaysQuery(Schema):
    start: Date
    end: Date


@router.get("/calendar/days", response=responses(list[CalendarDayOut]), summary="工作日历（逐日）")
def calendar_days(request: HttpRequest, q: Query[DaysQuery]) -> list[dict]:
    if q.end < q.start or (q.end - q.start).days > 366:
        raise ValidationFailed("日期范围应在一年以内，且截止日期不早于起始日期", field="end")
    out = []
    day = q.start
    while day <= q.end:
        out.append(
            {
                "date": day,
                "working": business_calendar.is_working_day(day),
                "label": business_calendar.describe_day(day),
            }
        )
        day += dt.timedelta(days=1)
    return out


class LegalPeriodOut(Schema):
    start: dt.date
    length: int
    unit: str
    last_day: dt.date
    due_at: dt.datetime
    description: str
    calendar_covered: bool


@router.get("/calendar/period", response=responses(LegalPeriodOut), summary="计算法定期限")
def calendar_period(
    request: HttpRequest,
    start: Date,
    length: int = Query(..., ge=0, le=3650),
    unit: Literal["working_days", "calendar_days"] = "working_days",
) -> dict:
    last = business_calendar.period_end(start, length, unit)
    return {
        "start": start,
        "length": length,
        "unit": unit,
        "last_day": last,
        "due_at": business_calendar.due_at(start, length, unit),
        "description": business_calendar.describe_period(start, length, unit),
        "calendar_covered": all(
            business_calendar.is_covered(y) for y in range(start.year, last.year + 1)
        ),
    }


class CalendarDayIn(StrictIn):
    kind: Literal["holiday", "makeup_workday"] | None = Field(None, description="null 表示恢复默认")
    name: str = Field("", max_length=50)


@router.put(
    "/calendar/days/{day}", response=responses(CalendarDayOut), summary="调整某日（监管办总管）"
)
def set_calendar_day(request: HttpRequest, day: Date, payload: CalendarDayIn) -> dict:
    services.set_calendar_day(actor=actor(request), date=day, kind=payload.kind, name=payload.name)
    return {
        "date": day,
        "working": business_calendar.is_working_day(day),
        "label": business_calendar.describe_day(day),
    }


class CalendarYearIn(StrictIn):
    year: StrictInt = Field(..., ge=2000, le=2100)
    notice: str = Field(..., min_length=1, max_length=200)


class CalendarYearOut(Schema):
    year: int
    source: str
    notice: str


@router.post(
    "/calendar/years",
    response=responses(CalendarYearOut),
    summary="确认年度节假日安排（监管办总管）",
)
def confirm_calendar_year(request: HttpRequest, payload: CalendarYearIn) -> dict:
    row = services.confirm_calendar_year(
        actor=actor(request), year=payload.year, notice=payload.notice
    )
    return {"year": row.year, "source": row.source, "notice": row.notice}


class TodoOut(Schema):
    id: int
    kind: str
    title: str
    detail: str
    project_id: int | None
    url: str
    due_at: dt.datetime | None
    basis: str
    created_at: dt.datetime


@router.get("/todos", response=responses(list[TodoOut]), summary="我的待办")
@paginate(LimitOffset)
def todos(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.open_todos(actor(request))


class AuditOut(Schema):
    seq: int
    at: dt.datetime
    actor_name: str
    organisation_name: str
    request_id: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    project_id: int | None
    before: dict | list | None
    after: dict | list | None
    hash: str


class AuditQuery(Schema):
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    project_id: Id | None = None
    date_from: Date | None = None
    date_to: Date | None = None


@router.get("/audit", response=responses(list[AuditOut]), summary="操作日志（按数据权限）")
@paginate(LimitOffset)
def audit_records(request: HttpRequest, q: Query[AuditQuery]):  # type: ignore[no-untyped-def]
    return selectors.audit_records(actor(request), filters=q.dict(exclude_none=True))


class VerifyOut(Schema):
    ok: bool
    checked: int
    head_seq: int
    first_bad_seq: int | None
    problem: str
    message: str


@router.post("/audit/verify", response=responses(VerifyOut), summary="校验审计链（监管办、纪检）")
def audit_verify(request: HttpRequest) -> dict:
    a = actor(request)
    if a.org_kind not in ("supervision_office", "discipline"):
        raise Forbidden("仅监管办和纪检监察机关可以校验审计链")
    result = audit.verify()
    return {**result.__dict__, "message": str(result)}


class ExportJobOut(Schema):
    state: str = Field(description="queued / running / done / failed")
    state_label: str
    done_rows: int
    total_rows: int
    percent: int
    error: str
    file_url: str = Field(description="下载地址（完成后）")


@router.get(
    "/exports/{export_id}",
    response=responses(ExportJobOut),
    summary="后台导出进度（仅申请人）",
)
def export_status(request: HttpRequest, export_id: Id) -> dict:
    from . import export_jobs

    return export_jobs.status_of(export_jobs.load(actor(request), export_id), api=True)


@router.get(
    "/exports/{export_id}/file",
    response=responses(None),
    summary="下载后台导出的文件（仅申请人，完成后）",
)
def export_file(request: HttpRequest, export_id: Id) -> HttpResponseBase:
    from . import export_jobs

    return export_jobs.download(actor(request), export_id)  # type: ignore[no-any-return]
