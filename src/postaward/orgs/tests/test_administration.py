"""R-ORG-03: an administrator (总管) maintains people, accounts and
sub-organisations within their own subtree only, and can never grant a role or
a scope beyond their own (RuoYi's privilege escalation through role assignment).

Every refusal is asserted to change nothing (``db_fingerprint``) and to carry a
Chinese message."""

from __future__ import annotations

import pytest

from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.orgs import services
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation, User, UserRole
from postaward.testing import db_fingerprint, resident_id, uscc

pytestmark = pytest.mark.django_db


def roles_of(user: User) -> set[str]:
    return set(UserRole.objects.filter(user=user).values_list("role", flat=True))


def refused(exc_type, fn, **kwargs):
    """Run a service that must refuse; prove it refused with a Chinese message
    and changed nothing."""
    before = db_fingerprint()
    with pytest.raises(exc_type) as info:
        fn(**kwargs)
    assert db_fingerprint() == before
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message), info.value.message
    return info.value


# --- granting roles ---------------------------------------------------------------------------


def test_r_org_03_admin_grants_roles_within_own_subtree(district):
    d = district
    # The superior unit's administrator manages the accounts of its owners.
    services.set_roles(
        actor=d.actor("edu_admin"),
        user=d.users["school_leader"],
        roles=[Role.OWNER_PROJECT_LEADER, Role.UNIT_LEADER],
    )
    assert roles_of(d.users["school_leader"]) == {Role.OWNER_PROJECT_LEADER, Role.UNIT_LEADER}


def test_r_org_03_granting_roles_to_an_account_of_a_sibling_org_is_not_found(district):
    d = district
    refused(
        NotFound,
        services.set_roles,
        actor=d.actor("school_admin"),
        user=d.users["hospital_admin"],
        roles=[Role.ADMIN, Role.UNIT_LEADER],
    )
    refused(
        NotFound,
        services.set_roles,
        actor=d.actor("housing_admin"),
        user=d.users["transport_staff"],
        roles=[Role.ADMIN],
    )


def test_r_org_03_granting_roles_to_an_account_of_a_parent_org_is_not_found(district):
    d = district
    refused(
        NotFound,
        services.set_roles,
        actor=d.actor("school_admin"),
        user=d.users["edu_admin"],
        roles=[],
    )
    refused(
        NotFound,
        services.set_roles,
        actor=d.actor("school_admin"),
        user=d.users["line_supervisor"],
        roles=[Role.ADMIN],
    )


def test_r_org_03_a_role_the_organisation_kind_cannot_hold_is_refused(district):
    d = district
    # Even the top administrator cannot carry an office role into an owner.
    exc = refused(
        Forbidden,
        services.set_roles,
        actor=d.actor("office_admin"),
        user=d.users["school_leader"],
        roles=[Role.OWNER_PROJECT_LEADER, Role.OFFICE_STAFF],
    )
    assert "监管办工作人员" in exc.message
    refused(
        Forbidden,
        services.set_roles,
        actor=d.actor("contractor_a_admin"),
        user=d.users["pm_a"],
        roles=[Role.CHIEF_SUPERVISING_ENGINEER],
    )
    refused(
        Forbidden,
        services.create_account,
        actor=d.actor("school_admin"),
        organisation=d.orgs["school"],
        username="new_school",
        roles=[Role.DISCIPLINE_INSPECTOR],
    )
    refused(
        ValidationFailed,
        services.set_roles,
        actor=d.actor("office_admin"),
        user=d.users["office_staff"],
        roles=["superuser"],
    )


def test_r_org_03_every_role_outside_the_kind_is_refused(district):
    """The matrix, not a sample: no role outside ROLES_BY_KIND ever sticks."""
    from postaward.orgs.choices import ROLES_BY_KIND

    d = district
    before = db_fingerprint()
    for username in ("school_leader", "pm_a", "housing_staff", "office_staff", "chief_a"):
        user = d.users[username]
        allowed = ROLES_BY_KIND[user.organisation.kind]
        for role in set(Role.values) - allowed:
            with pytest.raises(Forbidden):
                services.set_roles(actor=d.actor("office_admin"), user=user, roles=[role])
    assert db_fingerprint() == before


