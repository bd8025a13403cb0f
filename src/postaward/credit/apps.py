from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "postaward.credit"
    label = "credit"
    verbose_name = "信用管理"

    def ready(self) -> None:
        from postaward.core import menu
        from postaward.core.menu import Item

        # kinds, cards, steps (also the scoring parts' steps)
        from . import (  # noqa: F401
            deadline_kinds,
            hooks,
            project_section,
            steps,
            steps_agents,
            steps_rules,
            steps_sanctions,
            steps_scores,
            subscribers,
            subscribers_annual,
            subscribers_scores,
        )
        from .stats import may_see as can_see_stats
        from .views import can_see_credit
        from .views_enterprises import can_see_scores as can_see_annual
        from .views_rules import can_see_rules
        from .views_sanctions import can_see_sanctions
        from .views_scores import can_see_scores

        subscribers.register()
        subscribers_scores.register()
        subscribers_annual.register()
        # the sanctions part fills the annual part's extension points (ADR 0660)
        from . import annual, services_sanctions

        if services_sanctions.colour_override not in annual.COLOUR_OVERRIDES:
            annual.COLOUR_OVERRIDES.append(services_sanctions.colour_override)
        if services_sanctions.bidding_extras not in annual.BIDDING_EXTRAS:
            annual.BIDDING_EXTRAS.append(services_sanctions.bidding_extras)
        # Its own menu group, after 投诉举报 (55).
        menu.section("credit", "信用管理", "bi-award", 57)
        menu.add("credit", Item("信用记录", "credit_list", "bi-award", can_see_credit, 10))
        menu.add("credit", Item("评分规则", "credit_rule_list", "bi-list-check", can_see_rules, 15))
        menu.add(
            "credit", Item("记分事件", "credit_score_list", "bi-clipboard-data", can_see_scores, 20)
        )
        menu.add(
            "credit",
            Item("年度综合评分", "credit_enterprise_list", "bi-speedometer2", can_see_annual, 30),
        )
        menu.add("credit", Item("信用统计", "credit_stats", "bi-bar-chart", can_see_stats, 35))
        menu.add(
            "credit",
            Item("处理措施登记", "credit_sanction_list", "bi-journal-x", can_see_sanctions, 40),
        )
        from . import views_agents as va

        menu.add(
            "credit",
            Item("招标代理机构", "credit_agent_list", "bi-building-check", va.can_see_agents, 50),
        )
        menu.add(
            "credit",
            Item("代理机构考评", "credit_appraisal_list", "bi-award", va.can_see_appraisals, 52),
        )
        menu.add(
            "credit",
            Item(
                "代理机构选取",
                "credit_agent_choice_list",
                "bi-person-check",
                va.can_see_choices,
                54,
            ),
        )
        menu.add(
            "credit",
            Item("评标专家库", "credit_expert_pool_list", "bi-people", va.can_see_pool, 60),
        )
        menu.add(
            "credit",
            Item(
                "评标专家评价",
                "credit_evaluation_event_list",
                "bi-clipboard-check",
                va.can_see_events,
                62,
            ),
        )
        menu.add(
            "credit",
            Item(
                "专家不良评价报告",
                "credit_expert_report_list",
                "bi-exclamation-octagon",
                va.can_see_reports,
                64,
            ),
        )
        menu.set_badge("credit_list", todo_kinds=("credit.",))
