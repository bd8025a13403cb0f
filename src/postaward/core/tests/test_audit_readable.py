"""The operation log people can read (R-REP-04: every change traceable to a
person and time): Chinese action labels, object names with links, the fields
side by side with their labels, local times, search by the Chinese label."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.alerts import services as alert_services
from postaward.alerts.indicators import Hit
from postaward.alerts.models import Alert
from postaward.core import audit_labels, clock
from postaward.core.actor import SYSTEM
from postaward.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def _disposed(d) -> Alert:
    ind = alert_services.update_indicator(
        actor=SYSTEM,
        indicator=alert_services.indicator_for("attendance.patrol_overdue"),
        level="industry_authority",
    )
    alert_services.record_hit(
        ind,
        Hit(
            dedup_key="audit-test",
            title="巡查超期：第一中学教学楼工程",
            facts={},
            project_id=d.projects["p_school"].pk,
        ),
    )
    a = Alert.objects.get()
    alert_services.dispose_alert(
        actor=d.actor("housing_staff"), alert=a, finding="confirmed", note="已约谈"
    )
    return a


def test_log_reads_in_chinese_with_links_and_search_by_label(district):
    """R-REP-04: 处置预警, the alert's name linked to its page, the project's
    name, found by searching 处置预警."""
    d = district
    a = _disposed(d)
    c = d.client("office_admin")
    html = c.get(reverse("audit_log") + "?action=处置预警").content.decode()
    assert html.count('data-testid="audit-row"') == 1
    assert "处置预警" in html and "alerts.dispose_alert" not in html
    assert reverse("alerts_detail", args=[a.pk]) in html
    assert d.projects["p_school"].name in html
    assert " object (" not in html


def test_detail_shows_fields_side_by_side_with_labels_and_local_time(district):
    """R-REP-04: before → after per field, labelled by the model's names."""
    d = district
    a = _disposed(d)
    rec = AuditRecord.objects.get(action="alerts.dispose_alert", object_id=str(a.pk))
    html = d.client("office_admin").get(reverse("audit_detail", args=[rec.seq])).content.decode()
    assert "处置结论" in html and "待处置" in html and "已处置待审核" in html
    assert f"{clock.localtime(rec.at):%Y-%m-%d %H:%M}" in html
    assert "{'" not in html and "'finding'" not in html


def test_every_action_the_platform_wrote_has_a_label(district):
    """Every code in the trail of a district's set-up and an alert's life has a label."""
    _disposed(district)
    codes = set(AuditRecord.objects.values_list("action", flat=True))
    assert codes
    assert [c for c in codes if not audit_labels.is_known(c)] == []


def test_default_object_names_become_the_model_name():
    assert audit_labels.object_name("core.clockstate", "1", "ClockState object (1)") == "模拟时钟"
    assert audit_labels.label("approvals.engineeringchange.review_by_supervisor") == (
        "工程变更：监理审核通过"
    )
