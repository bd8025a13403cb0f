"""Project classes, lifecycle states, participant roles and key positions."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from postaward.orgs.choices import Role

# R-PRJ-10: government projects are split at 20,000,000 yuan (2000万元).
LARGE_PROJECT_THRESHOLD = Decimal("20000000")


class ProjectClass(models.TextChoices):
    GOV_BELOW = "gov_below", "政府投资项目（2000万元以下）"
    GOV_ABOVE = "gov_above", "政府投资项目（2000万元及以上）"
    SUPER_LARGE = "super_large", "超大型复杂工程"
    VILLAGE = "village", "村级工程"


class ProcurementMethod(models.TextChoices):
    TENDER = "tender", "招标"
    DIRECT_AWARD = "direct_award", "直接发包"
    EMERGENCY = "emergency", "应急工程"


class ProjectSource(models.TextChoices):
    BIDDING_FEED = "bidding_feed", "招投标系统推送"
    MANUAL = "manual", "建设单位录入"


class ProjectStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    PREPARING = "preparing", "开工准备"
    UNDER_CONSTRUCTION = "under_construction", "在建"
    SUSPENDED = "suspended", "停工"
    COMPLETED = "completed", "完工"
    ACCEPTED = "accepted", "竣工验收"
    SETTLEMENT_SUBMITTED = "settlement_submitted", "结算送审"
    SETTLED = "settled", "结算审定"
    FUNDS_PAID = "funds_paid", "资金拨付"
    DEPOSIT_RETURNED = "deposit_returned", "质保金退还"
    TERMINATED = "terminated", "终止"


S = ProjectStatus
ACTIVE_STATES = frozenset({S.REGISTERED, S.PREPARING, S.UNDER_CONSTRUCTION, S.SUSPENDED})
BEFORE_COMPLETION = ACTIVE_STATES
STATUS_COLOURS = {
    S.REGISTERED: "grey",
    S.PREPARING: "orange",
    S.UNDER_CONSTRUCTION: "blue",
    S.SUSPENDED: "red",
    S.COMPLETED: "green",
    S.ACCEPTED: "green",
    S.SETTLEMENT_SUBMITTED: "green",
    S.SETTLED: "green",
    S.FUNDS_PAID: "green",
    S.DEPOSIT_RETURNED: "grey",
    S.TERMINATED: "grey",
}


class ParticipantRole(models.TextChoices):
    CONTRACTOR = "contractor", "施工单位"
    SUPERVISING_FIRM = "supervising_firm", "监理单位"
    DESIGN = "design", "设计单位"
    SURVEY = "survey", "勘察单位"
    BUDGET = "budget", "造价咨询（预算）单位"
    TESTING = "testing", "检测单位"
    TENDER_AGENT = "tender_agent", "招标代理机构"


class Position(models.TextChoices):
    """Key positions on a project (R-ORG-05)."""

    PROJECT_MANAGER = Role.PROJECT_MANAGER.value, "项目负责人（项目经理）"
    TECHNICAL_LEAD = Role.TECHNICAL_LEAD.value, "技术负责人"
    SAFETY_OFFICER = Role.SAFETY_OFFICER.value, "安全员"
    CHIEF_SUPERVISING_ENGINEER = Role.CHIEF_SUPERVISING_ENGINEER.value, "总监理工程师"
    SPECIALIST_ENGINEER = Role.SPECIALIST_ENGINEER.value, "专业监理工程师"
    SUPERVISOR = Role.SUPERVISOR.value, "监理员"


CONTRACTOR_POSITIONS = frozenset(
    {Position.PROJECT_MANAGER, Position.TECHNICAL_LEAD, Position.SAFETY_OFFICER}
)
SUPERVISOR_POSITIONS = frozenset(
    {Position.CHIEF_SUPERVISING_ENGINEER, Position.SPECIALIST_ENGINEER, Position.SUPERVISOR}
)
# R-ATT-01: these two check in only in the stages the owner sets.
STAGED_POSITIONS = frozenset({Position.TECHNICAL_LEAD, Position.SPECIALIST_ENGINEER})
# Positions one person may hold on only one active project at a time.
EXCLUSIVE_POSITIONS = frozenset({Position.PROJECT_MANAGER, Position.CHIEF_SUPERVISING_ENGINEER})
