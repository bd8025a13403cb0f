"""The evaluators: event indicators turn a domain event into hits, data
indicators look at the data as it stood on a day (R-ALR-01, 04, 05).

Each is registered as a ``Spec`` with its defaults (threshold, severity, level,
legal basis, explanation). Evaluators only read; ``services.record_hit`` writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import statistics
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.apps import apps

from postaward.approvals.events import AcceptanceConcluded, HiddenWorkReviewed
from postaward.attendance.events import (
    AbsenceStreak,
    CheatConfirmed,
    MonthlyRate,
    PatrolOverdue,
)
from postaward.core import clock, humane
from postaward.core.deadlines import DeadlineMissed
from postaward.core.events import DomainEvent
from postaward.projects.events import (
    AbnormalAwardFlagged,
    ProjectFoundUncovered,
    ProjectTerminated,
)

from .choices import Area, Severity, Source
from .indicators import Evaluation, Hit, Param, Spec, register

SY = "《上虞区政府投资（国有建设）项目监督管理实施细则（试行）》"
QZ = "《衢州市政府投资工程建设项目标后监管实施细则》"
QZA = "《衢州市政府投资工程建设项目标后监管问责办法》"
LC = "《聊城市规范公共资源交易工作方案》"
APPROVALS = "postaward.approvals"


# --- shared facts ------------------------------------------------------------------------------


def _project(pid: int | None) -> Any:
    if not pid:
        return None
    from postaward.projects.models import Project

    return Project.objects.filter(pk=pid).select_related("owner").first()


def project_facts(pid: int | None) -> dict[str, Any]:
    p = _project(pid)
    if p is None:
        return {"project": "（未关联项目）", "project_code": "", "project_text": ""}
    return {
        "project": p.name,
        "project_code": p.code,
        "project_text": f"项目：{p.name}（{p.code}）。",
    }


def _org_name(org_id: int | None) -> str:
    from postaward.orgs.models import Organisation

    if not org_id:
        return ""
    return Organisation.objects.filter(pk=org_id).values_list("name", flat=True).first() or ""


def _person_name(person_id: int | None) -> str:
    from postaward.orgs.models import Person

    if not person_id:
        return ""
    return Person.objects.filter(pk=person_id).values_list("name", flat=True).first() or ""


def _position_label(value: str) -> str:
    from postaward.projects.choices import Position

    try:
        return str(Position(value).label)
    except ValueError:
        return value


def _fmt_dt(value: str | None) -> str:
    if not value:
        return ""
    try:
        return f"{clock.localtime(dt.datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
    except ValueError:
        return str(value)


def _payload(evt: Any) -> dict[str, Any]:
    return evt.to_payload() if hasattr(evt, "to_payload") else dict(evt)


# --- missed deadlines (every kind) ------------------------------------------------------------


def hits_from_missed_deadline(evt: DeadlineMissed, params: dict[str, Any]) -> list[Hit]:
    from postaward.core import deadlines
    from postaward.core.models import Deadline

    dk = deadlines.kind_of(evt.kind)
    label = dk.label if dk else evt.kind
    subject = _subject_text(evt.subject_type, evt.subject_id)
    d = Deadline.objects.filter(pk=evt.deadline_id).first()
    due = _fmt_dt(evt.due_at)
    evidence = [{"label": "期限届满", "value": due}]
    if d is not None:
        evidence.insert(
            0,
            {
                "label": "办理期限",
                "value": deadlines.describe(d),
            },
        )
        if d.paused_seconds:
            evidence.append(
                {
                    "label": "停工暂停",
                    "value": f"累计暂停 {d.paused_seconds / 86400:.1f} 天，已顺延",
                }
            )
    if evt.organisation_id:
        evidence.append({"label": "责任单位", "value": _org_name(evt.organisation_id)})
    facts = {
        **project_facts(evt.project_id),
        "label": label,
        "subject": subject,
        "due": due,
        "basis": evt.basis,
    }
    return [
        Hit(
            dedup_key=f"deadline:{evt.kind}:{evt.subject_type}:{evt.subject_id}",
            hit_key=f"deadline:{evt.deadline_id}",
            title=f"{label}超期：{subject}",
            facts=facts,
            evidence=evidence,
            project_id=evt.project_id,
            subject_org_id=evt.organisation_id,
        )
    ]


def _subject_text(subject_type: str, subject_id: str) -> str:
    try:
        model = apps.get_model(subject_type)
        obj = model._default_manager.filter(pk=subject_id).first()
    except (LookupError, ValueError):
        obj = None
    return str(obj)[:80] if obj is not None else f"{subject_type}#{subject_id}"


# --- attendance events -----------------------------------------------------------------------


def hits_from_cheat(evt: CheatConfirmed, params: dict[str, Any]) -> list[Hit]:
    person = _person_name(evt.person_id)
    facts = {
        **project_facts(evt.project_id),
        "person": person,
        "enterprise": _org_name(evt.organisation_id),
        "position": _position_label(evt.position),
        "at": _fmt_dt(evt.at),
        "signals": humane.text(list(evt.signals)),
        "confirmed_by": evt.confirmed_by,
    }
    return [
        Hit(
            dedup_key=f"cheat:{evt.project_id}:{evt.person_id}",
            hit_key=f"cheat:{evt.checkin_id}",
            title=f"考勤作弊经确认：{person}（{facts['position']}）",
            facts=facts,
            evidence=[
                {"label": "打卡时间", "value": facts["at"]},
                {"label": "作弊信号", "value": facts["signals"]},
                {"label": "确认人", "value": evt.confirmed_by},
                {"label": "确认说明", "value": evt.note or "—"},
            ],
            project_id=evt.project_id,
            subject_org_id=evt.organisation_id,
            person_id=evt.person_id,
        )
    ]


def hits_from_absence(evt: AbsenceStreak, params: dict[str, Any]) -> list[Hit]:
    days = list(evt.days)
    if len(days) < params["min_days"]:
        return []
    person = _person_name(evt.person_id)
    facts = {
        **project_facts(evt.project_id),
        "person": person,
        "enterprise": _org_name(evt.organisation_id),
        "position": _position_label(evt.position),
        "days": len(days),
        "first_day": evt.first_day,
        "threshold": params["min_days"],
    }
    return [
        Hit(
            dedup_key=f"absence:{evt.assignment_id}",
            hit_key=f"absence:{evt.assignment_id}:{evt.first_day}",
            title=f"连续 {len(days)} 天未考勤：{person}（{facts['position']}）",
            facts=facts,
            evidence=[
                {"label": "缺勤日期", "value": "、".join(days)},
                {"label": "原因", "value": "；".join(humane.text(r) for r in evt.reasons) or "—"},
                {"label": "阈值", "value": f"连续 {params['min_days']} 天及以上"},
            ],
            project_id=evt.project_id,
            subject_org_id=evt.organisation_id,
            person_id=evt.person_id,
        )
    ]


def hits_from_monthly_rate(evt: MonthlyRate, params: dict[str, Any]) -> list[Hit]:
    rate = Decimal(str(evt.rate))
    threshold = params["threshold"]
    if rate >= threshold:
        return []
    person = _person_name(evt.person_id)
    facts = {
        **project_facts(evt.project_id),
        "person": person,
        "enterprise": _org_name(evt.organisation_id),
        "position": _position_label(evt.position),
        "month": evt.month,
        "valid_days": evt.valid_days,
        "construction_days": evt.construction_days,
        "rate": f"{rate * 100:.1f}%",
        "threshold": f"{threshold * 100:.0f}%",
    }
    return [
        Hit(
            dedup_key=f"rate:{evt.assignment_id}:{evt.month}",
            hit_key=f"rate:{evt.assignment_id}:{evt.month}",
            title=f"{evt.month} 月考勤率 {facts['rate']}：{person}（{facts['position']}）",
            facts=facts,
            evidence=[
                {
                    "label": "月考勤率",
                    "value": f"有效考勤 {evt.valid_days} 天 / 实际施工 {evt.construction_days} 天 = {facts['rate']}",
                },
                {"label": "阈值", "value": f"不低于 {facts['threshold']}"},
            ],
            project_id=evt.project_id,
            subject_org_id=evt.organisation_id,
            person_id=evt.person_id,
        )
    ]


def hits_from_patrol(evt: PatrolOverdue, params: dict[str, Any]) -> list[Hit]:
    if evt.days_without < params["min_days"]:
        return []
    person = _person_name(evt.person_id)
    last = _fmt_dt(evt.last_valid_patrol) or "开工以来无有效巡查"
    facts = {
        **project_facts(evt.project_id),
        "person": person or "（未指定项目负责人）",
        "days": evt.days_without,
        "last": last,
        "threshold": params["min_days"],
    }
    return [
        Hit(
            dedup_key=f"patrol:{evt.project_id}",
            hit_key=f"patrol:{evt.project_id}:{evt.last_valid_patrol or 'none'}",
            title=f"巡查超期：{facts['project']}已 {evt.days_without} 个施工日无有效巡查",
            facts=facts,
            evidence=[
                {"label": "最近有效巡查", "value": last},
                {
                    "label": "阈值",
                    "value": f"每 {params['min_days']} 天至少一次有效巡查（>10 分钟）",
                },
            ],
            project_id=evt.project_id,
            subject_org_id=evt.owner_id,
            person_id=evt.person_id,
        )
    ]


# --- project events --------------------------------------------------------------------------


def hits_from_abnormal_award(evt: AbnormalAwardFlagged, params: dict[str, Any]) -> list[Hit]:
    from postaward.projects.choices import AbnormalAwardKind

    try:
        kind = str(AbnormalAwardKind(evt.kind).label)
    except ValueError:
        kind = evt.kind
    facts = {
        **project_facts(evt.project_id),
        "kind": kind,
        "party": evt.party_name or "—",
        "occurred_on": evt.occurred_on,
        "reason": evt.reason,
        "review_note": evt.review_note,
        "reviewed_by": evt.reviewed_by_org,
    }
    return [
        Hit(
            dedup_key=f"abnormal:{evt.event_id}",
            hit_key=f"abnormal:{evt.event_id}",
            title=f"标后异常无正当理由：{kind}（{facts['project']}）",
            facts=facts,
            evidence=[
                {"label": "发生日期", "value": evt.occurred_on},
                {"label": "相关单位", "value": facts["party"]},
                {"label": "原因说明", "value": evt.reason},
                {"label": "审查意见", "value": f"{evt.reviewed_by_org}：{evt.review_note}"},
            ],
            project_id=evt.project_id,
        )
    ]


def hits_from_uncovered(evt: ProjectFoundUncovered, params: dict[str, Any]) -> list[Hit]:
    facts = {**project_facts(evt.project_id), "note": evt.note or "—"}
    return [
        Hit(
            dedup_key=f"uncovered:{evt.project_id}",
            hit_key=f"uncovered:{evt.project_id}",
            title=f"项目未纳入平台监管：{facts['project']}",
            facts=facts,
            evidence=[{"label": "说明", "value": facts["note"]}],
            project_id=evt.project_id,
            subject_org_id=evt.owner_id,
        )
    ]


def hits_from_termination(evt: ProjectTerminated, params: dict[str, Any]) -> list[Hit]:
    facts = {
        **project_facts(evt.project_id),
        "terminated_on": evt.terminated_on,
        "reason": evt.reason,
    }
    return [
        Hit(
            dedup_key=f"terminated:{evt.project_id}",
            hit_key=f"terminated:{evt.project_id}",
            title=f"项目中途终止：{facts['project']}",
            facts=facts,
            evidence=[
                {"label": "终止日期", "value": evt.terminated_on},
                {"label": "终止原因", "value": evt.reason},
            ],
            project_id=evt.project_id,
            subject_org_id=evt.owner_id,
        )
    ]


# --- approvals events (the approvals capability, issue 5) ----------------------------------------


APPROVAL_TEXT = {
    # what each approvals event says, from its payload (explanations use these facts)
    "approvals.change_after_the_fact": lambda d: (
        f"变更{d.get('change_label', '')}计划实施日期 {d.get('work_date', '')}，"
        f"批准于 {_fmt_dt(d.get('approved_at'))}，晚于实施 {d.get('days_late', 0)} 天（事后补批）"
    ),
    "approvals.rectification_overdue": lambda d: (
        f"监理通知单 #{d.get('notice_id')} 要求 {d.get('required_by', '')} 前整改回复，逾期未回复"
    ),
    "approvals.rectification_refused": lambda d: (
        f"监理通知单 #{d.get('notice_id')} 施工单位拒不整改：{d.get('note', '') or '—'}"
    ),
    "approvals.used_before_acceptance": lambda d: (
        f"自 {d.get('used_since', '')} 起未经竣工验收即投入使用"
        + (
            f"；建设单位称属行业特殊要求：{d.get('exception_reason', '')}"
            if d.get("industry_exception")
            else ""
        )
    ),
}


def hits_from_approvals_event(evt: DomainEvent, params: dict[str, Any]) -> list[Hit]:
    """The approvals events (issue 5) carry the project, the subject's id and
    the facts of the step; the hit names them in Chinese."""
    data = _payload(evt)
    name = getattr(evt, "name", "") or data.get("name", "")
    ident = next(
        (
            str(data[k])
            for k in ("change_id", "notice_id", "usage_id", "request_id", "id")
            if data.get(k) is not None
        ),
        hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16],
    )
    if data.get("change_id"):
        data["change_label"] = _change_label(data["change_id"])
    pid = data.get("project_id")
    text = APPROVAL_TEXT.get(name)
    detail = text(data) if text else _payload_text(data)
    enterprise_id = data.get("organisation_id") or data.get("contractor_id")
    facts = {
        **project_facts(pid),
        "detail": detail,
        "enterprise": _org_name(enterprise_id) or "—",
    }
    evidence = [{"label": "事件", "value": detail}]
    if enterprise_id:
        evidence.append({"label": "涉及单位", "value": facts["enterprise"]})
    if data.get("actor_name"):
        evidence.append(
            {"label": "登记人", "value": f"{data['actor_name']}（{_fmt_dt(data.get('at'))}）"}
        )
    return [
        Hit(
            dedup_key=f"{name}:{pid}:{ident}",
            hit_key=f"{name}:{ident}",
            title=f"{APPROVAL_EVENTS.get(name, (name,))[0]}：{facts['project']}",
            facts=facts,
            evidence=evidence,
            project_id=pid,
            subject_org_id=enterprise_id,
        )
    ]


def _change_label(change_id: Any) -> str:
    from postaward.approvals import selectors as approvals

    return approvals.change_label(change_id) or f" #{change_id}"


_PAYLOAD_LABELS = {
    "project_name": "项目",
    "actor_name": "登记人",
    "at": "时间",
    "note": "说明",
    "reason": "原因",
    "opinion": "意见",
    "title": "事项",
    "number": "编号",
    "state": "状态",
    "work_date": "实施日期",
    "approved_at": "批准时间",
}


def _payload_text(data: dict[str, Any]) -> str:
    """An event without its own sentence: its readable facts, labelled in
    Chinese (ids and codes left out, times in local time)."""
    parts = [
        f"{label}：{humane.text(data[k])}"
        for k, label in _PAYLOAD_LABELS.items()
        if data.get(k) not in (None, "")
    ]
    return "；".join(parts)[:500] or "—"


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

    from .models import Alert

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


# --- the registry --------------------------------------------------------------------------------

REPEATED_ALERTS = "enterprise.repeated_alerts"

APPROVAL_EVENTS: dict[str, tuple[str, str, int, str, str, str]] = {
    # name: (label, requirement, severity, level, basis document, article)
    "approvals.change_after_the_fact": (
        "工程变更事后补批",
        "R-CHG-01",
        Severity.RED,
        "industry_authority",
        SY,
        "第二十七条（一）：变更须在施工前审批，不得事后变更",
    ),
    "approvals.used_before_acceptance": (
        "未经竣工验收即交付使用",
        "R-ACC-06",
        Severity.RED,
        "industry_authority",
        QZA,
        "第五条（五）：未经竣工验收或验收不合格即交付使用的，应予责任追究",
    ),
    "approvals.rectification_overdue": (
        "监理通知单逾期未整改",
        "R-SUP-02",
        Severity.YELLOW,
        "owner",
        SY,
        "第四十五条：未及时处理监理通知单的，由建设单位约谈或按合同处理",
    ),
    "approvals.rectification_refused": (
        "拒不整改监理通知单",
        "R-SUP-02",
        Severity.ORANGE,
        "industry_authority",
        SY,
        "第四十五条：拒不整改的，由行业主管部门查处、通报并约谈企业负责人",
    ),
}

for _name, (_label, _req, _sev, _level, _doc, _art) in APPROVAL_EVENTS.items():
    register(
        Spec(
            code=_name,
            name=_label,
            area=Area.DECISION if "change" in _name else Area.PROJECT,
            source=Source.EVENT,
            requirement=_req,
            severity=_sev,
            level=_level,
            basis_document=_doc,
            basis_article=_art,
            explanation=f"{_label}。{{project_text}}事件内容：{{detail}}。请核实并在线反馈处置结果。",
            events=(_name,),
            from_event=hits_from_approvals_event,
            requires_app=APPROVALS,
        )
    )

register(
    Spec(
        code="attendance.cheat_confirmed",
        name="考勤作弊经确认",
        area=Area.INTEGRITY,
        source=Source.EVENT,
        requirement="R-ATT-04",
        severity=Severity.RED,
        level="industry_authority",
        basis_document=SY,
        basis_article="第二十六条、第四十七条：严禁模拟定位等方式考勤，经确认的作弊行为约谈、解除合同或索赔并纳入信用管理",
        explanation=(
            "{enterprise}的{person}（{position}）于 {at} 的打卡经建设单位确认为作弊"
            "（信号：{signals}）。{project_text}请行业主管部门依合同和信用管理规定处理。"
        ),
        events=("attendance.cheat_confirmed",),
        from_event=hits_from_cheat,
        disposal_days=10,
    )
)
register(
    Spec(
        code="attendance.absence_streak",
        name="关键岗位人员连续缺勤",
        area=Area.KEY_PERSON,
        source=Source.EVENT,
        requirement="R-ATT-07",
        severity=Severity.YELLOW,
        level="owner",
        basis_document=SY,
        basis_article="第四十二条：连续两天及以上无考勤的，由建设单位约谈相关责任人",
        explanation=(
            "{enterprise}的{person}（{position}）自 {first_day} 起连续 {days} 天无有效考勤"
            "（阈值：连续 {threshold} 天）。{project_text}请建设单位约谈责任人并在线反馈。"
        ),
        params=(Param("min_days", "连续缺勤天数（≥）", "int", 2, 1, 30),),
        events=("attendance.absence_streak",),
        from_event=hits_from_absence,
        disposal_days=3,
    )
)
register(
    Spec(
        code="attendance.monthly_rate_below_threshold",
        name="月考勤率低于标准",
        area=Area.KEY_PERSON,
        source=Source.EVENT,
        requirement="R-ATT-08",
        severity=Severity.ORANGE,
        level="owner",
        basis_document=SY,
        basis_article="第二十六条、第四十二条：月考勤率不得低于80%，低于的约谈企业负责人、按合同处罚并通报",
        explanation=(
            "{enterprise}的{person}（{position}）{month} 月考勤率 {rate}"
            "（有效考勤 {valid_days} 天 / 实际施工 {construction_days} 天），低于 {threshold}。"
            "{project_text}请建设单位约谈企业负责人、按合同处理并反馈。"
        ),
        params=(Param("threshold", "月考勤率下限（0–1）", "decimal", "0.80", "0", "1"),),
        events=("attendance.monthly_rate",),
        from_event=hits_from_monthly_rate,
        dedup_window_days=28,
    )
)
register(
    Spec(
        code="attendance.patrol_overdue",
        name="建设单位项目负责人巡查超期",
        area=Area.KEY_PERSON,
        source=Source.EVENT,
        requirement="R-ATT-06",
        severity=Severity.YELLOW,
        level="superior_unit",
        basis_document=SY,
        basis_article="第二十六条：建设单位项目负责人每7天至少一次有效巡查（在场超过10分钟）",
        explanation=(
            "{project}的建设单位项目负责人{person}已 {days} 个施工日无有效巡查（最近：{last}；"
            "要求每 {threshold} 天至少一次）。请主管单位督促建设单位落实巡查并反馈。"
        ),
        params=(Param("min_days", "无有效巡查天数（≥）", "int", 7, 1, 60),),
        events=("attendance.patrol_overdue",),
        from_event=hits_from_patrol,
    )
)
register(
    Spec(
        code="projects.abnormal_award_flagged",
        name="标后异常无正当理由",
        area=Area.INTEGRITY,
        source=Source.EVENT,
        requirement="R-PRJ-12",
        severity=Severity.ORANGE,
        level="industry_authority",
        basis_document=LC,
        basis_article="五：中标人放弃中标、招标人取消采购或拖延签约，无正当理由的应当调查处理",
        explanation=(
            "{project}发生“{kind}”（{occurred_on}，相关单位：{party}），经{reviewed_by}审查无正当理由"
            "（{review_note}）。请行业主管部门调查处理并反馈。"
        ),
        events=("projects.abnormal_award_flagged",),
        from_event=hits_from_abnormal_award,
        disposal_days=15,
    )
)
register(
    Spec(
        code="projects.found_uncovered",
        name="项目未纳入平台监管",
        area=Area.PROJECT,
        source=Source.EVENT,
        requirement="R-PRJ-05",
        severity=Severity.ORANGE,
        level="superior_unit",
        basis_document=SY,
        basis_article="第三十三条：未纳入平台监管的项目不得进入结算审计，须提交资料补全申请并追究相关人员责任",
        explanation="{project}实施过程未纳入平台监管（{note}）。请主管单位督促补全资料并核实责任。",
        events=("projects.found_uncovered",),
        from_event=hits_from_uncovered,
        dedup_window_days=365,
    )
)
register(
    Spec(
        code="projects.terminated",
        name="项目中途终止",
        area=Area.DECISION,
        source=Source.EVENT,
        requirement="R-PRJ-06",
        severity=Severity.BLUE,
        level="superior_unit",
        basis_document=SY,
        basis_article="第三十四条：项目中途终止须由建设单位书面报告原因",
        explanation="{project}于 {terminated_on} 中途终止，原因：{reason}。请主管单位核实终止理由是否充分。",
        events=("projects.terminated",),
        from_event=hits_from_termination,
        dedup_window_days=365,
    )
)

# --- approvals events with a condition (hidden works, acceptance) -------------------------------------


def _record_text(model: str, pk: Any, label: str) -> str:
    """“<number> <name>” of an approvals record, or “<label> #<id>” if it is gone."""
    text = _subject_text(model, str(pk)) if pk else ""
    return text if text and not text.startswith(f"{model}#") else f"{label} #{pk or '—'}"


