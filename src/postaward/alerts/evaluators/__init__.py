"""The evaluators: event indicators turn a domain event into hits, data
indicators look at the data as it stood on a day (R-ALR-01, 04, 05).

Each is registered as a ``Spec`` with its defaults (threshold, severity, level,
legal basis, explanation). Evaluators only read; ``services.record_hit`` writes.

The shared facts are in ``facts``, the event indicators in ``event_hits``, the
data indicators in ``data``; this module registers every ``Spec`` (importing it
registers them) and re-exports every name.
"""

from __future__ import annotations

from typing import Any

from postaward.core import clock
from postaward.core.events import DomainEvent

from ..choices import Area, Severity, Source
from ..indicators import Hit, Param, Spec, register
from .data import (
    NOT_YET,
    _change_row,
    _changes,
    _contract_amount,
    _contract_label,
    _hm,
    _outliers,
    _peer_label,
    delay_ratio,
    eval_change_iqr,
    eval_contract_changes,
    eval_cumulative_share,
    eval_delay_iqr,
    eval_double_site,
    eval_price_with_extension,
    eval_repeated_alerts,
    iqr_fence,
    months_before,
)
from .event_hits import (
    _PAYLOAD_LABELS,
    APPROVAL_EVENTS,
    APPROVAL_TEXT,
    _change_label,
    _payload_text,
    _record_text,
    _subject_text,
    hits_from_abnormal_award,
    hits_from_absence,
    hits_from_approvals_event,
    hits_from_cheat,
    hits_from_failed_acceptance,
    hits_from_hidden_work_photos,
    hits_from_missed_deadline,
    hits_from_missed_deadlines,
    hits_from_monthly_rate,
    hits_from_patrol,
    hits_from_termination,
    hits_from_uncovered,
)
from .facts import (
    APPROVALS,
    LC,
    QZ,
    QZA,
    REPEATED_ALERTS,
    SY,
    _fmt_dt,
    _org_name,
    _payload,
    _person_name,
    _position_label,
    _project,
    project_facts,
)

# --- the registry --------------------------------------------------------------------------------


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
    "projects.settlement_self_entrusted": (
        "an owner's accountable act (QZ 附件2 5(六)): a clue for the supervision office, "
        "not a construction risk"
    ),
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
    "complaints.received": "a complaint received is handled on its own legal clocks (deadline kinds)",
    "complaints.verified": "the complaint was handled and answered; a fact for credit and accountability",
    "complaints.referred": (
        "a referral to discipline inspection or public security: taken up as a clue transfer"
        " (alerts.subscribers.on_complaint_referred), not a new alert"
    ),
    "alerts.clue_transfer_updated": "the receiving body's receipt or result: shown on the source",
    "complaints.retaliation_reported": (
        "flagged on the complaint itself for the office; a fact for accountability (R-ACT-04)"
    ),
    "complaints.case_requested": "the office opens a case on it: taken up by the cases capability",
    "alerts.case_requested": "the office opens a case on a suspected issue: taken up by cases",
    "inspections.case_requested": "a finding suspects a violation: taken up by the cases capability",
    "inspections.referred": (
        "a finding transferred to discipline inspection or public security: taken up as a clue"
        " transfer (alerts.subscribers), not a new alert"
    ),
    "inspections.finding_recorded": (
        "an inspection result on a market subject: a fact for credit and accountability"
    ),
    "cases.opened": "a case opened is handled on its own clocks (deadline kinds cases.*)",
    "cases.penalty_decided": "a decided penalty: a fact for the credit capability, not a new risk",
    "cases.publication_signed_off": "a result signed off for publication on the public site",
    "credit.score_changed": "a score of a unit changed: the scoring's own bookkeeping",
    "credit.sanction_recorded": "a measure already taken by an owner or authority: scored by credit",
    "credit.sanction_revoked": "a recorded measure set aside: its score is withdrawn by credit",
    "cases.referred": (
        "a case transferred to discipline inspection or public security: taken up as a clue"
        " transfer (alerts.subscribers.on_case_referred), not a new alert"
    ),
    "accountability.referred": (
        "an accountability matter or interference record transferred to discipline inspection:"
        " taken up as a clue transfer (alerts.subscribers), not a new alert"
    ),
    "accountability.decided": (
        "the competent body's accountability decision: a fact for credit, not a new risk"
    ),
    "deadline.reminder": "before the deadline: a notification to the responsible unit",
    "deadline.missed_batch": "expanded into deadline.missed, which is mapped",
    "deadline.reminder_batch": "expanded into deadline.reminder",
}

__all__ = [
    "APPROVALS",
    "APPROVAL_EVENTS",
    "APPROVAL_TEXT",
    "LC",
    "NON_RISK_EVENTS",
    "NOT_YET",
    "QZ",
    "QZA",
    "REPEATED_ALERTS",
    "SY",
    "_PAYLOAD_LABELS",
    "_change_label",
    "_change_row",
    "_changes",
    "_contract_amount",
    "_contract_label",
    "_fmt_dt",
    "_hm",
    "_org_name",
    "_outliers",
    "_payload",
    "_payload_text",
    "_peer_label",
    "_person_name",
    "_position_label",
    "_project",
    "_record_text",
    "_rerun",
    "_subject_text",
    "delay_ratio",
    "eval_change_iqr",
    "eval_contract_changes",
    "eval_cumulative_share",
    "eval_delay_iqr",
    "eval_double_site",
    "eval_price_with_extension",
    "eval_repeated_alerts",
    "hits_from_abnormal_award",
    "hits_from_absence",
    "hits_from_approvals_event",
    "hits_from_cheat",
    "hits_from_failed_acceptance",
    "hits_from_hidden_work_photos",
    "hits_from_missed_deadline",
    "hits_from_missed_deadlines",
    "hits_from_monthly_rate",
    "hits_from_patrol",
    "hits_from_termination",
    "hits_from_uncovered",
    "iqr_fence",
    "months_before",
    "project_facts",
]
