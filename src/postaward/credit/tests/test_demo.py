"""The demo district has credit records and publications, so the pages are
not empty (R-CAS-04, R-CAS-05)."""

from __future__ import annotations

import pytest

from postaward.portal.models import Publication
from postaward.testing import demo_build

from ..choices import RecordState
from ..models import CreditRecord, CreditRequest

pytestmark = pytest.mark.django_db


def test_r_cas_04_r_cas_05_demo_has_records_an_objection_and_a_publication(client):
    demo_build(12)
    assert CreditRecord.objects.count() == 2
    assert CreditRecord.objects.filter(state=RecordState.OBJECTING).count() == 1
    assert CreditRequest.objects.count() == 1
    published = Publication.objects.filter(state=Publication.State.PUBLISHED)
    assert published.count() == 1
    assert (
        Publication.objects.filter(state=Publication.State.PENDING).get().subject_public == "李*国"
    )
    page = client.get("/public/publications/").content.decode()
    assert published.get().title in page


def test_r_sco_01_r_sco_05_r_sco_06_r_sco_08_demo_has_rules_scores_measures_agents_experts():
    """The demo's facts score under the default rules installed first; the
    register holds a criticism, a business suspension in force and a
    blacklisted contractor; the agents are appraised, one expert graded C is
    reported, and an owner's choice outside the best-rated is justified."""
    from postaward.core import clock, events

    from ..models import (
        AgentAppraisal,
        AgentChoice,
        ExpertReport,
        RuleSet,
        Sanction,
        ScoreEvent,
    )
    from ..services_sanctions import bans_of

    demo_build(12)
    events.dispatch_pending(limit=100_000)
    assert RuleSet.objects.filter(state="effective").count() == 3  # housing, transport, water
    assert ScoreEvent.objects.exists()
    assert {s.kind for s in Sanction.objects.all()} == {
        "criticism",
        "business_suspended",
        "blacklisted",
    }
    barred = [s for s in Sanction.objects.all() if s.bans_bidding]
    assert all(bans_of(s.subject_org_id, clock.today()) for s in barred)
    assert AgentAppraisal.objects.filter(state="approved").count() == 4
    assert ExpertReport.objects.count() == 1
    assert AgentChoice.objects.get().justification
