"""Event indicators: a domain event (a missed deadline, attendance, projects,
approvals) becomes hits (R-ALR-01, R-ALR-04)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError

from postaward.approvals.events import AcceptanceConcluded, HiddenWorkReviewed
from postaward.attendance.events import (
    AbsenceStreak,
    CheatConfirmed,
    MonthlyRate,
    PatrolOverdue,
)
from postaward.core import humane
from postaward.core.deadlines import DeadlineMissed
from postaward.core.events import DomainEvent
from postaward.projects.events import (
    AbnormalAwardFlagged,
    ProjectFoundUncovered,
    ProjectTerminated,
)

from ..choices import Area, Severity, Source
from ..indicators import Hit, Param, Spec, register
from .facts import (
    APPROVALS,
    QZA,
    SY,
    _fmt_dt,
    _org_name,
    _payload,
    _person_name,
    _position_label,
    project_facts,
)

# The approvals events that are indicators by themselves (registered in ``__init__``).
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


# --- missed deadlines (every kind) ------------------------------------------------------------


def hits_from_missed_deadline(evt: DeadlineMissed, params: dict[str, Any]) -> list[Hit]:
    return hits_from_missed_deadlines([evt], params)


def hits_from_missed_deadlines(evts: list[DeadlineMissed], params: dict[str, Any]) -> list[Hit]:
    """One hit per missed deadline, in order; what they name (the deadlines,
    their subjects, projects and responsible units) is read in a fixed number
    of queries however many there are (a sweep's batch, ADR 0517)."""
    from postaward.core import deadlines
    from postaward.core.models import Deadline
    from postaward.orgs.models import Organisation

    rows = Deadline.objects.in_bulk([e.deadline_id for e in evts])
    subjects = _subject_texts({(e.subject_type, e.subject_id) for e in evts})
    facts_of = _project_facts_many({e.project_id for e in evts if e.project_id})
    org_names = dict(
        Organisation.objects.filter(
            pk__in={e.organisation_id for e in evts if e.organisation_id}
        ).values_list("pk", "name")
    )
    hits = []
    for evt in evts:
        dk = deadlines.kind_of(evt.kind)
        label = dk.label if dk else evt.kind
        subject = subjects[(evt.subject_type, evt.subject_id)]
        d = rows.get(evt.deadline_id)
        due = _fmt_dt(evt.due_at)
        evidence = [{"label": "期限届满", "value": due}]
        if d is not None:
            evidence.insert(0, {"label": "办理期限", "value": deadlines.describe(d)})
            if d.paused_seconds:
                evidence.append(
                    {
                        "label": "停工暂停",
                        "value": f"累计暂停 {d.paused_seconds / 86400:.1f} 天，已顺延",
                    }
                )
        if evt.organisation_id:
            evidence.append({"label": "责任单位", "value": org_names.get(evt.organisation_id, "")})
        facts = {
            **(facts_of.get(evt.project_id) or project_facts(None)),  # type: ignore[arg-type]
            "label": label,
            "subject": subject,
            "due": due,
            "basis": evt.basis,
        }
        hits.append(
            Hit(
                dedup_key=f"deadline:{evt.kind}:{evt.subject_type}:{evt.subject_id}",
                hit_key=f"deadline:{evt.deadline_id}",
                title=f"{label}超期：{subject}",
                facts=facts,
                evidence=evidence,
                project_id=evt.project_id,
                subject_org_id=evt.organisation_id,
            )
        )
    return hits


def _project_facts_many(ids: set[int]) -> dict[int, dict[str, Any]]:
    """``project_facts`` of many projects in one query."""
    from postaward.projects.models import Project

    return {
        pk: {"project": name, "project_code": code, "project_text": f"项目：{name}（{code}）。"}
        for pk, name, code in Project.objects.filter(pk__in=ids).values_list("pk", "name", "code")
    }


def _subject_texts(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """``_subject_text`` of many subjects: one query per type of subject."""
    by_type: dict[str, set[str]] = {}
    for subject_type, subject_id in pairs:
        by_type.setdefault(subject_type, set()).add(subject_id)
    out = {pair: f"{pair[0]}#{pair[1]}" for pair in pairs}
    for subject_type, ids in by_type.items():
        try:
            model = apps.get_model(subject_type)
        except (LookupError, ValueError):
            continue
        keys: dict[Any, list[str]] = {}
        for raw in ids:
            try:
                keys.setdefault(model._meta.pk.to_python(raw), []).append(raw)
            except (ValueError, TypeError, ValidationError):
                continue
        for obj in model._default_manager.filter(pk__in=list(keys)):
            for raw in keys.get(obj.pk, ()):
                out[(subject_type, raw)] = str(obj)[:80]
    return out


def _subject_text(subject_type: str, subject_id: str) -> str:
    return _subject_texts({(subject_type, subject_id)})[(subject_type, subject_id)]


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
