"""The four authorization tests for every page of the orgs app (R-ORG-03, R-ORG-04):
anonymous → the login page, an account without roles or with a wrong role → 403,
right role out of scope → 404 (or absent from a list), right role in scope → 200.
Pages that write are also posted to: a denied post changes nothing.

One row per URL name of ``postaward.orgs.urls``; a page without a row fails
``test_every_orgs_page_has_a_row``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from postaward.orgs import services as org_services
from postaward.testing import PASSWORD, District, db_fingerprint, prepare, resident_id, uscc

pytestmark = pytest.mark.django_db

Fn = Callable[[District], Any]


@dataclass(frozen=True)
class Visit:
    user: str
    url: Fn
    data: Fn | None = None  # a POST with this form data; None: a GET


@dataclass(frozen=True)
class Hidden:
    user: str
    url: Fn
    pks: Fn


@dataclass(frozen=True)
class Page:
    ok: Visit
    wrong: tuple[Visit, ...] = ()
    any_role: bool = False
    out: tuple[Visit | Hidden, ...] = ()
    no_scope: str = ""
    post_ok: Visit | None = None  # an allowed write, to show the fingerprint moves
    setup: Callable[[District], None] | None = None
    roleless_allowed: bool = False


def _tokens(d: District) -> None:
    d.ctx["hospital_token"], _ = org_services.create_api_token(
        actor=d.actor("hospital_admin"), user=d.users["hospital_admin"], name="手机"
    )


def _logs(d: District) -> None:
    org_services.attempt_login(username="school_leader", password="bad")
    org_services.attempt_login(username="hospital_admin", password="bad")


def org_url(key: str, suffix: str = "") -> Fn:
    return lambda d: f"/orgs/{d.orgs[key].pk}/{suffix}"


def person_url(user: str, suffix: str = "") -> Fn:
    return lambda d: f"/people/{d.users[user].person.pk}/{suffix}"


def account_url(user: str) -> Fn:
    return lambda d: f"/users/{d.users[user].pk}/"


def new_org(d: District) -> dict:
    return {"name": "测试区第二小学", "kind": "owner", "uscc": d.ctx.setdefault("uscc", uscc())}


def org_edit(d: District) -> dict:
    return {"name": "改名后的单位", "contact_name": "张三"}


def new_person(d: District) -> dict:
    return {"name": "王五", "id_number": d.ctx.setdefault("rid", resident_id())}


def new_account(d: District) -> dict:
    return {"username": "new_account", "roles": ["owner_project_leader"]}


def qualification(d: District) -> dict:
    return {"kind": "constructor_2", "number": "浙233000001"}


PAGES: dict[str, Page] = {
    "login": Page(
        ok=Visit("", lambda d: "/accounts/login/"),
        any_role=True,
        no_scope="public: the login form",
    ),
    "logout": Page(
        ok=Visit("school_leader", lambda d: "/accounts/logout/", data=lambda d: {}),
        any_role=True,
        no_scope="ends one's own session",
    ),
    "password_change": Page(
        ok=Visit("school_leader", lambda d: "/accounts/password/"),
        any_role=True,
        roleless_allowed=True,
        no_scope="one's own password; open to an account without roles too",
    ),
    "tokens": Page(
        ok=Visit("school_leader", lambda d: "/accounts/tokens/"),
        any_role=True,
        out=(
            Visit(
                "school_leader",
                lambda d: "/accounts/tokens/",
                data=lambda d: {"revoke": d.ctx["hospital_token"].pk},
            ),
            Visit(
                "school_admin",
                lambda d: "/accounts/tokens/",
                data=lambda d: {"revoke": d.ctx["hospital_token"].pk},
            ),
        ),
        post_ok=Visit(
            "school_leader",
            lambda d: "/accounts/tokens/",
            data=lambda d: {"name": "手机", "days": 30},
        ),
        setup=_tokens,
    ),
    "organisation_list": Page(
        ok=Visit("housing_staff", lambda d: "/orgs/"),
        any_role=True,
        out=(
            Hidden(
                "housing_staff",
                lambda d: "/orgs/",
                lambda d: {d.orgs["transport"].pk, d.orgs["edu"].pk},
            ),
        ),
    ),
    "organisation_create": Page(
        ok=Visit("edu_admin", lambda d: f"/orgs/new/?parent={d.orgs['edu_line'].pk}"),
        wrong=(
            Visit("line_supervisor", lambda d: f"/orgs/new/?parent={d.orgs['edu_line'].pk}"),
            Visit(
                "line_supervisor",
                lambda d: f"/orgs/new/?parent={d.orgs['edu_line'].pk}",
                data=new_org,
            ),
        ),
        out=(
            Visit("edu_admin", lambda d: f"/orgs/new/?parent={d.orgs['housing'].pk}"),
            Visit("school_admin", lambda d: f"/orgs/new/?parent={d.orgs['edu_line'].pk}"),
            Visit(
                "school_admin",
                lambda d: f"/orgs/new/?parent={d.orgs['edu_line'].pk}",
                data=new_org,
            ),
            Visit("edu_admin", lambda d: "/orgs/new/?parent=abc"),
        ),
        post_ok=Visit(
            "edu_admin", lambda d: f"/orgs/new/?parent={d.orgs['edu_line'].pk}", data=new_org
        ),
    ),
    "organisation_detail": Page(
        ok=Visit("housing_staff", org_url("housing")),
        any_role=True,
        out=(Visit("housing_staff", org_url("transport")), Visit("pm_a", org_url("hospital"))),
    ),
    "organisation_edit": Page(
        ok=Visit("edu_admin", org_url("school", "edit/")),
        wrong=(
            Visit("school_leader", org_url("school", "edit/")),
            Visit("school_leader", org_url("school", "edit/"), data=org_edit),
        ),
        out=(
            Visit("school_admin", org_url("edu_line", "edit/")),
            Visit("school_admin", org_url("edu_line", "edit/"), data=org_edit),
            Visit("edu_admin", org_url("housing", "edit/")),
        ),
        post_ok=Visit("edu_admin", org_url("school", "edit/"), data=org_edit),
    ),
    "person_list": Page(
        ok=Visit("contractor_b_admin", lambda d: "/people/"),
        any_role=True,
        out=(
            Hidden(
                "contractor_b_admin",
                lambda d: "/people/",
                lambda d: {d.users["school_admin"].person.pk},
            ),
        ),
    ),
    "person_create": Page(
        ok=Visit("school_admin", lambda d: f"/people/new/?org={d.orgs['school'].pk}"),
        wrong=(
            Visit("school_leader", lambda d: f"/people/new/?org={d.orgs['school'].pk}"),
            Visit(
                "school_leader",
                lambda d: f"/people/new/?org={d.orgs['school'].pk}",
                data=new_person,
            ),
        ),
        out=(
            Visit("school_admin", lambda d: f"/people/new/?org={d.orgs['hospital'].pk}"),
            Visit("school_admin", lambda d: f"/people/new/?org={d.orgs['edu_line'].pk}"),
            Visit(
                "school_admin",
                lambda d: f"/people/new/?org={d.orgs['edu_line'].pk}",
                data=new_person,
            ),
        ),
        post_ok=Visit(
            "school_admin", lambda d: f"/people/new/?org={d.orgs['school'].pk}", data=new_person
        ),
    ),
    "person_detail": Page(
        ok=Visit("school_leader", person_url("pm_a")),
        any_role=True,
        out=(
            Visit("contractor_b_admin", person_url("pm_a")),
            Visit("transport_staff", person_url("school_leader")),
            # Adding a certificate to a person one can see but not administer.
            Visit("school_admin", person_url("pm_a"), data=qualification),
        ),
        post_ok=Visit("contractor_a_admin", person_url("pm_a"), data=qualification),
    ),
    "person_edit": Page(
        ok=Visit("school_admin", person_url("school_leader", "edit/")),
        wrong=(
            Visit("school_leader", person_url("school_leader", "edit/")),
            Visit(
                "school_leader",
                person_url("school_leader", "edit/"),
                data=lambda d: {"name": "改名"},
            ),
        ),
        out=(
            Visit("school_admin", person_url("pm_a", "edit/")),
            Visit("school_admin", person_url("pm_a", "edit/"), data=lambda d: {"name": "改名"}),
            Visit("school_admin", person_url("hospital_admin", "edit/")),
        ),
        post_ok=Visit(
            "school_admin", person_url("school_leader", "edit/"), data=lambda d: {"name": "改名"}
        ),
    ),
    "account_list": Page(
        ok=Visit("school_admin", lambda d: "/users/"),
        wrong=(
            Visit("school_leader", lambda d: "/users/"),
            Visit("office_staff", lambda d: "/users/"),
        ),
        out=(
            Hidden(
                "school_admin",
                lambda d: "/users/",
                lambda d: {d.users["hospital_admin"].pk, d.users["edu_admin"].pk},
            ),
        ),
    ),
    "account_create": Page(
        ok=Visit("school_admin", lambda d: f"/users/new/?org={d.orgs['school'].pk}"),
        wrong=(
            Visit("school_leader", lambda d: f"/users/new/?org={d.orgs['school'].pk}"),
            Visit(
                "school_leader",
                lambda d: f"/users/new/?org={d.orgs['school'].pk}",
                data=new_account,
            ),
        ),
        out=(
            Visit("school_admin", lambda d: f"/users/new/?org={d.orgs['hospital'].pk}"),
            Visit("school_admin", lambda d: f"/users/new/?org={d.orgs['edu_line'].pk}"),
            Visit(
                "school_admin",
                lambda d: f"/users/new/?org={d.orgs['hospital'].pk}",
                data=new_account,
            ),
        ),
        post_ok=Visit(
            "school_admin", lambda d: f"/users/new/?org={d.orgs['school'].pk}", data=new_account
        ),
    ),
    "account_detail": Page(
        ok=Visit("school_admin", account_url("school_leader")),
        wrong=(
            Visit("school_leader", account_url("roleless")),
            Visit("school_leader", account_url("school_leader")),
            Visit("school_leader", account_url("roleless"), data=lambda d: {"op": "reset"}),
        ),
        out=(
            Visit("school_admin", account_url("hospital_admin")),
            Visit("school_admin", account_url("edu_admin")),
            Visit("school_admin", account_url("edu_admin"), data=lambda d: {"op": "reset"}),
            Visit(
                "school_admin",
                account_url("hospital_admin"),
                data=lambda d: {"op": "roles", "roles": ["admin"]},
            ),
        ),
        post_ok=Visit("school_admin", account_url("school_leader"), data=lambda d: {"op": "reset"}),
    ),
    "login_log": Page(
        ok=Visit("school_admin", lambda d: "/system/logins/"),
        wrong=(
            Visit("housing_staff", lambda d: "/system/logins/"),
            Visit("discipline", lambda d: "/system/logins/"),
        ),
        out=(
            Hidden(
                "school_admin",
                lambda d: "/system/logins/",
                lambda d: {
                    log.pk
                    for log in __import__(
                        "postaward.orgs.models", fromlist=["LoginLog"]
                    ).LoginLog.objects.filter(username="hospital_admin")
                },
            ),
        ),
        setup=_logs,
    ),
}


def prepared(district: District, name: str) -> District:
    return prepare(district, f"web:{name}", PAGES[name].setup)


def visit(client: Client, d: District, v: Visit | Hidden) -> Any:
    url = v.url(d)
    if isinstance(v, Visit) and v.data is not None:
        return client.post(url, v.data(d))
    return client.get(url)


def denied(client: Client, d: District, v: Visit, status: int) -> None:
    before = db_fingerprint()
    r = visit(client, d, v)
    assert r.status_code == status, (v.url(d), r.status_code)
    if status in (403, 404):
        assert r.context["error"].message, "a refusal says why, in Chinese"
    assert db_fingerprint() == before, f"{v.url(d)}: a refused request changed the database"


SECURED = sorted(set(PAGES) - {"login", "logout"})


def test_every_orgs_page_has_a_row():
    from postaward.orgs.urls import urlpatterns

    names = {p.name for p in urlpatterns}
    assert names - set(PAGES) == set(), f"add rows to PAGES for: {sorted(names - set(PAGES))}"
    assert set(PAGES) - names == set(), sorted(set(PAGES) - names)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_row_is_complete(name):
    page = PAGES[name]
    assert page.wrong or page.any_role, name
    assert page.out or page.no_scope, name


@pytest.mark.parametrize("name", SECURED)
def test_anonymous_is_sent_to_login(district, name):
    d = prepared(district, name)
    v = PAGES[name].ok
    before = db_fingerprint()
    r = visit(Client(), d, v)
    assert r.status_code == 302
    assert r["Location"] == f"/accounts/login/?next={quote(v.url(d), safe='/')}"
    if PAGES[name].post_ok:
        r = visit(Client(), d, PAGES[name].post_ok)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert db_fingerprint() == before


@pytest.mark.parametrize("name", [n for n in SECURED if not PAGES[n].roleless_allowed])
def test_account_without_roles_is_403(district, name):
    d = prepared(district, name)
    denied(d.client("roleless"), d, PAGES[name].ok, 403)
    if PAGES[name].post_ok:
        denied(d.client("roleless"), d, PAGES[name].post_ok, 403)


def test_account_without_roles_may_still_change_its_password(district):
    c = district.client("roleless")
    assert c.get("/accounts/password/").status_code == 200
    r = c.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "kq7#mzpw", "new_password2": "kq7#mzpw"},
    )
    assert r.status_code == 302


@pytest.mark.parametrize("name", [n for n in SECURED if PAGES[n].wrong])
def test_wrong_role_is_403(district, name):
    d = prepared(district, name)
    for v in PAGES[name].wrong:
        denied(d.client(v.user), d, v, 403)


@pytest.mark.parametrize("name", [n for n in SECURED if PAGES[n].out])
def test_right_role_out_of_scope_is_404_or_absent(district, name):
    d = prepared(district, name)
    for v in PAGES[name].out:
        if isinstance(v, Hidden):
            r = visit(d.client(v.user), d, v)
            assert r.status_code == 200
            listed = {obj.pk for obj in r.context["object_list"]}
            assert not (listed & v.pks(d)), (name, listed & v.pks(d))
        else:
            denied(d.client(v.user), d, v, 404)


@pytest.mark.parametrize("name", SECURED)
def test_right_role_in_scope_is_200(district, name):
    d = prepared(district, name)
    v = PAGES[name].ok
    assert visit(d.client(v.user), d, v).status_code == 200


@pytest.mark.parametrize("name", [n for n in SECURED if PAGES[n].post_ok])
def test_allowed_post_writes(district, name):
    """The allowed write does change the database: the refusals above are meaningful."""
    d = prepared(district, name)
    v = PAGES[name].post_ok
    before = db_fingerprint()
    r = visit(d.client(v.user), d, v)
    assert r.status_code in (200, 302)
    assert db_fingerprint() != before, r.content[:2000].decode()


def test_login_and_logout_pages(district):
    c = Client()
    assert c.get("/accounts/login/").status_code == 200
    r = c.post("/accounts/login/", {"username": "school_leader", "password": PASSWORD})
    assert r.status_code == 302
    # Logged in, the login page sends you home.
    assert c.get("/accounts/login/").status_code == 302
    # Logout is a POST (a link cannot log you out).
    assert c.get("/accounts/logout/").status_code == 405
    r = c.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    assert c.get("/orgs/").status_code == 302


def test_login_never_redirects_off_site(district):
    c = Client()
    r = c.post(
        "/accounts/login/",
        {"username": "school_leader", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert r.status_code == 302 and r["Location"] == "/"
    c = Client()
    r = c.post(
        "/accounts/login/",
        {"username": "school_leader", "password": PASSWORD, "next": "/projects/"},
    )
    assert r["Location"] == "/projects/"
