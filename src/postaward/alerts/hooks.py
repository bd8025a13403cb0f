"""Home-page counts of the alerts capability, and the map colours it gives the
projects app (ADR 0055: projects does not import alerts)."""

from __future__ import annotations

from django.urls import reverse

from postaward.core import homepage
from postaward.core.actor import Actor

from .permissions import can_see_alerts


def _register_site_levels() -> None:
    from postaward.projects import selectors as project_selectors

    from .selectors import unresolved_levels

    if unresolved_levels not in project_selectors.SITE_LEVEL_HOOKS:
        project_selectors.SITE_LEVEL_HOOKS.append(unresolved_levels)


_register_site_levels()


@homepage.register(order=40)
def alert_counts(actor: Actor) -> list[dict]:
    if not can_see_alerts(actor):
        return []
    from . import selectors

    return [
        {
            "key": "alerts_to_dispose",
            "label": "待处置预警",
            "value": selectors.to_dispose(actor).count(),
            "icon": "bi-exclamation-triangle",
            "url": reverse("alerts_inbox"),
        },
        {
            "key": "alerts_to_review",
            "label": "待审核预警",
            "value": selectors.to_review(actor).count(),
            "icon": "bi-clipboard-check",
            "url": reverse("alerts_inbox") + "?tab=review",
        },
    ]


def _register_audit() -> None:
    from django.urls import reverse

    from postaward.core import audit_labels

    audit_labels.link("alerts.alert", lambda pk: reverse("alerts_detail", args=[int(pk)]))


_register_audit()
