from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "postaward.complaints"
    label = "complaints"
    verbose_name = "投诉举报"

    def ready(self) -> None:
        from postaward.core import menu
        from postaward.core.menu import Item

        from . import deadline_kinds, events, hooks, steps, subscribers  # noqa: F401  (kinds, events, cards, steps)
        from .services import may_register
        from .views import can_see_complaints

        subscribers.register()
        _documents_about_complaints()
        # Its own menu group, after 预警监督 (50) and before 组织人员 (80).
        menu.section("complaints", "投诉举报", "bi-megaphone", 55)
        menu.add(
            "complaints",
            Item("投诉举报处理表", "complaints_list", "bi-megaphone", can_see_complaints, 10),
        )
        menu.add(
            "complaints",
            Item("投诉举报统计", "complaints_statistics", "bi-bar-chart", can_see_complaints, 20),
        )
        menu.add(
            "complaints",
            Item("登记投诉举报", "complaints_new", "bi-pencil-square", may_register, 30),
        )
        menu.set_badge("complaints_list", todo_kinds=("complaints.",))


def _documents_about_complaints() -> None:
    """Documents issued about a complaint are visible to whoever sees it (ADR 0090)."""
    from django.urls import reverse

    from postaward.core import documents

    from .models import Complaint

    documents.register_subject(
        "complaints.complaint",
        lambda actor: Complaint.objects.visible_to(actor).values("pk"),
        url=lambda pk: reverse("complaints_detail", args=[pk]),
    )
