"""The dashboards part: menu entries and the home-page card (ADR 0913)."""

from __future__ import annotations

from typing import Any

from postaward.core.actor import Actor


def home_card(actor: Actor) -> list[dict[str, Any]]:
    """A card on the home page to the actor's dashboard (no query)."""
    from django.urls import reverse

    from . import dashboards

    if not dashboards.may_view(actor):
        return []
    return [
        {
            "key": "reports_dashboard",
            "label": "监管驾驶舱",
            "value": "查看",
            "hint": "项目、到岗、预警、信访一屏总览",
            "icon": "bi-speedometer2",
            "url": reverse("reports_dashboard"),
        }
    ]


def ready() -> None:
    """Called once from ReportsConfig.ready()."""
    from postaward.core import homepage, menu
    from postaward.core.menu import Item

    from . import dashboards

    menu.add(
        "reports",
        Item("监管驾驶舱", "reports_dashboard", "bi-speedometer2", dashboards.may_view, 1),
    )
    menu.add("reports", Item("监管大屏", "reports_screen", "bi-display", dashboards.may_view, 2))
    homepage.register(order=5)(home_card)
