"""The clock of a typical case (YJ 三(二), R-REP-06): the rectification the
office orders, in working days (``core.deadlines`` with the calendar)."""

from __future__ import annotations

from postaward.core.deadlines import register_kind

TYPICAL_CASE = register_kind(
    "reports.typical_case",
    "典型案例督办整改期限",
    "R-REP-06",
    "资阳市雁江区工程招标投标领域突出问题系统治理实施方案 第三部分（二）："
    "对问题反映集中的招投标项目，作为典型案例，建立台账进行督办",
    "leading_group",
)

DEFAULT_DAYS = 20
MAX_DAYS = 120
