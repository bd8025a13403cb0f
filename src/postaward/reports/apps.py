from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "postaward.reports"
    label = "reports"
    verbose_name = "报表与台账"

    def ready(self) -> None:
        from postaward.core import menu

        from . import setup_cases, setup_dashboards, setup_ledgers, setup_meeting, setup_monthly

        # Its own menu group, after 问责管理 (59).
        menu.section("reports", "报表与台账", "bi-table", 60)
        # Each part registers its steps, deadline kinds, menu items, audit labels.
        setup_ledgers.ready()
        setup_cases.ready()
        setup_monthly.ready()
        setup_meeting.ready()
        setup_dashboards.ready()