def hits_from_hidden_work_photos(evt: HiddenWorkReviewed, params: dict[str, Any]) -> list[Hit]:
    """A hidden work approved by the owner although its current photos carry
    warnings (no shooting time or place, taken elsewhere, duplicates …)."""
    data = _payload(evt)
    warnings = int(data.get("photo_warnings") or 0)
    if warnings < params["min_warnings"]:
        return []
    pid = data.get("project_id")
    hw_id = data.get("hidden_work_id")
    subject = _record_text("approvals.hiddenwork", hw_id, "隐蔽工程")
    facts = {
        **project_facts(pid),
        "hidden_work": subject,
        "work_date": data.get("work_date", ""),
        "warnings": warnings,
        "reviewed_by": data.get("actor_name", "") or "建设单位",
        "threshold": params["min_warnings"],
    }
    return [
        Hit(
            dedup_key=f"hidden-photos:{hw_id}",
            hit_key=f"hidden-photos:{hw_id}",
            title=f"隐蔽工程影像存疑仍审核通过：{subject}",
            facts=facts,
            evidence=[
                {"label": "隐蔽工程", "value": f"{subject}（施工日期 {facts['work_date']}）"},
                {"label": "影像提示", "value": f"现行照片共 {warnings} 条提示"},
                {
                    "label": "审核通过",
                    "value": f"{facts['reviewed_by']}（{_fmt_dt(data.get('at'))}）",
                },
                {"label": "阈值", "value": f"影像提示 {params['min_warnings']} 条及以上"},
            ],
            project_id=pid,
            subject_org_id=data.get("owner_id"),
        )
    ]


