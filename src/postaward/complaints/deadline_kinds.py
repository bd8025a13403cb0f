"""The legal clocks of a complaint or report (R-CMP-02, "自收件起").

All start on the day of receipt (not counted) and end at 24:00 of their last
day on the working-day calendar; the calendar-day periods of a report roll to
the next working day when their last day is a rest day (R-CAL-01, ADR 0035).
A missed one is a ``deadline.missed`` fact, which the alerts capability turns
into an alert for the office itself (handling level: leading group).
"""

from __future__ import annotations

from dataclasses import dataclass

from postaward.core.business_calendar import Unit
from postaward.core.deadlines import register_kind

from .choices import Kind

_HC = "汉川市公共资源交易综合监管联动执法工作实施方案 二(五)2"

COMPLAINT_DECISION = register_kind(
    "complaints.complaint_decision",
    "投诉受理决定期限",
    "R-CMP-02",
    f"{_HC}：收到投诉后3个工作日内决定是否受理",
    "leading_group",
)
COMPLAINT_CLOSE = register_kind(
    "complaints.complaint_close",
    "投诉办结期限",
    "R-CMP-02",
    f"{_HC}：投诉自收件起15个工作日内办结",
    "leading_group",
)
REPORT_DECISION = register_kind(
    "complaints.report_decision",
    "举报受理决定期限",
    "R-CMP-02",
    f"{_HC}：收到举报后5日内决定是否受理",
    "leading_group",
)
REPORT_CLOSE = register_kind(
    "complaints.report_close",
    "举报办结期限",
    "R-CMP-02",
    f"{_HC}：举报自收件起30日内办结",
    "leading_group",
)
UNIT_HANDLING = register_kind(
    "complaints.unit_handling",
    "转办件承办期限",
    "R-CMP-01",
    "上虞区实施细则第三十条：接收单位受理后及时处置投诉问题并在线上反馈处置结果",
    "industry_authority",
)


@dataclass(frozen=True)
class Clock:
    kind: str
    length: int
    unit: str
    reminder_after: int


# (decision, closing) clocks per kind of filing, from the day of receipt
CLOCKS: dict[str, tuple[Clock, Clock]] = {
    Kind.COMPLAINT: (
        Clock(COMPLAINT_DECISION.kind, 3, Unit.WORKING_DAYS, 2),
        Clock(COMPLAINT_CLOSE.kind, 15, Unit.WORKING_DAYS, 10),
    ),
    Kind.REPORT: (
        Clock(REPORT_DECISION.kind, 5, Unit.CALENDAR_DAYS, 3),
        Clock(REPORT_CLOSE.kind, 30, Unit.CALENDAR_DAYS, 20),
    ),
}

DECISION_KINDS = (COMPLAINT_DECISION.kind, REPORT_DECISION.kind)
CLOSE_KINDS = (COMPLAINT_CLOSE.kind, REPORT_CLOSE.kind)
ALL = [COMPLAINT_DECISION, COMPLAINT_CLOSE, REPORT_DECISION, REPORT_CLOSE, UNIT_HANDLING]
