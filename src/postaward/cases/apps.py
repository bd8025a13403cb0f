from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "postaward.cases"
    label = "cases"
    verbose_name = "案件查处"

    def ready(self) -> None:
        from postaward.core import menu
        from postaward.core.menu import Item

        from . import deadline_kinds, documents, events, hooks, steps, subscribers  # noqa: F401
        from .services import may_register
        from .views import can_see_cases, is_party_account

        subscribers.register()
        _document_subjects()
        # Its own menu group, after 投诉举报 (55).
        menu.section("cases", "案件查处", "bi-briefcase", 57)
        menu.add("cases", Item("案件清单", "cases_list", "bi-briefcase", can_see_cases, 10))
        menu.add("cases", Item("案件统计", "cases_statistics", "bi-bar-chart", can_see_cases, 20))
        menu.add("cases", Item("登记案件", "cases_new", "bi-pencil-square", may_register, 30))
        menu.add(
            "cases",
            Item("送达文书", "cases_delivered", "bi-envelope-paper", is_party_account, 40),
        )
        menu.set_badge("cases_list", todo_kinds=("cases.",))


def _document_subjects() -> None:
    """Who reads an issued case document: who reads its ``CaseDocument`` (the
    case's readers; the party only what was delivered to it)."""
    from django.urls import reverse

    from postaward.core import documents

    from .models import CaseDocument

    documents.register_subject(
        "cases.casedocument",
        lambda actor: CaseDocument.objects.visible_to(actor).values("pk"),
        url=lambda pk: reverse("cases_document", args=[pk]),
    )