def test_r_org_03_a_non_admin_cannot_grant(district):
    d = district
    refused(
        Forbidden,
        services.set_roles,
        actor=d.actor("school_leader"),
        user=d.users["roleless"],
        roles=[Role.OWNER_PROJECT_LEADER],
    )
    refused(
        Forbidden,
        services.set_roles,
        actor=d.actor("line_supervisor"),
        user=d.users["school_leader"],
        roles=[Role.ADMIN],
    )
    # Not even to oneself.
    refused(
        Forbidden,
        services.set_roles,
        actor=d.actor("office_staff"),
        user=d.users["office_staff"],
        roles=[Role.ADMIN, Role.OFFICE_STAFF],
    )


def test_r_org_03_an_admin_cannot_revoke_their_own_admin_role(district):
    d = district
    exc = refused(
        ValidationFailed,
        services.set_roles,
        actor=d.actor("school_admin"),
        user=d.users["school_admin"],
        roles=[Role.OWNER_PROJECT_LEADER],
    )
    assert exc.errors == [{"field": "roles", "message": exc.message}]
    refused(
        ValidationFailed,
        services.set_roles,
        actor=d.actor("school_admin"),
        user=d.users["school_admin"],
        roles=[],
    )
    assert roles_of(d.users["school_admin"]) == {Role.ADMIN}


def test_r_org_03_an_admin_cannot_disable_their_own_account(district):
    d = district
    refused(
        ValidationFailed,
        services.set_account_active,
        actor=d.actor("school_admin"),
        user=d.users["school_admin"],
        active=False,
    )


# --- moving accounts ----------------------------------------------------------------------------


def test_r_org_03_move_account_within_subtree_drops_roles_the_new_kind_cannot_hold(district):
    d = district
    services.set_roles(
        actor=d.actor("edu_admin"),
        user=d.users["line_supervisor"],
        roles=[Role.LINE_SUPERVISOR, Role.ADMIN],
    )
    services.move_account(
        actor=d.actor("edu_admin"), user=d.users["line_supervisor"], organisation=d.orgs["school"]
    )
    user = User.objects.get(pk=d.users["line_supervisor"].pk)
    assert user.organisation_id == d.orgs["school"].pk
    assert roles_of(user) == {Role.ADMIN}


def test_r_org_03_moving_an_account_out_of_scope_is_refused(district):
    d = district
    # Into a sibling organisation.
    refused(
        NotFound,
        services.move_account,
        actor=d.actor("school_admin"),
        user=d.users["school_leader"],
        organisation=d.orgs["hospital"],
    )
    # Into the parent (above the administrator's subtree).
    refused(
        NotFound,
        services.move_account,
        actor=d.actor("school_admin"),
        user=d.users["school_leader"],
        organisation=d.orgs["edu_line"],
    )
    # Pulling an account in from outside.
    refused(
        NotFound,
        services.move_account,
        actor=d.actor("edu_admin"),
        user=d.users["housing_staff"],
        organisation=d.orgs["school"],
    )
    # Without the administrator's role.
    refused(
        Forbidden,
        services.move_account,
        actor=d.actor("line_supervisor"),
        user=d.users["school_leader"],
        organisation=d.orgs["hospital"],
    )
    assert User.objects.get(pk=d.users["school_leader"].pk).organisation_id == d.orgs["school"].pk


def test_r_org_03_moving_an_account_to_its_own_organisation_changes_nothing(district):
    d = district
    refused(
        ValidationFailed,
        services.move_account,
        actor=d.actor("school_admin"),
        user=d.users["school_leader"],
        organisation=d.orgs["school"],
    )


# --- organisations ------------------------------------------------------------------------------


