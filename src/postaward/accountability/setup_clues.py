"""The clues part: registers its steps, menu items and subscribers."""


def ready() -> None:
    """Called once from AccountabilityConfig.ready()."""
    from django.urls import reverse

    from postaward.core import audit_labels, menu
    from postaward.core.menu import Item

    from . import (
        steps_clues,  # noqa: F401  (registers the steps)
        subscribers_clues,
    )
    from .views_clues import can_see_acts, can_see_clues

    menu.add(
        "accountability",
        Item("问责线索", "accountability_clue_list", "bi-search", can_see_clues, 10),
    )
    menu.add(
        "accountability",
        Item("问责情形清单", "accountability_act_list", "bi-list-check", can_see_acts, 20),
    )
    audit_labels.link(
        "accountability.clue",
        lambda pk: reverse("accountability_clue_detail", args=[int(pk)]),
    )
    audit_labels.link(
        "accountability.accountableact",
        lambda pk: reverse("accountability_act_detail", args=[int(pk)]),
    )
    subscribers_clues.register()
