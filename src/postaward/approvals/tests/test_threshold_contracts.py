"""Contract tests: the real approvals services, through the outbox, to the
alert indicators they feed, whose configured thresholds decide (R-ALR-01,
R-CHG-02). Not hand-built events."""

from __future__ import annotations

from decimal import Decimal

import pytest

from postaward.alerts import services as alert_services
from postaward.alerts.models import Alert
from postaward.core.events import dispatch_pending

from . import factories as f

pytestmark = pytest.mark.django_db


def _contract_alerts():
    return Alert.objects.filter(indicator__code="change.contract_changes")


def _set(d, code: str, **params) -> None:
    ind = alert_services.indicator_for(code)
    alert_services.update_indicator(actor=d.actor("office_admin"), indicator=ind, params=params)


def test_r_alr_01_r_chg_02_min_changes_2_alerts_at_the_second_approved_change(d):
    _set(d, "change.contract_changes", min_changes=2)
    f.approved_change(d, cost_delta=Decimal("10000"), days_delta=0)
    dispatch_pending(limit=10_000)
    assert not _contract_alerts().exists()
    f.approved_change(d, cost_delta=Decimal("-5000"), days_delta=0)
    dispatch_pending(limit=10_000)
    a = _contract_alerts().get()
    assert "已批准工程变更 2 次，达到阈值 2 次" in a.explanation


def test_r_alr_01_r_chg_02_min_changes_4_is_not_reached_by_three(d):
    _set(d, "change.contract_changes", min_changes=4)
    for cost in ("10000", "-5000", "20000"):
        f.approved_change(d, cost_delta=Decimal(cost), days_delta=0)
    dispatch_pending(limit=10_000)
    assert not _contract_alerts().exists()
    f.approved_change(d, cost_delta=Decimal("1"), days_delta=0)
    dispatch_pending(limit=10_000)
    assert "已批准工程变更 4 次，达到阈值 4 次" in _contract_alerts().get().explanation


def test_r_alr_01_r_chg_02_price_with_extension_follows_the_configured_amount(d):
    """``change.price_up_with_extension``: with an edited floor of 50,000 yuan a
    real approved change of +20,000 yuan and +10 days is not an alert; one of
    +60,000 yuan and +10 days is."""
    _set(d, "change.price_up_with_extension", min_cost_delta="50000")
    f.approved_change(d, cost_delta=Decimal("20000"), days_delta=10)
    dispatch_pending(limit=10_000)
    qs = Alert.objects.filter(indicator__code="change.price_up_with_extension")
    assert not qs.exists()
    f.approved_change(d, cost_delta=Decimal("60000"), days_delta=10)
    dispatch_pending(limit=10_000)
    assert qs.count() == 1
