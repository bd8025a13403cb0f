"""R-ORG-04: data scope. Every kind of actor of the small district sees exactly
the projects, organisations and people within its reach, through the API list,
the API detail and the pages; anything else is "not found" (404), never 403."""

from __future__ import annotations

import pytest

from postaward.orgs.models import Organisation, Person, User
from postaward.projects.models import Project

pytestmark = pytest.mark.django_db

ALL = {"p_school", "p_hospital", "p_extra"}
SCHOOL = {"p_school", "p_extra"}

# R-ORG-04: who sees which project.
PROJECT_SCOPE = {
    # The supervision office sees the whole district.
    "office_admin": ALL,
    "office_staff": ALL,
    # An industry authority sees the projects of its industry only.
    "housing_admin": SCHOOL,
    "housing_staff": SCHOOL,
    "transport_staff": {"p_hospital"},
    # The superior unit and its line see the projects of their owners.
    "edu_admin": ALL,
    "line_supervisor": ALL,
    # The owner's administrator sees all the owner's projects ...
    "school_admin": SCHOOL,
    "hospital_admin": {"p_hospital"},
    # ... the owner's project leader only the projects assigned to them.
    "school_leader": {"p_school"},
    # A contractor's administrator sees every project the enterprise takes part in ...
    "contractor_a_admin": SCHOOL,
    "contractor_b_admin": {"p_hospital"},
    "supervisor_a_admin": {"p_school"},
    # ... key personnel only the projects they are assigned to.
    "pm_a": {"p_school"},
    "chief_a": {"p_school"},
    # Discipline inspection reads the whole district.
    "discipline": ALL,
}


def test_every_account_of_the_district_has_a_scope_row(scoped_district):
    assert set(PROJECT_SCOPE) == set(scoped_district.users) - {"roleless"}


@pytest.mark.parametrize("username", sorted(PROJECT_SCOPE))
def test_r_org_04_project_scope_through_visible_to(scoped_district, username):
    d = scoped_district
    expected = {d.projects[k].pk for k in PROJECT_SCOPE[username]}
    seen = set(Project.objects.visible_to(d.actor(username)).values_list("pk", flat=True))
    assert seen == expected


@pytest.mark.parametrize("username", sorted(PROJECT_SCOPE))
def test_r_org_04_project_scope_through_the_api(scoped_district, username):
    d = scoped_district
    c = d.client(username)
    listed = c.get("/api/v1/projects?limit=100")
    assert listed.status_code == 200
    names = {k for k, p in d.projects.items() if p.pk in {i["id"] for i in listed.json()["items"]}}
    assert names == PROJECT_SCOPE[username]
    for key, project in d.projects.items():
        r = c.get(f"/api/v1/projects/{project.pk}")
        if key in PROJECT_SCOPE[username]:
            assert r.status_code == 200, (key, r.content)
        else:
            # Out of scope looks exactly like a project that does not exist.
            missing = c.get("/api/v1/projects/999999")
            assert r.status_code == 404, (key, r.content)
            assert r.json() == missing.json()


@pytest.mark.parametrize("username", ["school_leader", "pm_a", "transport_staff"])
def test_r_org_04_project_pages_out_of_scope_are_404(scoped_district, username):
    d = scoped_district
    c = d.client(username)
    for key, project in d.projects.items():
        r = c.get(f"/projects/{project.pk}/")
        assert r.status_code == (200 if key in PROJECT_SCOPE[username] else 404), key


def test_r_org_04_roleless_account_sees_nothing(scoped_district):
    d = scoped_district
    assert not Project.objects.visible_to(d.actor("roleless")).exists()
    assert d.client("roleless").get("/api/v1/projects").status_code == 403


def test_r_org_04_ended_assignment_no_longer_opens_the_project(scoped_district):
    d = scoped_district
    from postaward.projects.models import KeyPersonAssignment

    KeyPersonAssignment.objects.filter(person=d.users["pm_a"].person).update(ended_on="2026-05-01")
    assert not Project.objects.visible_to(d.actor("pm_a")).exists()


# --- organisations -------------------------------------------------------------------------

ORGS = {
    "office",
    "housing",
    "transport",
    "edu",
    "edu_line",
    "school",
    "hospital",
    "discipline",
    "contractor_a",
    "contractor_b",
    "supervisor_a",
}
# Own subtree, the chain of parents, and the units working on a visible project.
ORG_SCOPE = {
    "office_staff": ORGS,
    "discipline": ORGS,
    "housing_staff": {"housing", "office", "school", "contractor_a", "supervisor_a"},
    "transport_staff": {"transport", "office", "hospital", "contractor_b"},
    "edu_admin": {"edu", "edu_line", "school", "hospital", "office"}
    | {"contractor_a", "contractor_b", "supervisor_a"},
    "school_leader": {"school", "edu_line", "edu", "office", "contractor_a", "supervisor_a"},
    "hospital_admin": {"hospital", "edu_line", "edu", "office", "contractor_b"},
    "pm_a": {"contractor_a", "office", "school", "supervisor_a"},
    "contractor_b_admin": {"contractor_b", "office", "hospital"},
}


