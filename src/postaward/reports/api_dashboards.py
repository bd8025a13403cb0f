"""The dashboards' numbers as JSON (``GET /api/v1/reports/dashboard``): what
the dashboard page shows and the command-centre screen polls (ADR 0913-0915).
The same rule and scope as the pages; read-only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from postaward.core.api_base import actor, responses
from postaward.core.errors import Forbidden

from . import dashboards

router = Router()


class DashboardQuery(Schema):
    industry: str | None = Field(None, max_length=20, description="行业（下钻）")
    unit: str | None = Field(None, max_length=18, description="建设单位（下钻）")
    project: str | None = Field(None, max_length=18, description="项目（下钻）")
    points: bool = Field(False, description="同时返回地图上的项目点位及风险颜色")


class DashboardAlertsOut(Schema):
    red: int
    orange: int
    yellow: int
    blue: int
    total: int


class DashboardClocksOut(Schema):
    running: int = Field(description="计时中")
    due_soon: int = Field(description="3日内到期")
    overdue: int = Field(description="已超期")


class DashboardStageOut(Schema):
    key: str
    label: str
    value: int


class DashboardCrumbOut(Schema):
    label: str
    url: str


class DashboardRowOut(Schema):
    key: str
    label: str
    url: str
    projects: int
    active: int
    on_duty: int
    checked_in: int
    rate: float | None
    alerts: DashboardAlertsOut
    alerts_overdue: int
    complaints_open: int


class DashboardPointOut(Schema):
    id: int
    name: str
    lon: float
    lat: float
    risk: int = Field(description="风险颜色：最高未办结预警等级（0 无，1 蓝，2 黄，3 橙，4 红）")
    url: str


class DashboardFiltersOut(Schema):
    industry: str
    unit: int | None
    project: int | None


class DashboardOut(Schema):
    level: str = Field(
        description="当前层级：district 全区 / industry 行业 / unit 建设单位 / project 项目"
    )
    breakdown: str
    breakdown_label: str
    title: str
    as_of: str = Field(description="统计时间（本地时间）")
    filters: DashboardFiltersOut
    crumbs: list[DashboardCrumbOut]
    projects: int
    by_stage: list[DashboardStageOut]
    on_duty: int = Field(description="今日应到岗的关键岗位人员")
    checked_in: int = Field(description="今日已有效打卡的关键岗位人员")
    rate: float | None = Field(description="今日到岗率")
    alerts: DashboardAlertsOut
    alerts_overdue: int
    complaints_open: int
    complaint_clocks: DashboardClocksOut
    approvals: DashboardClocksOut
    inspections: int
    inspections_on_site: int
    inspected_projects: int
    year: int
    rows: list[DashboardRowOut]
    project_url: str
    points: list[DashboardPointOut]


@router.get(
    "/dashboard",
    response=responses(DashboardOut),
    summary="监管驾驶舱数据（按本单位数据范围，可按行业、建设单位、项目下钻）",
)
def dashboard(request: HttpRequest, q: Query[DashboardQuery]) -> Any:
    a = actor(request)
    if not dashboards.may_view(a):
        raise Forbidden(dashboards.DENIED)
    filters = dashboards.Filters.parse(request.GET)
    return dashboards.dashboard(a, filters, points=q.points).as_json()
