"""The one list component (ledger) every list page of the platform uses.

A page declares a :class:`ListSpec` (columns, filters, searchable fields) and
hands it a queryset already narrowed to the actor's scope; :func:`build_list`
then applies, from the query string, in this order:

- the filters (unknown choices and malformed dates are ignored, never an error),
- the free-text search (``q``) over the declared fields,
- the sort (``sort=key`` / ``sort=-key``; only keys of sortable columns: a
  whitelist, so the query string never reaches ``order_by`` unchecked),
- the page size (``per``, one of ``PAGE_SIZES``) and the page (``page``; a page
  number out of range shows the last page),

and answers four ways: the page (a context for ``core/_list.html``), the Excel
workbook of every filtered row (``export=xlsx``; with ``ids`` only the rows
selected on the page, still within the filters and the scope), or a print view
(``print=1``), or, on a POST naming one of the list's declared batch actions
(``batch=key``, CSRF-checked like every POST), that action run on each selected
row: the same service the single action calls, the permission checked per row,
each row audited by that service, and a message saying how many succeeded and
which were refused and why (ADR 0050). Money columns are totalled over the
filtered rows (not only the page) and shown in one unit per column: yuan with
thousands separators, or 万元 when the column's largest filtered amount reaches
one million yuan.

The count, the money totals and the unit choice come from one aggregate query;
the page is one more query (plus the page's own ``select_related``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Abs
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from . import clock
from .errors import DomainError
from .exports import EXPORT_MAX_ROWS, ExportLayout, export_xlsx
from .exports import Column as ExportColumn

PAGE_SIZES = (20, 50, 100)
PRINT_MAX_ROWS = 2000
BATCH_MAX_ROWS = 100  # a page's worth: the largest page size
WAN_FROM = Decimal("1000000")

Choices = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Column:
    """One column: ``value`` gives the cell (page, print and workbook alike).

    ``sort`` is the ORM expression the column orders by (empty: not sortable);
    ``money`` is the ORM field summed for the total (the cell value must then be
    an amount in yuan); ``link`` gives the cell's link; ``tag`` a colour of the
    status tag (blue, green, orange, red, grey)."""

    key: str
    label: str
    value: Callable[[Any], Any]
    sort: str = ""
    money: str = ""
    link: Callable[[Any], str] | None = None
    tag: Callable[[Any], str] | None = None
    note: Callable[[Any], str] | None = None
    # the workbook's value when it differs from the cell (a date-time as a typed
    # cell in local time rather than its text)
    export: Callable[[Any], Any] | None = None
    # a money column whose sum means nothing (a project's contract amount on a
    # list of alerts: projects repeat) keeps its one unit but shows no total
    total: bool = True
    # in the workbook only (the details a page has no room for)
    export_only: bool = False

    @classmethod
    def when(
        cls,
        key: str,
        label: str,
        attr: str,
        *,
        seconds: bool = False,
        sortable: bool = True,
        **kw: Any,
    ) -> Column:
        """A moment in local time ("2026-12-06 17:05"; empty when not yet),
        sorted by the field and exported as a typed local date-time."""
        fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"

        def cell(obj: Any) -> str:
            at = getattr(obj, attr)
            return clock.localtime(at).strftime(fmt) if at else ""

        kw.setdefault("sort", attr if sortable else "")
        return cls(key, label, cell, export=lambda obj: getattr(obj, attr), **kw)

    @classmethod
    def state(
        cls, key: str, label: str, colours: dict[str, str], *, attr: str = "state", **kw: Any
    ) -> Column:
        """A choice field shown by its Chinese label in a coloured tag
        (``colours``: value → blue, green, orange, red, grey)."""
        kw.setdefault("sort", attr)
        kw.setdefault("tag", lambda obj: colours.get(str(getattr(obj, attr)), "grey"))
        return cls(key, label, lambda obj: getattr(obj, f"get_{attr}_display")(), **kw)


@dataclass(frozen=True)
class Filter:
    """One filter of the form. ``kind``: ``choice`` (``lookup`` = value),
    ``date_from`` / ``date_to`` (``lookup`` ≥ / ≤ the date), ``text``
    (``lookup`` contains the text)."""

    name: str
    label: str
    lookup: str
    kind: str = "choice"
    choices: Choices | Callable[[], Choices] = ()
    # A filter that is not one lookup (a group of states, a subquery): called
    # with the queryset and the (valid) value instead of ``filter(lookup=value)``.
    apply: Callable[[QuerySet, str], QuerySet] | None = None

    def options(self) -> Choices:
        return self.choices() if callable(self.choices) else self.choices


def _always(actor: Any, obj: Any) -> str:
    return ""


@dataclass(frozen=True)
class BatchAction:
    """A write on the rows selected on the page, declared once on the list.

    ``run(actor, obj)`` must be the service the single action calls (it checks
    the rules and audits the row); ``check(actor, obj)`` answers "" when the
    actor may act on that row, otherwise the reason (in Chinese); ``name(obj)``
    names a refused row in the result message. Decisions (approvals, disposals)
    are taken one by one and are never declared as a batch."""

    key: str
    label: str
    run: Callable[[Any, Any], Any]
    check: Callable[[Any, Any], str] = _always
    name: Callable[[Any], str] = str
    confirm: str = ""


@dataclass(frozen=True)
class Handoff:
    """The rows selected on the page handed to another page (GET ``url`` with
    ``ids``), e.g. 转疑似问题: that page checks scope and rules itself."""

    key: str
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class ListSpec:
    key: str
    title: str
    columns: Sequence[Column]
    filters: Sequence[Filter] = ()
    search: Sequence[str] = ()
    search_label: str = "关键字"
    default_sort: str = ""
    row_url: Callable[[Any], str] | None = None
    selectable: bool = True
    export_name: str = ""
    empty: str = "暂无记录"
    batch: Sequence[BatchAction] = ()
    row_action: str = "办理/查看"
    # Called with a page's (or a print's, or an export chunk's) objects before
    # their cells are read: fetch what the cells need for all of them at once
    # (names from another table, readable labels), never one query per row.
    prepare: Callable[[list[Any]], list[Any]] | None = None
    handoffs: Sequence[Handoff] = ()
    # the table's and each row's test hook (pages whose tests name them)
    testid: str = "list"
    row_testid: str = ""
    # a row that cannot be selected: the reason shown on its disabled box
    row_disabled: Callable[[Any], str] | None = None
    # query parameters of the page itself (a tab, a home card's narrowing) that
    # the filter form carries along
    keep: Sequence[str] = ()
    # a ledger (台账) exported in the layout offices exchange (ADR 0901): called
    # with the filtered rows, gives the layout (unit, period, signature) and the
    # totals row (None: the money totals as usual)
    ledger: Callable[[QuerySet], tuple[ExportLayout, Sequence[Any] | None]] | None = None


@dataclass
class MoneyColumn:
    index: int
    total: Decimal
    wan: bool
    summed: bool = True

    @property
    def unit(self) -> str:
        return "万元" if self.wan else "元"


@dataclass
class ListResult:
    """What ``core/_list.html`` renders."""

    spec: ListSpec
    page_obj: Any
    rows: list[dict[str, Any]]
    headers: list[dict[str, Any]]
    filters: list[dict[str, Any]]
    q: str
    sort: str
    per: int
    totals: list[dict[str, Any]] | None
    querystring: str
    querystring_without_page: str
    querystring_without_sort: str
    hidden: list[tuple[str, str]]
    kept: list[tuple[str, str]] = field(default_factory=list)
    page_sizes: Sequence[int] = PAGE_SIZES
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return int(self.page_obj.paginator.count)

    @property
    def filtered(self) -> bool:
        return bool(self.q) or any(f["value"] for f in self.filters)

    @property
    def matching(self) -> Any:
        """Every row the list pages (its filters and search applied), for the
        counts a page shows beside the list: no second filtering."""
        return self.page_obj.paginator.object_list

    @property
    def has_actions(self) -> bool:
        # (templates would call spec.row_url itself: a callable)
        return self.spec.row_url is not None


def money_text(amount: Any, wan: bool) -> str:
    """An amount in the column's unit: '12,345.60' (元) or '1,234.57' (万元)."""
    if amount is None or amount == "":
        return "—"
    value = Decimal(amount)
    if wan:
        value = value / Decimal(10000)
    return f"{value:,.2f}"


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _apply_filters(
    request: HttpRequest, spec: ListSpec, qs: QuerySet
) -> tuple[QuerySet, list[dict[str, Any]], str]:
    shown: list[dict[str, Any]] = []
    for f in spec.filters:
        raw = (request.GET.get(f.name) or "").strip()
        value = raw
        if f.kind == "choice":
            options = [(str(v), str(label)) for v, label in f.options()]
            if raw and raw in {v for v, _ in options}:
                qs = f.apply(qs, raw) if f.apply else qs.filter(**{f.lookup: raw})
            else:
                value = ""
            shown.append({"f": f, "value": value, "options": options})
            continue
        if f.kind in ("date_from", "date_to"):
            day = _parse_date(raw) if raw else None
            if day is not None and f.apply is not None:
                qs = f.apply(qs, day.isoformat())
            elif day is not None:
                op = "gte" if f.kind == "date_from" else "lte"
                qs = qs.filter(**{f"{f.lookup}__{op}": day})
            else:
                value = ""
        elif f.kind == "text" and raw:
            raw = value = raw[:100]
            qs = f.apply(qs, raw) if f.apply else qs.filter(**{f"{f.lookup}__icontains": raw})
        shown.append({"f": f, "value": value, "options": ()})
    q = (request.GET.get("q") or "").strip()[:100]
    if q and spec.search:
        cond = Q()
        for name in spec.search:
            cond |= Q(**{f"{name}__icontains": q})
        qs = qs.filter(cond)
    return qs, shown, q


