"""The demo district's bad-conduct proposals (R-ACT-07): one recognised, one
not recognised and one left undecided past its period, whose 6(九) clue on
the housing authority the demo raised."""

from __future__ import annotations

import pytest

from postaward.core import clock
from postaward.core.models import Deadline
from postaward.testing import demo_build

from .. import services_proposals as sp
from ..choices_proposals import ProposalState
from ..models import Clue, Proposal

pytestmark = pytest.mark.django_db


def test_r_act_07_the_demo_has_proposals_and_the_overdue_one_is_a_clue():
    demo_build(12)
    states = set(Proposal.objects.values_list("state", flat=True))
    assert states == {
        ProposalState.RECEIVED,
        ProposalState.RECOGNISED,
        ProposalState.NOT_RECOGNISED,
    }
    late = Proposal.objects.get(state=ProposalState.RECEIVED)
    d = sp.decision_deadline(late)
    assert d.state != Deadline.State.MET and d.due_at < clock.now()
    clue = Clue.objects.get(auto_key=f"deadline:{d.pk}")
    assert clue.act.code == "6-9" and clue.unit_id == late.department_id
