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
            steps,
            steps_rules,
            steps_scores,
            subscribers,
            subscribers_annual,
        )
        from .views import can_see_credit

        subscribers.register()
        subscribers_annual.register()
        # Its own menu group, after 投诉举报 (55).
        menu.section("credit", "信用管理", "bi-award", 57)
        menu.add("credit", Item("信用记录", "credit_list", "bi-award", can_see_credit, 10))
        menu.set_badge("credit_list", todo_kinds=("credit.",))