def _sort(request: HttpRequest, spec: ListSpec, qs: QuerySet) -> tuple[QuerySet, str]:
    sortable = {c.key: c.sort for c in spec.columns if c.sort}
    wanted = request.GET.get("sort") or spec.default_sort
    key = wanted.lstrip("-")
    if key not in sortable:
        return qs, ""
    desc = wanted.startswith("-")
    expr = sortable[key]
    return qs.order_by(f"-{expr}" if desc else expr, "-pk" if desc else "pk"), wanted


def _per(request: HttpRequest) -> int:
    try:
        per = int(request.GET.get("per") or PAGE_SIZES[0])
    except ValueError:
        return PAGE_SIZES[0]
    return per if per in PAGE_SIZES else PAGE_SIZES[0]


def _aggregate(spec: ListSpec, qs: QuerySet) -> tuple[int, list[MoneyColumn]]:
    """The filtered count, and per money column its total and unit: one query."""
    agg: dict[str, Any] = {"n": Count("pk")}
    for i, c in enumerate(spec.columns):
        if c.money:
            agg[f"sum{i}"] = Sum(c.money)
            agg[f"max{i}"] = Max(Abs(c.money))
    values = qs.order_by().aggregate(**agg)
    money = [
        MoneyColumn(
            index=i,
            total=Decimal(values[f"sum{i}"] or 0),
            wan=Decimal(values[f"max{i}"] or 0) >= WAN_FROM,
            summed=c.total,
        )
        for i, c in enumerate(spec.columns)
        if c.money
    ]
    return int(values["n"]), money