def test_r_org_03_admin_creates_sub_organisations_in_own_subtree(district):
    d = district
    org = services.create_organisation(
        actor=d.actor("edu_admin"),
        parent=d.orgs["edu_line"],
        name="测试区第二小学",
        kind=OrgKind.OWNER,
        uscc=uscc(),
    )
    assert org.path.startswith(d.orgs["edu_line"].path)
    assert org.depth == d.orgs["edu_line"].depth + 1


def test_r_org_03_creating_an_organisation_outside_or_above_the_subtree_is_refused(district):
    d = district
    kw = {"name": "越权单位", "kind": OrgKind.OWNER, "uscc": uscc()}
    # Under a sibling.
    refused(
        NotFound,
        services.create_organisation,
        actor=d.actor("edu_admin"),
        parent=d.orgs["housing"],
        **kw,
    )
    # Under the parent (above the administrator).
    refused(
        NotFound,
        services.create_organisation,
        actor=d.actor("school_admin"),
        parent=d.orgs["edu_line"],
        **kw,
    )
    refused(
        NotFound,
        services.create_organisation,
        actor=d.actor("edu_admin"),
        parent=d.orgs["office"],
        **{**kw, "kind": OrgKind.SUPERIOR_UNIT},
    )
    # A new root (a district of one's own).
    refused(
        Forbidden,
        services.create_organisation,
        actor=d.actor("office_admin"),
        parent=None,
        **{**kw, "kind": OrgKind.SUPERVISION_OFFICE},
    )
    # A kind the parent may not have below it: a superior unit cannot create a
    # district-wide body (which would read the whole district).
    refused(
        ValidationFailed,
        services.create_organisation,
        actor=d.actor("edu_admin"),
        parent=d.orgs["edu"],
        **{**kw, "kind": OrgKind.DISCIPLINE},
    )
    refused(
        ValidationFailed,
        services.create_organisation,
        actor=d.actor("office_admin"),
        parent=d.orgs["office"],
        **{**kw, "kind": OrgKind.SUPERVISION_OFFICE},
    )
    # Without the administrator's role.
    refused(
        Forbidden,
        services.create_organisation,
        actor=d.actor("line_supervisor"),
        parent=d.orgs["edu_line"],
        **kw,
    )


def test_r_org_03_updating_an_organisation_outside_the_subtree_is_refused(district):
    d = district
    refused(
        NotFound,
        services.update_organisation,
        actor=d.actor("school_admin"),
        org=d.orgs["edu_line"],
        name="改名",
    )
    refused(
        NotFound,
        services.update_organisation,
        actor=d.actor("school_admin"),
        org=d.orgs["hospital"],
        is_active=False,
    )
    refused(
        Forbidden,
        services.update_organisation,
        actor=d.actor("school_leader"),
        org=d.orgs["school"],
        name="改名",
    )
    refused(
        ValidationFailed,
        services.update_organisation,
        actor=d.actor("school_admin"),
        org=d.orgs["school"],
        is_active=False,
    )
    # Kind and parent are not editable: no re-parenting into another subtree.
    refused(
        ValidationFailed,
        services.update_organisation,
        actor=d.actor("edu_admin"),
        org=d.orgs["school"],
        parent=d.orgs["office"],
    )
    refused(
        ValidationFailed,
        services.update_organisation,
        actor=d.actor("edu_admin"),
        org=d.orgs["school"],
        kind=OrgKind.SUPERVISION_OFFICE,
    )


def test_r_org_03_update_organisation_refuses_empty_required_values(district):
    d = district
    for field in ("name", "is_active", "short_name", "industry", "address"):
        exc = refused(
            ValidationFailed,
            services.update_organisation,
            actor=d.actor("edu_admin"),
            org=d.orgs["school"],
            **{field: None},
        )
        assert exc.errors[0]["field"] == field


