"""Home-page counts of the alerts capability."""

from __future__ import annotations

from django.urls import reverse

from postaward.core import homepage
from postaward.core.actor import Actor

from .permissions import can_see_alerts


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
