"""The pages of the matters part (R-ACT-03..05): anonymous to the login page,
wrong role refused, out of scope absent, in scope shown; every read of a
matter audited; the ledger and the statistics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from postaward.core.models import AuditRecord

from ..choices import ClueState
from ..models import Clue, Matter
from . import factories_matters as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(district):
    """A matter with the education bureau (decided) and one with discipline
    inspection (pending)."""
    mine = f.decided(district).matter
    other = f.matter(district, body="discipline", who=("school_admin",))
    return mine, other


def _anon(district, url):
    r = district.client(None).get(url)
    assert r.status_code == 302 and "login" in r["Location"]


def test_r_act_03_the_transfer_page_four_cases(district):
    c = f.clue(district)
    url = reverse("accountability_matter_new") + f"?clue={c.pk}"
    _anon(district, url)
    assert district.client("edu_admin").get(url).status_code == 403
    assert district.client("discipline").get(url).status_code == 403
    picker = district.client("office_staff").get(reverse("accountability_matter_new"))
    assert picker.status_code == 200 and c.number in picker.content.decode()
    missing = reverse("accountability_matter_new") + "?clue=999999"
    assert district.client("office_staff").get(missing).status_code == 404
    page = district.client("office_staff").get(url)
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="transfer-form"' in text
    assert "测试区教育局（上级主管单位）" in text and "测试区纪委监委（纪检监察机关）" in text
    person = f.person(district)
    r = district.client("office_staff").post(
        url,
        {
            "clue": c.pk,
            "body": district.orgs["edu"].pk,
            "persons": [person.pk],
            "transfer_note": "经核实，建议依规问责",
            "idempotency_key": "page-1",
        },
    )
    m = Matter.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "accountability_matter_detail", args=[m.pk]
    )
    # the clue is no longer confirmed: the page says so and offers no form
    again = district.client("office_staff").get(url)
    assert again.status_code == 409 and 'data-testid="transfer-form"' not in again.content.decode()


def test_r_act_03_the_transfer_page_keeps_the_data_on_bad_input(district):
    c = f.clue(district)
    url = reverse("accountability_matter_new") + f"?clue={c.pk}"
    r = district.client("office_staff").post(
        url, {"clue": c.pk, "body": district.orgs["edu"].pk, "transfer_note": ""}
    )
    assert r.status_code == 422
    assert not Matter.objects.exists()
    assert Clue.objects.get(pk=c.pk).state == ClueState.CONFIRMED


def test_r_act_03_the_ledger_four_cases_filters_export_print(district, two):
    mine, other = two
    url = reverse("accountability_matter_list")
    _anon(district, url)
    assert district.client("school_admin").get(url).status_code == 403
    body = district.client("edu_admin").get(url).content.decode()
    assert mine.number in body and other.number not in body
    office = district.client("office_staff")
    text = office.get(url).content.decode()
    assert mine.number in text and other.number in text
    filtered = office.get(url, {"state": "decided"}).content.decode()
    assert mine.number in filtered and other.number not in filtered
    assert office.get(url, {"sort": "-decided_on"}).status_code == 200
    assert office.get(url, {"export": "xlsx"}).status_code == 200
    assert office.get(url, {"print": "1"}).status_code == 200


def test_r_act_03_a_matter_page_four_cases_and_every_read_audited(district, two):
    mine, other = two
    url = reverse("accountability_matter_detail", args=[mine.pk])
    _anon(district, url)
    # the person concerned and other units do not read the matter
    for user in ("school_leader", "housing_admin", "contractor_a_admin"):
        assert district.client(user).get(url).status_code == 404, user
    assert (
        district.client("edu_admin")
        .get(reverse("accountability_matter_detail", args=[other.pk]))
        .status_code
        == 404
    )
    before = AuditRecord.objects.filter(action="accountability.matter_read").count()
    for user in ("edu_admin", "office_staff", "discipline"):
        r = district.client(user).get(url)
        assert r.status_code == 200 and mine.number in r.content.decode()
    reads = AuditRecord.objects.filter(action="accountability.matter_read", object_id=str(mine.pk))
    assert reads.count() == before + 3
    api = district.client("discipline").get(f"/api/v1/accountability/matters/{mine.pk}")
    assert api.status_code == 200
    assert reads.count() == before + 4


def test_r_act_05_the_register_page_four_cases(district, two):
    mine, other = two
    f.decide(district, other.persons.get(), user="discipline")
    url = reverse("accountability_award_register")
    _anon(district, url)
    assert district.client("school_admin").get(url).status_code == 403
    body = district.client("edu_admin").get(url).content.decode()
    assert mine.number in body and other.number not in body
    text = district.client("office_staff").get(url).content.decode()
    assert mine.number in text and other.number in text
    assert district.client("office_staff").get(url, {"print": "1"}).status_code == 200


def test_r_act_05_my_decisions_shows_only_ones_own(district, two):
    url = reverse("accountability_my_decisions")
    _anon(district, url)
    mine = district.client("school_leader").get(url).content.decode()
    assert "通报" in mine and "教党〔2026〕12号" in mine
    assert "教党〔2026〕12号" not in district.client("school_admin").get(url).content.decode()


def test_r_act_04_the_statistics_four_cases(district, two):
    url = reverse("accountability_stats")
    _anon(district, url)
    assert district.client("school_admin").get(url).status_code == 403
    r = district.client("office_staff").get(url)
    text = r.content.decode()
    assert r.status_code == 200 and 'data-testid="by-source"' in text
    assert "相关职能部门在工作检查中发现" in text and "通报" in text and "一般" in text
    assert 'data-testid="avg-days">0' in text.replace("\n", "")
    edu = district.client("edu_admin").get(url).content.decode()
    assert 'data-testid="matter-total">1（1）' in edu.replace("\n", "")


def test_r_act_03_the_menu_shows_the_section_to_the_office_only(district, two):
    office = district.client("office_staff").get("/").content.decode()
    assert reverse("accountability_matter_list") in office
    school = district.client("school_admin").get("/").content.decode()
    assert reverse("accountability_matter_list") not in school
