"""Authentication (issue section 3): password rules, the production hasher,
lockout, idle session timeout, forced change of initial passwords, the login log.

Time is moved with time-machine; ``clock.now()`` follows it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client

from postaward.core.errors import ValidationFailed
from postaward.orgs import services
from postaward.orgs.choices import LoginResult, Role
from postaward.orgs.models import LoginLog, User
from postaward.testing import PASSWORD, db_fingerprint

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
UA = "Mozilla/5.0 (Linux; Android 14) 浙政钉"


def web_login(client: Client, username: str, password: str, ip: str = "10.8.0.7"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=UA,
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- password complexity -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_password", "accepted"),
    [
        ("Kq7#mzp", False),  # 7 characters, four classes
        ("kq7mzpwx", False),  # 8 characters, two classes (lower case, digits)
        ("KQMZPWX#", False),  # 8 characters, two classes (upper case, symbols)
        ("kq7#mzpw", True),  # 8 characters, three classes
        ("Kq7mzpwx", True),  # 8 characters, three classes
    ],
)
def test_password_complexity(district, new_password, accepted):
    d = district
    user = d.users["school_leader"]
    kw = {"actor": d.actor("school_leader"), "user": user, "old_password": PASSWORD}
    if accepted:
        services.change_own_password(new_password=new_password, **kw)
        user.refresh_from_db()
        assert user.check_password(new_password)
        assert not user.must_change_password
    else:
        before = db_fingerprint()
        with pytest.raises(ValidationFailed) as info:
            services.change_own_password(new_password=new_password, **kw)
        assert info.value.errors[0]["field"] == "new_password"
        assert "密码" in info.value.message
        assert db_fingerprint() == before
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


def test_password_complexity_messages_name_the_rule(district):
    d = district
    kw = {
        "actor": d.actor("school_leader"),
        "user": d.users["school_leader"],
        "old_password": PASSWORD,
    }
    with pytest.raises(ValidationFailed) as short:
        services.change_own_password(new_password="Kq7#mzp", **kw)
    assert short.value.message == "密码长度太短，至少 8 个字符"
    with pytest.raises(ValidationFailed) as classes:
        services.change_own_password(new_password="kq7mzpwx", **kw)
    assert "至少 3 类" in classes.value.message


def test_initial_passwords_and_account_passwords_obey_the_rules(district):
    d = district
    with pytest.raises(ValidationFailed) as info:
        services.create_account(
            actor=d.actor("school_admin"),
            organisation=d.orgs["school"],
            username="weak",
            roles=[Role.OWNER_PROJECT_LEADER],
            password="abcdefgh",
        )
    assert info.value.errors[0]["field"] == "password"
    for _ in range(20):
        initial = services.reset_password(actor=d.actor("school_admin"), user=d.users["roleless"])
        from django.contrib.auth.password_validation import validate_password

        validate_password(initial)


def test_password_change_page_refuses_a_weak_password_beside_the_field(district):
    c = district.client("school_leader")
    r = c.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "kq7mzpwx", "new_password2": "kq7mzpwx"},
    )
    assert r.status_code == 200
    assert "至少 3 类" in r.context["form"].errors["new_password"][0]
    r = c.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "kq7#mzpw", "new_password2": "kq7#mzpw"},
    )
    assert r.status_code == 302
    # The session survives one's own password change.
    assert c.get("/orgs/").status_code == 200


def test_wrong_old_password_is_refused(district):
    d = district
    with pytest.raises(ValidationFailed) as info:
        services.change_own_password(
            actor=d.actor("school_leader"),
            user=d.users["school_leader"],
            old_password="Wrong@2026pw",
            new_password="kq7#mzpw",
        )
    assert info.value.errors[0]["field"] == "old_password"


# --- the production hasher ----------------------------------------------------------------------


def test_argon2_is_the_production_hasher_and_follows_the_test_only_md5():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.MD5PasswordHasher"
    assert settings.PASSWORD_HASHERS[1] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    # Outside the test run (no pytest, no POSTAWARD_TESTING) Argon2 comes first.
    env = {k: v for k, v in os.environ.items() if k != "POSTAWARD_TESTING"}
    env["DJANGO_SETTINGS_MODULE"] = "postaward.settings"
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            # The settings module alone: no app is loaded, so this checks the
            # hasher order and nothing else.
            "import postaward.settings as s; print(s.PASSWORD_HASHERS[0])",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[4],
    )
    assert out.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_verify_and_log_in(district):
    encoded = make_password("kq7#mzpw", hasher="argon2")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("kq7#mzpw", encoded)
    assert not check_password("kq7#mzpx", encoded)
    User.objects.filter(pk=district.users["school_leader"].pk).update(password=encoded)
    user, message = services.attempt_login(username="school_leader", password="kq7#mzpw")
    assert user is not None, message
    user, _ = services.attempt_login(username="school_leader", password="kq7#mzpx")
    assert user is None


# --- lockout (the limits themselves: test_login_limits.py) ------------------------------------------

FAILED = services.login_failed_message()


def test_lockout_after_five_failures_for_fifteen_minutes(district):
    ip = "10.8.0.7"
    with time_machine.travel(T0, tick=False) as traveller:
        for i in range(5):
            user, message = services.attempt_login(username="school_leader", password="bad", ip=ip)
            assert user is None
            assert message == FAILED, i
        locked_at = T0
        # 14:59 later: still locked, and the right password does not open it.
        traveller.move_to(locked_at + dt.timedelta(minutes=14, seconds=59))
        user, message = services.attempt_login(username="school_leader", password=PASSWORD, ip=ip)
        assert user is None
        assert message == FAILED
        # A wrong password during the lock does not extend it.
        services.attempt_login(username="school_leader", password="bad", ip=ip)
        # 15:00 later: open again.
        traveller.move_to(locked_at + dt.timedelta(minutes=15))
        user, message = services.attempt_login(username="school_leader", password=PASSWORD, ip=ip)
        assert user is not None, message
        assert user.locked_until is None


def test_failures_are_counted_consecutively(district):
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            services.attempt_login(username="school_leader", password="bad")
        assert services.attempt_login(username="school_leader", password=PASSWORD)[0]
        for _ in range(4):
            services.attempt_login(username="school_leader", password="bad")
        assert services.attempt_login(username="school_leader", password=PASSWORD)[0]


def test_lockout_through_the_login_page_and_admin_unlock(district):
    d = district
    c = Client()
    account = d.users["school_leader"]
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(5):
            r = web_login(c, "school_leader", "bad")
            assert r.status_code == 200
        assert r.context["error"] == FAILED
        traveller.shift(dt.timedelta(minutes=14, seconds=59))
        r = web_login(c, "school_leader", PASSWORD)
        assert r.status_code == 200
        assert r.context["error"] == FAILED
        assert not logged_in(c)
        # The administrator sees which address is refused, and unlocks it.
        admin = d.client("school_admin")
        page = admin.get(f"/users/{account.pk}/")
        assert page.context["locked_addresses"] == ["10.8.0.7"]
        assert "解除锁定" in page.content.decode()
        r = admin.post(f"/api/v1/accounts/{account.pk}/unlock")
        assert r.status_code == 200 and r.json()["locked"] is False
        assert admin.get(f"/users/{account.pk}/").context["locked_addresses"] == []
        r = web_login(c, "school_leader", PASSWORD)
        assert r.status_code == 302
        assert logged_in(c)


def test_unknown_accounts_and_locked_accounts_get_the_same_message(district):
    _, unknown = services.attempt_login(username="nobody", password="bad")
    _, known = services.attempt_login(username="school_leader", password="bad")
    for _ in range(4):
        services.attempt_login(username="school_leader", password="bad")
    _, locked = services.attempt_login(username="school_leader", password=PASSWORD)
    assert unknown == known == locked == FAILED
    assert FAILED.startswith("账号或密码错误")


def test_a_disabled_account_cannot_log_in_and_loses_its_sessions(district):
    d = district
    c = d.client("school_leader")
    assert c.get("/orgs/").status_code == 200
    services.set_account_active(
        actor=d.actor("school_admin"), user=d.users["school_leader"], active=False
    )
    r = c.get("/orgs/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    user, message = services.attempt_login(username="school_leader", password=PASSWORD)
    assert user is None and "停用" in message


def test_a_password_reset_ends_the_accounts_sessions(district):
    d = district
    c = d.client("school_leader")
    assert c.get("/orgs/").status_code == 200
    services.reset_password(actor=d.actor("school_admin"), user=d.users["school_leader"])
    r = c.get("/orgs/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


# --- idle session timeout ----------------------------------------------------------------------------


def test_idle_session_times_out_after_thirty_minutes(district):
    c = Client()
    with time_machine.travel(T0, tick=False) as traveller:
        assert web_login(c, "school_leader", PASSWORD).status_code == 302
        traveller.shift(dt.timedelta(minutes=29))
        assert c.get("/orgs/").status_code == 200
        # Activity renews the session: another 29 idle minutes are still fine.
        traveller.shift(dt.timedelta(minutes=29))
        assert c.get("/orgs/").status_code == 200
        assert c.get("/api/v1/me").status_code == 200
        # 31 idle minutes: sent to the login page, and the API answers 401.
        traveller.shift(dt.timedelta(minutes=31))
        r = c.get("/orgs/")
        assert r.status_code == 302
        assert r["Location"].startswith("/accounts/login/?next=/orgs/")
        assert c.get("/api/v1/me").status_code == 401


def test_idle_timeout_applies_to_api_session_calls(district):
    c = Client()
    with time_machine.travel(T0, tick=False) as traveller:
        web_login(c, "school_leader", PASSWORD)
        traveller.shift(dt.timedelta(minutes=29, seconds=59))
        assert c.get("/api/v1/me").status_code == 200
        traveller.shift(dt.timedelta(minutes=30, seconds=1))
        assert c.get("/api/v1/me").status_code == 401


# --- forced change of initial passwords --------------------------------------------------------------


@pytest.fixture
def fresh_account(district):
    """An account just created by its administrator, still on its initial password."""
    user, initial = services.create_account(
        actor=district.actor("school_admin"),
        organisation=district.orgs["school"],
        username="newcomer",
        roles=[Role.OWNER_PROJECT_LEADER],
    )
    assert user.must_change_password
    return user, initial


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/inbox/",
        "/orgs/",
        "/people/",
        "/projects/",
        "/accounts/tokens/",
        "/system/logins/",
        "/system/audit/",
        "/users/",
    ],
)
def test_initial_password_redirects_every_page_to_the_change_page(fresh_account, path):
    _user, initial = fresh_account
    c = Client()
    r = web_login(c, "newcomer", initial)
    assert r.status_code == 302
    r = c.get(path)
    assert r.status_code == 302
    assert r["Location"] == "/accounts/password/"


def test_initial_password_api_session_calls_are_403_until_changed(fresh_account):
    user, initial = fresh_account
    c = Client()
    web_login(c, "newcomer", initial)
    r = c.get("/api/v1/me")
    assert r.status_code == 403
    assert r.json()["code"] == "password_change_required"
    assert "修改初始密码" in r.json()["message"]
    page = c.get("/accounts/password/")
    assert page.status_code == 200 and page.context["forced"] is True
    r = c.post(
        "/accounts/password/",
        {"old_password": initial, "new_password": "kq7#mzpw", "new_password2": "kq7#mzpw"},
    )
    assert r.status_code == 302
    assert c.get("/orgs/").status_code == 200
    assert c.get("/api/v1/me").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.password_changed_at is not None


def test_initial_password_may_not_be_kept(fresh_account):
    _user, initial = fresh_account
    c = Client()
    web_login(c, "newcomer", initial)
    r = c.post(
        "/accounts/password/",
        {"old_password": initial, "new_password": initial, "new_password2": initial},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["new_password"]
    assert c.get("/orgs/").status_code == 302


def test_logout_remains_possible_with_an_initial_password(fresh_account):
    _user, initial = fresh_account
    c = Client()
    web_login(c, "newcomer", initial)
    r = c.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    assert not logged_in(c)


# --- the login log -------------------------------------------------------------------------------------


def test_login_log_records_success_failure_lock_and_logout_with_ip_and_agent(district):
    c = Client()
    with time_machine.travel(T0, tick=False):
        web_login(c, "school_leader", PASSWORD, ip="10.8.0.7")
        c.post("/accounts/logout/", REMOTE_ADDR="10.8.0.7", HTTP_USER_AGENT=UA)
        for _ in range(5):
            web_login(c, "school_leader", "bad", ip="10.8.0.9")
        web_login(c, "school_leader", PASSWORD, ip="10.8.0.9")
        web_login(c, "nobody", "bad", ip="10.8.0.10")
    rows = list(LoginLog.objects.order_by("pk"))
    assert [r.result for r in rows] == [
        LoginResult.SUCCESS,
        LoginResult.LOGOUT,
        *[LoginResult.BAD_PASSWORD] * 5,
        LoginResult.LOCKED,
        LoginResult.UNKNOWN_USER,
    ]
    assert [r.ip for r in rows] == ["10.8.0.7"] * 2 + ["10.8.0.9"] * 6 + ["10.8.0.10"]
    assert all(r.user_agent == UA for r in rows)
    assert all(r.at == T0 for r in rows)
    school = district.orgs["school"]
    assert all(r.organisation_id == school.pk for r in rows[:-1])
    assert rows[-1].organisation_id is None and rows[-1].user_id is None
    assert "锁定" in rows[6].detail


def test_login_log_is_browsable_by_the_office_and_administrators_only(district):
    d = district
    c = Client()
    web_login(c, "school_leader", "bad")
    web_login(c, "hospital_admin", "bad")
    web_login(c, "housing_staff", "bad")

    def usernames(r):
        return {i["username"] for i in r.json()["items"]}

    # The supervision office reads the whole district.
    r = d.client("office_staff").get("/api/v1/login-logs")
    assert r.status_code == 200
    assert usernames(r) >= {"school_leader", "hospital_admin", "housing_staff"}
    assert d.client("office_staff").get("/system/logins/").status_code == 200
    # An administrator reads the subtree.
    r = d.client("school_admin").get("/api/v1/login-logs")
    assert r.status_code == 200 and usernames(r) == {"school_leader"}
    page = d.client("school_admin").get("/system/logins/")
    assert page.status_code == 200
    assert {row.username for row in page.context["object_list"]} == {"school_leader"}
    r = d.client("edu_admin").get("/api/v1/login-logs")
    assert usernames(r) == {"school_leader", "hospital_admin"}
    # Nobody else, not even district-wide readers.
    for username in ("housing_staff", "discipline", "school_leader", "pm_a"):
        r = d.client(username).get("/api/v1/login-logs")
        assert r.status_code == 403, username
        assert "登录日志" in r.json()["message"]
        assert d.client(username).get("/system/logins/").status_code == 403, username
    assert Client().get("/api/v1/login-logs").status_code == 401


def test_login_log_filters(district):
    d = district
    c = Client()
    web_login(c, "school_leader", "bad")
    web_login(c, "school_leader", PASSWORD)
    r = d.client("school_admin").get("/api/v1/login-logs?result=success")
    assert [i["result"] for i in r.json()["items"]] == ["success"]
    r = d.client("school_admin").get("/system/logins/?result=bad_password")
    assert [row.result for row in r.context["object_list"]] == ["bad_password"]


# --- NFKC: the rules judge the password that is stored (issue 10, section 3; ADR 0022) -----------------


def test_a_fullwidth_common_password_is_refused(district):
    """Before: ``Ｐａｓｓｗｏｒｄ１２`` passed every rule, although it is the
    common ``Password12`` typed on a full-width keyboard."""
    d = district
    kw = {"actor": d.actor("school_leader"), "user": d.users["school_leader"]}
    before = db_fingerprint()
    with pytest.raises(ValidationFailed) as info:
        services.change_own_password(
            old_password=PASSWORD, new_password="Ｐａｓｓｗｏｒｄ１２", **kw
        )
    assert info.value.message == "密码过于常见，请换一个"
    assert db_fingerprint() == before
    with pytest.raises(ValidationFailed):
        services.create_account(
            actor=d.actor("school_admin"),
            organisation=d.orgs["school"],
            username="fullwidth",
            roles=[Role.OWNER_PROJECT_LEADER],
            password="Ｐａｓｓｗｏｒｄ１２",
        )


def test_passwords_are_stored_and_checked_in_nfkc_form(district):
    d = district
    user = d.users["school_leader"]
    services.change_own_password(
        actor=d.actor("school_leader"),
        user=user,
        old_password=PASSWORD,
        new_password="Ｋｑ７＃ｍｚｐｗ",
    )
    user.refresh_from_db()
    # Either keyboard opens it: the stored hash is of the NFKC form.
    assert check_password("Kq7#mzpw", user.password)
    assert services.attempt_login(username="school_leader", password="Kq7#mzpw")[0]
    assert services.attempt_login(username="school_leader", password="Ｋｑ７＃ｍｚｐｗ")[0]
    assert services.attempt_login(username="school_leader", password="Kq7#mzpx")[0] is None


def test_a_new_password_that_normalises_to_the_old_one_is_refused(district):
    d = district
    with pytest.raises(ValidationFailed) as info:
        services.change_own_password(
            actor=d.actor("school_leader"),
            user=d.users["school_leader"],
            old_password=PASSWORD,
            new_password=PASSWORD.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
        )
    assert info.value.errors[0]["field"] == "new_password"


# --- no second login: the Django admin site is gone (issue 10, section 3; ADR 0024) --------------------


@pytest.mark.parametrize("path", ["/django-admin/", "/django-admin/login/", "/admin/"])
def test_there_is_no_django_admin_login(district, path):
    """Before: /django-admin/ had its own English login, outside the lockout
    and the login log."""
    superuser = d_superuser(district)
    c = Client()
    assert c.get(path).status_code == 404
    r = c.post(path, {"username": superuser.username, "password": PASSWORD})
    assert r.status_code == 404
    assert not logged_in(c)
    assert not LoginLog.objects.exists()
    # Not behind the platform's login either: a superuser finds nothing there.
    c.force_login(superuser)
    assert c.get(path).status_code == 404
    assert "django.contrib.admin" not in settings.INSTALLED_APPS


def d_superuser(district) -> User:
    user = district.users["office_admin"]
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    user.refresh_from_db()
    return user
