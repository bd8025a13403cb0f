"""Data indicators: the data as it stood on a day (engineering changes,
double sites, repeated alerts, the interquartile fence among peers; R-ALR-04,
R-ALR-05)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.apps import apps

from postaward.core import clock

from ..indicators import Evaluation, Hit
from .facts import (
    APPROVALS,
    REPEATED_ALERTS,
    _person_name,
    project_facts,
)

# --- data: engineering changes (approvals, issue 5) ---------------------------------------------


def _changes(as_of: dt.date) -> Any:
    """Approved engineering changes as they stood at the end of ``as_of``, or
    None while the approvals capability is not installed."""
    if not apps.is_installed(APPROVALS):
        return None
    from postaward.approvals import selectors as approvals

    return approvals.approved_changes(as_of)


NOT_YET = "审批模块（工程变更，issue 5）尚未上线：本指标已登记但暂不生效"


def _contract_label(participant: Any) -> str:
    number = getattr(participant, "contract_number", "") or "未填编号"
    return f"{participant.organisation.name}（合同 {number}）"


def _contract_amount(participant: Any) -> Decimal | None:
    amount = participant.contract_amount
    if not amount and participant.role == "contractor":
        amount = participant.project.contract_amount
    return Decimal(amount) if amount else None


def eval_contract_changes(
    params: dict[str, Any], as_of: dt.date, project_ids: set[int] | None
) -> Evaluation:
    qs = _changes(as_of)
    if qs is None:
        return Evaluation(notes=[NOT_YET])
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    by_contract: dict[int, list[Any]] = defaultdict(list)
    for c in qs.order_by("approved_at", "id"):
        by_contract[c.participant_id].append(c)
    out = Evaluation()
    for changes in by_contract.values():
        if len(changes) < params["min_changes"]:
            continue
        part = changes[0].participant
        facts = {
            **project_facts(part.project_id),
            "contract": _contract_label(part),
            "count": len(changes),
            "threshold": params["min_changes"],
        }
        out.hits.append(
            Hit(
                dedup_key=f"contract-changes:{part.pk}",
                title=f"合同变更 {len(changes)} 次：{facts['contract']}",
                facts=facts,
                evidence=[_change_row(c) for c in changes],
                project_id=part.project_id,
                subject_org_id=part.organisation_id,
            )
        )
    return out


def _change_row(c: Any) -> dict[str, str]:
    approved = f"{clock.localtime(c.approved_at):%Y-%m-%d}" if c.approved_at else ""
    return {
        "label": f"{getattr(c, 'number', '') or '#' + str(c.pk)}（{approved} 批准）",
        "value": f"金额 {Decimal(c.cost_delta or 0):+,.2f} 元，工期 {int(c.days_delta or 0):+d} 天"
        + ("，事后补批" if getattr(c, "after_the_fact", False) else "")
        + ("，重大变更" if getattr(c, "is_major", False) else ""),
    }


def eval_cumulative_share(
    params: dict[str, Any], as_of: dt.date, project_ids: set[int] | None
) -> Evaluation:
    qs = _changes(as_of)
    if qs is None:
        return Evaluation(notes=[NOT_YET])
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    by_contract: dict[int, list[Any]] = defaultdict(list)
    for c in qs.order_by("approved_at", "id"):
        by_contract[c.participant_id].append(c)
    out = Evaluation()
    limit = params["max_share"]
    for changes in by_contract.values():
        part = changes[0].participant
        amount = _contract_amount(part)
        if not amount:
            out.notes.append(f"{_contract_label(part)} 无合同金额，未计算变更占比")
            continue
        total = sum((abs(Decimal(c.cost_delta or 0)) for c in changes), Decimal(0))
        share = total / amount
        if share <= limit:
            continue
        facts = {
            **project_facts(part.project_id),
            "contract": _contract_label(part),
            "total": total,
            "amount": amount,
            "share": f"{share * 100:.2f}%",
            "threshold": f"{limit * 100:.2f}%",
        }
        out.hits.append(
            Hit(
                dedup_key=f"change-share:{part.pk}",
                title=f"累计变更金额占合同价 {facts['share']}：{facts['contract']}",
                facts=facts,
                evidence=[
                    {
                        "label": "累计变更占比",
                        "value": f"累计变更 {total:,.2f} 元（增减绝对值之和）/ 合同价 {amount:,.2f} 元 = {facts['share']}",
                    },
                    {"label": "阈值", "value": f"超过 {facts['threshold']}"},
                    *[_change_row(c) for c in changes],
                ],
                project_id=part.project_id,
                subject_org_id=part.organisation_id,
            )
        )
    return out


def eval_price_with_extension(
    params: dict[str, Any], as_of: dt.date, project_ids: set[int] | None
) -> Evaluation:
    qs = _changes(as_of)
    if qs is None:
        return Evaluation(notes=[NOT_YET])
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    out = Evaluation()
    for c in qs.filter(
        cost_delta__gt=params["min_cost_delta"], days_delta__gt=params["min_days_delta"]
    ).order_by("approved_at", "id"):
        part = c.participant
        facts = {
            **project_facts(c.project_id),
            "contract": _contract_label(part),
            "cost_delta": Decimal(c.cost_delta),
            "days_delta": c.days_delta,
        }
        out.hits.append(
            Hit(
                dedup_key=f"price-extension:{c.pk}",
                hit_key=f"price-extension:{c.pk}",
                title=f"变更同时增价 {Decimal(c.cost_delta):,.2f} 元、延期 {c.days_delta} 天：{facts['contract']}",
                facts=facts,
                evidence=[
                    _change_row(c),
                    {
                        "label": "阈值",
                        "value": f"增价超过 {params['min_cost_delta']} 元且延期超过 {params['min_days_delta']} 天",
                    },
                ],
                project_id=c.project_id,
                subject_org_id=part.organisation_id,
            )
        )
    return out


# --- data: attendance on two sites on the same day --------------------------------------------------


def eval_double_site(
    params: dict[str, Any], as_of: dt.date, project_ids: set[int] | None
) -> Evaluation:
    from postaward.attendance import selectors as attendance

    first = as_of - dt.timedelta(days=params["lookback_days"] - 1)
    out = Evaluation()
    for person_id, date, rows in attendance.valid_days_on_several_sites(first, as_of):
        person = _person_name(person_id)
        sites = "；".join(f"{r.project.name}（{_hm(r.first_at)}–{_hm(r.last_at)}）" for r in rows)
        for r in rows:
            if project_ids is not None and r.project_id not in project_ids:
                continue
            others = [o.project.name for o in rows if o.project_id != r.project_id]
            facts = {
                **project_facts(r.project_id),
                "person": person,
                "date": date.isoformat(),
                "others": "、".join(others),
            }
            out.hits.append(
                Hit(
                    dedup_key=f"double-site:{person_id}:{r.project_id}",
                    hit_key=f"double-site:{person_id}:{r.project_id}:{date}",
                    title=f"同日两地有效考勤：{person}（{date:%Y-%m-%d}）",
                    facts=facts,
                    evidence=[
                        {"label": "日期", "value": date.isoformat()},
                        {"label": "有效考勤项目", "value": sites},
                    ],
                    project_id=r.project_id,
                    subject_org_id=r.assignment.participant.organisation_id,
                    person_id=person_id,
                )
            )
    return out


def _hm(value: dt.datetime | None) -> str:
    return f"{clock.localtime(value):%H:%M}" if value else "—"


# --- data: enterprises with repeated alerts ---------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (clamped to the month's end)."""
    import calendar

    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def eval_repeated_alerts(
    params: dict[str, Any], as_of: dt.date, project_ids: set[int] | None
) -> Evaluation:
    from postaward.orgs.choices import ENTERPRISE_KINDS

    from ..models import Alert

    since = months_before(as_of, params["months"])
    qs = (
        Alert.objects.filter(
            # “自 {since} 起”: from 00:00 of ``since`` to the end of ``as_of``.
            created_at__gte=clock.start_of_day(since),
            created_at__lt=clock.end_of_day(as_of),
            subject_org__kind__in=[str(k) for k in ENTERPRISE_KINDS],
        )
        .exclude(indicator__code=REPEATED_ALERTS)
        .select_related("indicator", "subject_org")
        .order_by("created_at", "id")
    )
    by_org: dict[int, list[Any]] = defaultdict(list)
    for a in qs:
        by_org[a.subject_org_id].append(a)  # type: ignore[index]
    out = Evaluation()
    for org_id, alerts in by_org.items():
        if len(alerts) < params["min_alerts"]:
            continue
        name = alerts[0].subject_org.name
        facts = {
            "project": "（企业层面）",
            "project_code": "",
            "project_text": "",
            "enterprise": name,
            "count": len(alerts),
            "months": params["months"],
            "threshold": params["min_alerts"],
            "since": since.isoformat(),
        }
        out.hits.append(
            Hit(
                dedup_key=f"enterprise-repeat:{org_id}",
                title=f"{params['months']} 个月内预警 {len(alerts)} 次：{name}",
                facts=facts,
                evidence=[
                    {
                        "label": a.number,
                        "value": f"{clock.localtime(a.created_at):%Y-%m-%d} {a.indicator.name}：{a.title}",
                    }
                    for a in alerts
                ],
                subject_org_id=org_id,
            )
        )
    return out


