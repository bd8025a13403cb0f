"""Accountability matters: the transfer to the competent body, the decision
per person, the referral to discipline inspection (R-ACT-03, QZ 附件2 arts. 8,
12; ADR 0810)."""

from __future__ import annotations

import json

import pytest

from postaward.core import clock, events
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.core.models import AuditRecord, EventRecord
from postaward.testing import db_fingerprint

from .. import services_clues, services_matters
from ..choices import ClueSource, ClueState, Party
from ..choices_matters import BodyKind, MatterState, PersonState
from ..models import Clue, Matter, MatterPerson
from . import factories_matters as f

pytestmark = pytest.mark.django_db
API = "/api/v1/accountability"


def test_r_act_03_the_office_transfers_a_confirmed_clue_to_the_owners_superior(district):
    m = f.matter(district)
    assert m.number.startswith(f"WZ{clock.today().year}")
    assert m.body == district.orgs["edu"] and m.body_kind == BodyKind.SUPERIOR
    assert m.state == MatterState.TRANSFERRED and m.act_on == m.clue.received_on
    assert Clue.objects.get(pk=m.clue_id).state == ClueState.TRANSFERRED
    mp = m.persons.get()
    assert mp.name == "school_leader" and mp.post.startswith("测试区第一中学")
    assert AuditRecord.objects.filter(
        action="accountability.matter_transferred", object_id=str(m.pk)
    ).exists()
    assert AuditRecord.objects.filter(
        action="accountability.matter_clue_transferred", object_id=str(m.clue_id)
    ).exists()


def test_r_act_03_the_competent_bodies_offered_by_cadre_management_powers(district):
    """ADR 0810: an owner's superior organisation (its line is skipped) and
    discipline inspection; a department has discipline inspection only."""
    owner = f.clue(district)
    bodies = [(o.pk, k) for o, k in services_matters.bodies_for(owner)]
    assert bodies == [
        (district.orgs["edu"].pk, "superior"),
        (district.orgs["discipline"].pk, "discipline"),
    ]
    dept = services_clues.register(
        district.actor("office_staff"),
        office=district.orgs["office"],
        source=ClueSource.OTHER,
        party=Party.DEPARTMENT,
        unit=district.orgs["housing"],
        facts="变更审核逾期未办结",
    )
    assert [k for _, k in services_matters.bodies_for(dept)] == ["discipline"]


def test_r_act_03_only_a_confirmed_clue_is_transferred_nothing_changes_otherwise(district):
    c = f.clue(district)
    Clue.objects.filter(pk=c.pk).update(state=ClueState.REGISTERED)
    before = db_fingerprint()
    with pytest.raises(Conflict, match="仅已确认的线索"):
        services_matters.transfer(
            actor=district.actor("office_staff"),
            clue_id=c.pk,
            body_id=district.orgs["edu"].pk,
            transfer_note="建议依规问责处理",
        )
    assert db_fingerprint() == before and not Matter.objects.exists()


@pytest.mark.parametrize(
    ("body", "note", "persons", "field"),
    [
        ("housing", "建议依规问责处理", None, "body_id"),  # not a competent body of the owner
        ("edu", "", None, "transfer_note"),
        ("edu", "建议依规问责处理", [999_999], "person_ids"),
    ],
)
def test_r_act_03_bad_transfer_input_is_refused_and_changes_nothing(
    district, body, note, persons, field
):
    c = f.clue(district)
    before = db_fingerprint()
    with pytest.raises(ValidationFailed) as exc:
        services_matters.transfer(
            actor=district.actor("office_staff"),
            clue_id=c.pk,
            body_id=district.orgs[body].pk,
            transfer_note=note,
            person_ids=persons,
        )
    assert exc.value.field == field
    assert db_fingerprint() == before


def test_r_act_03_a_clue_without_persons_needs_them_chosen(district):
    c = f.clue(district, who=())
    with pytest.raises(ValidationFailed, match="至少一人"):
        services_matters.transfer(
            actor=district.actor("office_staff"),
            clue_id=c.pk,
            body_id=district.orgs["edu"].pk,
            transfer_note="建议依规问责处理",
        )


def test_r_act_03_only_the_office_transfers(district):
    c = f.clue(district)
    with pytest.raises(Forbidden):
        services_matters.transfer(
            actor=district.actor("edu_admin"),
            clue_id=c.pk,
            body_id=district.orgs["edu"].pk,
            transfer_note="建议依规问责处理",
        )
    with pytest.raises(NotFound):
        services_matters.transfer(
            actor=district.actor("office_staff"),
            clue_id=999_999,
            body_id=district.orgs["edu"].pk,
            transfer_note="建议依规问责处理",
        )


