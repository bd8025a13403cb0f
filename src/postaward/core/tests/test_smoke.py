"""The district builder and the pages and API answer at all."""

import pytest

pytestmark = pytest.mark.django_db


def test_small_district_builds_and_audit_chain_verifies(district):
    from postaward.core import audit

    assert audit.verify().ok
    assert set(district.projects) == {"p_school", "p_hospital"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/inbox/",
        "/orgs/",
        "/people/",
        "/projects/",
        "/system/calendar/",
        "/system/audit/",
        "/accounts/tokens/",
        "/accounts/password/",
    ],
)
def test_pages_render_for_office_admin(district, path):
    response = district.client("office_admin").get(path)
    assert response.status_code == 200, response.content[:500]


def test_openapi_schema_renders(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/orgs" in response.json()["paths"]


def test_every_operation_declares_the_common_errors(client):
    """Issue 2 section 6: every operation documents 401/404/422 in the common format."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    missing = [
        f"{method.upper()} {path}: {code}"
        for path, ops in paths.items()
        for method, op in ops.items()
        for code in ("401", "404", "422")
        if code not in op["responses"]
    ]
    assert len(paths) > 50
    assert missing == []


def test_enterprise_portal_names_sections_for_enterprises(district):
    # SY art. 9: government and enterprise users use different portals.
    gov = district.client("housing_staff").get("/").content.decode()
    ent = district.client("pm_a").get("/").content.decode()
    assert "项目监管" in gov and "参建项目" not in gov and "政务端" in gov
    assert "参建项目" in ent and "项目监管" not in ent and "企业端" in ent
