"""Login limits (issue 10, section 3; ADR 0020): per account and address, per
address, per account from anywhere; one answer and one hasher run for an unknown
account, a wrong password and every lock.

The review found that the lock was per account only: four failures on each of
many accounts from one address tripped nothing, while five failures from any
stranger locked the account for its owner everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, override_settings

from postaward.core.actor import SYSTEM
from postaward.core.models import AuditRecord
from postaward.orgs import services
from postaward.orgs.choices import LoginResult, Role
from postaward.orgs.models import ApiToken, LoginLog, User
from postaward.testing import PASSWORD, TokenClient, account

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)
FAILED = services.login_failed_message()
STRANGER = "203.0.113.9"
OWNER_IP = "10.8.0.7"


def login(username: str, password: str, ip: str) -> tuple[User | None, str]:
    return services.attempt_login(username=username, password=password, ip=ip)


def test_password_spraying_from_one_address_is_stopped(district):
    """Four failures on each of many accounts from one address: the address is
    refused once it has LOGIN_IP_LIMIT failures, even with a right password,
    while the same accounts still log in from elsewhere."""
    d = district
    limit = settings.LOGIN_IP_LIMIT
    names = [f"sprayed{i}" for i in range(limit // 4 + 1)]
    for name in names:
        account(d.orgs["school"], name, [Role.OWNER_PROJECT_LEADER], with_person=False)
    with time_machine.travel(T0, tick=False) as traveller:
        tries = 0
        for name in names:
            for _ in range(4):
                if tries < limit:
                    assert login(name, "Wrong#2026", STRANGER) == (None, FAILED)
                    tries += 1
        # Unknown accounts count too; the address is now refused for everyone.
        user, message = login("school_leader", PASSWORD, STRANGER)
        assert (user, message) == (None, FAILED)
        assert LoginLog.objects.filter(ip=STRANGER, result=LoginResult.LOCKED).count() == 1
        # The sprayed accounts are not locked: their owners log in elsewhere.
        for name in names:
            assert login(name, PASSWORD, OWNER_IP)[0] is not None
        # The address is refused until its failures are 15 minutes old.
        traveller.shift(
            dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES) - dt.timedelta(seconds=1)
        )
        assert login("school_leader", PASSWORD, STRANGER)[0] is None
        traveller.shift(dt.timedelta(seconds=1))
        assert login("school_leader", PASSWORD, STRANGER)[0] is not None


def test_unknown_accounts_count_against_the_address(district):
    with time_machine.travel(T0, tick=False):
        for i in range(settings.LOGIN_IP_LIMIT):
            assert login(f"guess{i}", "Wrong#2026", STRANGER) == (None, FAILED)
        assert login("school_leader", PASSWORD, STRANGER) == (None, FAILED)
        assert login("school_leader", PASSWORD, OWNER_IP)[0] is not None


def test_a_stranger_cannot_lock_a_known_account_for_its_owner(district):
    """Before: five failures from anyone locked the account for 15 minutes."""
    with time_machine.travel(T0, tick=False):
        for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD + 3):
            assert login("school_leader", "Wrong#2026", STRANGER) == (None, FAILED)
        # The stranger's address is refused for this account, even with the password...
        assert login("school_leader", PASSWORD, STRANGER) == (None, FAILED)
        # ...but the owner, elsewhere, is not, and the account is not locked.
        user, message = login("school_leader", PASSWORD, OWNER_IP)
        assert user is not None, message
        assert not user.is_locked()
        # The owner's success does not reopen the stranger's address.
        assert login("school_leader", PASSWORD, STRANGER) == (None, FAILED)


def test_many_addresses_lock_the_account_and_end_its_tokens_and_sessions(district):
    """A distributed attack (failures from several addresses) locks the account
    itself: its tokens are revoked, its sessions end, and the platform audits it."""
    d = district
    owner = d.users["school_leader"]
    session = d.client("school_leader")
    _, plain = services.create_api_token(actor=d.actor("school_leader"), user=owner, name="手机")
    assert TokenClient(plain).get("/api/v1/me").status_code == 200
    per_address = settings.LOGIN_LOCKOUT_THRESHOLD
    addresses = -(-settings.LOGIN_ACCOUNT_LOCK_THRESHOLD // per_address)
    assert addresses > 1  # one address alone can never lock the account
    with time_machine.travel(T0, tick=False) as traveller:
        for n in range(addresses):
            for _ in range(per_address):
                login("school_leader", "Wrong#2026", f"198.51.100.{n}")
        owner.refresh_from_db()
        assert owner.is_locked()
        assert login("school_leader", PASSWORD, OWNER_IP) == (None, FAILED)
        assert TokenClient(plain).get("/api/v1/me").status_code == 401
        assert ApiToken.objects.get(user=owner).revoked_at == T0
        r = session.get("/orgs/")
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
        rec = AuditRecord.objects.get(action="orgs.lock_account")
        assert rec.actor_user_id is None and rec.actor_name == SYSTEM.display_name
        assert rec.after["tokens_revoked"] == 1
        traveller.shift(dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES))
        assert login("school_leader", PASSWORD, OWNER_IP)[0] is not None


def test_one_address_alone_never_locks_the_account(district):
    """Failures from one address, spread over an hour, never reach the account lock."""
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(5):
            for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD + 2):
                login("school_leader", "Wrong#2026", STRANGER)
            traveller.shift(dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES))
        owner = User.objects.get(username="school_leader")
        assert not owner.is_locked()
        assert login("school_leader", PASSWORD, OWNER_IP)[0] is not None


class CountingHasher(MD5PasswordHasher):
    """A real (test-speed) hasher that counts its verifications."""

    algorithm = "counting_md5"
    verified = 0

    def verify(self, password: str, encoded: str) -> bool:
        type(self).verified += 1
        return super().verify(password, encoded)


@override_settings(
    PASSWORD_HASHERS=[
        "postaward.orgs.tests.test_login_limits.CountingHasher",
        *settings.PASSWORD_HASHERS,
    ]
)
def test_the_hasher_runs_once_whatever_the_refusal(district):
    """Similar timing: an unknown account, a wrong password, a locked address,
    a locked account and a refused address all cost exactly one verification."""
    for user in User.objects.filter(username__in=["school_leader", "roleless"]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        assert user.password.startswith("counting_md5$")
    owner = User.objects.get(username="school_leader")

    def verifications(username: str, password: str, ip: str) -> int:
        before = CountingHasher.verified
        assert login(username, password, ip) == (None, FAILED)
        return CountingHasher.verified - before

    with time_machine.travel(T0, tick=False):
        assert verifications("nobody", "Wrong#2026", OWNER_IP) == 1
        assert verifications("school_leader", "Wrong#2026", OWNER_IP) == 1
        for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
            login("school_leader", "Wrong#2026", STRANGER)
        assert verifications("school_leader", PASSWORD, STRANGER) == 1  # address locked
        User.objects.filter(pk=owner.pk).update(locked_until=T0 + dt.timedelta(minutes=5))
        assert verifications("school_leader", PASSWORD, OWNER_IP) == 1  # account locked
        for i in range(settings.LOGIN_IP_LIMIT):
            login(f"guess{i}", "Wrong#2026", "192.0.2.1")
        assert verifications("roleless", PASSWORD, "192.0.2.1") == 1  # address refused


def test_login_page_gives_one_answer_for_unknown_wrong_and_locked(district):
    c = Client()

    def error(username: str, password: str, ip: str) -> str:
        r = c.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)
        assert r.status_code == 200
        return r.context["error"]

    with time_machine.travel(T0, tick=False):
        unknown = error("nobody", "Wrong#2026", STRANGER)
        wrong = error("school_leader", "Wrong#2026", STRANGER)
        for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
            error("school_leader", "Wrong#2026", STRANGER)
        locked = error("school_leader", PASSWORD, STRANGER)
    assert unknown == wrong == locked == FAILED
