"""What the cases capability gives the shell: home-page cards and the audit
log's links and labels."""

from __future__ import annotations

from django.urls import reverse

from postaward.core import audit_labels, homepage
from postaward.core.actor import Actor

from .choices import OPEN_STATES, State


@homepage.register(order=47)
def case_counts(actor: Actor) -> list[dict]:
    from . import selectors
    from .views import can_see_cases

    if not can_see_cases(actor):
        return []
    qs = selectors.cases(actor)
    url = reverse("cases_list")
    return [
        {
            "key": "cases_open",
            "label": "办理中案件",
            "value": qs.filter(state__in=OPEN_STATES).count(),
            "icon": "bi-briefcase",
            "url": f"{url}?open=1",
        },
        {
            "key": "cases_investigating",
            "label": "调查中案件",
            "value": qs.filter(state=State.INVESTIGATING).count(),
            "icon": "bi-search",
            "url": f"{url}?state={State.INVESTIGATING}",
        },
    ]


audit_labels.link("cases.case", lambda pk: reverse("cases_detail", args=[int(pk)]))


def _label(action: str) -> str | None:
    from postaward.core import steps

    if action == "cases.open":
        return "登记案件"
    for s in steps.steps_of("cases.case"):
        if s.audit_action == action:
            return f"案件：{s.label}"
    return None


audit_labels.resolver("cases.", _label)
