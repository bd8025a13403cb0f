"""Choices of the reports app."""

from django.db import models


class LedgerKind(models.TextChoices):
    """The four ledgers of YJ 二(二) (R-REP-01); the URL and API name them."""

    IN_PROCESS = "in-process", "事中监管及整改台账"
    POST_AWARD = "post-award", "事后检查及整改台账"
    COMPLAINTS = "complaints", "信访举报办理情况表"
    VERIFIED = "verified", "核查项目情况表"


class CaseState(models.TextChoices):
    SUPERVISING = "supervising", "督办中"
    CLOSED = "closed", "已办结销号"


class CaseSource(models.TextChoices):
    """Where the typical problem was found (the number of that record is kept)."""

    ALERT = "alert", "预警"
    INSPECTION = "inspection", "检查发现问题"
    COMPLAINT = "complaint", "信访举报"
    OTHER = "other", "其他"


CASE_COLOURS: dict[str, str] = {CaseState.SUPERVISING: "orange", CaseState.CLOSED: "green"}


class MonthlyState(models.TextChoices):
    """A monthly report (R-REP-02): drafted by the platform, edited, submitted;
    the coordinating body may return a department's report for rework."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"


# The five sections of the report (YJ 四(三)), in the document's order.
MONTHLY_SECTIONS: tuple[tuple[str, str], ...] = (
    ("work", "工作开展情况及主要做法"),
    ("problems", "发现的问题及处理情况"),
    ("cases", "典型案例"),
    ("experience", "可复制推广的经验"),
    ("plan", "下月工作计划及建议"),
)


class MeetingState(models.TextChoices):
    """A data-meeting pack (R-REP-03): generated from the platform's data
    (regenerated while nothing is decided), the meeting's decisions recorded
    (each a to-do for a named unit), then closed."""

    GENERATED = "generated", "材料已生成"
    HELD = "held", "已会商"
    CLOSED = "closed", "已结束"


class UnitRole(models.TextChoices):
    """A unit of the monthly reports' directory (ADR 0933)."""

    DEPARTMENT = "department", "报送部门"
    COORDINATOR = "coordinator", "牵头单位"
