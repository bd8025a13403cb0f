"""A clue referred by the complaints capability (``complaints.referred``,
subscribed by name) becomes one clue transfer to that body, in its list, with
the facts and the receipt number; a body of the wrong kind takes nothing
(R-ALR-06, R-CMP-04; ADR 0515)."""

from __future__ import annotations

import pytest

from postaward.alerts.choices import ClueSource
from postaward.alerts.models import ClueTransfer, Notification
from postaward.core import events

from .conftest import publish

pytestmark = pytest.mark.django_db


def _referred(d, *, referral_id: int, org_key: str = "discipline") -> events.DomainEvent:
    cls = events._registry["complaints.referred"]
    return cls(
        referral_id=referral_id,
        complaint_id=referral_id,
        receipt_number="JB20261206-0001",
        kind="report",
        target="discipline",
        recipient_org_id=d.orgs[org_key].pk,
        document_number="监管移〔2026〕5号",
        reason="涉及公职人员插手工程",
        facts="某局干部为亲属承揽工程提供便利",
        subject_text="某局",
        project_id=None,
        office_id=d.orgs["office"].pk,
        referred_by_name="监管办工作人员",
    )


def test_r_alr_06_a_referred_complaint_becomes_one_clue_transfer(d):
    evt = _referred(d, referral_id=41)
    publish(evt)
    publish(evt)  # delivered again: still one
    t = ClueTransfer.objects.get()
    assert (t.source, t.source_id, t.source_ref, t.issue) == (
        ClueSource.COMPLAINT,
        41,
        "JB20261206-0001",
        None,
    )
    assert t.recipient_org == d.orgs["discipline"] and t.sent_by_org == d.orgs["office"]
    assert t.subject == "投诉举报 JB20261206-0001"
    n = Notification.objects.get(kind="clue_transfer")
    assert n.recipient == d.users["discipline"] and "JB20261206-0001" in n.title
    listed = d.client("discipline").get("/alerts/transfers/").content.decode()
    assert "JB20261206-0001" in listed and "监管移〔2026〕5号" in listed


def test_r_alr_06_a_referral_to_a_body_of_the_wrong_kind_takes_nothing(d):
    publish(_referred(d, referral_id=42, org_key="housing"))
    assert not ClueTransfer.objects.exists()
