"""The proposals part (不良行为认定建议书, R-ACT-07): registers its deadline
kind, steps, menu item, audit labels and links."""

from __future__ import annotations

AUDIT_LABELS = {
    "accountability.proposal_filed": "提出不良行为认定建议",
    "accountability.proposal_recognised": "作出不良行为认定",
    "accountability.proposal_not_recognised": "不予认定",
    "accountability.proposal_evidence_added": "补充证据材料",
}


def ready() -> None:
    """Called once from AccountabilityConfig.ready()."""
    from django.urls import reverse

    from postaward.core import audit_labels, menu
    from postaward.core.menu import Item

    from . import (
        deadline_kinds_proposals,  # noqa: F401  (registers the decision period)
        steps_proposals,  # noqa: F401  (registers the steps)
    )
    from .views_proposals import can_see_proposals

    menu.add(
        "accountability",
        Item(
            "不良行为认定建议书",
            "accountability_proposal_list",
            "bi-file-earmark-ruled",
            can_see_proposals,
            15,
        ),
    )
    audit_labels.link(
        "accountability.proposal",
        lambda pk: reverse("accountability_proposal_detail", args=[int(pk)]),
    )
    audit_labels.resolver("accountability.proposal", AUDIT_LABELS.get)
