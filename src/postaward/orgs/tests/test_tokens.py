"""API tokens (issue section 4): stored hashed, bound to one account, revocable,
expiring, sent as ``Authorization: Bearer``."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from postaward.core.crypto import sm3_hex
from postaward.core.models import AuditRecord
from postaward.orgs import services
from postaward.orgs.choices import Role
from postaward.orgs.models import ApiToken
from postaward.testing import PASSWORD, TokenClient, db_fingerprint

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)


def issue(district, username="school_leader", **kw):
    kw.setdefault("name", "手机")
    return services.create_api_token(
        actor=district.actor(username), user=district.users[username], **kw
    )


def test_token_is_stored_as_a_digest_never_in_plain(district):
    token, plain = issue(district)
    assert plain.startswith(f"pa_{token.prefix}_")
    secret = plain.split("_", 2)[2]
    assert len(secret) >= 40
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["digest"] == sm3_hex(plain)
    assert not any(secret in str(v) for v in row.values())
    # Nor in the audit trail.
    for rec in AuditRecord.objects.all():
        assert secret not in json.dumps([rec.before, rec.after], ensure_ascii=False)


def test_the_plain_token_is_shown_once_by_the_api(district):
    c = district.client("school_leader")
    r = c.post("/api/v1/tokens", data={"name": "手机", "days": 30}, content_type="application/json")
    assert r.status_code == 201
    plain = r.json()["token"]
    listed = c.get("/api/v1/tokens").json()
    assert plain not in json.dumps(listed)
    assert [t["id"] for t in listed] == [r.json()["id"]]
    assert TokenClient(plain).get("/api/v1/me").json()["username"] == "school_leader"


def test_bearer_token_acts_for_exactly_its_account(district):
    _, plain = issue(district)
    r = TokenClient(plain).get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["username"] == "school_leader"
    assert r.json()["roles"] == [Role.OWNER_PROJECT_LEADER]
    # With the scope of that account: the hospital project is not found.
    p = district.projects["p_hospital"]
    assert TokenClient(plain).get(f"/api/v1/projects/{p.pk}").status_code == 404


def test_token_writes_need_no_csrf(district):
    _, plain = issue(district, "school_admin")
    c = TokenClient(plain, enforce_csrf_checks=True)
    r = c.post(
        "/api/v1/people",
        data={"organisation_id": district.orgs["school"].pk, "name": "赵六"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content


def test_session_writes_need_csrf(district):
    c = Client(enforce_csrf_checks=True)
    c.force_login(district.users["school_admin"])
    before = db_fingerprint()
    r = c.post(
        "/api/v1/people",
        data={"organisation_id": district.orgs["school"].pk, "name": "赵六"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert r.json()["code"] == "csrf"
    assert db_fingerprint() == before


def test_revoked_token_is_401(district):
    token, plain = issue(district)
    c = TokenClient(plain)
    assert c.get("/api/v1/me").status_code == 200
    r = c.delete(f"/api/v1/tokens/{token.pk}")
    assert r.status_code == 200 and r.json()["revoked_at"]
    r = c.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_expired_token_is_401(district):
    with time_machine.travel(T0, tick=False) as traveller:
        token, plain = issue(district, days=30)
        assert token.expires_at == T0 + dt.timedelta(days=30)
        traveller.move_to(T0 + dt.timedelta(days=30) - dt.timedelta(seconds=1))
        assert TokenClient(plain).get("/api/v1/me").status_code == 200
        traveller.move_to(T0 + dt.timedelta(days=30))
        assert TokenClient(plain).get("/api/v1/me").status_code == 401


def test_default_lifetime_is_ninety_days(district):
    with time_machine.travel(T0, tick=False):
        token, _ = issue(district)
    assert token.expires_at == T0 + dt.timedelta(days=90)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer pa_000000000000_abcdef",  # unknown prefix
        "Bearer nonsense",
        "Bearer ",
        "Token {plain}",  # wrong scheme
        "{plain}",  # no scheme
        "Bearer {tampered}",  # right prefix, wrong secret
    ],
)
def test_malformed_or_forged_tokens_are_401(district, header):
    _, plain = issue(district)
    tampered = plain[:-4] + ("AAAA" if not plain.endswith("AAAA") else "BBBB")
    c = Client(HTTP_AUTHORIZATION=header.format(plain=plain, tampered=tampered))
    r = c.get("/api/v1/me")
    assert r.status_code == 401
    assert set(r.json()) >= {"code", "message", "errors"}


def test_a_token_of_a_disabled_account_is_401(district):
    _, plain = issue(district)
    services.set_account_active(
        actor=district.actor("school_admin"), user=district.users["school_leader"], active=False
    )
    assert TokenClient(plain).get("/api/v1/me").status_code == 401


def test_a_token_of_a_roleless_account_is_403(district):
    _, plain = issue(district, "roleless")
    r = TokenClient(plain).get("/api/v1/me")
    assert r.status_code == 403
    assert "未分配角色" in r.json()["message"]


def test_admin_issues_a_token_for_an_integrator_account_in_scope(district):
    d = district
    integrator, _ = services.create_account(
        actor=d.actor("office_admin"),
        organisation=d.orgs["office"],
        username="bidding_feed",
        roles=[Role.INTEGRATOR],
    )
    r = d.client("office_admin").post(
        "/api/v1/tokens",
        data={"name": "招投标系统对接", "user_id": integrator.pk, "days": 366},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert r.json()["user_id"] == integrator.pk
    # The integrator never logs in to the web, so its initial password does not block it.
    me = TokenClient(r.json()["token"]).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "bidding_feed"
    # The issuing administrator sees and may revoke it; its holder too.
    listed = d.client("office_admin").get("/api/v1/tokens").json()
    assert r.json()["id"] in {t["id"] for t in listed}


def test_token_lifetime_is_bounded(district):
    c = district.client("school_leader")
    for days in (0, 367, -1):
        r = c.post(
            "/api/v1/tokens", data={"name": "手机", "days": days}, content_type="application/json"
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "days"
    r = c.post(
        "/api/v1/tokens", data={"name": "手机", "days": "30"}, content_type="application/json"
    )
    assert r.status_code == 422


def test_token_last_used_is_recorded(district):
    with time_machine.travel(T0, tick=False) as traveller:
        token, plain = issue(district)
        TokenClient(plain).get("/api/v1/me")
        token.refresh_from_db()
        assert token.last_used_at == T0
        traveller.shift(dt.timedelta(minutes=10))
        TokenClient(plain).get("/api/v1/me")
        token.refresh_from_db()
        assert token.last_used_at == T0 + dt.timedelta(minutes=10)


def test_token_page_issues_and_revokes(district):
    c = district.client("school_leader")
    r = c.post("/accounts/tokens/", {"name": "手机", "days": 30})
    assert r.status_code == 200
    plain = r.context["plain"]
    assert TokenClient(plain).get("/api/v1/me").status_code == 200
    token = ApiToken.objects.get(user=district.users["school_leader"])
    r = c.post("/accounts/tokens/", {"revoke": str(token.pk)})
    assert r.status_code == 302
    assert TokenClient(plain).get("/api/v1/me").status_code == 401
    # Someone else's token, or garbage, is "not found".
    other, _ = issue(district, "hospital_admin")
    before = db_fingerprint()
    assert c.post("/accounts/tokens/", {"revoke": str(other.pk)}).status_code == 404
    assert c.post("/accounts/tokens/", {"revoke": "abc"}).status_code == 404
    assert db_fingerprint() == before


# --- who may issue a token (issue 10, section 3; ADR 0023) ------------------------------------------


@pytest.fixture
def integrator(district):
    user, _ = services.create_account(
        actor=district.actor("office_admin"),
        organisation=district.orgs["office"],
        username="bidding_feed",
        roles=[Role.INTEGRATOR],
    )
    return user


def _issue_for(client, user_id):
    return client.post(
        "/api/v1/tokens",
        data={"name": "代签令牌", "user_id": user_id},
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("caller", "target", "status"),
    [
        (None, "bidding_feed", 401),  # anonymous
        ("office_staff", "bidding_feed", 403),  # wrong role (not an administrator)
        ("housing_admin", "bidding_feed", 404),  # administrator, account out of scope
        ("school_admin", "school_leader", 403),  # in scope, but a person's account
        ("office_admin", "office_staff", 403),  # in scope, but a person's account
        ("edu_admin", "school_leader", 403),  # in scope (subtree), a person's account
    ],
)
def test_nobody_issues_a_token_for_someone_elses_account_R_ORG_03(
    district, integrator, caller, target, status
):
    """Before: any administrator issued a token for a subordinate and acted as
    them (audited as the subordinate). Only the account itself, or its
    administrator for an integration account, may; a refusal changes nothing."""
    d = district
    target_user = integrator if target == "bidding_feed" else d.users[target]
    before = db_fingerprint()
    r = _issue_for(d.client(caller), target_user.pk)
    assert r.status_code == status, r.content
    assert set(r.json()) >= {"code", "message", "errors"}
    assert db_fingerprint() == before
    assert not ApiToken.objects.filter(user=target_user).exists()


def test_an_administrator_issues_a_token_for_an_integration_account_in_scope_R_ORG_03(
    district, integrator
):
    d = district
    r = _issue_for(d.client("office_admin"), integrator.pk)
    assert r.status_code == 201, r.content
    admin = d.users["office_admin"]
    assert r.json()["user_id"] == integrator.pk
    assert r.json()["created_by_id"] == admin.pk
    token = ApiToken.objects.get(pk=r.json()["id"])
    assert token.created_by_id == admin.pk
    # The audit names the issuer (the actor) and the owner.
    rec = AuditRecord.objects.get(action="orgs.create_api_token", object_id=str(token.pk))
    assert rec.actor_user_id == admin.pk
    assert rec.after["user_id"] == integrator.pk and rec.after["created_by_id"] == admin.pk
    # What the token does is audited as the integration account.
    me = TokenClient(r.json()["token"]).get("/api/v1/me").json()
    assert me["username"] == "bidding_feed"


def test_one_issues_ones_own_token_and_it_names_oneself(district):
    token, _ = issue(district)
    assert token.created_by_id == district.users["school_leader"].pk


def test_the_service_refuses_a_token_for_a_subordinate_person(district):
    from postaward.core.errors import Forbidden

    before = db_fingerprint()
    with pytest.raises(Forbidden):
        services.create_api_token(
            actor=district.actor("school_admin"), user=district.users["school_leader"], name="x"
        )
    assert db_fingerprint() == before


def test_an_integration_account_given_a_persons_role_loses_the_issued_tokens(district, integrator):
    d = district
    issued, issued_plain = services.create_api_token(
        actor=d.actor("office_admin"), user=integrator, name="对接"
    )
    services.set_roles(actor=d.actor("office_admin"), user=integrator, roles=[Role.INTEGRATOR])
    assert TokenClient(issued_plain).get("/api/v1/me").status_code == 200
    services.set_roles(
        actor=d.actor("office_admin"), user=integrator, roles=[Role.INTEGRATOR, Role.OFFICE_STAFF]
    )
    assert TokenClient(issued_plain).get("/api/v1/me").status_code == 401
    issued.refresh_from_db()
    assert issued.revoked_at is not None


# --- the initial password binds tokens too -------------------------------------------------------------


def test_a_token_of_an_account_on_its_initial_password_is_403(district):
    """Before: the API answered a token of an account that had never changed
    its initial password. Same rule as the web: 403 password_change_required."""
    d = district
    user, _initial = services.create_account(
        actor=d.actor("school_admin"),
        organisation=d.orgs["school"],
        username="newcomer",
        roles=[Role.OWNER_PROJECT_LEADER],
    )
    _, plain = services.create_api_token(actor=d.actor("newcomer"), user=user, name="手机")
    c = TokenClient(plain)
    r = c.get("/api/v1/me")
    assert r.status_code == 403
    assert r.json()["code"] == "password_change_required"
    assert "修改初始密码" in r.json()["message"]
    before = db_fingerprint()
    r = c.post("/api/v1/tokens", data={"name": "再来一个"}, content_type="application/json")
    assert r.status_code == 403
    assert db_fingerprint() == before


# --- tokens end with the password, the lock and the account --------------------------------------------


def test_a_password_reset_revokes_the_accounts_tokens(district):
    """Before: tokens survived a password reset."""
    d = district
    token, plain = issue(d)
    services.reset_password(actor=d.actor("school_admin"), user=d.users["school_leader"])
    assert TokenClient(plain).get("/api/v1/me").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    rec = AuditRecord.objects.get(action="orgs.reset_password")
    assert rec.after == {"tokens_revoked": 1}


def test_changing_ones_password_revokes_tokens_and_other_sessions(district):
    d = district
    _, plain = issue(d)
    other = d.client("school_leader")
    assert other.get("/orgs/").status_code == 200
    changer = d.client("school_leader")
    r = changer.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "kq7#mzpw", "new_password2": "kq7#mzpw"},
    )
    assert r.status_code == 302
    assert TokenClient(plain).get("/api/v1/me").status_code == 401
    # The other session ended; the one that made the change goes on.
    assert other.get("/orgs/").status_code == 302
    assert other.get("/api/v1/me").status_code == 401
    assert changer.get("/orgs/").status_code == 200


def test_a_disabled_and_re_enabled_account_does_not_get_its_tokens_back(district):
    """Before: a token refused while the account was disabled worked again once
    it was enabled."""
    d = district
    _, plain = issue(d)
    for active in (False, True):
        services.set_account_active(
            actor=d.actor("school_admin"), user=d.users["school_leader"], active=active
        )
    assert TokenClient(plain).get("/api/v1/me").status_code == 401


def test_an_unlock_does_not_bring_back_a_locked_accounts_sessions(district):
    d = district
    c = d.client("school_leader")
    user = d.users["school_leader"]
    from postaward.orgs.services import _lock_account

    with time_machine.travel(T0, tick=False):
        _lock_account(user, T0 + dt.timedelta(minutes=15))
    services.unlock_account(actor=d.actor("school_admin"), user=user)
    r = c.get("/orgs/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_r_rep_05_token_list_revokes_the_selection_one_by_one(district):
    """The list component's batch 吊销: revoke_api_token per row (each audited),
    an already revoked token and another account's token refused and named."""
    from postaward.core.models import AuditRecord

    mine1, _ = issue(district, "school_leader")
    mine2, _ = issue(district, "school_leader")
    gone, _ = issue(district, "school_leader")
    gone.revoked_at = gone.created_at
    gone.save(update_fields=["revoked_at"])
    other, _ = issue(district, "hospital_admin")
    c = district.client("school_leader")
    ids = [mine1.pk, mine2.pk, gone.pk, other.pk]
    r = c.post("/accounts/tokens/", {"batch": "revoke", "ids": ids}, follow=True)
    page = r.content.decode()
    assert "吊销：成功 2 条" in page and "已吊销" in page
    assert "1 条不在当前查询结果或您的可见范围内" in page
    for t in (mine1, mine2, other):
        t.refresh_from_db()
    assert mine1.revoked_at and mine2.revoked_at and other.revoked_at is None
    revoked = AuditRecord.objects.filter(action="orgs.revoke_api_token")
    assert sorted(int(a.object_id) for a in revoked) == sorted([mine1.pk, mine2.pk])
