"""Start-up of the contracts part: steps, menu items."""


def ready() -> None:
    from postaward.core import menu
    from postaward.core.menu import Item

    from . import steps_contracts
    from .services_contracts import may_open
    from .views_contracts import can_see_checks

    steps_contracts.register()
    menu.add(
        "inspections",
        Item(
            "合同履约检查",
            "inspections_contract_checks",
            "bi-file-earmark-check",
            can_see_checks,
            50,
        ),
    )
    menu.add(
        "inspections",
        Item(
            "开展合同履约检查",
            "inspections_contract_check_new",
            "bi-plus-square",
            may_open,
            55,
        ),
    )
