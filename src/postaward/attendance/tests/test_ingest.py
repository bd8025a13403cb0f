"""The check-in ingest path in front of Django (ADR 0506) and the token cache
behind it (ADR 0507): the plain bearer check-in is answered without Django's
stack, with the same answer, headers and errors as Django's route; whatever it
does not take goes to Django untouched; a revoked token stops at once in this
process and within a second in any other (R-ATT-01)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from postaward.attendance import ingest, services
from postaward.attendance.models import CheckIn
from postaward.core.actor import SYSTEM
from postaward.orgs import services as org_services
from postaward.orgs import tokencache
from postaward.orgs.choices import Role
from postaward.orgs.models import ApiToken, AuthRevision
from postaward.testing import TokenClient

from .conftest import SITE, local

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/checkins"
MOMENT = local(2026, 3, 10, 8, 5)


def body(project_id: int, /, **kw: Any) -> str:
    data = {"project_id": project_id, "lon": SITE[0], "lat": SITE[1], "accuracy_m": 8.0}
    return json.dumps(data | kw)


def environ(token: str, data: str, key: str | None = "k-1", **extra: Any) -> dict[str, Any]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", **extra}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return RequestFactory().post(URL, data=data, content_type="application/json", **headers).environ


@pytest.fixture
def token(district) -> str:
    _, plain = org_services.create_api_token(
        actor=district.actor("pm_a"), user=district.users["pm_a"], name="手机"
    )
    return plain


@pytest.fixture
def school(district) -> int:
    return district.projects["p_school"].pk


def post(client, data: str, key: str | None = "k-1", **kw: Any):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, data=data, content_type="application/json", headers=headers, **kw)


# --- the plain case is answered in front of Django ------------------------------------------------


def test_a_plain_bearer_check_in_is_answered_by_the_ingest_path(token, school):  # R-ATT-01
    with time_machine.travel(MOMENT, tick=False):
        answered = ingest.respond(environ(token, body(school, device_id="p1")))
    assert answered is not None and answered.status == 201
    d = json.loads(answered.body)
    assert d["accepted"] is True and d["message"] == "打卡成功" and d["replayed"] is False
    assert d["at"] == "2026-03-10T00:05:00Z" and d["local_date"] == "2026-03-10"
    c = CheckIn.objects.get(pk=d["id"])
    assert (c.device_id, c.idempotency_key, c.accepted) == ("p1", "k-1", True)
    assert c.row_hash == services.checkin._row_hash(c)  # the audit anchor's input, unchanged


def test_both_paths_answer_the_same_body_and_headers(token, school):
    """The first tap through the ingest path; its retry answered by both paths alike."""
    front, plain = TokenClient(token), TokenClient(token, front=False)
    with time_machine.travel(MOMENT, tick=False):
        first = post(front, body(school, client_at="2026-03-10T07:59:00+08:00"))
        via_front = post(front, body(school, client_at="2026-03-10T07:59:00+08:00"))
        via_django = post(plain, body(school, client_at="2026-03-10T07:59:00+08:00"))
    assert first.status_code == 201 and via_front.status_code == via_django.status_code == 200
    assert via_front.json() == via_django.json()
    assert via_front.json() | {"replayed": False} == first.json()
    per_request = {"Content-Security-Policy", "X-Request-ID", "Content-Length"}
    assert {k: v for k, v in via_front.headers.items() if k not in per_request} == {
        k: v for k, v in via_django.headers.items() if k not in per_request and k != "Vary"
    }
    assert set(via_front.headers) - set(via_django.headers) == set()
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"speed": 3},  # an unknown field
        {"project_id": "1"},  # a string for a number
        {"lat": 95},  # out of bounds
        {"accuracy_m": -1},
        {"device_id": "x" * 101},
        {"device_id": "a\u0000b"},  # a NUL
        {"client_at": "9999-12-31T23:59:59-12:00"},  # beyond the date window
        {"client_at": "昨天"},
        {"project_id": 2**64},  # beyond 64 bits
        {"mock_location": "yes"},
    ],
    ids=repr,
)
def test_what_the_ingest_path_does_not_take_django_answers_as_before(token, school, change):
    data = body(school, **change)
    assert ingest.respond(environ(token, data)) is None
    via_front = post(TokenClient(token), data)
    via_django = post(TokenClient(token, front=False), data, key="k-2")
    assert via_front.status_code == via_django.status_code == 422, via_front.content
    assert via_front.json() == via_django.json()
    assert not CheckIn.objects.exists()


def test_no_token_a_bad_token_a_session_a_query_or_a_form_go_to_django(token, school, district):
    data = body(school)
    assert ingest.respond(environ("pa_nothing_here", data)) is None
    assert ingest.respond(environ(token, data, QUERY_STRING="x=1")) is None
    env = environ(token, data)
    env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    assert ingest.respond(env) is None
    env = environ(token, data)
    del env["HTTP_AUTHORIZATION"]
    assert ingest.respond(env) is None
    r = post(TokenClient("pa_nothing_here"), data)
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    session = district.client("pm_a")  # the check-in page posts with the session
    with time_machine.travel(MOMENT, tick=False):
        assert post(session, data, key="web-1").status_code == 201
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "project", "key", "status", "code"),
    [
        ("pm_a", "p_hospital", "k-9", 404, "not_found"),  # no position there
        ("pm_a", "p_school", None, 422, "validation_error"),  # no Idempotency-Key
        ("pm_a", "p_school", "k" * 101, 422, "validation_error"),
        ("school_leader", "p_school", "k-9", 403, "forbidden"),  # not key personnel
    ],
)
def test_refusals_of_the_rules_are_answered_alike(district, who, project, key, status, code):
    data = body(district.projects[project].pk)
    _, plain = org_services.create_api_token(
        actor=district.actor(who), user=district.users[who], name="手机"
    )
    assert ingest.respond(environ(plain, data, key=key)) is not None
    via_front = post(TokenClient(plain), data, key=key)
    via_django = post(TokenClient(plain, front=False), data, key=key)
    assert via_front.status_code == via_django.status_code == status
    assert via_front.json() == via_django.json() and via_front.json()["code"] == code
    assert not CheckIn.objects.exists()


def test_the_same_key_with_another_body_is_409_on_the_ingest_path(token, school):
    front = TokenClient(token)
    assert post(front, body(school)).status_code == 201
    r = post(front, body(school, accuracy_m=50.0))
    assert r.status_code == 409 and r.json()["code"] == "idempotency_mismatch"
    assert CheckIn.objects.count() == 1


def test_an_unexpected_error_is_500_with_the_request_id(token, school, monkeypatch):
    def broken(**kw: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "check_in", broken)
    answered = ingest.respond(environ(token, body(school), HTTP_X_REQUEST_ID="req-42"))
    assert answered is not None and answered.status == 500
    d = json.loads(answered.body)
    assert d["code"] == "server_error" and d["request_id"] == "req-42"
    assert "req-42" in d["message"] and ("X-Request-ID", "req-42") in answered.headers


def test_the_wsgi_front_answers_check_ins_and_hands_the_rest_to_django(token, school, monkeypatch):
    # As Django's test client does: the test's transaction must not be closed.
    monkeypatch.setattr(ingest, "close_old_connections", lambda: None)
    called: list[str] = []

    def django_app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        called.append(env["PATH_INFO"])
        start_response("200 OK", [])
        return [b"django"]

    app = ingest.front(django_app)
    started: list[str] = []
    with time_machine.travel(MOMENT, tick=False):
        out = app(environ(token, body(school)), lambda s, h: started.append(s))
    assert started == ["201 Created"] and json.loads(b"".join(out))["accepted"] is True
    assert called == []
    env = RequestFactory().get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").environ
    assert app(env, lambda s, h: started.append(s)) == [b"django"] and called == [URL]
    bad = environ(token, body(school, speed=1))
    assert app(bad, lambda s, h: None) == [b"django"]
    assert json.loads(bad["wsgi.input"].read())["speed"] == 1  # the body handed on intact


# --- the token cache ------------------------------------------------------------------------------


def test_a_known_token_is_not_looked_up_again(token, school):
    front = TokenClient(token)
    post(front, body(school), key="warm")
    from django.db import connection

    with CaptureQueriesContext(connection) as ctx:
        assert post(front, body(school), key="cached").status_code == 201
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "orgs_apitoken" not in tables and "orgs_userrole" not in tables


def test_a_revoked_token_is_refused_at_the_next_request(token, school, district):
    front = TokenClient(token)
    assert post(front, body(school), key="a").status_code == 201
    row = ApiToken.objects.get(user=district.users["pm_a"])
    org_services.revoke_api_token(actor=district.actor("pm_a"), token=row)
    r = post(front, body(school), key="b")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    assert CheckIn.objects.count() == 1


def test_a_reset_password_a_disabled_account_or_a_lost_role_stop_the_token(district, school):
    admin = district.actor("contractor_a_admin")
    user = district.users["pm_a"]

    def fresh() -> TokenClient:
        _, plain = org_services.create_api_token(actor=district.actor("pm_a"), user=user, name="t")
        c = TokenClient(plain)
        assert post(c, body(school), key=f"warm-{plain[-6:]}").status_code in (200, 201)
        return c

    c = fresh()
    org_services.reset_password(actor=admin, user=user)
    assert post(c, body(school), key="after-reset").status_code == 401
    user.refresh_from_db()
    user.must_change_password = False
    user.save()
    c = fresh()
    org_services.set_roles(actor=admin, user=user, roles=[Role.ADMIN])
    assert post(c, body(school), key="after-roles").status_code in (401, 403)
    org_services.set_account_active(actor=admin, user=user, active=False)
    assert post(c, body(school), key="after-disable").status_code == 401


def test_another_process_revoking_stops_the_token_within_a_second(token, school, monkeypatch):
    """The other process raises the revision in the database only; this one reads
    it again after ``AUTH_REVISION_MAX_AGE`` (1 s) and then refuses the token."""
    now = [1000.0]
    monkeypatch.setattr(tokencache.time, "monotonic", lambda: now[0])
    tokencache.clear()
    front = TokenClient(token)
    assert post(front, body(school), key="a").status_code == 201
    ApiToken.objects.update(revoked_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    if not AuthRevision.objects.filter(pk=1).update(value=F("value") + 1):
        AuthRevision.objects.create(pk=1, value=1)
    now[0] += 0.5
    assert post(front, body(school), key="b").status_code == 201  # within the second: cached
    now[0] += 0.6
    assert post(front, body(school), key="c").status_code == 401
    assert CheckIn.objects.count() == 2


def test_an_expired_token_is_refused_even_from_the_cache(token, school):
    front = TokenClient(token)
    assert post(front, body(school), key="a").status_code == 201
    row = ApiToken.objects.get(prefix=token.split("_")[1])
    with time_machine.travel(row.expires_at + dt.timedelta(seconds=1), tick=False):
        assert post(front, body(school), key="b").status_code == 401


def test_issuing_a_token_raises_the_revision(district):
    before = tokencache.read_revision()
    org_services.create_api_token(actor=SYSTEM, user=district.users["pm_a"], name="x")
    assert tokencache.read_revision() == before + 1
