"""The clocks of the visits part (R-INS-08, R-CAS-05).

Each starts on the day of its event (not counted) and ends at 24:00 of its
last working day (``core.deadlines``, working days via the calendar). A missed
one is a ``deadline.missed`` fact, which the alerts chain turns into an alert.
"""

from __future__ import annotations

from postaward.core.deadlines import register_kind

_HC = "汉川市公共资源交易综合监管联动执法工作实施方案"

RECTIFICATION = register_kind(
    "inspections.rectification",
    "检查整改期限",
    "R-INS-08",
    f"{_HC} 附件 二(四)：对首次轻微违法且未构成社会危害性的，及时开展谈话提醒、批评教育、责令整改",
    "industry_authority",
)
RESULTS = register_kind(
    "inspections.results_publication",
    "检查结果公开期限",
    "R-CAS-05",
    f"{_HC} 附件 二(五)：执法检查结果经市监管办主要负责人审签同意后，由市监管办于10个工作日内向社会公布",
    "leading_group",
)

RESULTS_DAYS = 10
DEFAULT_RECTIFICATION_DAYS = 10
ALL = [RECTIFICATION, RESULTS]
