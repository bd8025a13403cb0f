from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "postaward.approvals"
    label = "approvals"
    verbose_name = "流程审批"

    def ready(self) -> None:
        from . import (  # noqa: F401  (deadline kinds, events, subscribers, archive, home, menu, tasks)
            deadline_kinds,
            events,
            hooks,
            inbox,
            steps,
            steps_changes,
            steps_works,
            subscribers,
            tasks,
        )
