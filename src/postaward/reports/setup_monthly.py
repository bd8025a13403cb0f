"""The monthly-reports part (R-REP-02): registers its steps, deadline kinds,
document kind, menu item, audit labels and who sees its documents."""

from __future__ import annotations

AUDIT_LABELS = {
    "reports.monthly_opened": "生成月度报告报送任务",
    "reports.monthly_drafted": "生成月度报告草稿",
    "reports.monthly_edited": "修改月度报告",
    "reports.monthly_submitted": "报送月度报告",
    "reports.monthly_returned": "退回月度报告",
}
UNIT_AUDIT_LABELS = {
    "reports.unit_added": "添加月度报告报送单位",
    "reports.unit_changed": "修改月度报告报送单位",
}


def ready() -> None:
    """Called once from ReportsConfig.ready()."""
    from django.urls import reverse

    from postaward.core import audit_labels, documents, menu
    from postaward.core.menu import Item

    from . import (
        documents_monthly,  # noqa: F401  (registers the document kind)
        monthly_dates,  # noqa: F401  (registers the deadline kinds)
        steps_monthly,
    )
    from .models import MonthlyReport

    steps_monthly.register()
    menu.add(
        "reports",
        Item("月度报告", "reports_monthly", "bi-journal-text", steps_monthly.may_read, 55),
    )
    audit_labels.resolver("reports.monthly", AUDIT_LABELS.get)
    audit_labels.resolver("reports.unit", UNIT_AUDIT_LABELS.get)
    from . import services_units

    menu.add(
        "reports",
        Item("月度报告报送单位", "reports_units", "bi-building", services_units.may_read, 56),
    )
    documents.register_subject(
        "reports.monthlyreport",
        lambda actor: MonthlyReport.objects.visible_to(actor).values("pk"),
        url=lambda pk: reverse("reports_monthly_detail", args=[pk]),
    )