def hits_from_failed_acceptance(evt: AcceptanceConcluded, params: dict[str, Any]) -> list[Hit]:
    """An acceptance concluded as failed: the works may not be used until they
    pass (QZA 5(五)); the authority follows the rectification."""
    data = _payload(evt)
    if data.get("passed", True):
        return []
    pid = data.get("project_id")
    req_id = data.get("request_id")
    subject = _record_text("approvals.acceptancerequest", req_id, "验收申请")
    facts = {
        **project_facts(pid),
        "request": subject,
        "accepted_on": data.get("accepted_on", ""),
    }
    return [
        Hit(
            dedup_key=f"acceptance-failed:{req_id}",
            hit_key=f"acceptance-failed:{req_id}",
            title=f"验收不合格：{subject}",
            facts=facts,
            evidence=[
                {"label": "验收申请", "value": subject},
                {"label": "验收日期", "value": facts["accepted_on"]},
                {
                    "label": "结论登记",
                    "value": f"{data.get('actor_name', '')}（{_fmt_dt(data.get('at'))}）",
                },
            ],
            project_id=pid,
            subject_org_id=data.get("owner_id"),
        )
    ]


register(
    Spec(
        code="approvals.hidden_work_photo_warnings",
        name="隐蔽工程影像存疑仍审核通过",
        area=Area.PROJECT,
        source=Source.EVENT,
        requirement="R-ALR-01",
        severity=Severity.YELLOW,
        level="superior_unit",
        basis_document=SY,
        basis_article="第二十八条（二）（三）：隐蔽工程须上传施工前后对比及带标尺验收照片，建设单位负责审核影像资料质量",
        explanation=(
            "{hidden_work}（施工日期 {work_date}）的现行影像资料有 {warnings} 条提示"
            "（阈值 {threshold} 条），仍由{reviewed_by}审核通过。{project_text}"
            "请主管单位核实影像真实性及建设单位审核是否到位。"
        ),
        params=(Param("min_warnings", "影像提示条数（≥）", "int", 1, 1, 100),),
        events=("approvals.hidden_work_reviewed",),
        from_event=hits_from_hidden_work_photos,
        requires_app=APPROVALS,
    )
)
register(
    Spec(
        code="approvals.acceptance_failed",
        name="验收不合格",
        area=Area.PROJECT,
        source=Source.EVENT,
        requirement="R-ACC-06",
        severity=Severity.BLUE,
        level="industry_authority",
        basis_document=QZA,
        basis_article="第五条（五）：未经竣工验收或验收不合格即交付使用的，应予责任追究",
        explanation=(
            "{request}于 {accepted_on} 验收不合格。{project_text}"
            "验收合格前不得交付使用，请行业主管部门跟踪整改并防止提前投入使用。"
        ),
        events=("approvals.acceptance_concluded",),
        from_event=hits_from_failed_acceptance,
        requires_app=APPROVALS,
        dedup_window_days=90,
    )
)


