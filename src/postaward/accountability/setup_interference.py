"""The interference part: registers its steps, menu items and the operation
log's labels (R-ACT-06)."""

AUDIT_LABELS = {
    "accountability.interference_recorded": "登记插手干预",
    "accountability.interference_repeated": "公众重复提交插手干预登记（重新生成查询码）",
    "accountability.interference_added": "补充插手干预登记说明",
    "accountability.interference_read": "查阅插手干预登记",
    "accountability.interference_reporter_revealed": "查看插手干预登记人身份",
    "accountability.interference_filed": "插手干预登记阅处存档",
    "accountability.interference_referred": "插手干预登记移送纪检监察机关",
    "accountability.interference_clue_raised": "由插手干预登记转为问责线索",
    "accountability.interference_acknowledged": "纪检监察机关阅知插手干预登记",
    "accountability.integrity_rule_filed": "报备廉政风险防控制度",
}


def ready() -> None:
    """Called once from AccountabilityConfig.ready()."""
    from django.urls import reverse

    from postaward.core import audit_labels, menu

    from . import integrity_interference as integrity
    from . import services_interference as svc
    from . import steps_interference, views_interference, views_rules_interference

    steps_interference.register()
    audit_labels.resolver("accountability.in", AUDIT_LABELS.get)
    audit_labels.link(
        "accountability.interferencerecord",
        lambda pk: reverse("accountability_interference_detail", args=[int(pk)]),
    )
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
