"""The demo district has interference records (one anonymous from the public,
one about a public official referred to discipline inspection) and the rules
of a few units (R-ACT-06)."""

from __future__ import annotations

import pytest

from postaward.core.models import EventRecord
from postaward.testing import demo_build

from ..models import IntegrityRule, InterferenceRecord

pytestmark = pytest.mark.django_db


def test_r_act_06_demo_has_records_a_referral_and_rules():
    demo_build(12)
    assert InterferenceRecord.objects.count() == 3
    assert InterferenceRecord.objects.filter(channel="public").count() == 1
    referred = InterferenceRecord.objects.get(state="referred")
    assert referred.concerns_officials and referred.referred_automatically
    mine = [
        e
        for e in EventRecord.objects.filter(name="accountability.referred")
        if e.payload["source"] == "interference"
    ]
    assert [e.payload["source_id"] for e in mine] == [referred.pk]
    assert IntegrityRule.objects.values("unit").distinct().count() == 2