# The change indicators are data indicators; the approvals events that name the
# same facts re-run them for the project at once (same code, same dedup keys).


def _rerun(evaluate: Any) -> Any:
    def from_event(evt: DomainEvent, params: dict[str, Any]) -> list[Hit]:
        pid = _payload(evt).get("project_id")
        if not pid:
            return []
        return evaluate(params, clock.today(), {int(pid)}).hits

    return from_event


register(
    Spec(
        code="change.contract_changes",
        name="同一合同变更次数过多",
        area=Area.FUNDS,
        source=Source.DATA,
        requirement="R-CHG-02",
        severity=Severity.ORANGE,
        level="industry_authority",
        basis_document=QZA,
        basis_article="第五条（四）、第六条（二）：变更不按规定程序报批的，追究建设单位和未履行审查职责的主管部门责任",
        explanation=(
            "{contract}已批准工程变更 {count} 次，达到阈值 {threshold} 次。{project_text}"
            "请行业主管部门核查变更的必要性与审批程序。"
        ),
        params=(Param("min_changes", "同一合同变更次数（≥）", "int", 3, 1, 50),),
        # every approval is a fact; the configured min_changes decides (R-ALR-01)
        events=("approvals.change_approved",),
        from_event=_rerun(eval_contract_changes),
        evaluate=eval_contract_changes,
        requires_app=APPROVALS,
        dedup_window_days=90,
    )
)
register(
    Spec(
        code="change.cumulative_share",
        name="累计变更金额占合同价比例过高",
        area=Area.FUNDS,
        source=Source.DATA,
        requirement="R-CHG-02",
        severity=Severity.RED,
        level="industry_authority",
        basis_document=QZ,
        basis_article="第二条（二）：行业主管部门对工程造价进行监督检查；附件2 第五条（四）",
        explanation=(
            "{contract}累计变更金额 {total} 元，占合同价 {amount} 元的 {share}，超过阈值 {threshold}。"
            "{project_text}请核查变更依据与造价控制。"
        ),
        params=(
            Param("max_share", "累计变更占合同价比例上限（0–1）", "decimal", "0.10", "0", "10"),
        ),
        evaluate=eval_cumulative_share,
        requires_app=APPROVALS,
        dedup_window_days=90,
    )
)
register(
    Spec(
        code="change.price_up_with_extension",
        name="变更增价同时延长工期",
        area=Area.FUNDS,
        source=Source.DATA,
        requirement="R-CHG-02",
        severity=Severity.ORANGE,
        level="superior_unit",
        basis_document=QZA,
        basis_article="第五条（四）：费用变更、工期变更须按规定程序报批",
        explanation=(
            "{contract}的一项已批准变更同时增加价款 {cost_delta} 元并延长工期 {days_delta} 天。"
            "{project_text}请核实增价与延期是否有充分依据。"
        ),
        params=(
            Param("min_cost_delta", "增价超过（元）", "decimal", "0", "0"),
            Param("min_days_delta", "延期超过（天）", "int", 0, 0, 3650),
        ),
        events=("approvals.price_increase_with_extension",),
        from_event=_rerun(eval_price_with_extension),
        evaluate=eval_price_with_extension,
        requires_app=APPROVALS,
        dedup_window_days=365,
    )
)
register(
    Spec(
        code="attendance.double_site",
        name="同一人员同日两地有效考勤",
        area=Area.KEY_PERSON,
        source=Source.DATA,
        requirement="R-ATT-04",
        severity=Severity.RED,
        level="owner",
        basis_document=SY,
        basis_article="第二十六条、第四十七条：关键岗位人员须在岗履职，严禁以不正当手段考勤",
        explanation=(
            "{person}于 {date} 在本项目和{others}均有有效考勤，同一人不可能同日在两处履职，"
            "疑似挂证或代打卡。{project_text}请建设单位核实人员在岗情况。"
        ),
        params=(Param("lookback_days", "回溯天数", "int", 31, 1, 366),),
        evaluate=eval_double_site,
        dedup_window_days=30,
        disposal_days=3,
    )
)
register(
    Spec(
        code=REPEATED_ALERTS,
        name="企业12个月内多次预警",
        area=Area.INTEGRITY,
        source=Source.DATA,
        requirement="R-ALR-04",
        severity=Severity.ORANGE,
        level="leading_group",
        basis_document=QZ,
        basis_article="第五条：对投诉举报多、经营异常或有严重违法违规记录的市场主体加大检查力度",
        explanation=(
            "{enterprise}在 {months} 个月内（自 {since} 起）被预警 {count} 次，达到阈值 {threshold} 次。"
            "建议列为重点检查对象并研判是否存在系统性履约问题。"
        ),
        params=(
            Param("min_alerts", "预警次数（≥）", "int", 3, 2, 100),
            Param("months", "统计月数", "int", 12, 1, 36),
        ),
        evaluate=eval_repeated_alerts,
        dedup_window_days=90,
        disposal_days=10,
    )
)
register(
    Spec(
        code="peer.delay_iqr",
        name="项目延期率显著高于同类项目",
        area=Area.PROJECT,
        source=Source.DATA,
        requirement="R-ALR-05",
        severity=Severity.YELLOW,
        level="superior_unit",
        basis_document=LC,
        basis_article="六：运用统计分析对交易及履约数据开展风险监测和异常识别",
        explanation=(
            "{project}的延期率 {value} 超过同类项目（{peer_group}，{sample} 个）的离群界限 {fence}"
            "（Q3 {q3} + {k} × IQR {iqr}）。请主管单位了解延期原因并督促。"
        ),
        params=(
            Param("min_sample", "最小样本（个）", "int", 8, 4, 1000),
            Param("k", "四分位距倍数 k", "decimal", "1.5", "0.5", "5"),
        ),
        evaluate=eval_delay_iqr,
        dedup_window_days=60,
    )
)
register(
    Spec(
        code="peer.change_iqr",
        name="项目变更率显著高于同类项目",
        area=Area.FUNDS,
        source=Source.DATA,
        requirement="R-ALR-05",
        severity=Severity.ORANGE,
        level="industry_authority",
        basis_document=LC,
        basis_article="六：运用统计分析对交易及履约数据开展风险监测和异常识别",
        explanation=(
            "{project}的变更率 {value} 超过同类项目（{peer_group}，{sample} 个）的离群界限 {fence}"
            "（Q3 {q3} + {k} × IQR {iqr}）。请行业主管部门核查变更。"
        ),
        params=(
            Param("min_sample", "最小样本（个）", "int", 8, 4, 1000),
            Param("k", "四分位距倍数 k", "decimal", "1.5", "0.5", "5"),
        ),
        evaluate=eval_change_iqr,
        requires_app=APPROVALS,
        dedup_window_days=60,
    )
)


