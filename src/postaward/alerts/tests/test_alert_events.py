"""The disposal steps publish their facts for scoring (R-ALR-02, R-SCO-08), and
the platform's idempotent writes leave no trace when they change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.alerts import services
from postaward.alerts import steps as alert_steps
from postaward.alerts.models import Alert
from postaward.core.actor import SYSTEM
from postaward.core.models import AuditRecord, EventRecord

from .test_alerts import MON, _hit, _ind

pytestmark = pytest.mark.django_db


def test_r_sco_08_disposal_and_closing_are_published_with_on_time_or_late(d):
    """R-SCO-08 / R-ALR-02: a late disposal is a fact scoring consumes (SY 40-48:
    late platform procedures enter credit management); the closing carries the
    final finding and the escalations on the way."""
    from .conftest import at

    with at(MON):
        services.record_hit(_ind(d, days=1), _hit(d))
    a = Alert.objects.get()
    with at(MON + dt.timedelta(days=3)):
        services.dispose_alert(
            actor=d.actor("school_admin"), alert=a, finding="confirmed", note="迟到处置"
        )
        services.review_alert(actor=d.actor("line_supervisor"), alert=a, decision="close")
    disposed = EventRecord.objects.get(name=alert_steps.DISPOSE.event)
    assert disposed.payload["alert_id"] == a.pk
    assert disposed.payload["late"] is True and disposed.payload["disposal"] == 1
    assert disposed.payload["organisation_id"] == d.orgs["school"].pk
    closed = EventRecord.objects.get(name=alert_steps.CLOSE.event)
    assert closed.payload["finding"] == "confirmed" and closed.payload["escalations"] == 0


def test_r_alr_02_a_refused_disposal_publishes_nothing(d):
    from postaward.core.errors import Forbidden

    from .conftest import at

    with at(MON):
        services.record_hit(_ind(d), _hit(d))
        a = Alert.objects.get()
        with pytest.raises(Forbidden):
            services.dispose_alert(
                actor=d.actor("line_supervisor"), alert=a, finding="confirmed", note="越权处置"
            )
    assert not EventRecord.objects.filter(name=alert_steps.DISPOSE.event).exists()


def test_r_alr_02_repeated_withdrawal_and_stale_escalation_change_nothing(d):
    """R-ALR-02 / R-ORG-02: the platform's writes are idempotent: a second
    withdrawal, an escalation for a deadline that is no longer the alert's, an
    unknown alert: no change, no audit record."""
    from .conftest import at

    with at(MON):
        services.record_hit(_ind(d), _hit(d))
    a = Alert.objects.get()
    assert services.withdraw_alert(alert_id=a.pk, reason="缺勤已更正为停工") is True
    assert services.withdraw_alert(alert_id=a.pk, reason="再次更正") is False
    assert AuditRecord.objects.filter(action="alerts.withdraw_alert").count() == 1
    assert AuditRecord.objects.get(action="alerts.withdraw_alert").after["reason"] == (
        "缺勤已更正为停工"
    )
    assert services.escalate_alert(alert_id=a.pk, deadline_id=a.disposal_deadline_id) is False
    assert services.escalate_alert(alert_id=10**9, deadline_id=1) is False
    assert services.withdraw_alert(alert_id=10**9, reason="无") is False
    assert not AuditRecord.objects.filter(action="alerts.escalate_alert").exists()


def test_r_alr_01_an_indicator_edit_to_the_same_values_is_not_audited(d):
    ind = _ind(d)
    count = AuditRecord.objects.filter(action="alerts.update_indicator").count()
    version = ind.version
    same = services.update_indicator(actor=SYSTEM, indicator=ind, disposal_days=5)
    assert same.version == version
    assert AuditRecord.objects.filter(action="alerts.update_indicator").count() == count
    changed = services.update_indicator(actor=SYSTEM, indicator=ind, disposal_days=6)
    assert changed.version == version + 1
    assert AuditRecord.objects.filter(action="alerts.update_indicator").count() == count + 1
