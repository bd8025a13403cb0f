"""Start-up of the visits part: steps, deadline kinds, menu items, subscribers."""


def ready() -> None:
    from postaward.core import menu
    from postaward.core.menu import Item

    from . import deadline_kinds_visits, hooks_visits, steps_visits  # noqa: F401
    from .joint_visits import may_merge
    from .services_visits import may_schedule
    from .views_visits import can_see, can_see_ledger

    steps_visits.register()
    menu.add(
        "inspections", Item("检查清单", "inspections_visits", "bi-clipboard-check", can_see, 30)
    )
    menu.add(
        "inspections",
        Item("登记检查", "inspections_visit_new", "bi-pencil-square", may_schedule, 32),
    )
    menu.add("inspections", Item("联合检查", "inspections_merge", "bi-people", may_merge, 34))
    menu.add(
        "inspections",
        Item("整改台账", "inspections_ledger", "bi-journal-check", can_see_ledger, 36),
    )
    menu.add(
        "inspections",
        Item("检查统计", "inspections_visit_statistics", "bi-bar-chart", can_see, 38),
    )
    menu.set_badge("inspections_ledger", todo_kinds=("inspections.order_",))
    menu.set_badge("inspections_visits", todo_kinds=("inspections.visit_",))