# --- data: the interquartile fence among peers --------------------------------------------------------


def iqr_fence(values: list[float], k: float) -> tuple[float, float, float, float]:
    """(Q1, Q3, IQR, fence) with fence = Q3 + k × IQR.

    Quartiles: ``statistics.quantiles(values, n=4, method="inclusive")``, i.e.
    linear interpolation between order statistics over (n − 1) intervals —
    Hyndman & Fan type 7, the default of R, NumPy and Excel's QUARTILE.INC.
    """
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    iqr = q3 - q1
    return q1, q3, iqr, q3 + k * iqr


def _peer_label(industry: str, project_class: str) -> str:
    from postaward.orgs.choices import Industry
    from postaward.projects.choices import ProjectClass

    try:
        ind = str(Industry(industry).label)
    except ValueError:
        ind = industry
    try:
        cls = str(ProjectClass(project_class).label)
    except ValueError:
        cls = project_class
    return f"{ind}·{cls}"


def _outliers(
    rows: list[tuple[Any, float, str]],
    params: dict[str, Any],
    project_ids: set[int] | None,
    *,
    what: str,
    key: str,
    unit_text: str,
) -> Evaluation:
    """Flag rows whose value lies beyond Q3 + k × IQR of their peer group
    (same industry and class). Groups below the minimum sample, or whose
    spread is zero, are skipped and said so in the notes."""
    groups: dict[tuple[str, str], list[tuple[Any, float, str]]] = defaultdict(list)
    for row in rows:
        groups[(row[0].industry, row[0].project_class)].append(row)
    k = float(params["k"])
    out = Evaluation()
    if not groups:
        out.notes.append(f"没有可计算{what}的项目（须有计划开工、计划完工和实际开工日期）")
    for (industry, project_class), members in sorted(groups.items()):
        label = _peer_label(industry, project_class)
        values = [v for _, v, _ in members]
        if len(values) < params["min_sample"]:
            out.notes.append(
                f"{label}：同类项目 {len(values)} 个，少于最小样本 {params['min_sample']} 个，未研判"
            )
            continue
        q1, q3, iqr, fence = iqr_fence(values, k)
        if iqr == 0:
            out.notes.append(
                f"{label}：同类项目 {len(values)} 个，四分位距为 0（Q1 = Q3 = {q3:.4f}），无离散度可比，未研判"
            )
            continue
        out.notes.append(
            f"{label}：同类项目 {len(values)} 个，Q1 = {q1:.4f}，Q3 = {q3:.4f}，IQR = {iqr:.4f}，界限 = Q3 + {k:g} × IQR = {fence:.4f}"
        )
        for project, value, detail in members:
            # Ratios come from whole days: compare at 9 decimals so that a value
            # on the fence is not flagged by a floating-point remainder.
            if round(value, 9) <= round(fence, 9):
                continue
            if project_ids is not None and project.pk not in project_ids:
                continue
            facts = {
                **project_facts(project.pk),
                "peer_group": label,
                "value": f"{value:.4f}",
                "q1": f"{q1:.4f}",
                "q3": f"{q3:.4f}",
                "iqr": f"{iqr:.4f}",
                "fence": f"{fence:.4f}",
                "k": f"{k:g}",
                "sample": len(values),
            }
            out.hits.append(
                Hit(
                    dedup_key=f"{key}:{project.pk}",
                    title=f"{what}{value:.2%} 显著高于同类项目：{project.name}",
                    facts=facts,
                    evidence=[
                        {"label": what, "value": detail},
                        {"label": "同类项目", "value": f"{label}，共 {len(values)} 个"},
                        {
                            "label": "离群界限",
                            "value": f"Q3 {q3:.4f} + {k:g} × IQR {iqr:.4f} = {fence:.4f}{unit_text}",
                        },
                    ],
                    project_id=project.pk,
                    subject_org_id=project.owner_id,
                )
            )
    return out


