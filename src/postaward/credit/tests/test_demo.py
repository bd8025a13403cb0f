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
