"""API of the ledgers under ``/api/v1/reports`` (R-REP-01): a ledger's rows
for a period, filtered, sorted and paged as on its page, and its workbook in
the exchanged layout; the same scope as the page."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from postaward.core.api_base import LimitOffset, actor, responses
from postaward.core.errors import Forbidden, NotFound
from postaward.core.lists import _apply_filters, _sort, build_list

from . import ledgers
from .choices import LedgerKind
from .periods import period_of

router = Router()


class LedgerQuery(Schema):
    year: int | None = Field(None, description="年度（默认今年）")
    quarter: int | None = Field(None, ge=1, le=4, description="季度")
    month: int | None = Field(None, ge=1, le=12, description="月份")
    date_from: str | None = Field(
        None, alias="from", description="日期起（YYYY-MM-DD，优先于年度）"
    )
    date_to: str | None = Field(None, alias="to", description="日期止（YYYY-MM-DD）")
    industry: str | None = Field(None, description="行业")
    unit: str | None = Field(None, description="建设单位")
    q: str | None = Field(None, max_length=100, description="关键字")
    sort: str | None = Field(None, max_length=40, description="排序（列名，前加 - 为倒序）")


class LedgerRowOut(Schema):
    id: int = Field(description="该行记录的 id（在 source 所指的表中）")
    source: str = Field(
        "", description="行的来源表（事中监管及整改台账：alert 预警，notice 监理通知单）"
    )
    project_id: int | None = Field(description="项目")
    cells: dict[str, Any] = Field(description="各列的值（键为列名）")


class LedgerColumnOut(Schema):
    key: str
    label: str


class LedgerInfoOut(Schema):
    kind: str
    title: str
    period: str
    columns: list[LedgerColumnOut]
    summary: dict[str, int] = Field(description="本期间（筛选后）的合计")


def _ledger(request: HttpRequest, kind: LedgerKind) -> tuple[Any, Any, Any, Any]:
    a = actor(request)
    if not ledgers.may_read(a):
        raise Forbidden(ledgers.DENIED)
    ledger = ledgers.get(str(kind))
    if ledger is None:  # pragma: no cover - the enum lists the registered ones
        raise NotFound()
    period = period_of(request.GET)
    return a, ledger, ledger.spec(a, period), ledger.rows(a, period)


@router.get(
    "/ledgers/{kind}",
    response=responses(list[LedgerRowOut]),
    summary="台账的行（按统计期间、行业、建设单位、关键字筛选，分页）",
)
@paginate(LimitOffset)
def ledger_rows(request: HttpRequest, kind: LedgerKind, q: Query[LedgerQuery]) -> Any:
    _, ledger, spec, qs = _ledger(request, kind)
    qs, _, _ = _apply_filters(request, spec, qs)
    qs, _ = _sort(request, spec, qs)

    class Rows:
        """Paged by the paginator, then prepared and read once per page."""

        def __init__(self, qs: Any) -> None:
            self.qs = qs

        def count(self) -> int:
            return int(self.qs.order_by().count())

        def __len__(self) -> int:
            return self.count()

        def __getitem__(self, s: slice) -> list[dict[str, Any]]:
            objs = list(self.qs[s])
            if spec.prepare and objs:
                objs = spec.prepare(objs)
            return [
                {
                    "id": ledger.record_of(o)[1],
                    "source": ledger.record_of(o)[0],
                    "project_id": ledger.project_of(o),
                    "cells": {c.key: _plain((c.export or c.value)(o)) for c in spec.columns},
                }
                for o in objs
            ]

    return Rows(qs)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@router.get(
    "/ledgers/{kind}/info",
    response=responses(LedgerInfoOut),
    summary="台账的列和本期间合计",
)
def ledger_info(request: HttpRequest, kind: LedgerKind, q: Query[LedgerQuery]) -> Any:
    _, ledger, spec, qs = _ledger(request, kind)
    qs, _, _ = _apply_filters(request, spec, qs)
    return {
        "kind": ledger.kind,
        "title": ledger.title,
        "period": period_of(request.GET).label,
        "columns": [{"key": c.key, "label": c.label} for c in spec.columns],
        "summary": {label: n for label, n in ledger.summary(qs)},
    }


@router.get(
    "/ledgers/{kind}/export",
    summary="导出台账（Excel，按统一格式：标题、填报单位、统计期间、表头、合计、签字栏）",
    response=responses(None),
)
def ledger_export(request: HttpRequest, kind: LedgerKind, q: Query[LedgerQuery]) -> HttpResponse:
    _, _, spec, qs = _ledger(request, kind)
    params = request.GET.copy()
    params["export"] = "xlsx"
    request.GET = params  # type: ignore[assignment]
    # a large export runs in the worker through the ledger's page (ADR 0934)
    from django.urls import reverse

    from .views_ledgers import URL_NAMES

    request.export_page_path = reverse(URL_NAMES[str(kind)])  # type: ignore[attr-defined]
    out = build_list(request, spec, qs)
    assert isinstance(out, HttpResponse)
    return out
