"""Every decision on a request tells the requester and the project's owner
leader (消息通知), and "我发起的" lists the request with its state
(R-CHG-01, R-CHG-02)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.alerts.models import Notification
from postaward.core import todos

from .. import services
from . import factories as f

pytestmark = pytest.mark.django_db


def _messages(d, username: str) -> list[str]:
    return list(
        Notification.objects.filter(recipient=d.users[username]).values_list("title", flat=True)
    )


def test_supervisor_review_and_owner_approval_are_told_to_the_requester(d):
    """R-CHG-01: pm_a raises a change; the supervisor's review and the owner's
    approval each reach pm_a's 消息通知; the owner leader hears the review."""
    c = f.change(d)
    assert _messages(d, "pm_a") == []
    services.review_change(actor=d.actor("chief_a"), change=c, opinion="同意")
    msgs = _messages(d, "pm_a")
    assert len(msgs) == 1 and "工程变更" in msgs[0] and d.projects["p_school"].name in msgs[0]
    assert any("工程变更" in m for m in _messages(d, "school_leader"))
    services.approve_change(actor=d.actor("school_leader"), change=c)
    assert len(_messages(d, "pm_a")) == 2
    # the one who decided is not told of their own decision
    assert len(_messages(d, "school_leader")) == 1
    page = d.client("pm_a").get(reverse("alerts_notifications")).content.decode()
    assert "工程变更" in page


def test_rejection_is_told_with_the_opinion(d):
    """R-CHG-02: a rejected change tells the requester why."""
    c = f.change(d)
    services.reject_change(actor=d.actor("chief_a"), change=c, note="依据不足，请补充图纸")
    n = Notification.objects.get(recipient=d.users["pm_a"])
    assert "请补充图纸" in n.body


def test_my_requests_lists_the_change_with_its_state(d):
    """R-CHG-01: "我发起的" shows the requester's change and where it stands."""
    c = f.change(d)
    rows = todos.my_requests(d.actor("pm_a"))
    assert [r["kind"] for r in rows] == ["工程变更"]
    assert rows[0]["state"] == c.get_state_display()
    assert todos.my_requests(d.actor("chief_a")) == []
    page = d.client("pm_a").get("/inbox/?tab=mine").content.decode()
    assert 'data-testid="request-row"' in page and c.get_state_display() in page
