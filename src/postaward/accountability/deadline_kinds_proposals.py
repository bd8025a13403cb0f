"""The decision period of a bad-conduct proposal (R-ACT-07, QZ 附件2 art.
6(九)): the one place of its length (ADR 0803).

The measures name no number: the platform gives the addressed department 15
working days from the day of receipt (not counted), ending at 24:00 of the
last working day on the working-day calendar (holidays skipped, make-up
working days counted), as the complaints part's 15-working-day period. A
missed period is a 6(九) platform clue on the department
(``findings_clues.MISSED``).
"""

from __future__ import annotations

from postaward.core.business_calendar import Unit
from postaward.core.deadlines import register_kind

# ADR 0803: the decision period, in working days from the day of receipt
DECISION_DAYS = 15
DECISION_UNIT = Unit.WORKING_DAYS
# a reminder to the department this many working days after receipt
REMINDER_AFTER = 10

PROPOSAL_DECISION = register_kind(
    "accountability.proposal_decision",
    "不良行为认定期限",
    "R-ACT-07",
    "衢州市政府投资工程建设项目标后监管问责办法第六条第（九）项：对不良行为认定建议书，"
    "无正当理由不作出认定的，予以问责（平台设定的认定期限：收到后15个工作日）",
    "industry_authority",
)
