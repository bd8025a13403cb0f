"""The draw part's API under ``/api/v1/inspections`` (session or token,
scoped): work-list items, plans and rounds, commitments, draws with their
verification, coverage, and the generated steps of plans and draws."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from postaward.core import audit, clock, steps
from postaward.core.api_base import StrictIn, actor, responses
from postaward.core.bodies import write_once
from postaward.core.errors import Forbidden, NotFound
from postaward.core.types import Id

from . import services_draw as svc
from . import stats_draw
from . import steps_draw as st
from .models import Draw, InspectionPlan, Method, PlanRound, RoundKind, Sampling, Stage, WorkItem
from .views_draw import draw_context

router = Router(tags=["双随机检查"])


def _may(a: Any) -> None:
    if not svc.may_keep_list(a):
        raise Forbidden("只有监管办和行业主管部门可以访问")


class WorkItemOut(Schema):
    id: int
    organisation: str
    year: int
    name: str
    basis: str
    ratio_pct: str
    frequency: str
    method: str
    method_label: str
    stage: str
    stage_label: str
    unannounced: bool


def item_out(i: WorkItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "organisation": i.organisation.name,
        "year": i.year,
        "name": i.name,
        "basis": i.basis_text,
        "ratio_pct": f"{i.ratio_pct.normalize():f}",
        "frequency": i.frequency,
        "method": i.method,
        "method_label": i.get_method_display(),
        "stage": i.stage,
        "stage_label": i.get_stage_display(),
        "unannounced": i.unannounced,
    }


class WorkItemIn(StrictIn):
    year: int = Field(ge=2000, le=2100, description="年度")
    name: str = Field(max_length=200, description="检查事项")
    basis_document: str = Field(max_length=200, description="依据文件")
    basis_article: str = Field(max_length=60, description="条款")
    ratio_pct: Decimal = Field(gt=0, le=100, description="年度抽查比例（%）")
    frequency: str = Field(max_length=60, description="检查频次")
    method: Literal[tuple(Method.values)] = Field(description="检查方式")  # type: ignore[valid-type]
    stage: Literal[tuple(Stage.values)] = Field(  # type: ignore[valid-type]
        description="环节：before 标前，during 标中，after 标后"
    )
    unannounced: bool = Field(True, description="不打招呼")


@router.get(
    "/items",
    response=responses(list[WorkItemOut]),
    summary="监管工作清单（检查事项；监管办为全区一单）",
)
def list_items(request: HttpRequest, year: int | None = None) -> Any:
    a = actor(request)
    _may(a)
    qs = WorkItem.objects.visible_to(a).select_related("organisation")
    if year:
        qs = qs.filter(year=year)
    return [item_out(i) for i in qs[:500]]


@router.post("/items", response=responses(WorkItemOut, 201), summary="新增检查事项（本单位清单）")
def create_item(request: HttpRequest, body: WorkItemIn) -> Any:
    a = actor(request)

    def run() -> Any:
        return audit.normalise(item_out(svc.create_item(actor=a, **body.model_dump())))

    return write_once(request, "inspections.items", body.model_dump(mode="json"), run, status=201)


@router.put(
    "/items/{item_id}", response=responses(WorkItemOut), summary="修改检查事项（本单位清单）"
)
def update_item(request: HttpRequest, item_id: Id, body: WorkItemIn) -> Any:
    a = actor(request)
    item = WorkItem.objects.visible_to(a).select_related("organisation").filter(pk=item_id).first()
    if item is None:
        raise NotFound()

    def run() -> Any:
        return audit.normalise(item_out(svc.update_item(actor=a, obj=item, **body.model_dump())))

    return write_once(request, f"inspections.items.{item_id}", body.model_dump(mode="json"), run)


class PlanRoundOut(Schema):
    id: int
    quarter: int
    kind: str
    kind_label: str
    title: str
    sampling: str
    industries: list[str]
    statuses: list[str]
    item_ids: list[int]
    draws: list[str]


class PlanOut(Schema):
    id: int
    title: str
    organisation: str
    year: int
    joint: bool
    state: str
    state_label: str
    weights: dict[str, float]
    uniform_share: str
    rounds: list[PlanRoundOut]
    actions: list[str]


def round_out(r: PlanRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "quarter": r.quarter,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "title": r.title,
        "sampling": r.sampling,
        "industries": r.industries,
        "statuses": r.statuses,
        "item_ids": sorted(i.pk for i in r.items.all()),
        "draws": [d.number for d in r.draws.all()],
    }


def plan_out(p: InspectionPlan, a: Any = None) -> dict[str, Any]:
    return audit.normalise(
        {
            "id": p.pk,
            "title": p.title,
            "organisation": p.organisation.name,
            "year": p.year,
            "joint": p.joint,
            "state": p.state,
            "state_label": p.get_state_display(),
            "weights": p.weights,
            "uniform_share": str(p.uniform_share),
            "rounds": [round_out(r) for r in p.rounds.prefetch_related("items", "draws")],
            "actions": steps.allowed_names(p, a) if a is not None else [],
        }
    )


class PlanIn(StrictIn):
    year: int = Field(ge=2000, le=2100, description="年度")
    title: str = Field(max_length=200, description="计划名称")
    note: str = Field("", max_length=2000, description="说明")
    uniform_share: Decimal | None = Field(None, ge=0, le=1, description="纯随机抽取比例")


@router.get("/plans", response=responses(list[PlanOut]), summary="年度检查计划")
def list_plans(request: HttpRequest, year: int | None = None) -> Any:
    a = actor(request)
    _may(a)
    qs = InspectionPlan.objects.visible_to(a).select_related("organisation")
    if year:
        qs = qs.filter(year=year)
    return [plan_out(p, a) for p in qs[:100]]


@router.post(
    "/plans", response=responses(PlanOut, 201), summary="制定年度检查计划（监管办为联合计划）"
)
def create_plan(request: HttpRequest, body: PlanIn) -> Any:
    a = actor(request)

    def run() -> Any:
        return plan_out(svc.create_plan(actor=a, **body.model_dump()), a)

    return write_once(request, "inspections.plans", body.model_dump(mode="json"), run, status=201)


@router.get("/plans/{plan_id}", response=responses(PlanOut), summary="年度检查计划详情")
def get_plan(request: HttpRequest, plan_id: Id) -> Any:
    a = actor(request)
    return plan_out(st.load_plan(a, plan_id), a)


class PlanRoundIn(StrictIn):
    quarter: int = Field(ge=1, le=4, description="季度")
    kind: Literal[tuple(RoundKind.values)] = Field(description="routine 日常抽查，special 专项检查")  # type: ignore[valid-type]
    title: str = Field(max_length=200, description="轮次名称")
    sampling: Literal[tuple(Sampling.values)] = Field("random", description="抽查比例规则")  # type: ignore[valid-type]
    item_ids: list[Id] = Field(max_length=50, description="检查事项")
    industries: list[str] = Field([], max_length=10, description="行业（空为全部）")
    statuses: list[str] = Field([], max_length=20, description="项目状态（空为全部）")
    amount_min: Decimal | None = Field(None, ge=0, description="合同金额下限（元）")
    amount_max: Decimal | None = Field(None, ge=0, description="合同金额上限（元）")
    award_from: dt.date | None = Field(None, description="中标日期起")
    award_to: dt.date | None = Field(None, description="中标日期止")


@router.post("/plans/{plan_id}/rounds", response=responses(PlanOut, 201), summary="增加检查轮次")
def add_round(request: HttpRequest, plan_id: Id, body: PlanRoundIn) -> Any:
    a = actor(request)
    p = st.load_plan(a, plan_id)

    def run() -> Any:
        svc.add_round(actor=a, plan=p, **body.model_dump())
        return plan_out(st.load_plan(a, plan_id), a)

    return write_once(
        request, f"inspections.rounds.{plan_id}", body.model_dump(mode="json"), run, status=201
    )


class DrawSelectionOut(Schema):
    rank: int
    code: str
    name: str
    industry: str
    department: str
    part: str
    weight: float
    key: str
    inspectors: list[str]
    excluded: list[str]


class DrawOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    round: str
    committed_at: str
    project_pool_hash: str
    inspector_pool_hash: str
    seed_hash: str
    seed: str
    explanation: list[str]
    selections: list[DrawSelectionOut]
    public_url: str


def draw_out(d: Draw) -> dict[str, Any]:
    from django.urls import reverse

    ctx = draw_context(d)
    return audit.normalise(
        {
            "id": d.pk,
            "number": d.number,
            "state": d.state,
            "state_label": d.get_state_display(),
            "round": str(d.round),
            "committed_at": clock.localtime(d.committed_at).strftime("%Y-%m-%d %H:%M"),
            "project_pool_hash": d.project_pool_hash,
            "inspector_pool_hash": d.inspector_pool_hash,
            "seed_hash": d.seed_hash,
            "seed": d.seed_public,
            "explanation": ctx["explanation"],
            "selections": [
                {
                    "rank": r["rank"],
                    "code": r["code"],
                    "name": r["name"],
                    "industry": r["industry_label"],
                    "department": r["department"],
                    "part": r["part_label"],
                    "weight": r["weight"],
                    "key": r["key"],
                    "inspectors": r["team"],
                    "excluded": r["excluded"],
                }
                for r in ctx["rows"]
            ],
            "public_url": reverse("public_inspection_draw", args=[d.number]),
        }
    )


class DrawCommitIn(StrictIn):
    sample_size: int | None = Field(None, ge=1, le=10000, description="指定抽取数量（可选）")


@router.post(
    "/rounds/{round_id}/draws",
    response=responses(DrawOut, 201),
    summary="公布抽取承诺（冻结两库并公布哈希和种子哈希）",
)
def commit_draw(request: HttpRequest, round_id: Id, body: DrawCommitIn) -> Any:
    a = actor(request)
    r = (
        PlanRound.objects.visible_to(a)
        .select_related("plan__organisation")
        .filter(pk=round_id)
        .first()
    )
    if r is None:
        raise NotFound()

    def run() -> Any:
        return draw_out(svc.commit(actor=a, round=r, sample_size=body.sample_size))

    return write_once(
        request, f"inspections.commit.{round_id}", body.model_dump(mode="json"), run, status=201
    )


@router.get("/draws", response=responses(list[DrawOut]), summary="随机抽取记录")
def list_draws(request: HttpRequest) -> Any:
    a = actor(request)
    _may(a)
    qs = Draw.objects.visible_to(a).select_related("round__plan__organisation")
    return [draw_out(d) for d in qs[:50]]


class DrawCoverageOut(Schema):
    industry: str
    pool: int
    drawn: int
    rate: str
    minimum: str
    met: bool


@router.get(
    "/draws/coverage", response=responses(list[DrawCoverageOut]), summary="本年度各行业抽查覆盖率"
)
def coverage(request: HttpRequest) -> Any:
    a = actor(request)
    _may(a)
    qs = Draw.objects.visible_to(a).filter(
        on_date__year=clock.today().year, state__in=("drawn", "revealed")
    )
    return stats_draw.coverage(qs)


@router.get("/draws/{draw_id}", response=responses(DrawOut), summary="随机抽取详情")
def get_draw(request: HttpRequest, draw_id: Id) -> Any:
    return draw_out(st.load_draw(actor(request), draw_id))


class DrawVerifyOut(Schema):
    result: str
    ok: bool
    checks: list[dict[str, Any]]


@router.get(
    "/draws/{draw_id}/verify", response=responses(DrawVerifyOut), summary="按公开算法重算并核对"
)
def verify_draw(request: HttpRequest, draw_id: Id) -> Any:
    d = st.load_draw(actor(request), draw_id)
    v = svc.verify_draw(d, seed=d.seed_public or None)
    return {
        "result": v.label,
        "ok": v.ok,
        "checks": [{"label": label, "ok": ok} for label, ok in v.checks],
    }


steps.mount_api(router, st.PLAN_WF, "plan_id", prefix="/plans")
steps.mount_api(router, st.DRAW_WF, "draw_id", prefix="/draws")