def delay_ratio(project: Any, as_of: dt.date) -> tuple[float, str] | None:
    """Delay days / planned duration as of ``as_of`` (None if not measurable)."""
    if not (project.planned_start and project.planned_completion and project.actual_start):
        return None
    planned = (project.planned_completion - project.planned_start).days
    if planned <= 0 or project.actual_start > as_of:
        return None
    end = (
        project.actual_completion
        if project.actual_completion and project.actual_completion <= as_of
        else as_of
    )
    delay = max(0, (end - project.planned_completion).days)
    ratio = delay / planned
    return ratio, (
        f"延期 {delay} 天 / 计划工期 {planned} 天 = {ratio:.2%}"
        f"（计划完工 {project.planned_completion:%Y-%m-%d}，"
        + (
            f"实际完工 {end:%Y-%m-%d}）"
            if end != as_of or project.actual_completion == as_of
            else f"截至 {as_of:%Y-%m-%d} 未完工）"
        )
    )


def eval_delay_iqr(
    params: dict[str, Any], as_of: dt.date, project_ids: set[int] | None
) -> Evaluation:
    from postaward.projects.models import Project

    rows = []
    for p in Project.objects.exclude(status="terminated").filter(
        actual_start__isnull=False, actual_start__lte=as_of
    ):
        measured = delay_ratio(p, as_of)
        if measured is not None:
            rows.append((p, measured[0], measured[1]))
    return _outliers(rows, params, project_ids, what="延期率", key="delay-iqr", unit_text="")


def eval_change_iqr(
    params: dict[str, Any], as_of: dt.date, project_ids: set[int] | None
) -> Evaluation:
    from postaward.projects.models import Project

    qs = _changes(as_of)
    if qs is None:
        return Evaluation(notes=[NOT_YET])
    totals: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    for pid, delta in qs.values_list("project_id", "cost_delta"):
        totals[pid] += abs(Decimal(delta or 0))
        counts[pid] += 1
    rows = []
    for p in Project.objects.exclude(status="terminated").filter(
        actual_start__isnull=False, actual_start__lte=as_of, contract_amount__gt=0
    ):
        total = totals.get(p.pk, Decimal(0))
        ratio = float(total / p.contract_amount)
        rows.append(
            (
                p,
                ratio,
                f"变更 {counts.get(p.pk, 0)} 次，累计 {total:,.2f} 元 / 合同价 {p.contract_amount:,.2f} 元 = {ratio:.2%}",
            )
        )
    return _outliers(rows, params, project_ids, what="变更率", key="change-iqr", unit_text="")
