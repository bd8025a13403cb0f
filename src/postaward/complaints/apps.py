from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "postaward.complaints"
    label = "complaints"
    verbose_name = "投诉举报"

    def ready(self) -> None:
        from postaward.core import menu
        from postaward.core.menu import Item

        from . import deadline_kinds, events, hooks, steps  # noqa: F401  (kinds, events, cards, steps)
        from .views import can_see_complaints

        menu.add(
            "alerts",
            Item("投诉举报", "complaints_list", "bi-megaphone", can_see_complaints, 80),
        )
        menu.add(
            "alerts",
            Item("投诉举报统计", "complaints_statistics", "bi-bar-chart", can_see_complaints, 81),
        )
        menu.set_badge("complaints_list", todo_kinds=("complaints.",))
