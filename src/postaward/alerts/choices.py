"""States, severities, levels and the other closed lists of the alerts capability."""

from __future__ import annotations

from django.db import models

from postaward.orgs.choices import CHAIN_LEVEL_LABELS, CHAIN_LEVELS

# The four-level chain, bottom to top (R-ORG-02): an overdue disposal moves one
# step to the right.
LEVELS_UP: tuple[str, ...] = tuple(reversed(CHAIN_LEVELS))
LEVEL_RANK = {level: i for i, level in enumerate(LEVELS_UP)}


class Level(models.TextChoices):
    OWNER = "owner", CHAIN_LEVEL_LABELS["owner"]
    SUPERIOR_UNIT = "superior_unit", CHAIN_LEVEL_LABELS["superior_unit"]
    INDUSTRY_AUTHORITY = "industry_authority", CHAIN_LEVEL_LABELS["industry_authority"]
    LEADING_GROUP = "leading_group", CHAIN_LEVEL_LABELS["leading_group"]


class Severity(models.IntegerChoices):
    """The colour levels of Chinese early-warning practice (蓝/黄/橙/红)."""

    BLUE = 1, "蓝色（提示）"
    YELLOW = 2, "黄色（一般）"
    ORANGE = 3, "橙色（较重）"
    RED = 4, "红色（严重）"


SEVERITY_COLOURS = {1: "blue", 2: "yellow", 3: "orange", 4: "red"}
SEVERITY_SHORT = {1: "蓝", 2: "黄", 3: "橙", 4: "红"}


class Area(models.TextChoices):
    """Key areas of monitoring (R-ALR-04, SY 8)."""

    FUNDS = "funds", "资金"
    PROJECT = "project", "项目"
    DECISION = "decision", "决策"
    KEY_PERSON = "key_person", "关键岗位人员"
    EFFICIENCY = "efficiency", "行政效能"
    INTEGRITY = "integrity", "廉政风险"


class Source(models.TextChoices):
    EVENT = "event", "业务事件触发"
    DATA = "data", "数据模型定时研判"


class AlertState(models.TextChoices):
    PENDING = "pending", "待处置"
    RETURNED = "returned", "退回重办"
    DISPOSED = "disposed", "已处置待审核"
    CLOSED = "closed", "已办结"


OPEN_STATES = frozenset({AlertState.PENDING, AlertState.RETURNED})
UNRESOLVED_STATES = frozenset({AlertState.PENDING, AlertState.RETURNED, AlertState.DISPOSED})
STATE_COLOURS = {
    AlertState.PENDING: "orange",
    AlertState.RETURNED: "red",
    AlertState.DISPOSED: "blue",
    AlertState.CLOSED: "green",
}


class Finding(models.TextChoices):
    """What the handling unit found, and the reviewer accepted."""

    CONFIRMED = "confirmed", "问题属实，已处理"
    DISMISSED = "dismissed", "经核实不属实（误报）"
    ISSUE = "issue", "转疑似问题核实"


class StepKind(models.TextChoices):
    CREATED = "created", "生成预警"
    DISPATCHED = "dispatched", "派发"
    HIT = "hit", "再次命中"
    REMINDED = "reminded", "临期提醒"
    DISPOSED = "disposed", "处置反馈"
    RETURNED = "returned", "审核退回"
    CLOSED = "closed", "审核办结"
    ESCALATED = "escalated", "超期升级"
    OVERDUE_AT_TOP = "overdue_top", "超期（已在最高层级）"
    REOPENED = "reopened", "重新打开"
    TO_ISSUE = "to_issue", "转疑似问题"
    ISSUE_CONCLUDED = "issue_concluded", "疑似问题核实结论"
    WITHDRAWN = "withdrawn", "撤销（依据的事实已更正）"


class IssueState(models.TextChoices):
    VERIFYING = "verifying", "核实中"
    VERIFIED = "verified", "核实属实"
    UNFOUNDED = "unfounded", "核实不属实"
    TRANSFERRED = "transferred", "已移送"


ISSUE_COLOURS = {
    IssueState.VERIFYING: "orange",
    IssueState.VERIFIED: "red",
    IssueState.UNFOUNDED: "grey",
    IssueState.TRANSFERRED: "blue",
}


class Recipient(models.TextChoices):
    """Where a clue goes (R-ALR-06, QZ 11, HC 三(六))."""

    DISCIPLINE = "discipline", "纪检监察机关（党员干部、公职人员违纪违法）"
    PUBLIC_SECURITY = "public_security", "公安机关（涉嫌犯罪）"


class ClueSource(models.TextChoices):
    """Where a transferred clue comes from: a suspected issue verified here, or
    a complaint or report the office refers (taken up from the
    ``complaints.referred`` event, ADR 0515), a case or an inspection finding
    transferred (``cases.referred``, ``inspections.referred``), an
    accountability matter or an interference record referred to discipline
    inspection (``accountability.referred``)."""

    ISSUE = "issue", "疑似问题"
    COMPLAINT = "complaint", "投诉举报"
    CASE = "case", "案件"
    INSPECTION = "inspection", "监督检查"
    MATTER = "matter", "问责事项"
    INTERFERENCE = "interference", "插手干预登记"


class TransferState(models.TextChoices):
    SENT = "sent", "已移送待签收"
    RECEIVED = "received", "已签收办理中"
    CONCLUDED = "concluded", "已反馈结果"


TRANSFER_COLOURS = {
    TransferState.SENT: "orange",
    TransferState.RECEIVED: "blue",
    TransferState.CONCLUDED: "green",
}


class RunMode(models.TextChoices):
    LIVE = "live", "正式运行"
    SANDBOX = "sandbox", "沙箱试算"


class RunState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    SKIPPED = "skipped", "无需发送"


DISPOSAL_KIND = "alert.disposal"