def test_r_org_03_industry_must_be_a_known_industry(district):
    d = district
    exc = refused(
        ValidationFailed,
        services.update_organisation,
        actor=d.actor("office_admin"),
        org=d.orgs["housing"],
        industry="mining",
    )
    assert exc.errors[0]["field"] == "industry"
    refused(
        ValidationFailed,
        services.create_organisation,
        actor=d.actor("office_admin"),
        parent=d.orgs["office"],
        name="测试区矿业局",
        kind=OrgKind.INDUSTRY_AUTHORITY,
        industry="mining",
        uscc=uscc(),
    )


# --- people and accounts -------------------------------------------------------------------


def test_r_org_03_people_are_maintained_only_within_the_subtree(district):
    d = district
    p = services.create_person(
        actor=d.actor("edu_admin"), organisation=d.orgs["school"], name="王五"
    )
    assert p.organisation_id == d.orgs["school"].pk
    refused(
        NotFound,
        services.create_person,
        actor=d.actor("school_admin"),
        organisation=d.orgs["hospital"],
        name="王五",
    )
    refused(
        NotFound,
        services.update_person,
        actor=d.actor("school_admin"),
        person=d.users["hospital_admin"].person,
        name="改名",
    )
    # A person visible through a shared project is still not the admin's to edit.
    refused(
        NotFound,
        services.update_person,
        actor=d.actor("school_admin"),
        person=d.users["pm_a"].person,
        mobile="13800138000",
    )
    refused(
        NotFound,
        services.add_qualification,
        actor=d.actor("school_admin"),
        person=d.users["pm_a"].person,
        kind="constructor_2",
        number="浙233000001",
    )
    refused(
        Forbidden,
        services.create_person,
        actor=d.actor("school_leader"),
        organisation=d.orgs["school"],
        name="王五",
    )
    # A person cannot be moved by editing.
    refused(
        ValidationFailed,
        services.update_person,
        actor=d.actor("edu_admin"),
        person=d.users["school_leader"].person,
        organisation=d.orgs["hospital"],
    )


def test_r_org_03_update_person_refuses_empty_required_values(district):
    d = district
    for field in ("name", "title", "is_active", "is_party_member"):
        exc = refused(
            ValidationFailed,
            services.update_person,
            actor=d.actor("school_admin"),
            person=d.users["school_leader"].person,
            **{field: None},
        )
        assert exc.errors[0]["field"] == field


def test_r_org_03_accounts_are_created_only_within_the_subtree(district):
    d = district
    refused(
        NotFound,
        services.create_account,
        actor=d.actor("school_admin"),
        organisation=d.orgs["hospital"],
        username="intruder",
        roles=[Role.OWNER_PROJECT_LEADER],
    )
    refused(
        Forbidden,
        services.create_account,
        actor=d.actor("school_leader"),
        organisation=d.orgs["school"],
        username="intruder",
        roles=[Role.OWNER_PROJECT_LEADER],
    )
    # Binding the account to a person of another organisation.
    refused(
        ValidationFailed,
        services.create_account,
        actor=d.actor("edu_admin"),
        organisation=d.orgs["school"],
        username="intruder",
        roles=[Role.OWNER_PROJECT_LEADER],
        person=d.users["hospital_admin"].person,
    )
    # A person who already has an account.
    refused(
        Conflict,
        services.create_account,
        actor=d.actor("school_admin"),
        organisation=d.orgs["school"],
        username="second_login",
        roles=[Role.OWNER_PROJECT_LEADER],
        person=d.users["school_leader"].person,
    )


def test_r_org_03_password_reset_unlock_and_tokens_stay_within_the_subtree(district):
    d = district
    for fn, kw in [
        (services.reset_password, {}),
        (services.unlock_account, {}),
        (services.set_account_active, {"active": False}),
        (services.create_api_token, {"name": "越权令牌"}),
    ]:
        refused(NotFound, fn, actor=d.actor("school_admin"), user=d.users["hospital_admin"], **kw)
        refused(NotFound, fn, actor=d.actor("school_admin"), user=d.users["edu_admin"], **kw)
        refused(Forbidden, fn, actor=d.actor("school_leader"), user=d.users["roleless"], **kw)


