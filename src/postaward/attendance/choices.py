"""Attendance rules as numbers (SY 26, 35, 42, 47) and the states of its records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models

# R-ATT-02: two check-ins at least 4 hours apart on the same local date.
VALID_DAY_SPAN = dt.timedelta(hours=4)
# R-ATT-03 / R-ATT-08: the monthly rate must be at least 80 % (the policy's
# default; the alert indicator's configured threshold decides, see below).
MONTHLY_RATE_THRESHOLD = Decimal("0.80")
# R-ATT-07: two or more consecutive construction days without attendance.
ABSENCE_STREAK_DAYS = 2
# R-ATT-06: the owner's project leader patrols once every 7 days, more than 10 minutes.
PATROL_INTERVAL_DAYS = 7

# One rule, one threshold (R-ALR-01, ADR 0036): the indicators whose configured
# thresholds attendance follows for its own consequences (interviews, to-dos).
ABSENCE_STREAK_INDICATOR = "attendance.absence_streak"
MONTHLY_RATE_INDICATOR = "attendance.monthly_rate_below_threshold"
PATROL_INDICATOR = "attendance.patrol_overdue"


def absence_streak_min_days() -> int:
    """R-ATT-07: the configured length of an absence streak that calls for an interview."""
    from postaward.core import thresholds

    return int(thresholds.value(ABSENCE_STREAK_INDICATOR, "min_days", ABSENCE_STREAK_DAYS))


def monthly_rate_threshold() -> Decimal:
    """R-ATT-03 / R-ATT-08: the configured lowest acceptable monthly rate."""
    from postaward.core import thresholds

    return Decimal(
        str(thresholds.value(MONTHLY_RATE_INDICATOR, "threshold", MONTHLY_RATE_THRESHOLD))
    )


def patrol_interval_days() -> int:
    """R-ATT-06: the configured number of construction days without a valid patrol."""
    from postaward.core import thresholds

    return int(thresholds.value(PATROL_INDICATOR, "min_days", PATROL_INTERVAL_DAYS))


PATROL_MIN_DURATION = dt.timedelta(minutes=10)

# Geofence tolerance (ADR 0200): inside when the distance from the reported
# position to the site fence is at most FENCE_MARGIN_M plus the reported accuracy,
# the accuracy counted at most ACCURACY_CREDIT_MAX_M; a fix worse than
# MAX_ACCURACY_M is refused outright (ask the person to move into the open).
FENCE_MARGIN_M = 30.0
ACCURACY_CREDIT_MAX_M = 50.0
MAX_ACCURACY_M = 150.0

# Cheat detection (R-ATT-04): a check-in scoring at least this is listed for review.
SUSPICION_THRESHOLD = 50
IMPOSSIBLE_SPEED_KMH = 120.0
IMPOSSIBLE_MIN_DISTANCE_M = 2000.0
CLIENT_CLOCK_SKEW = dt.timedelta(minutes=10)
# A check-in queued offline and sent later: a signal for the reviewer (as much as
# a clock skew), never a refusal; it needs another signal to reach review.
DELAYED_UPLOAD_SCORE = 20


class Refusal(models.TextChoices):
    NOT_ASSIGNED = "not_assigned", "您不是本项目须考勤的关键岗位人员"
    NOT_REQUIRED_TODAY = "not_required_today", "今日不在您的考勤阶段内"
    PROJECT_NOT_ACTIVE = "project_not_active", "项目不在施工期（未开工、已完工或已终止）"
    SUSPENDED = "suspended", "项目停工中，停工期间无需考勤"
    NON_CONSTRUCTION_DAY = "non_construction_day", "今日为建设单位申报的非施工日"
    ON_LEAVE = "on_leave", "您今日已获准请假"
    NO_SITE = "no_site", "项目尚未设置施工场地范围"
    POOR_ACCURACY = "poor_accuracy", "定位精度不足，请到开阔处重新定位"
    OUT_OF_FENCE = "out_of_fence", "不在施工场地范围内"


class DayStatus(models.TextChoices):
    VALID = "valid", "有效考勤"
    INVALID = "invalid", "考勤无效"
    ABSENT = "absent", "未考勤"
    LEAVE = "leave", "请假"
    SUSPENDED = "suspended", "停工"
    NON_CONSTRUCTION = "non_construction", "非施工日"
    OUTSIDE_STAGE = "outside_stage", "不在考勤阶段"
    NOT_ON_DUTY = "not_on_duty", "未在岗/非施工期"


# Days that count in the denominator of the monthly rate (construction days).
CONSTRUCTION_DAY_STATUSES = frozenset({DayStatus.VALID, DayStatus.INVALID, DayStatus.ABSENT})
STATUS_COLOURS = {
    DayStatus.VALID: "green",
    DayStatus.INVALID: "orange",
    DayStatus.ABSENT: "red",
    DayStatus.LEAVE: "blue",
    DayStatus.SUSPENDED: "grey",
    DayStatus.NON_CONSTRUCTION: "grey",
    DayStatus.OUTSIDE_STAGE: "grey",
    DayStatus.NOT_ON_DUTY: "grey",
}


class Review(models.TextChoices):
    NONE = "none", "无异常"
    PENDING = "pending", "待建设单位核查"
    CONFIRMED = "confirmed", "确认作弊"
    CLEARED = "cleared", "核查无异常"


class LeaveState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "不同意"
    CANCELLED = "cancelled", "已撤回"


class InterviewKind(models.TextChoices):
    # The labels name no number: pages word them from the configured thresholds
    # (``interview_kind_label``), one rule, one threshold (ADR 0036).
    ABSENCE_STREAK = "absence_streak", "连续未考勤：约谈相关责任人"
    LOW_MONTHLY_RATE = "low_monthly_rate", "月考勤率偏低：约谈企业负责人、依约处罚、通报批评"
    CHEAT = "cheat", "考勤作弊：约谈、解除合同或责令赔偿"


def percent_text(rate: Decimal) -> str:
    """0.80 → "80%", 0.855 → "85.5%"."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


def low_rate_text() -> str:
    """R-ATT-08: "月考勤率不足80%" with the configured threshold."""
    return f"月考勤率不足{percent_text(monthly_rate_threshold())}"


def interview_kind_label(kind: str) -> str:
    """The kind of an attendance interview as pages and to-dos show it, worded
    from the configured thresholds (R-ATT-07, R-ATT-08; ADR 0036): changing
    the indicator's threshold changes the label."""
    if kind == InterviewKind.ABSENCE_STREAK:
        return f"连续{absence_streak_min_days()}天以上未考勤：约谈相关责任人"
    if kind == InterviewKind.LOW_MONTHLY_RATE:
        return f"{low_rate_text()}：约谈企业负责人、依约处罚、通报批评"
    return str(InterviewKind(kind).label)


class InterviewState(models.TextChoices):
    DUE = "due", "待约谈"
    DONE = "done", "已办结"
    # the facts that called for it were corrected (a suspension confirmed late, SY 35)
    WITHDRAWN = "withdrawn", "已撤销"
