"""The data-meeting part (R-REP-03): registers its steps, document kind,
menu item, audit labels and who sees its documents."""

from __future__ import annotations

AUDIT_LABELS = {
    "reports.meeting_generated": "生成数据会商材料",
    "reports.meeting_regenerated": "重新生成数据会商材料",
    "reports.meeting_decided": "记录数据会商议定事项",
    "reports.meeting_closed": "结束数据会商",
}


def ready() -> None:
    """Called once from ReportsConfig.ready()."""
    from django.urls import reverse

    from postaward.core import audit_labels, documents, menu
    from postaward.core.menu import Item

    from . import (
        documents_meeting,  # noqa: F401  (registers the document kind)
        services_meeting,
        steps_meeting,
    )
    from .models import MeetingPack

    steps_meeting.register()
    menu.add(
        "reports",
        Item("数据会商", "reports_meeting", "bi-bar-chart-line", services_meeting.may_read, 57),
    )
    audit_labels.resolver("reports.meeting", AUDIT_LABELS.get)
    documents.register_subject(
        "reports.meetingpack",
        lambda actor: MeetingPack.objects.visible_to(actor).values("pk"),
        url=lambda pk: reverse("reports_meeting_detail", args=[pk]),
    )