@pytest.mark.parametrize("username", sorted(ORG_SCOPE))
def test_r_org_04_organisation_scope(scoped_district, username):
    d = scoped_district
    c = d.client(username)
    listed = c.get("/api/v1/orgs?limit=100")
    assert listed.status_code == 200
    ids = {i["id"] for i in listed.json()["items"]}
    assert {k for k, o in d.orgs.items() if o.pk in ids} == ORG_SCOPE[username]
    assert ids == set(
        Organisation.objects.visible_to(d.actor(username)).values_list("pk", flat=True)
    )
    for key, org in d.orgs.items():
        expected = 200 if key in ORG_SCOPE[username] else 404
        assert c.get(f"/api/v1/orgs/{org.pk}").status_code == expected, key
        assert c.get(f"/orgs/{org.pk}/").status_code == expected, key


# --- people ----------------------------------------------------------------------------------

PEOPLE = {u for u in ("office_admin", "office_staff", "housing_admin", "housing_staff")} | {
    "transport_staff",
    "edu_admin",
    "line_supervisor",
    "school_admin",
    "school_leader",
    "hospital_admin",
    "discipline",
    "contractor_a_admin",
    "pm_a",
    "contractor_b_admin",
    "supervisor_a_admin",
    "chief_a",
    "roleless",
}
# Own subtree, oneself, and the key personnel / owner's leader of visible projects.
PERSON_SCOPE = {
    "office_staff": PEOPLE,
    "discipline": PEOPLE,
    "housing_staff": {"housing_admin", "housing_staff", "pm_a", "chief_a", "school_leader"},
    "transport_staff": {"transport_staff"},
    "edu_admin": {"edu_admin", "line_supervisor", "school_admin", "school_leader"}
    | {"hospital_admin", "roleless", "pm_a", "chief_a"},
    "school_leader": {"school_admin", "school_leader", "roleless", "pm_a", "chief_a"},
    "pm_a": {"contractor_a_admin", "pm_a", "chief_a", "school_leader"},
    "chief_a": {"supervisor_a_admin", "chief_a", "pm_a", "school_leader"},
    "contractor_b_admin": {"contractor_b_admin"},
}


@pytest.mark.parametrize("username", sorted(PERSON_SCOPE))
def test_r_org_04_people_scope(scoped_district, username):
    d = scoped_district
    c = d.client(username)
    person_of = {u: d.users[u].person for u in PEOPLE}
    listed = c.get("/api/v1/people?limit=200")
    assert listed.status_code == 200
    ids = {i["id"] for i in listed.json()["items"]}
    assert {u for u, p in person_of.items() if p.pk in ids} == PERSON_SCOPE[username]
    assert ids == set(Person.objects.visible_to(d.actor(username)).values_list("pk", flat=True))
    for u, p in person_of.items():
        expected = 200 if u in PERSON_SCOPE[username] else 404
        assert c.get(f"/api/v1/people/{p.pk}").status_code == expected, u
        assert c.get(f"/people/{p.pk}/").status_code == expected, u


def test_r_org_04_people_lists_mask_identity_numbers(scoped_district):
    d = scoped_district
    body = d.client("housing_staff").get(f"/api/v1/people/{d.users['pm_a'].person.pk}").json()
    full = d.users["pm_a"].person.id_number
    assert full not in str(body)
    assert body["id_number_masked"] == full[:4] + "*" * 10 + full[-4:]


# --- accounts ------------------------------------------------------------------------------------


def test_r_org_04_accounts_scope_is_the_administrators_subtree(scoped_district):
    d = scoped_district
    for admin, expected in {
        "edu_admin": {"edu_admin", "line_supervisor", "school_admin", "school_leader"}
        | {"hospital_admin", "roleless"},
        "school_admin": {"school_admin", "school_leader", "roleless"},
        "contractor_a_admin": {"contractor_a_admin", "pm_a"},
    }.items():
        r = d.client(admin).get("/api/v1/accounts?limit=100")
        assert r.status_code == 200
        assert {i["username"] for i in r.json()["items"]} == expected, admin
        # The district-wide reach of the office does not leak into account management.
    r = d.client("discipline").get("/api/v1/accounts")
    assert r.status_code == 403
    assert User.objects.visible_to(d.actor("pm_a")).filter(username="school_admin").count() == 0


def test_r_org_04_an_account_outside_the_tree_reaches_nothing(scoped_district):
    """A bare superuser (``createsuperuser``) has no organisation: an empty path is
    the prefix of every path, so it must reach nothing rather than everything."""
    from postaward.orgs.choices import Role
    from postaward.orgs.models import ApiToken, LoginLog, UserRole

    d = scoped_district
    root = User.objects.create_superuser("root", password="Root@2026pw")
    root.must_change_password = False
    root.save(update_fields=["must_change_password"])
    UserRole.objects.create(user=root, role=Role.ADMIN)
    UserRole.objects.create(user=root, role=Role.OFFICE_STAFF)
    from postaward.orgs.actors import actor_for

    a = actor_for(root)
    assert not Organisation.objects.visible_to(a).exists()
    assert not Person.objects.visible_to(a).exists()
    assert list(User.objects.visible_to(a)) == [root]
    assert not Project.objects.visible_to(a).exists()
    from postaward.orgs import services

    services.create_api_token(actor=d.actor("pm_a"), user=d.users["pm_a"], name="手机")
    services.attempt_login(username="pm_a", password="bad")
    assert not ApiToken.objects.visible_to(a).exists()
    assert not LoginLog.objects.visible_to(a).exists()
    c = d.client(None)
    c.force_login(root)
    assert c.get("/api/v1/orgs").json()["count"] == 0
    assert c.get(f"/api/v1/people/{d.users['pm_a'].person.pk}").status_code == 404
    assert c.get("/api/v1/accounts").json()["count"] == 0