def _cells(spec: ListSpec, obj: Any, money: dict[int, MoneyColumn]) -> list[dict[str, Any]]:
    cells = []
    for i, c in enumerate(spec.columns):
        if c.export_only:
            continue
        raw = c.value(obj)
        if i in money:
            text = money_text(raw, money[i].wan)
        else:
            text = "—" if raw is None or raw == "" else raw
        cells.append(
            {
                "text": text,
                "label": f"{c.label}（{money[i].unit}）" if i in money else c.label,
                "link": c.link(obj) if c.link else "",
                "tag": c.tag(obj) if c.tag else "",
                "note": c.note(obj) if c.note else "",
                "money": i in money,
            }
        )
    return cells


def _ids(values: Iterable[str]) -> list[int]:
    out: list[int] = []
    for x in values:
        if x.isdigit() and len(x) < 19 and int(x) not in out:
            out.append(int(x))
    return out


def run_batch(request: HttpRequest, spec: ListSpec, qs: QuerySet) -> HttpResponse:
    """Run the batch action the POST names on each selected row of ``qs`` (the
    filtered rows in the actor's scope), one row at a time, each in its own
    transaction: a refused row changes nothing and does not stop the others.
    Back to the list (same filters) with the count done and the refusals."""
    from .web import actor_of  # (core.web imports nothing of this module)

    back = HttpResponseRedirect(f"{request.path}?{request.GET.urlencode()}")
    action = next((b for b in spec.batch if b.key == request.POST.get("batch")), None)
    if action is None:
        messages.error(request, "没有这个批量操作")
        return back
    ids = _ids(request.POST.getlist("ids"))[:BATCH_MAX_ROWS]
    if not ids:
        messages.warning(request, f"{action.label}：请先勾选记录")
        return back
    actor = actor_of(request)
    rows = {obj.pk: obj for obj in qs.filter(pk__in=ids)}
    done = 0
    refused: list[str] = []
    unseen = 0
    for pk in ids:
        obj = rows.get(pk)
        if obj is None:  # not among the filtered rows the actor sees
            unseen += 1
            continue
        reason = action.check(actor, obj)
        if not reason:
            try:
                with transaction.atomic():
                    action.run(actor, obj)
            except DomainError as exc:
                reason = exc.message
        if reason:
            refused.append(f"{action.name(obj)}：{reason}")
        else:
            done += 1
    messages.success(request, f"{action.label}：成功 {done} 条")
    if unseen:
        refused.append(f"{unseen} 条不在当前查询结果或您的可见范围内")
    if refused:
        messages.warning(
            request, f"{action.label}：未办理 {len(refused)} 项（" + "；".join(refused) + "）"
        )
    return back


