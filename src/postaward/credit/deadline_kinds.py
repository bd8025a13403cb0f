"""The clocks of an objection and of a credit repair request (R-CAS-04).

The seeds set no period for answering (HC 附件 三(五) only says the office
assists the department in handling them): an objection is answered within 10
working days of its registration, a repair request within 15 (ADR 0621). Both
are the office's clocks; a missed one is a ``deadline.missed`` fact that the
alerts capability turns into an alert (handling level: leading group).
"""

from __future__ import annotations

from postaward.core.business_calendar import Unit
from postaward.core.deadlines import register_kind

from .choices import RequestKind

_HC = "汉川市公共资源交易综合监管联动执法工作实施方案 附件 三(五)"

OBJECTION_ANSWER = register_kind(
    "credit.objection_answer",
    "信用记分异议答复期限",
    "R-CAS-04",
    f"{_HC}：监管办协助失信认定部门办理量化计分异议（自登记起10个工作日内答复）",
    "leading_group",
)
REPAIR_ANSWER = register_kind(
    "credit.repair_answer",
    "信用修复办理期限",
    "R-CAS-04",
    f"{_HC}：监管办协助失信认定部门办理信用修复（自登记起15个工作日内办结）",
    "leading_group",
)

# kind of request → (deadline kind, length, unit, reminder after)
CLOCKS = {
    RequestKind.OBJECTION: (OBJECTION_ANSWER.kind, 10, Unit.WORKING_DAYS, 7),
    RequestKind.REPAIR: (REPAIR_ANSWER.kind, 15, Unit.WORKING_DAYS, 10),
}
ALL = [OBJECTION_ANSWER, REPAIR_ANSWER]
