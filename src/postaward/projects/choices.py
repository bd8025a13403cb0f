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


# R-PRJ-09: works below the tender quota (限额以下). Zhejiang requires a tender for
# construction contracts of 4,000,000 yuan and above; below it the works are small.
SMALL_WORKS_QUOTA = Decimal("4000000")

# Before completion, a project may be terminated (R-PRJ-06).
TERMINABLE_STATES = BEFORE_COMPLETION
# After completion: the states of the settlement chain.
FINISHED_STATES = frozenset(
    {
        S.COMPLETED,
        S.ACCEPTED,
        S.SETTLEMENT_SUBMITTED,
        S.SETTLED,
        S.FUNDS_PAID,
        S.DEPOSIT_RETURNED,
    }
)
# The order of the lifecycle, for the stage filter and the charts.
LIFECYCLE_ORDER = [
    S.REGISTERED,
    S.PREPARING,
    S.UNDER_CONSTRUCTION,
    S.SUSPENDED,
    S.COMPLETED,
    S.ACCEPTED,
    S.SETTLEMENT_SUBMITTED,
    S.SETTLED,
    S.FUNDS_PAID,
    S.DEPOSIT_RETURNED,
    S.TERMINATED,
]

# R-PRJ-03: the units whose contract must be on the platform before start.
REQUIRED_PARTICIPANT_ROLES = (ParticipantRole.CONTRACTOR, ParticipantRole.SUPERVISING_FIRM)
# R-ORG-05 / SY 26: positions that must be filled before start.
REQUIRED_POSITIONS = (
    Position.PROJECT_MANAGER,
    Position.TECHNICAL_LEAD,
    Position.SAFETY_OFFICER,
    Position.CHIEF_SUPERVISING_ENGINEER,
    Position.SPECIALIST_ENGINEER,
    Position.SUPERVISOR,
)
# R-PRJ-09: on small works one person each of contractor and supervisor.
SMALL_WORKS_REQUIRED_POSITIONS = (Position.PROJECT_MANAGER, Position.CHIEF_SUPERVISING_ENGINEER)

# Which participant role holds which position.
ROLE_OF_POSITION = {
    **{p: ParticipantRole.CONTRACTOR for p in CONTRACTOR_POSITIONS},
    **{p: ParticipantRole.SUPERVISING_FIRM for p in SUPERVISOR_POSITIONS},
}


class SiteKind(models.TextChoices):
    CIRCLE = "circle", "圆形（中心点+半径）"
    POLYGON = "polygon", "多边形"


class SettlementRoute(models.TextChoices):
    """Who reviews the owner's settlement (结算审核方式; R-SET-02, ADR 0807)."""

    FINANCE_REVIEW = "finance_review", "送财政投资评审"
    AUDIT = "audit", "送审计部门审计"
    INTERMEDIARY = "intermediary", "委托中介机构审核"


class DocumentCategory(models.TextChoices):
    CONTRACT = "contract", "参建合同"
    SUBCONTRACT = "subcontract", "分包合同"
    INTERVIEW_RECORD = "interview_record", "约谈（履约提醒）记录"
    MANAGEMENT_RULES = "management_rules", "管理制度"
    START_REPORT = "start_report", "开工报告"
    ACCEPTANCE = "acceptance", "竣工验收资料"
    SETTLEMENT = "settlement", "结算资料"
    TERMINATION_REPORT = "termination_report", "终止建设书面报告"
    DATA_COMPLETION = "data_completion", "项目资料补全申请书"
    ABNORMAL_FILING = "abnormal_filing", "异常事件报备材料"
    OTHER = "other", "其他资料"


class SuspensionState(models.TextChoices):
    DECLARED = "declared", "待确认"
    CONFIRMED = "confirmed", "停工中"
    REJECTED = "rejected", "未予确认"
    WITHDRAWN = "withdrawn", "已撤回"
    ENDED = "ended", "已复工"


OPEN_SUSPENSION_STATES = (SuspensionState.DECLARED, SuspensionState.CONFIRMED)


class InterviewTopic(models.TextChoices):
    """R-PRJ-11 (QZ 3, HC 二(四)4): what the post-award interview must cover."""

    QUALITY = "quality", "工程质量"
    SCHEDULE = "schedule", "工期进度"
    SAFETY = "safety", "安全生产"
    CIVILISED = "civilised", "文明施工"
    WAGES = "wages", "农民工工资支付"
    NO_TRANSFER = "no_transfer", "不转包、不违法分包、不挂靠"


class AbnormalAwardKind(models.TextChoices):
    """R-PRJ-12 (LC 五): abnormal events after award."""

    WINNER_ABANDONED = "winner_abandoned", "中标人放弃中标（弃标）"
    PROCUREMENT_CANCELLED = "procurement_cancelled", "招标人取消采购"
    SIGNING_DELAYED = "signing_delayed", "招标人拖延或拒不签订合同"


class AbnormalAwardState(models.TextChoices):
    REPORTED = "reported", "待主管部门备案"
    FILED = "filed", "理由正当，已备案"
    FLAGGED = "flagged", "无正当理由，移交查处"


class BanReason(models.TextChoices):
    """R-CHG-04 (SY 27(二))."""

    REPLACED = "replaced", "变更撤换（本工程完工前不得担任区内其他项目相同岗位）"
    ILLNESS = "illness", "因病变更（治疗恢复期内不得担任区内投标项目岗位）"


class DataCompletionState(models.TextChoices):
    SUBMITTED = "submitted", "待主管单位审批"
    APPROVED = "approved", "已同意，待补全资料"
    REJECTED = "rejected", "不同意"
    BACKFILLED = "backfilled", "资料已补全"


class ImportFormat(models.TextChoices):
    OCDS = "ocds", "OCDS JSON"
    CSV = "csv", "CSV 表格"


class ImportChannel(models.TextChoices):
    API = "api", "接口推送"
    PAGE = "page", "页面上传"
    CLI = "cli", "命令行"


class RowResult(models.TextChoices):
    CREATED = "created", "新增"
    UPDATED = "updated", "更新"
    UNCHANGED = "unchanged", "无变化"
    FAILED = "failed", "失败"


# Certificates that qualify a person for a position (R-ORG-05).
ACCEPTED_CERTIFICATES: dict[str, frozenset[str]] = {
    Position.PROJECT_MANAGER: frozenset({"constructor_1", "constructor_2"}),
    Position.TECHNICAL_LEAD: frozenset(
        {"title_senior", "title_middle", "constructor_1", "constructor_2"}
    ),
    Position.SAFETY_OFFICER: frozenset({"safety_c", "safety_b"}),
    Position.CHIEF_SUPERVISING_ENGINEER: frozenset({"supervising_engineer"}),
    Position.SPECIALIST_ENGINEER: frozenset({"supervising_engineer", "provincial_supervisor"}),
    Position.SUPERVISOR: frozenset(
        {"supervisor_cert", "provincial_supervisor", "supervising_engineer"}
    ),
}
