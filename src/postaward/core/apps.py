from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "postaward.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        from .converters import IdConverter

        # <id:pk> in every URL conf; registered here so that an app's URL conf
        # imported on its own (not through postaward.urls) finds it too.
        register_converter(IdConverter, "id")

        post_migrate.connect(_seed_after_migrate, sender=self)

        # Subscribers and periodic tasks register themselves on import.
        from . import lookups, menu, subscribers, tasks  # noqa: F401
        from .menu import Item

        menu.add("work", Item("首页", "home", "bi-house", order=1))
        menu.add("work", Item("我的待办", "inbox", "bi-bell", order=2, todo_kinds=("",)))
        menu.add("system", Item("工作日历", "calendar", "bi-calendar3", order=10))
        menu.add("system", Item("操作日志", "audit_log", "bi-journal-text", order=20))
        from .doc_templates import may_manage

        menu.add("work", Item("文书管理", "document_list", "bi-file-earmark-text", order=30))
        menu.add(
            "system",
            Item("文书模板", "document_templates", "bi-file-earmark-word", may_manage, order=30),
        )

        from . import audit_labels

        for object_type, url_name in (
            ("orgs.organisation", "organisation_detail"),
            ("orgs.person", "person_detail"),
            ("core.issueddocument", "document_detail"),
        ):
            audit_labels.link(object_type, _page_of(url_name))


def _page_of(url_name: str):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    def page(pk: str) -> str:
        return reverse(url_name, args=[int(pk)])

    return page


def _seed_after_migrate(**kwargs: object) -> None:
    """Infrastructure rows every database needs (not business logic): the
    statutory calendar from chinesecalendar and the audit chain's head."""
    from . import audit, business_calendar
    from .models import AuditChainHead

    business_calendar.seed_from_chinesecalendar()
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": audit.GENESIS})
