"""What the approval processes add to the shell: menu entries, home counts and
the sections of the project archive (一项目一档案, R-PRJ-04)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from postaward.core import clock, homepage, menu
from postaward.core.actor import Actor
from postaward.core.menu import Item
from postaward.core.models import Deadline, Todo
from postaward.projects.models import Project
from postaward.projects.selectors import register_archive_section

from .choices import LogState
from .deadline_kinds import ALL as KINDS
from .models import (
    AcceptanceRequest,
    ContractorEvaluation,
    EngineeringChange,
    HiddenWork,
    Inspection,
    PersonnelChange,
    RectificationNotice,
    SupervisionLog,
)
from .services.policy import may_edit_policy

KIND_NAMES = [k.kind for k in KINDS]

for label, name, icon, order in (
    ("工程变更", "approval_changes", "bi-arrow-left-right", 10),
    ("人员变更", "approval_personnel", "bi-person-gear", 12),
    ("隐蔽工程", "approval_hidden_works", "bi-layers", 14),
    ("监理日志", "approval_logs", "bi-journal-text", 16),
    ("监理通知单", "approval_notices", "bi-clipboard-check", 18),
    ("检查与评价", "approval_inspections", "bi-search", 20),
    ("竣工验收", "approval_acceptance", "bi-patch-check", 22),
    ("结算送审", "approval_settlement", "bi-cash-coin", 24),
    ("办理期限", "approval_deadlines", "bi-hourglass-split", 26),
):
    menu.add("approvals", Item(label, name, icon, order=order))
# the ledgers' badges: the actor's open to-dos of each kind of record
for name, prefixes in (
    ("approval_changes", ("approvals.engineeringchange.",)),
    ("approval_personnel", ("approvals.personnelchange.",)),
    ("approval_hidden_works", ("approvals.hiddenwork.",)),
    ("approval_notices", ("approvals.rectificationnotice.",)),
    ("approval_acceptance", ("approvals.acceptancerequest.", "approvals.acceptanceextension.")),
):
    menu.set_badge(name, todo_kinds=prefixes)
menu.add(
    "approvals",
    Item("审批参数", "approval_policy", "bi-sliders", visible=may_edit_policy, order=40),
)


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def visible_deadlines(actor: Actor) -> Any:
    return Deadline.objects.visible_to(actor).filter(kind__in=KIND_NAMES)


@homepage.register(order=40)
def approval_counts(actor: Actor) -> list[dict[str, Any]]:
    todos = (
        Todo.objects.visible_to(actor)
        .filter(state=Todo.State.OPEN, kind__startswith="approvals.")
        .count()
    )
    from . import selectors

    # each card counts what its link lists: the ledger filtered the same way
    overdue = visible_deadlines(actor).filter(selectors.recently_overdue_q(clock.now())).count()
    changes = EngineeringChange.objects.visible_to(actor).filter(selectors.OPEN_CHANGE_Q).count()
    return [
        {
            "key": "approvals_todos",
            "label": "待办审批",
            "value": todos,
            "icon": "bi-check2-square",
            "url": _url("inbox") + "?kind=approvals.",
        },
        {
            "key": "approvals_changes",
            "label": "在办工程变更",
            "value": changes,
            "icon": "bi-arrow-left-right",
            "url": _url("approval_changes") + "?open=1",
        },
        {
            "key": "approvals_overdue",
            "label": "近30天超期事项",
            "value": overdue,
            "icon": "bi-alarm",
            "url": _url("approval_deadlines") + "?overdue=1",
        },
    ]


# --- archive sections -------------------------------------------------------------------------------


def _d(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return f"{clock.localtime(value):%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


def _money(value: Any) -> str:
    from postaward.core.templatetags.pa import yuan

    return yuan(value)


@register_archive_section("changes", "工程变更情况", 50)
def changes_section(project: Project, actor: Actor) -> dict[str, Any]:
    rows = []
    for c in (
        EngineeringChange.objects.filter(project=project)
        .select_related("participant__organisation")
        .order_by("raised_at")
    ):
        flags = "；".join(
            x
            for x in ("重大设计变更" if c.is_major else "", "事后变更" if c.after_the_fact else "")
            if x
        )
        rows.append(
            [
                c.number,
                c.get_category_display(),
                c.title,
                c.participant.organisation.name,
                _money(c.cost_delta),
                f"{c.days_delta:+d}",
                _d(c.work_date),
                c.get_state_display(),
                _d(c.approved_at),
                flags or "—",
            ]
        )
    for pc in (
        PersonnelChange.objects.filter(project=project)
        .select_related("outgoing", "replacement")
        .order_by("initiated_at")
    ):
        rows.append(
            [
                pc.number,
                "人员变更",
                f"{pc.outgoing.name} → {pc.replacement.name}",
                pc.initiated_by_org,
                _money(pc.penalty_amount) if pc.penalty_amount is not None else "—",
                "—",
                "—",
                pc.get_state_display(),
                _d(pc.completed_at),
                pc.get_reason_kind_display(),
            ]
        )
    return {
        "columns": [
            "编号",
            "类别",
            "事项",
            "单位",
            "费用增减/违约金",
            "工期（天）",
            "计划实施",
            "状态",
            "批准/换岗",
            "说明",
        ],
        "rows": rows,
        "empty": "暂无工程变更或人员变更记录",
    }


@register_archive_section("hidden_works", "隐蔽工程", 52)
def hidden_section(project: Project, actor: Actor) -> dict[str, Any]:
    rows = []
    for hw in (
        HiddenWork.objects.filter(project=project).prefetch_related("photos").order_by("work_date")
    ):
        photos = [ph for ph in hw.photos.all() if not ph.superseded]
        warnings = sum(len(ph.warnings) for ph in photos)
        rows.append(
            [
                hw.number,
                hw.part_name,
                _d(hw.work_date),
                "是" if hw.is_important else "否",
                hw.standby_by_name or "—",
                f"{len(photos)} 张" + (f"（{warnings} 条核验提示）" if warnings else ""),
                hw.get_state_display(),
            ]
        )
    return {
        "columns": ["编号", "部位", "施工日期", "重要部位", "旁站监理", "影像", "状态"],
        "rows": rows,
        "empty": "暂无隐蔽工程记录",
    }


@register_archive_section("supervision", "监理日志与监理通知单", 54)
def supervision_section(project: Project, actor: Actor) -> dict[str, Any]:
    logs = SupervisionLog.objects.filter(project=project)
    recorded = logs.filter(state=LogState.RECORDED).count()
    due = logs.filter(state=LogState.DUE, log_date__lt=clock.today()).count()
    rows = [["监理日志", f"已填写 {recorded} 天", f"缺失 {due} 天", "—", "—"]]
    for n in RectificationNotice.objects.filter(project=project).order_by("issued_at"):
        rows.append(
            [
                f"监理通知单 {n.number}",
                n.title,
                _d(n.required_by),
                n.get_state_display(),
                "逾期" if n.overdue else "—",
            ]
        )
    return {
        "columns": ["记录", "事项", "期限/缺失", "状态", "说明"],
        "rows": rows,
        "empty": "暂无监理记录",
    }


@register_archive_section("inspections", "日常检查", 60)
def inspections_section(project: Project, actor: Actor) -> dict[str, Any]:
    rows = [
        [
            _d(i.inspected_on),
            i.inspectors,
            i.findings[:80],
            i.get_result_display(),
            i.recorded_by_org,
        ]
        for i in Inspection.objects.filter(project=project).order_by("inspected_on")
    ]
    return {
        "columns": ["检查日期", "检查人员", "检查情况", "结论", "登记单位"],
        "rows": rows,
        "empty": "暂无日常检查记录",
    }


@register_archive_section("acceptance", "竣工验收", 65)
def acceptance_section(project: Project, actor: Actor) -> dict[str, Any]:
    rows = [
        [
            r.number,
            r.get_kind_display(),
            _d(r.submitted_at),
            _d(r.received_at),
            _d(r.accepted_on),
            r.get_state_display(),
            (r.conclusion or r.return_reason or "—")[:60],
        ]
        for r in AcceptanceRequest.objects.filter(project=project).order_by("submitted_at")
    ]
    return {
        "columns": ["编号", "类型", "发起", "受理", "验收日期", "状态", "结论/理由"],
        "rows": rows,
        "empty": "暂无竣工验收记录",
    }


@register_archive_section("evaluation", "综合评价", 70)
def evaluation_section(project: Project, actor: Actor) -> dict[str, Any]:
    rows = [
        [
            e.participant.organisation.name,
            e.construction_score,
            e.management_score,
            e.quality_score,
            e.contract_score,
            str(e.total),
            e.get_grade_display(),
            e.comment[:60],
        ]
        for e in ContractorEvaluation.objects.filter(project=project).select_related(
            "participant__organisation"
        )
    ]
    return {
        "columns": [
            "施工单位",
            "施工组织",
            "现场管理",
            "工程质量",
            "合同履约",
            "综合得分",
            "等级",
            "评价意见",
        ],
        "rows": rows,
        "empty": "暂无综合评价记录",
    }
