"""The typical-cases part: registers its steps, deadline kind, menu item and
audit labels."""

from __future__ import annotations

AUDIT_LABELS = {
    "reports.typical_case_marked": "列入典型案例督办",
    "reports.typical_case_progress": "记录典型案例整改进展",
    "reports.typical_case_closed": "典型案例办结销号",
    "reports.typical_case_read": "查阅典型案例",
}


def ready() -> None:
    """Called once from ReportsConfig.ready()."""
    from postaward.core import audit_labels, menu, record_actions
    from postaward.core.menu import Item

    from . import (
        deadline_kinds,  # noqa: F401  (registers reports.typical_case)
        sources_cases,
        steps_cases,
    )
    from .ledgers import may_read

    steps_cases.register()
    menu.add("reports", Item("典型案例督办台账", "reports_cases", "bi-flag", may_read, 50))
    # 列入典型案例 on an alert's, a finding's, a complaint's page (ADR 0931)
    record_actions.register("reports.typical_case", sources_cases.provider)
    audit_labels.resolver("reports.typical_case", AUDIT_LABELS.get)
