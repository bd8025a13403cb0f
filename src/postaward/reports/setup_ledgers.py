"""The ledgers part: its menu entries."""

from __future__ import annotations


def ready() -> None:
    """Called once from ReportsConfig.ready()."""
    from postaward.core import menu
    from postaward.core.menu import Item

    from . import ledgers

    ledgers.load()
    for order, (label, name, icon) in enumerate(
        [
            ("事中监管及整改台账", "reports_ledger_in_process", "bi-activity"),
            ("事后检查及整改台账", "reports_ledger_post_award", "bi-clipboard-check"),
            ("信访举报办理情况表", "reports_ledger_complaints", "bi-megaphone"),
            ("核查项目情况表", "reports_ledger_verified", "bi-patch-check"),
        ],
        start=1,
    ):
        menu.add("reports", Item(label, name, icon, ledgers.may_read, order * 10))
