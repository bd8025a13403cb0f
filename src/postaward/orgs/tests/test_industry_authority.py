"""R-ORG-03: the industry of a government unit is set by the unit above it,
never by the unit itself; one active industry authority per (district,
industry), and ``authority_for`` refuses to guess when the data holds two.

Before the fix the housing authority's administrator could
``PATCH /api/v1/orgs/<own id> {"industry": "water"}`` (200), after which
``authority_for`` routed another industry's imported projects to it; and with
two authorities of one industry it silently picked the first by path.
"""

from __future__ import annotations

import json

import pytest

from postaward.core import audit
from postaward.core.actor import SYSTEM
from postaward.orgs.choices import Industry, OrgKind
from postaward.orgs.models import Organisation
from postaward.projects import imports
from postaward.projects import services as project_services
from postaward.projects.tests import factories as f
from postaward.testing import db_fingerprint, org

pytestmark = pytest.mark.django_db


def _patch(d, username, org_key, body):  # type: ignore[no-untyped-def]
    return d.client(username).patch(
        f"/api/v1/orgs/{d.orgs[org_key].pk}", json.dumps(body), content_type="application/json"
    )


def test_r_org_03_an_authority_cannot_set_its_own_industry(district):
    d = district
    before = db_fingerprint()
    r = _patch(d, "housing_admin", "housing", {"industry": "water"})
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "forbidden" and "上级单位" in body["message"]
    assert body["errors"][0]["field"] == "industry"
    assert db_fingerprint() == before  # the denied write changed nothing
    d.orgs["housing"].refresh_from_db()
    assert d.orgs["housing"].industry == Industry.HOUSING
    # The same administrator still maintains the rest of the unit's record, and
    # sending the unchanged industry back is no change.
    ok = _patch(d, "housing_admin", "housing", {"industry": "housing", "contact_name": "王科长"})
    assert ok.status_code == 200
    d.orgs["housing"].refresh_from_db()
    assert d.orgs["housing"].contact_name == "王科长"


def test_r_org_03_industry_patch_roles_and_scope(district):
    d = district
    before = db_fingerprint()
    assert d.client(None).patch(
        f"/api/v1/orgs/{d.orgs['housing'].pk}",
        json.dumps({"industry": "water"}),
        content_type="application/json",
    ).status_code in (401, 403)
    # Wrong role (staff, not the administrator): 403.
    assert _patch(d, "housing_staff", "housing", {"industry": "water"}).status_code == 403
    # An administrator of another branch: the unit looks missing.
    assert _patch(d, "hospital_admin", "housing", {"industry": "water"}).status_code == 404
    assert db_fingerprint() == before
    # The unit above (the office) sets it.
    r = _patch(d, "office_admin", "housing", {"industry": "water"})
    assert r.status_code == 200 and r.json()["industry"] == "water"
    assert audit.verify().ok


def test_r_org_03_an_owner_cannot_set_its_own_industry_but_the_line_can(district):
    d = district
    assert _patch(d, "school_admin", "school", {"industry": "water"}).status_code == 403
    assert _patch(d, "edu_admin", "school", {"industry": "water"}).status_code == 200


def test_r_org_03_an_enterprise_describes_its_own_trade(district):
    r = _patch(district, "contractor_a_admin", "contractor_a", {"industry": "water"})
    assert r.status_code == 200


def test_r_org_03_the_web_form_does_not_take_the_own_industry(district):
    d = district
    housing = d.orgs["housing"]
    c = d.client("housing_admin")
    page = c.get(f"/orgs/{housing.pk}/edit/").content.decode()
    assert 'name="industry"' in page and "disabled" in page.split('name="industry"')[1][:200]
    r = c.post(
        f"/orgs/{housing.pk}/edit/",
        {"name": housing.name, "uscc": housing.uscc, "industry": "water", "contact_name": "李"},
    )
    assert r.status_code == 302
    housing.refresh_from_db()
    assert housing.industry == Industry.HOUSING and housing.contact_name == "李"


def test_r_org_03_no_second_authority_for_one_industry(district):
    d = district
    office = d.orgs["office"]
    before = db_fingerprint()
    r = d.client("office_admin").post(
        "/api/v1/orgs",
        json.dumps(
            {
                "parent_id": office.pk,
                "name": "第二住建局",
                "kind": "industry_authority",
                "industry": "housing",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "industry"
    assert "测试区住建局" in r.json()["message"]
    assert db_fingerprint() == before
    # Moving the transport authority onto housing: refused too.
    assert _patch(d, "office_admin", "transport", {"industry": "housing"}).status_code == 409
    # A replacement may be set up once the old one is deactivated, and the old
    # one cannot then be reactivated beside it.
    assert _patch(d, "office_admin", "housing", {"is_active": False}).status_code == 200
    new = org(office, "新住建局", OrgKind.INDUSTRY_AUTHORITY, industry=Industry.HOUSING)
    assert project_services.authority_for(Industry.HOUSING, office.path) == new
    assert _patch(d, "office_admin", "housing", {"is_active": True}).status_code == 409


def _second_housing_authority(d):  # type: ignore[no-untyped-def]
    """Two active housing authorities, as legacy data could hold them (the
    services no longer create this)."""
    other = org(d.orgs["office"], "旧住建局", OrgKind.INDUSTRY_AUTHORITY, industry=Industry.WATER)
    Organisation.objects.filter(pk=other.pk).update(industry=Industry.HOUSING)
    return other


def test_r_org_03_authority_for_fails_loudly_on_two(district):
    d = district
    _second_housing_authority(d)
    with pytest.raises(project_services.AmbiguousAuthority) as exc:
        project_services.authority_for(Industry.HOUSING, d.orgs["office"].path)
    assert "测试区住建局" in exc.value.message and "旧住建局" in exc.value.message
    # Other industries are unaffected.
    assert (
        project_services.authority_for(Industry.TRANSPORT, d.orgs["office"].path)
        == (d.orgs["transport"])
    )


def test_r_org_03_import_row_fails_instead_of_guessing(district):
    d = district
    _second_housing_authority(d)
    report = imports.import_awards(
        actor=SYSTEM,
        data=json.dumps(f.ocds_package(f.ocds_release(d))),
        fmt="ocds",
        channel="api",
    )
    assert report.count("failed") == 1
    assert any("多个" in e["reason"] for e in report.errors)
