"""The demo district has one decided matter (通报) and one pending, so the
ledger and the award register are not empty (R-ACT-03, R-ACT-05)."""

from __future__ import annotations

import pytest

from postaward.core import clock
from postaward.testing import demo_build

from ..choices_matters import MatterState
from ..models import Matter, MatterPerson

pytestmark = pytest.mark.django_db


def test_r_act_03_r_act_05_demo_has_a_decided_and_a_pending_matter():
    demo_build(12)
    assert Matter.objects.filter(state=MatterState.DECIDED).count() == 1
    assert Matter.objects.filter(state=MatterState.TRANSFERRED).count() == 1
    decided = MatterPerson.objects.get(state="decided")
    assert decided.measures == ["circulated"] and decided.award_year == clock.today().year
