"""The consequence of art. 12 (R-ACT-05): whoever is circulated (通报) or
worse loses the award eligibility of the decision's year: the register, the
API (by person or resident id number), the person's page, and the fact the
credit capability takes up for the unit's assessment."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock

from .. import services_matters
from . import factories_matters as f

pytestmark = pytest.mark.django_db
API = "/api/v1/accountability/award-eligibility"


def test_r_act_05_the_year_of_the_decision_decided_on_12_31_vs_01_01(district):
    year = clock.today().year
    dec31 = f.decided_on(district, dt.date(year - 1, 12, 31))
    assert dec31.award_year == year - 1
    person = f.person(district)
    assert services_matters.ineligible(person.pk, year - 1)
    assert not services_matters.ineligible(person.pk, year)
    other = f.person(district, "school_admin")
    jan1 = f.decided_on(district, dt.date(year, 1, 1), who=("school_admin",))
    assert jan1.award_year == year
    assert services_matters.ineligible(other.pk, year)
    assert not services_matters.ineligible(other.pk, year - 1)


def test_r_act_05_the_api_answers_eligible_or_not_with_the_matter(district):
    mp = f.decided(district)
    year = clock.today().year
    client = district.client("office_staff")
    r = client.get(API, {"person": mp.person_id, "year": year})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["eligible"] is False and body["matters"][0]["number"] == mp.matter.number
    assert body["matters"][0]["measures"] == "通报"
    r = client.get(API, {"person": mp.person_id, "year": year + 1})
    assert r.json()["eligible"] is True and r.json()["matters"] == []
    by_id = client.get(API, {"id_number": mp.person.id_number, "year": year})
    assert by_id.status_code == 200 and by_id.json()["eligible"] is False


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"person": 1, "id_number": "330102199001011234"},
        {"id_number": "123"},
        {"person": "x"},
        {"year": "1800", "person": 1},
    ],
)
def test_r_act_05_bad_eligibility_queries_are_refused(district, query):
    r = district.client("office_staff").get(API, query)
    assert r.status_code == 422, r.content


def test_r_act_05_an_unknown_id_number_is_not_found(district):
    from postaward.testing import resident_id

    r = district.client("office_staff").get(API, {"id_number": resident_id()})
    assert r.status_code == 404


def test_r_act_05_the_persons_page_shows_the_lost_eligibility(district):
    from django.urls import reverse

    mp = f.decided(district)
    url = reverse("person_detail", args=[mp.person_id])
    page = district.client("office_staff").get(url).content.decode()
    assert 'data-testid="award-eligibility"' in page
    assert f"{clock.today().year}年度" in page and "已取消" in page and mp.matter.number in page
    # the person reads it about themselves
    own = district.client("school_leader").get(url).content.decode()
    assert "已取消" in own
    # an enterprise reading its own staff's page sees no section
    pm = reverse("person_detail", args=[district.users["pm_a"].person_id])
    other = district.client("contractor_a_admin").get(pm)
    assert other.status_code == 200
    assert 'data-testid="award-eligibility"' not in other.content.decode()


def test_r_act_05_the_register_lists_who_lost_it_with_filters_and_export(district):
    mp = f.decided(district)
    f.pending(district)
    client = district.client("office_staff")
    page = client.get("/accountability/award-register/", {"year": clock.today().year})
    text = page.content.decode()
    assert page.status_code == 200 and mp.matter.number in text and "school_leader" in text
    assert client.get("/accountability/award-register/", {"year": "1999"}).status_code == 200
    export = client.get("/accountability/award-register/", {"export": "xlsx"})
    assert export.status_code == 200


def test_r_act_05_credit_takes_the_decision_up_as_a_fact_of_the_unit(district):
    from postaward.core.models import EventRecord
    from postaward.credit import scoring
    from postaward.credit.facts import FACTS

    assert FACTS["accountability.decided"].event == "accountability.decided"
    mp = f.decided(district)
    evt = EventRecord.objects.get(name="accountability.decided")
    facts = scoring.extract("accountability.decided", evt.payload)
    assert len(facts) == 1
    fact = facts[0]
    assert fact.org_id == district.orgs["school"].pk and fact.code == "accountability.decided"
    assert fact.key == f"accountability:{mp.pk}" and "通报" in fact.summary


def test_r_act_05_an_award_system_asks_by_id_number_only(district):
    """An integration account (the award system) asks by resident id number;
    it reads no person by id and no matter."""
    from postaward.core.actor import SYSTEM
    from postaward.orgs import services as org_services
    from postaward.orgs.choices import Role
    from postaward.testing import TokenClient, account

    user = account(district.orgs["office"], "award_system", [Role.INTEGRATOR], with_person=False)
    _, plain = org_services.create_api_token(actor=SYSTEM, user=user, name="评优系统")
    mp = f.decided(district)
    client = TokenClient(plain)
    r = client.get(API, {"id_number": mp.person.id_number})
    assert r.status_code == 200 and r.json()["eligible"] is False
    assert r.json()["matters"][0]["decision_document"] == mp.decision_document
    assert "facts" not in r.json()["matters"][0]
    assert client.get("/api/v1/accountability/matters").status_code == 403


def test_r_act_05_the_owners_assessment_scores_the_decision_under_the_default_rules(district):
    """Credit subscribes to ``accountability.decided`` by name: under the
    housing authority's default rules the owner loses G01's points."""
    from postaward.core import events
    from postaward.core.actor import SYSTEM
    from postaward.credit.default_rules import install_defaults
    from postaward.credit.models import ScoreEvent

    install_defaults(
        actor=SYSTEM,
        authority=district.orgs["housing"],
        effective_from=clock.today() - dt.timedelta(days=30),
    )
    f.decided(district)
    events.dispatch_pending(limit=1000)
    scored = ScoreEvent.objects.get(subject_org=district.orgs["school"])
    assert scored.item.code == "G01" and scored.points < 0
