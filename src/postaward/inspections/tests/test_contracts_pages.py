"""The contract-check pages (R-INS-07, R-ORG-04): anonymous, wrong role,
right role out of scope, in scope; the list's export and print; opening a
check from the page."""

from __future__ import annotations

import pytest

from postaward.inspections.models.contracts import ContractCheck

from . import factories_contracts as f

pytestmark = pytest.mark.django_db

LIST = "/inspections/contract-checks/"
NEW = "/inspections/contract-checks/new/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_r_ins_07_list_page_callers(district):
    c = f.opened(district)
    assert district.client(None).get(LIST).status_code == 302
    assert district.client("contractor_a_admin").get(LIST).status_code == 403
    out = district.client("transport_staff").get(LIST)
    assert out.status_code == 200 and c.number not in out.content.decode()
    for user in ("office_staff", "housing_staff", "housing_admin"):
        page = district.client(user).get(LIST)
        assert page.status_code == 200 and c.number in page.content.decode(), user


def test_r_ins_07_list_exports_and_prints(district):
    c = f.opened(district)
    xlsx = district.client("office_staff").get(LIST + "?export=xlsx")
    assert xlsx.status_code == 200
    assert "spreadsheet" in xlsx["Content-Type"]
    printed = district.client("office_staff").get(LIST + "?print=1")
    assert printed.status_code == 200 and c.number in printed.content.decode()
    filtered = district.client("office_staff").get(LIST + "?state=concluded")
    assert c.number not in filtered.content.decode()


def test_r_ins_07_detail_page_callers(district):
    c = f.compared(district)
    url = f"/inspections/contract-checks/{c.pk}/"
    assert district.client(None).get(url).status_code == 302
    assert district.client("contractor_a_admin").get(url).status_code == 404
    assert district.client("transport_staff").get(url).status_code == 404
    page = district.client("housing_staff").get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="comparison"' in html and "中标结果" in html and "履约现状" in html
    assert 'data-testid="conclude-form"' in html  # the leader's step


def test_r_ins_07_new_page_callers_and_opening(district):
    f.contract(district)
    team = f.team(district)
    assert district.client(None).get(NEW).status_code == 302
    assert district.client("school_admin").get(NEW).status_code == 403
    assert district.client("housing_admin").get(NEW).status_code == 403
    data = {
        "project_id": district.projects["p_school"].pk,
        "leader_id": team["leader_id"],
        "member_ids": team["member_ids"],
        "reason": "季度合同履约抽查",
    }
    one = district.client("office_staff").post(NEW, {**data, "member_ids": []})
    assert one.status_code == 422 and "至少需要 2 名" in one.content.decode()
    assert not ContractCheck.objects.exists()
    ok = district.client("office_staff").post(NEW, data)
    assert ok.status_code == 302
    c = ContractCheck.objects.get()
    assert ok["Location"] == f"/inspections/contract-checks/{c.pk}/"
