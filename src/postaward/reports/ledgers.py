"""The four ledgers of YJ 二(二) (R-REP-01), as list-component specs.

Each ledger is computed live from the owning app's rows, read through that
app's own scope (``visible_to`` / its selectors): the reports app adds no
rule of its own beyond "enterprises read no ledger" and the project scope
(ADR 0900). Each ledger declares its rows for a period (``rows``), its columns
(``spec``), the counts shown above the table and written as the workbook's
totals row (``summary``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from postaward.core.actor import Actor
from postaward.core.exports import ExportLayout
from postaward.core.lists import Column, Filter, ListSpec
from postaward.orgs.choices import ENTERPRISE_KINDS, Industry

from .choices import LedgerKind
from .periods import MONTHS, QUARTERS, Period, year_choices


def may_read(actor: Actor) -> bool:
    """Government accounts (the office, authorities, superior units, owners,
    district-wide bodies); never an enterprise (ADR 0900)."""
    return (
        actor.user_id is not None
        and bool(actor.org_path)
        and bool(actor.roles)
        and actor.org_kind not in ENTERPRISE_KINDS
    )


def _same(qs: QuerySet, value: str) -> QuerySet:
    # the period is applied once, before the list (``Ledger.rows``)
    return qs


def period_filters() -> list[Filter]:
    return [
        Filter("year", "年度", "pk", choices=year_choices, apply=_same),
        Filter("quarter", "季度", "pk", choices=QUARTERS, apply=_same),
        Filter("month", "月份", "pk", choices=MONTHS, apply=_same),
        Filter("from", "日期起", "pk", kind="date_from", apply=_same),
        Filter("to", "日期止", "pk", kind="date_to", apply=_same),
    ]


def unit_choices(actor: Actor) -> Callable[[], list[tuple[str, str]]]:
    def choices() -> list[tuple[str, str]]:
        from postaward.orgs.models import Organisation
        from postaward.projects.models import Project

        owners = Project.objects.visible_to(actor).values("owner_id")
        return [
            (str(pk), name)
            for pk, name in Organisation.objects.filter(pk__in=owners)
            .order_by("path")
            .values_list("pk", "name")
        ]

    return choices


def scope_filters(actor: Actor, project: str) -> list[Filter]:
    """Industry and unit (the project's owner); ``project`` is the path to the
    project ("project__", or "" for a ledger of projects)."""
    return [
        Filter("industry", "行业", f"{project}industry", choices=Industry.choices),
        Filter("unit", "建设单位", f"{project}owner_id", choices=unit_choices(actor)),
    ]


def link(name: str, pk: Any) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # pragma: no cover - the owning app always has it
        return ""


@dataclass(frozen=True)
class Ledger:
    kind: str
    title: str
    intro: str
    rows: Callable[[Actor, Period], QuerySet]
    columns: Callable[[], Sequence[Column]]
    filters: Callable[[Actor], Sequence[Filter]]
    search: Sequence[str]
    search_label: str
    default_sort: str
    # the counts above the table and in the totals row: [(label, number)]
    summary: Callable[[QuerySet], list[tuple[str, int]]]
    # the row's project (the API answers it; the scope tests check it)
    project_of: Callable[[Any], int | None] = lambda obj: None
    # the row's own table and record id (a ledger over several tables, ADR 0932)
    record_of: Callable[[Any], tuple[str, int]] = lambda obj: ("", obj.pk)
    row_url: Callable[[Any], str] | None = None
    prepare: Callable[[list[Any]], list[Any]] | None = None
    basis: str = "R-REP-01"

    def spec(self, actor: Actor, period: Period) -> ListSpec:
        def ledger(qs: QuerySet) -> tuple[ExportLayout, Sequence[Any] | None]:
            counts = self.summary(qs)
            text = "，".join(f"{label}{n}" for label, n in counts)
            return (
                ExportLayout(
                    unit=actor.org_name,
                    period=period.label,
                    compiler=actor.display_name or actor.username,
                ),
                [text],
            )

        return ListSpec(
            key=f"reports-{self.kind}",
            title=self.title,
            columns=self.columns(),
            filters=[*period_filters(), *self.filters(actor)],
            search=self.search,
            search_label=self.search_label,
            default_sort=self.default_sort,
            row_url=self.row_url,
            export_name=self.title,
            empty="本期间暂无记录",
            prepare=self.prepare,
            testid="ledger",
            ledger=ledger,
        )


LEDGERS: dict[str, Ledger] = {}


def register(ledger: Ledger) -> None:
    LEDGERS[ledger.kind] = ledger


def get(kind: str) -> Ledger | None:
    if not LEDGERS:
        load()
    return LEDGERS.get(kind)


def load() -> None:
    from . import ledger_complaints, ledger_in_process, ledger_post_award, ledger_verified

    for mod in (ledger_in_process, ledger_post_award, ledger_complaints, ledger_verified):
        register(mod.LEDGER)


def in_period(field: str, period: Period) -> Q:
    """A moment field within the period (local days)."""
    start, end = period.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def kinds() -> list[tuple[str, str]]:
    return [(str(k), str(k.label)) for k in LedgerKind]


DENIED = "报表与台账仅限监管办、行业主管部门、主管单位和建设单位等政府部门查看"