# --- events that deliberately feed no indicator ---------------------------------------------------------
# Every event type registered with ``core.events`` either feeds an indicator
# (``Spec.events`` above, ``deadline.missed`` through ``deadline.<kind>``) or is
# listed here with the reason it is not a risk (tested: test_event_mapping.py).

NON_RISK_EVENTS: dict[str, str] = {
    "alerts.alert_disposed": "the alert's own handling: a fact for scoring, not a new risk",
    "alerts.alert_closed": "the alert's own closing: a fact for scoring, not a new risk",
    "projects.registered": "a project entering supervision is the normal start",
    "projects.imported": "bulk import from the trading system: normal intake",
    "projects.assigned": "the owner assigning its project leader: routine",
    "projects.key_person_assigned": "routine staffing; absences and cheating are their own indicators",
    "projects.key_person_released": "routine staffing; an unapproved change is an approvals deadline",
    "projects.works_started": "normal milestone; late start is a deadline kind",
    "projects.suspension_declared": "declared with a reason; pauses deadlines, reviewed by the line",
    "projects.suspended": "an approved suspension is lawful; it suppresses hits meanwhile",
    "projects.suspension_rejected": "the declaration was refused: nothing happened",
    "attendance.consequence_withdrawn": (
        "a correction, not a risk: it closes the alert of the withdrawn streak (subscribers)"
    ),
    "projects.resumed": "normal milestone",
    "projects.completed": "normal milestone; acceptance and settlement deadlines follow",
    "projects.accepted": "normal milestone",
    "projects.settlement_submitted": "normal milestone; lateness is the settlement deadline",
    "projects.settled": "normal milestone",
    "projects.funds_paid": "payment record; amounts feed the statistics, not an alert",
    "projects.deposit_returned": "normal close-out",
    "projects.interview_recorded": "an interview is itself the response to an alert",
    "projects.abnormal_award_recorded": "not yet reviewed; only one without valid reason is flagged",
    "projects.data_completion_decided": "the outcome of projects.found_uncovered, already alerted",
    "projects.subcontract_registered": "lawful registration; unregistered subcontracts are not events",
    "projects.personnel_ban_recorded": "a sanction already decided; projects enforces the ban",
    "approvals.change_raised": "a request only; risky changes are flagged when approved",
    "approvals.contract_third_change": (
        "a flag at the default of 3; change.contract_changes re-runs on every change_approved "
        "with the configured min_changes"
    ),
    "approvals.change_rejected": "the change did not happen",
    "approvals.personnel_change_completed": "approved by the authority, penalty recorded (SY 27(二))",
    "approvals.acceptance_returned": "incomplete file sent back; lateness is the acceptance deadline",
    "deadline.reminder": "before the deadline: a notification to the responsible unit",
    "deadline.missed_batch": "expanded into deadline.missed, which is mapped",
    "deadline.reminder_batch": "expanded into deadline.reminder",
}