def _selected(request: HttpRequest, qs: QuerySet) -> QuerySet:
    ids = [int(x) for x in request.GET.getlist("ids") if x.isdigit()]
    return qs.filter(pk__in=ids) if ids else qs


def _prepared(spec: ListSpec, objs: list[Any]) -> list[Any]:
    return spec.prepare(objs) if spec.prepare and objs else objs


def _export_rows(spec: ListSpec, objs: list[Any]) -> Iterable[list[Any]]:
    for obj in _prepared(spec, objs):
        yield [(c.export or c.value)(obj) for c in spec.columns]


def export_response(spec: ListSpec, qs: QuerySet, money: list[MoneyColumn]) -> HttpResponse:
    """The filtered (or selected) rows, in the page's order, as one workbook made
    by the platform's export helper (core.exports). Money goes out as numbers in
    yuan, whatever unit the page shows, with the totals of the exported rows."""
    by_idx = {m.index: m for m in money}
    columns = [
        ExportColumn(f"{c.label}（元）", kind="money") if i in by_idx else c.label
        for i, c in enumerate(spec.columns)
    ]

    def rows() -> Iterable[list[Any]]:
        from .export_jobs import report

        chunk: list[Any] = []
        written = 0
        for obj in qs[: EXPORT_MAX_ROWS + 1].iterator(chunk_size=500):
            chunk.append(obj)
            if len(chunk) == 500:
                yield from _export_rows(spec, chunk)
                written += len(chunk)
                report(written)  # the worker's progress (ADR 0934)
                chunk = []
        yield from _export_rows(spec, chunk)
        report(written + len(chunk))

    totals: list[Any] | None = None
    if any(m.summed for m in money):
        totals = [
            by_idx[i].total if i in by_idx and by_idx[i].summed else ""
            for i in range(len(spec.columns))
        ]
        if 0 not in by_idx:
            totals[0] = "合计"
    layout = None
    if spec.ledger is not None:
        layout, ledger_totals = spec.ledger(qs)
        if ledger_totals is not None:
            totals = list(ledger_totals)
    name = spec.export_name or spec.title
    return export_xlsx(
        filename=f"{name}-{clock.today():%Y%m%d}.xlsx",
        title=spec.title,
        columns=columns,
        rows=rows(),
        totals=totals,
        layout=layout,
    )


