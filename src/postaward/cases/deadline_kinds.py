"""The clocks of a case (R-CAS-02, R-CAS-04, R-CAS-05).

Each starts on the day of its event (not counted) and ends at 24:00 of its
last working day (``core.deadlines``). A missed one is a ``deadline.missed``
fact, which the alerts capability turns into an alert for the office.
"""

from __future__ import annotations

from postaward.core.deadlines import register_kind

_HC = "汉川市公共资源交易综合监管联动执法工作实施方案"

INVESTIGATION = register_kind(
    "cases.investigation",
    "案件调查期限",
    "R-CAS-02",
    f"{_HC} 附件 三(二)：一般线索自组建调查组起15个工作日内调查完毕，确需延长的经监管办负责人批准",
    "leading_group",
)
CREDIT_ENTRY = register_kind(
    "cases.credit_entry",
    "处罚信息信用记录期限",
    "R-CAS-04",
    f"{_HC} 附件 三(五)：处罚（处理）决定及信用量化记分在作出决定后1个工作日内录入",
    "leading_group",
)

INVESTIGATION_DAYS = 15
CREDIT_ENTRY_DAYS = 1
# 行政处罚法 art. 64 (ADR 0601): a hearing is requested within 5 days of the
# notice; the statement of a defence is given 3 working days (common practice).
DEFENCE_DAYS = 3
HEARING_DAYS = 5

# The 10 working days to publish (R-CAS-05) are the portal's clock: it opens
# it when it takes up ``cases.publication_signed_off`` (one clock per rule).
ALL = [INVESTIGATION, CREDIT_ENTRY]
