from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "postaward.accountability"
    label = "accountability"
    verbose_name = "问责管理"

    def ready(self) -> None:
        from postaward.core import menu

        from . import setup_clues, setup_interference, setup_matters, setup_proposals

        # Its own menu group, after 双随机检查 (58).
        menu.section("accountability", "问责管理", "bi-person-exclamation", 59)
        # Each part registers its steps, deadline kinds, menu items, subscribers.
        setup_clues.ready()
        setup_matters.ready()
        setup_interference.ready()
        setup_proposals.ready()