def test_r_org_03_a_token_of_another_account_is_revoked_only_by_its_admin(district):
    d = district
    token, _ = services.create_api_token(
        actor=d.actor("hospital_admin"), user=d.users["hospital_admin"], name="手机"
    )
    refused(NotFound, services.revoke_api_token, actor=d.actor("school_admin"), token=token)
    refused(Forbidden, services.revoke_api_token, actor=d.actor("school_leader"), token=token)
    services.revoke_api_token(actor=d.actor("edu_admin"), token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- the same refusals through the API --------------------------------------------------------


def api_refused(client, method, path, body, status):
    before = db_fingerprint()
    r = getattr(client, method)(path, data=body, content_type="application/json")
    assert r.status_code == status, r.content
    assert db_fingerprint() == before
    data = r.json()
    assert set(data) >= {"code", "message", "errors"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["message"])
    return data


def test_r_org_03_api_escalation_attempts_change_nothing(district):
    d = district
    school_admin = d.client("school_admin")
    u = d.users
    # Granting roles to an account of a sibling or of the parent.
    api_refused(
        school_admin,
        "put",
        f"/api/v1/accounts/{u['hospital_admin'].pk}/roles",
        {"roles": ["admin"]},
        404,
    )
    api_refused(
        school_admin, "put", f"/api/v1/accounts/{u['edu_admin'].pk}/roles", {"roles": []}, 404
    )
    # A role the owner kind cannot hold.
    data = api_refused(
        d.client("office_admin"),
        "put",
        f"/api/v1/accounts/{u['school_leader'].pk}/roles",
        {"roles": ["office_staff"]},
        403,
    )
    assert "监管办工作人员" in data["message"]
    # A non-admin granting.
    api_refused(
        d.client("school_leader"),
        "put",
        f"/api/v1/accounts/{u['roleless'].pk}/roles",
        {"roles": ["owner_project_leader"]},
        403,
    )
    # Revoking one's own admin role.
    data = api_refused(
        school_admin,
        "put",
        f"/api/v1/accounts/{u['school_admin'].pk}/roles",
        {"roles": ["owner_project_leader"]},
        422,
    )
    assert data["errors"][0]["field"] == "roles"
    # Creating an organisation above / outside the subtree.
    body = {"name": "越权单位", "kind": "owner", "uscc": uscc()}
    api_refused(
        school_admin, "post", "/api/v1/orgs", {**body, "parent_id": d.orgs["edu_line"].pk}, 404
    )
    api_refused(
        d.client("edu_admin"),
        "post",
        "/api/v1/orgs",
        {**body, "parent_id": d.orgs["housing"].pk},
        404,
    )
    # An account in an organisation outside the subtree.
    api_refused(
        school_admin,
        "post",
        "/api/v1/accounts",
        {
            "organisation_id": d.orgs["hospital"].pk,
            "username": "intruder",
            "roles": ["admin"],
        },
        404,
    )
    # An account with a role its kind cannot hold.
    api_refused(
        school_admin,
        "post",
        "/api/v1/accounts",
        {
            "organisation_id": d.orgs["school"].pk,
            "username": "intruder",
            "roles": ["office_staff"],
        },
        403,
    )
    # A token for an account outside the subtree (would be an impersonation).
    api_refused(
        school_admin,
        "post",
        "/api/v1/tokens",
        {"name": "越权", "user_id": u["hospital_admin"].pk},
        404,
    )
    api_refused(
        d.client("school_leader"),
        "post",
        "/api/v1/tokens",
        {"name": "越权", "user_id": u["roleless"].pk},
        403,
    )
    # A person of another organisation.
    api_refused(
        school_admin,
        "post",
        "/api/v1/people",
        {"organisation_id": d.orgs["hospital"].pk, "name": "王五", "id_number": resident_id()},
        404,
    )


def test_r_org_03_granted_roles_take_effect_on_the_next_request(district):
    d = district
    c = d.client("roleless")
    assert c.get("/api/v1/me").status_code == 403
    services.set_roles(
        actor=d.actor("school_admin"), user=d.users["roleless"], roles=[Role.OWNER_PROJECT_LEADER]
    )
    r = c.get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["roles"] == ["owner_project_leader"]


def test_r_org_03_a_new_organisation_gets_a_path_below_its_parent(district):
    d = district
    org = services.create_organisation(
        actor=d.actor("edu_admin"),
        parent=d.orgs["edu"],
        name="教育局后勤条线",
        kind=OrgKind.LINE,
    )
    assert Organisation.objects.get(pk=org.pk).path == f"{d.orgs['edu'].path}{org.pk:08d}/"
    # Its administrator is the edu administrator too, not the sibling line's.
    assert services.can_administer(d.actor("edu_admin"), org)
    assert not services.can_administer(d.actor("line_supervisor"), org)


# --- the organisation tree (R-ORG-01, R-ORG-02) -------------------------------------------------


def test_r_org_01_every_kind_of_the_policy_has_a_place_in_the_tree():
    """R-ORG-01: each kind of the catalogue exists, and each except the office
    itself can be created below some parent (the office is the root)."""
    from postaward.orgs.choices import CHILD_KINDS

    for kind in (
        OrgKind.SUPERVISION_OFFICE,
        OrgKind.INDUSTRY_AUTHORITY,
        OrgKind.SUPERIOR_UNIT,
        OrgKind.LINE,
        OrgKind.OWNER,
        OrgKind.CONTRACTOR,
        OrgKind.SUPERVISING_FIRM,
        OrgKind.DESIGN,
        OrgKind.SURVEY,
        OrgKind.BUDGET,
        OrgKind.TESTING,
        OrgKind.TENDER_AGENT,
        OrgKind.AUDIT_BUREAU,
        OrgKind.FINANCE_BUREAU,
        OrgKind.DRC,
        OrgKind.DISCIPLINE,
        OrgKind.PUBLIC_SECURITY,
    ):
        parents = [p for p, children in CHILD_KINDS.items() if kind in children]
        assert parents or kind == OrgKind.SUPERVISION_OFFICE, kind


def test_r_org_02_the_four_levels_are_built_below_the_office_and_nowhere_else(district):
    """R-ORG-02: office → superior unit → its line → owner is built by each
    level's administrator; an owner cannot sit below an enterprise, and no
    organisation below an owner (the chain ends at the construction unit). The
    industry authority is linked per project (projects: assignment chain)."""
    d = district
    office = d.actor("office_admin")
    sup = services.create_organisation(
        actor=office, parent=d.orgs["office"], name="测试区卫生健康局", kind=OrgKind.SUPERIOR_UNIT
    )
    line = services.create_organisation(
        actor=office, parent=sup, name="卫生健康局基建条线", kind=OrgKind.LINE
    )
    owner = services.create_organisation(
        actor=office, parent=line, name="测试区妇幼保健院", kind=OrgKind.OWNER, uscc=uscc()
    )
    assert owner.path.startswith(line.path) and line.path.startswith(sup.path)
    assert [o.depth for o in (sup, line, owner)] == [
        d.orgs["office"].depth + 1,
        d.orgs["office"].depth + 2,
        d.orgs["office"].depth + 3,
    ]
    refused(
        ValidationFailed,
        services.create_organisation,
        actor=office,
        parent=owner,
        name="下级单位",
        kind=OrgKind.LINE,
    )
    contractor = services.create_organisation(
        actor=office,
        parent=d.orgs["office"],
        name="测试建工有限公司",
        kind=OrgKind.CONTRACTOR,
        uscc=uscc(),
    )
    refused(
        ValidationFailed,
        services.create_organisation,
        actor=office,
        parent=contractor,
        name="挂靠建设单位",
        kind=OrgKind.OWNER,
        uscc=uscc(),
    )
