from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "postaward.alerts"
    label = "alerts"
    verbose_name = "预警监督"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from postaward.core import menu
        from postaward.core.menu import Item

        from . import hooks, steps, subscribers, tasks  # noqa: F401  (steps, subscribers, tasks, home widgets)
        from .permissions import can_configure, can_see_alerts, can_see_issues

        subscribers.register()
        from postaward.core import thresholds

        from .services import configured_param

        thresholds.register(configured_param)
        from postaward.core import notices

        from .notifications import notify_users

        notices.set_sender(notify_users)
        post_migrate.connect(_sync_after_migrate, sender=self)

        menu.add("alerts", Item("预警处置", "alerts_inbox", "bi-inboxes", can_see_alerts, 10))
        menu.add("alerts", Item("预警查询", "alerts_query", "bi-search", can_see_alerts, 20))
        menu.add("alerts", Item("预警统计", "alerts_stats", "bi-graph-up", can_see_alerts, 30))
        menu.add(
            "alerts", Item("疑似问题", "alerts_issues", "bi-question-diamond", can_see_issues, 40)
        )
        menu.add("alerts", Item("线索移送", "alerts_transfers", "bi-send", can_see_issues, 50))
        menu.add("alerts", Item("指标设置", "alerts_indicators", "bi-sliders", can_see_alerts, 60))
        menu.add("alerts", Item("指标沙箱", "alerts_sandbox_list", "bi-box", can_configure, 70))
        menu.add("work", Item("消息通知", "alerts_notifications", "bi-envelope", order=3))
        menu.set_badge("alerts_inbox", todo_kinds=("alerts.",))
        menu.set_badge("alerts_notifications", count=_unread)


def _unread(actor: object) -> int:
    from .context_processors import unread_count

    return unread_count(actor)


def _sync_after_migrate(**kwargs: object) -> None:
    """Indicator rows for every spec (defaults only; the office's edits stay)."""
    from .services import sync_indicators

    sync_indicators()