def build_list(
    request: HttpRequest, spec: ListSpec, qs: QuerySet, *, extra: dict[str, Any] | None = None
) -> ListResult | HttpResponse:
    """Filter, sort and page ``qs`` (already in the actor's scope) as the query asks.

    Returns the workbook, the print page or (a batch POST) the redirect back
    as a response, otherwise the page."""
    qs, shown_filters, q = _apply_filters(request, spec, qs)
    if request.method == "POST" and request.POST.get("batch") and spec.batch:
        return run_batch(request, spec, qs)
    qs, sort = _sort(request, spec, qs)
    per = _per(request)
    want_export = request.GET.get("export") == "xlsx"
    want_print = request.GET.get("print") == "1"
    if want_export or want_print:
        qs = _selected(request, qs)
    count, money = _aggregate(spec, qs)
    money_by_idx = {m.index: m for m in money}
    if want_export:
        from . import export_jobs

        if count > export_jobs.inline_max() and not export_jobs.in_worker():
            # R-REP-05: a large export runs in the worker (ADR 0934)
            return export_jobs.start(request, spec.export_name or spec.title, count)
        return export_response(spec, qs, money)
    headers = []
    for i, c in enumerate(spec.columns):
        if c.export_only:
            continue
        label = f"{c.label}（{money_by_idx[i].unit}）" if i in money_by_idx else c.label
        next_sort = ""
        if c.sort:
            next_sort = f"-{c.key}" if sort == c.key else c.key
        headers.append(
            {
                "label": label,
                "key": c.key,
                "sortable": bool(c.sort),
                "next_sort": next_sort,
                "dir": "asc" if sort == c.key else "desc" if sort == f"-{c.key}" else "",
                "money": i in money_by_idx,
            }
        )
    totals: list[dict[str, Any]] | None = None
    if any(m.summed for m in money):
        shown = [i for i, c in enumerate(spec.columns) if not c.export_only]
        totals = [
            {
                "text": money_text(money_by_idx[i].total, money_by_idx[i].wan),
                "label": f"合计{headers[n]['label']}",
                "money": True,
            }
            if i in money_by_idx and money_by_idx[i].summed
            else {"text": "", "label": "", "money": False}
            for n, i in enumerate(shown)
        ]
        if not totals[0]["money"]:
            totals[0]["text"] = f"合计（{count} 条）"
    if want_print:
        objs = _prepared(spec, list(qs[:PRINT_MAX_ROWS]))
        return render(
            request,
            "core/list_print.html",
            {
                "spec": spec,
                "headers": headers,
                "rows": [{"cells": _cells(spec, o, money_by_idx)} for o in objs],
                "totals": totals,
                "count": count,
                "truncated": count > PRINT_MAX_ROWS,
                "print_max": PRINT_MAX_ROWS,
                "filters": [s for s in shown_filters if s["value"]],
                "q": q,
                "printed_at": clock.now(),
            },
        )
    paginator = Paginator(qs, per)
    paginator.count = count  # the aggregate counted already: no second COUNT query
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    for k in ("page", "export", "print", "ids"):
        params.pop(k, None)
    base = params.urlencode()
    hidden = [(k, v) for k in params for v in params.getlist(k) if k != "ids"]
    no_sort = params.copy()
    no_sort.pop("sort", None)
    no_sort_qs = no_sort.urlencode()
    page_obj.object_list = _prepared(spec, list(page_obj.object_list))  # one query, kept
    rows = [
        {
            "pk": obj.pk,
            "cells": _cells(spec, obj, money_by_idx),
            "url": spec.row_url(obj) if spec.row_url else "",
            "disabled": spec.row_disabled(obj) if spec.row_disabled else "",
        }
        for obj in page_obj.object_list
    ]
    return ListResult(
        spec=spec,
        page_obj=page_obj,
        rows=rows,
        headers=headers,
        filters=shown_filters,
        q=q,
        sort=sort,
        per=per,
        totals=totals,
        querystring=base,
        querystring_without_page=f"{base}&" if base else "",
        querystring_without_sort=f"{no_sort_qs}&" if no_sort_qs else "",
        hidden=hidden,
        kept=[(k, request.GET[k][:100]) for k in spec.keep if request.GET.get(k)],
        extra=extra or {},
    )


def render_list(
    request: HttpRequest,
    spec: ListSpec,
    qs: QuerySet,
    *,
    template: str = "core/list_page.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A whole list page (or its workbook / print view) in one call."""
    result = build_list(request, spec, qs)
    if isinstance(result, HttpResponse):
        return result
    ctx = {
        "lst": result,
        "title": spec.title,
        # the page's rows as objects (for tests and pages that show more than the table)
        "object_list": result.page_obj.object_list,
        **(context or {}),
    }
    return render(request, template, ctx)
