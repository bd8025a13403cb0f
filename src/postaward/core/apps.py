from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "postaward.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_seed_after_migrate, sender=self)

        # Subscribers and periodic tasks register themselves on import.
        from . import menu, subscribers, tasks  # noqa: F401
        from .menu import Item

        menu.add("work", Item("首页", "home", "bi-house", order=1))
        menu.add("work", Item("我的待办", "inbox", "bi-bell", order=2))
        menu.add("system", Item("工作日历", "calendar", "bi-calendar3", order=10))
        menu.add("system", Item("操作日志", "audit_log", "bi-journal-text", order=20))


def _seed_after_migrate(**kwargs: object) -> None:
    """Infrastructure rows every database needs (not business logic): the
    statutory calendar from chinesecalendar and the audit chain's head."""
    from . import audit, business_calendar
    from .models import AuditChainHead

    business_calendar.seed_from_chinesecalendar()
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": audit.GENESIS})
