"""What the complaints capability gives the shell: home-page cards (each links
to the handling table filtered to exactly what it counts) and the audit log's
links."""

from __future__ import annotations

from django.urls import reverse

from postaward.core import audit_labels, homepage
from postaward.core.actor import Actor

from .choices import OPEN_STATES, State


@homepage.register(order=45)
def complaint_counts(actor: Actor) -> list[dict]:
    from . import selectors
    from .views import can_see_complaints

    if not can_see_complaints(actor):
        return []
    qs = selectors.complaints(actor)
    url = reverse("complaints_list")
    return [
        {
            "key": "complaints_to_decide",
            "label": "待受理投诉举报",
            "value": qs.filter(state=State.RECEIVED).count(),
            "icon": "bi-megaphone",
            "url": f"{url}?state={State.RECEIVED}",
        },
        {
            "key": "complaints_to_reply",
            "label": "待回复转办件",
            "value": qs.filter(state=State.TRANSFERRED).count(),
            "icon": "bi-reply",
            "url": f"{url}?state={State.TRANSFERRED}",
        },
        {
            "key": "complaints_open",
            "label": "办理中投诉举报",
            "value": qs.filter(state__in=OPEN_STATES).count(),
            "icon": "bi-hourglass-split",
            "url": f"{url}?open=1",
        },
    ]


audit_labels.link("complaints.complaint", lambda pk: reverse("complaints_detail", args=[int(pk)]))


def _part_link(pk: str) -> str:
    from .models import ComplaintAssignment

    complaint_id = (
        ComplaintAssignment.objects.filter(pk=int(pk))
        .values_list("complaint_id", flat=True)
        .first()
    )
    return reverse("complaints_detail", args=[complaint_id]) + "#parts" if complaint_id else ""


audit_labels.link("complaints.complaintassignment", _part_link)

AUDIT_LABELS = {
    "complaints.file_complaint": "收到投诉举报",
    "complaints.filing_repeated": "投诉举报重复提交（重发查询码）",
    "complaints.accept": "受理投诉举报",
    "complaints.reject": "不予受理投诉举报",
    "complaints.transfer": "转办投诉举报",
    "complaints.reply": "承办单位回复投诉举报",
    "complaints.send_back": "退回投诉举报回复",
    "complaints.approve_reply": "审核通过投诉举报回复",
    "complaints.close": "办结投诉举报并答复",
    "complaints.split": "分办投诉举报",
    "complaints.reply_part": "承办单位回复分办事项",
    "complaints.send_back_part": "退回分办事项",
    "complaints.approve_part": "审核通过分办事项",
    "complaints.parts_approved": "分办事项全部审核通过",
    "complaints.reveal_identity": "查看投诉人身份",
    "complaints.open_case": "投诉举报转立案调查",
    "complaints.report_retaliation": "投诉人反映遭受打击报复",
    "complaints.answer_sent": "短信告知投诉人（举报人）办理结果",
}

audit_labels.resolver("complaints.", AUDIT_LABELS.get)