def test_r_act_03_an_idempotency_key_stores_one_matter(district):
    c = f.clue(district)
    body = {
        "clue_id": c.pk,
        "body_id": district.orgs["edu"].pk,
        "transfer_note": "建议依规问责处理",
    }
    client = district.client("office_staff")
    kw = {"content_type": "application/json", "headers": {"Idempotency-Key": "mt-1"}}
    first = client.post(f"{API}/matters", json.dumps(body), **kw)
    again = client.post(f"{API}/matters", json.dumps(body), **kw)
    assert first.status_code == 201 and again.status_code == 201, again.content
    assert first.json()["id"] == again.json()["id"]
    assert Matter.objects.count() == 1


def test_r_act_03_measures_are_combinable_in_the_articles_order(district):
    mp = f.decide(district, f.pending(district), measures=("disciplinary", "circulated", "demoted"))
    assert mp.measures == ["circulated", "demoted", "disciplinary"]
    assert mp.state == PersonState.DECIDED and mp.award_year == clock.today().year
    assert Matter.objects.get(pk=mp.matter_id).state == MatterState.DECIDED
    evt = EventRecord.objects.get(name="accountability.decided")
    assert evt.payload["unit_id"] == district.orgs["school"].pk
    assert evt.payload["measures"] == ["circulated", "demoted", "disciplinary"]
    assert evt.payload["year"] == clock.today().year
    assert evt.payload["persons"][0]["person_id"] == mp.person_id


@pytest.mark.parametrize(
    ("measures", "message"),
    [([], "至少选择一种"), (["warning"], "问责方式不正确")],
)
def test_r_act_03_at_least_one_known_measure(district, measures, message):
    mp = f.pending(district)
    before = db_fingerprint()
    with pytest.raises(ValidationFailed, match=message):
        f.decide(district, mp, measures=tuple(measures))
    assert db_fingerprint() == before


def test_r_act_03_the_api_refuses_bad_decisions_with_422(district):
    mp = f.pending(district)
    client = district.client("edu_admin")
    url = f"{API}/decisions/{mp.pk}/steps/decide"
    day = clock.today().isoformat()
    for body in (
        {"measures": [], "decided_on": day, "decision_document": "教党〔2026〕1号"},
        {"measures": ["circulated"], "decided_on": "2026-13-01", "decision_document": "x"},
        {"measures": ["circulated"], "decided_on": day, "decision_document": ""},
        {"measures": ["circulated"], "decided_on": "2999-01-01", "decision_document": "x"},
    ):
        r = client.post(url, json.dumps(body), content_type="application/json")
        assert r.status_code == 422, (body, r.content)
    assert MatterPerson.objects.get(pk=mp.pk).state == PersonState.PENDING


def test_r_act_03_concurrent_decisions_cannot_both_win(district):
    """Two leaders of the body decide on the same person at once: the row is
    locked and checked again, the second is refused."""
    mp = f.pending(district)
    stale = MatterPerson.objects.select_related("matter").get(pk=mp.pk)
    f.decide(district, mp, measures=("circulated",))
    with pytest.raises(Conflict):
        f.decide(district, stale, measures=("admonished",))
    assert MatterPerson.objects.get(pk=mp.pk).measures == ["circulated"]
    assert AuditRecord.objects.filter(action="accountability.matter_person_decided").count() == 1


def test_r_act_03_the_person_concerned_is_told_of_the_decision(district):
    from postaward.alerts.models import Notification

    f.decided(district)
    note = Notification.objects.get(
        recipient=district.users["school_leader"], kind="accountability.decision"
    )
    assert "通报" in note.title and "评优评先" in note.body
    page = district.client("school_leader").get(note.url)
    assert page.status_code == 200 and "通报" in page.content.decode()


def test_r_act_03_a_violation_is_referred_and_alerts_takes_it_up_as_a_clue_transfer(district):
    from postaward.alerts.choices import ClueSource as AlertSource
    from postaward.alerts.models import ClueTransfer

    m = f.matter(district)
    services_matters.refer(
        actor=district.actor("edu_admin"), obj=m, reason="涉嫌违纪，移送纪检监察机关处理"
    )
    evt = EventRecord.objects.get(name="accountability.referred")
    assert evt.payload["source"] == "matter" and evt.payload["source_ref"] == m.number
    events.dispatch_pending(limit=1000)
    t = ClueTransfer.objects.get(source=AlertSource.MATTER, source_id=m.pk)
    assert t.recipient_org == district.orgs["discipline"] and t.source_ref == m.number
    events.dispatch_pending(limit=1000)  # delivered again: still one transfer
    assert ClueTransfer.objects.filter(source=AlertSource.MATTER).count() == 1
    with pytest.raises(Conflict):
        services_matters.refer(actor=district.actor("edu_admin"), obj=m, reason="再次移送处理")


def test_r_act_03_a_matter_with_discipline_inspection_is_not_referred_again(district):
    m = f.matter(district, body="discipline")
    with pytest.raises(Conflict, match="纪检监察机关"):
        services_matters.refer(actor=district.actor("discipline"), obj=m, reason="移送处理理由")
