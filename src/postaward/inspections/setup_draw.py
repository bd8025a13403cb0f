"""Start-up of the draw part: steps, menu items."""


def ready() -> None:
    from postaward.core import menu
    from postaward.core.menu import Item

    from . import steps_draw  # noqa: F401  (registers the plan and draw steps)
    from .views_draw import can_see

    menu.add("inspections", Item("监管工作清单", "inspections_items", "bi-list-check", can_see, 10))
    menu.add("inspections", Item("年度检查计划", "inspections_plans", "bi-calendar3", can_see, 20))
    menu.add("inspections", Item("随机抽取", "inspections_draws", "bi-shuffle", can_see, 30))
    menu.add("inspections", Item("抽查覆盖率", "inspections_coverage", "bi-bar-chart", can_see, 40))
