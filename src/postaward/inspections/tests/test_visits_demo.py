"""The demo district has inspections in several states, a joint inspection,
a rectification order verified and one overdue, and a published result
(R-INS-05, R-INS-06, R-INS-08)."""

from __future__ import annotations

import pytest
from django.test import Client

from postaward.core import deadlines
from postaward.testing import demo_build

from ..models.visits import Inspection, InspectionState, RectificationOrder

pytestmark = pytest.mark.django_db


def test_r_ins_05_demo_has_inspections_in_several_states():
    demo_build(12)
    states = set(Inspection.objects.values_list("state", flat=True))
    assert {InspectionState.PUBLISHED, InspectionState.MERGED, InspectionState.NOTIFIED} <= states
    joint = Inspection.objects.get(is_joint=True)
    assert joint.departments.count() == 2 and joint.merged.count() == 1
    for i in Inspection.objects.all():
        assert i.inspectors.count() >= 2
    orders = RectificationOrder.objects.all()
    assert {o.state for o in orders} >= {"closed", "open"}
    late = [o for o in orders if o.state == "open"]
    assert any(
        deadlines.last_day(d) < d.started_at.date() + __import__("datetime").timedelta(days=15)
        for o in late
        for d in deadlines.deadlines_of(o)
    )
    published = Inspection.objects.get(state=InspectionState.PUBLISHED)
    r = Client().get(f"/public/inspections/{published.number}/")
    assert r.status_code == 200 and "检查结果" in r.content.decode()
