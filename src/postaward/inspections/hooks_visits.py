"""What the visits part gives the shell: the audit log's links and labels."""

from __future__ import annotations

from django.urls import reverse

from postaward.core import audit_labels

audit_labels.link("inspections.inspection", lambda pk: reverse("inspections_visit", args=[int(pk)]))
audit_labels.link(
    "inspections.rectificationorder", lambda pk: reverse("inspections_order", args=[int(pk)])
)

_LABELS = {
    "inspections.schedule": "登记检查",
    "inspections.merge": "合并为联合检查",
    "inspections.merged": "并入联合检查",
    "inspections.order": "下达整改通知",
}


def _label(action: str) -> str | None:
    from postaward.core import steps

    if action in _LABELS:
        return _LABELS[action]
    for wf in ("inspections.inspection", "inspections.rectification"):
        for s in steps.steps_of(wf):
            if s.audit_action == action:
                return f"检查：{s.label}"
    return None


audit_labels.resolver("inspections.", _label)
