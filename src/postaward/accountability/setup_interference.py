"""The interference part: registers its steps and menu items (R-ACT-06)."""


def ready() -> None:
    """Called once from AccountabilityConfig.ready()."""
    from postaward.core import menu

    from . import integrity_interference as integrity
    from . import services_interference as svc
    from . import steps_interference, views_interference, views_rules_interference

    steps_interference.register()
    menu.add(
        "accountability",
        menu.Item(
            "插手干预登记",
            "accountability_interference_list",
            "bi-sign-stop",
            views_interference.can_see_register,
            40,
            todo_kinds=(svc.TODO_KIND,),
        ),
    )
    menu.add(
        "accountability",
        menu.Item(
            "插手干预月度报告",
            "accountability_interference_monthly",
            "bi-calendar3",
            views_interference.can_see_register,
            42,
        ),
    )
    menu.add(
        "accountability",
        menu.Item(
            "登记插手干预",
            "accountability_interference_new",
            "bi-pencil-square",
            lambda a: svc.may_record(a) and not views_interference.can_see_register(a),
            44,
        ),
    )
    menu.add(
        "accountability",
        menu.Item(
            "廉政风险防控制度",
            "accountability_integrity_rules",
            "bi-shield-check",
            views_rules_interference.can_see_rules,
            46,
        ),
    )
    menu.add(
        "accountability",
        menu.Item(
            "未报备制度的单位",
            "accountability_integrity_rule_missing",
            "bi-exclamation-diamond",
            integrity.is_office,
            48,
        ),
    )
