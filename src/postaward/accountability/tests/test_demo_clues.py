"""The demo district's clues (R-ACT-01, R-ACT-02, R-ACT-07): the catalogue is
installed; the platform raised clues from the demo's own late acceptance,
missed alert disposal and late complaint decision; three clues were
registered by hand; the office's queue shows them."""

from __future__ import annotations

import pytest

from postaward.core import events
from postaward.testing import demo_build

from ..choices import ClueSource
from ..models import AccountableAct, Clue

pytestmark = pytest.mark.django_db


def test_r_act_01_r_act_02_r_act_07_the_demo_raises_clues_from_its_own_data():
    demo_build(12)
    assert AccountableAct.objects.filter(party="owner").count() == 12
    assert AccountableAct.objects.filter(party="department").count() == 11
    platform = Clue.objects.filter(source=ClueSource.PLATFORM)
    keys = {c.auto_key: c for c in platform}
    kinds = {k: c for k, c in keys.items() if k.startswith("deadline:")}
    facts = " ".join(c.facts for c in kinds.values())
    assert "竣工验收" in facts  # late acceptance → 5(十二) on the owner
    # a missed alert disposal: 6(八) at a department's level, 5(十二) at an owner's
    late_alert = [c for c in kinds.values() if "预警" in c.facts]
    assert late_alert, [c.facts for c in kinds.values()]
    assert all(c.act.code == ("6-8" if c.party == "department" else "5-12") for c in late_alert)
    assert any(c.act.code == "6-9" for c in kinds.values())
    assert all(c.evidence_links for c in platform)
    by_hand = Clue.objects.exclude(source=ClueSource.PLATFORM)
    # (the matters part's demo adds a clue of its own from a departmental check)
    assert {"media", "instruction", "government_inspection"} <= {c.source for c in by_hand}
    # the worker's later delivery of the same missed deadlines adds nothing
    before = Clue.objects.count()
    from postaward.core import deadlines

    deadlines.sweep()
    events.dispatch_pending(limit=100_000)
    assert Clue.objects.filter(auto_key__in=list(keys)).count() == len(keys)
    assert Clue.objects.count() >= before


def test_r_act_02_r_set_02_the_demo_shows_a_self_entrusted_settlement_as_5_6():
    """ADR 0807: one demo owner entrusted an intermediary with its settlement
    review without the audit department's consent; the office sees the 5(六) clue."""
    from postaward.projects.models import Project

    demo_build(12)
    [p] = Project.objects.filter(
        settlement_route="intermediary", settlement_entrustment_approved=False
    )
    c = Clue.objects.get(auto_key=f"self_entrusted:{p.pk}")
    assert c.act.code == "5-6" and c.unit_id == p.owner_id and "正信工程造价咨询" in c.facts
    events.dispatch_pending(limit=5000)  # the worker delivers the fact later: nothing new
    assert Clue.objects.filter(act__code="5-6").count() == 1
