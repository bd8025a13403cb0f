"""Suspected issues, verification and clue transfer (R-ALR-03, R-ALR-06);
notifications in-app and by email through the channel interface."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase

from postaward.alerts import channels, notifications, services
from postaward.alerts.indicators import Hit
from postaward.alerts.models import Alert, Notification, NotificationDelivery
from postaward.core.actor import SYSTEM
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.orgs.choices import OrgKind, Role
from postaward.testing import account, org

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def _alerts(d, n: int = 2) -> list[Alert]:
    ind = services.indicator_for("attendance.absence_streak")
    with at(DAY):
        for i in range(n):
            services.record_hit(
                ind,
                Hit(
                    dedup_key=f"i{i}",
                    title=f"预警{i}",
                    facts={"i": i},
                    project_id=d.projects["p_school"].pk,
                ),
            )
    return list(Alert.objects.order_by("pk"))


def test_alerts_become_a_suspected_issue_verified_and_transferred(d):  # R-ALR-03, R-ALR-06
    a1, a2 = _alerts(d)
    with at(DAY):
        with pytest.raises(Forbidden):
            services.create_issue(
                actor=d.actor("school_admin"), alert_ids=[a1.pk], title="x", description="xxxx"
            )
        issue = services.create_issue(
            actor=d.actor("office_staff"),
            alert_ids=[a1.pk, a2.pk],
            title="项目经理挂证",
            description="两次连续缺勤",
            persons_concerned="张某（公职人员亲属）",
            involves_public_official=True,
        )
        with pytest.raises(Conflict):
            services.create_issue(
                actor=d.actor("office_staff"),
                alert_ids=[a1.pk],
                title="再转",
                description="再转一次",
            )
    a1.refresh_from_db()
    assert a1.state == "closed" and a1.finding == "issue" and a1.issue == issue
    assert a1.disposal_deadline.state == "cancelled"
    assert issue.project == d.projects["p_school"]
    with at(DAY), pytest.raises(Conflict):  # not verified yet
        services.transfer_clue(
            actor=d.actor("office_admin"),
            issue=issue,
            recipient="discipline",
            recipient_org=d.orgs["discipline"],
            document_number="清监移〔2026〕1号",
            reason="涉公职人员",
        )
    with at(DAY + dt.timedelta(days=5)):
        services.verify_issue(
            actor=d.actor("office_admin"), issue=issue, verified=True, findings="查实挂证"
        )
    a1.refresh_from_db()
    assert a1.finding == "confirmed" and a1.steps.filter(kind="issue_concluded").exists()
    # Public security needs a suspected crime.
    police = org(d.orgs["office"], "测试区公安分局", OrgKind.PUBLIC_SECURITY)
    account(police, "police", [Role.POLICE_OFFICER])
    with at(DAY + dt.timedelta(days=5)), pytest.raises(ValidationFailed) as err:
        services.transfer_clue(
            actor=d.actor("office_admin"),
            issue=issue,
            recipient="public_security",
            recipient_org=police,
            document_number="清监移〔2026〕2号",
            reason="涉嫌犯罪",
        )
    assert "涉嫌犯罪" in err.value.message
    with at(DAY + dt.timedelta(days=5)):
        with pytest.raises(ValidationFailed):  # the wrong kind of recipient
            services.transfer_clue(
                actor=d.actor("office_admin"),
                issue=issue,
                recipient="discipline",
                recipient_org=police,
                document_number="x",
                reason="涉公职人员",
            )
        t = services.transfer_clue(
            actor=d.actor("office_admin"),
            issue=issue,
            recipient="discipline",
            recipient_org=d.orgs["discipline"],
            document_number="清监移〔2026〕1号",
            reason="涉公职人员",
        )
    issue.refresh_from_db()
    assert issue.state == "transferred"
    # The recipient sees the issue and the transfer, signs for it, feeds back.
    assert issue in type(issue).objects.visible_to(d.actor("discipline"))
    assert Notification.objects.filter(
        recipient=d.users["discipline"], kind="clue_transfer"
    ).exists()
    with at(DAY + dt.timedelta(days=6)):
        with pytest.raises(Forbidden):
            services.receive_transfer(actor=d.actor("office_admin"), transfer=t, receipt_number="x")
        with pytest.raises(Conflict):
            services.feed_back_transfer(actor=d.actor("discipline"), transfer=t, result="先反馈")
        services.receive_transfer(
            actor=d.actor("discipline"), transfer=t, receipt_number="纪收〔2026〕9号"
        )
        services.feed_back_transfer(
            actor=d.actor("discipline"), transfer=t, result="已立案，给予党纪处分"
        )
    t.refresh_from_db()
    assert t.state == "concluded" and t.receipt_number == "纪收〔2026〕9号"
    assert (
        Notification.objects.filter(
            recipient=d.users["office_admin"], kind="clue_transfer_update"
        ).count()
        == 2
    )


def test_unfounded_issue_dismisses_its_alerts(d):  # R-ALR-03
    (a,) = _alerts(d, 1)
    with at(DAY):
        issue = services.create_issue(
            actor=d.actor("housing_staff"), alert_ids=[a.pk], title="疑似", description="核实一下"
        )
        with pytest.raises(
            Forbidden
        ):  # the office sees it, but the verification is the authority's
            services.verify_issue(
                actor=d.actor("office_admin"), issue=issue, verified=False, findings="不属实"
            )
        services.verify_issue(
            actor=d.actor("housing_staff"), issue=issue, verified=False, findings="经核实不属实"
        )
    a.refresh_from_db()
    assert a.finding == "dismissed"
    from postaward.alerts.selectors import indicator_figures

    assert indicator_figures()[a.indicator_id]["dismissed"] == 1


def test_new_alert_notifies_the_handling_unit_in_app_and_by_email(d):
    school_admin = d.users["school_admin"]
    school_admin.email = "school@example.test"
    school_admin.save(update_fields=["email"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        _alerts(d, 1)
    a = Alert.objects.get()
    got = set(
        Notification.objects.filter(alert=a, kind="alert_new").values_list(
            "recipient__username", flat=True
        )
    )
    assert got == {"school_admin", "school_leader"}  # the admin and the project's leader
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["school@example.test"]
    assert a.title in mail.outbox[0].subject
    assert NotificationDelivery.objects.get().state == "sent"
    # The shell shows the unread count.
    r = d.client("school_admin").get("/alerts/")
    assert r.context["notifications_unread"] == 1
    assert 'data-testid="notification-count">1<' in r.content.decode()


class Failing:
    name = "sms"
    label = "短信"

    def accepts(self, n):
        return True

    def send(self, n):
        raise ConnectionError("网关不可达")


def test_a_channel_is_a_setting_and_failures_are_retried(d, settings):
    settings.POSTAWARD_NOTIFICATION_CHANNELS = (
        "postaward.alerts.tests.test_issues_notifications.Failing",
    )
    channels.configured.cache_clear()
    try:
        _alerts(d, 1)
        deliveries = NotificationDelivery.objects.all()
        assert deliveries.count() == 2 and {x.channel for x in deliveries} == {"sms"}
        for _ in range(channels.MAX_ATTEMPTS):
            notifications.deliver_pending()
        assert set(deliveries.values_list("state", flat=True)) == {"failed"}
        assert deliveries.first().last_error == "ConnectionError: 网关不可达"
    finally:
        channels.configured.cache_clear()


def test_marking_read_is_only_for_the_recipient(d):
    _alerts(d, 1)
    n = Notification.objects.filter(recipient=d.users["school_admin"]).first()
    from postaward.core.errors import NotFound

    with pytest.raises(NotFound):
        services.mark_read(actor=d.actor("school_leader"), notification=n)
    services.mark_read(actor=d.actor("school_admin"), notification=n)
    n.refresh_from_db()
    assert n.read_at is not None
    assert SYSTEM.is_system
