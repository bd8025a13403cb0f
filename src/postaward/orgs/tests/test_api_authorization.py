"""The four authorization tests for every API endpoint (R-ORG-03, R-ORG-04).

One row per route of ``/api/v1/openapi.json``; a route without a row fails
``test_every_api_route_has_a_row``, so each new endpoint must be added: core and
orgs rows here, project rows in ``authz_projects.py``, other apps' rows in their
own ``tests/authz_rows.py`` (see ``authz.py``).

For every route:
- anonymous → 401;
- an account without any role (inert, ``require_some_role``) → 403;
- wrong role → 403, for routes with a role gate (``wrong``); routes open to
  every role say so with ``any_role=True``;
- right role, object out of scope → 404 (a ``Call``), or for lists the
  out-of-scope objects are simply absent (a ``Hidden``); routes without a data
  scope say why (``no_scope``);
- right role in scope → 2xx.
For every write, each denied call leaves ``db_fingerprint()`` unchanged, and
the allowed call is shown to change it (so the check could fail).

The checks themselves are in ``authz_checks.py``; this file runs them for the
core and orgs routes, ``test_api_authorization_<group>.py`` for the projects,
approvals, alerts and attendance routes (one file per group, so that the two
workers of ``make test`` share the table; ADR 0081).
"""

from __future__ import annotations

import importlib

import pytest

from postaward.core import services as core_services
from postaward.orgs import services as org_services
from postaward.testing import District, resident_id, uscc

from .authz import (
    Call,
    Fn,
    Hidden,
    Route,
    collect,
    owner_hint,
    schema_routes,
)
from .authz_checks import GROUPS, checks

pytestmark = pytest.mark.django_db


# --- fixtures of the rows -------------------------------------------------------------------


def _tokens(d: District) -> None:
    d.ctx["leader_token"], _ = org_services.create_api_token(
        actor=d.actor("school_leader"), user=d.users["school_leader"], name="手机"
    )
    d.ctx["hospital_token"], _ = org_services.create_api_token(
        actor=d.actor("hospital_admin"), user=d.users["hospital_admin"], name="手机"
    )


def _todos(d: District) -> None:
    d.ctx["school_todo"] = core_services.open_todo(
        key="test:school", kind="test", title="学校待办", organisation_id=d.orgs["school"].pk
    )
    d.ctx["hospital_todo"] = core_services.open_todo(
        key="test:hospital", kind="test", title="医院待办", organisation_id=d.orgs["hospital"].pk
    )


def _audit(d: District) -> None:
    from postaward.core.models import AuditRecord

    org_services.create_person(
        actor=d.actor("school_admin"), organisation=d.orgs["school"], name="审计样本"
    )
    d.ctx["school_audit_seq"] = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True)[
        0
    ]


def _login_logs(d: District) -> None:
    org_services.attempt_login(username="school_leader", password="bad")
    org_services.attempt_login(username="hospital_admin", password="bad")


def _person(u: str) -> Fn:
    return lambda d: {"person_id": d.users[u].person.pk}


def _user(u: str) -> Fn:
    return lambda d: {"user_id": d.users[u].pk}


def _org(key: str) -> Fn:
    return lambda d: {"org_id": d.orgs[key].pk}


def _account_body(org_key: str) -> Fn:
    return lambda d: {
        "organisation_id": d.orgs[org_key].pk,
        "username": "new_account",
        "roles": ["owner_project_leader"],
    }


def _new_org(parent: str) -> Fn:
    return lambda d: {
        "parent_id": d.orgs[parent].pk,
        "name": "测试区第二小学",
        "kind": "owner",
        "uscc": d.ctx.setdefault("uscc", uscc()),
    }


def _new_person(org_key: str) -> Fn:
    return lambda d: {
        "organisation_id": d.orgs[org_key].pk,
        "name": "王五",
        "id_number": d.ctx.setdefault("rid", resident_id()),
    }


QUAL = {"kind": "constructor_2", "number": "浙233000001", "specialty": "建筑工程"}
ROLES = {"roles": ["owner_project_leader", "unit_leader"]}


def _export_job(d: District) -> None:
    """A large export of the school's leader, done by the worker (ADR 0934)."""
    from django.core.files.base import ContentFile

    from postaward.core.models import ExportJob

    job = ExportJob.objects.create(
        user=d.users["school_leader"],
        title="项目列表",
        path="/projects/",
        state=ExportJob.State.DONE,
        total=1,
        done=1,
        filename="项目列表.xlsx",
    )
    job.file.save(f"export-{job.pk}.xlsx", ContentFile(b"PK\x03\x04test"))
    d.ctx["export"] = job


def _export_path(d: District) -> dict[str, int]:
    return {"export_id": d.ctx["export"].pk}


ROUTES: dict[str, Route] = {
    # --- core ------------------------------------------------------------------------------
    "GET /api/v1/exports/{export_id}": Route(
        ok=Call("school_leader", path=_export_path),
        any_role=True,
        # the requester's own: a colleague of the same unit and the office see nothing
        out=(Call("school_admin", path=_export_path), Call("office_admin", path=_export_path)),
        setup=_export_job,
    ),
    "GET /api/v1/exports/{export_id}/file": Route(
        ok=Call("school_leader", path=_export_path),
        any_role=True,
        out=(Call("school_admin", path=_export_path), Call("office_admin", path=_export_path)),
        setup=_export_job,
    ),
    "GET /api/v1/me": Route(
        ok=Call("pm_a"), any_role=True, no_scope="one's own account, nothing else"
    ),
    "GET /api/v1/calendar/days": Route(
        ok=Call("pm_a", query=lambda d: {"start": "2026-10-01", "end": "2026-10-08"}),
        any_role=True,
        no_scope="the statutory calendar is the same for everyone",
    ),
    "GET /api/v1/calendar/period": Route(
        ok=Call("pm_a", query=lambda d: {"start": "2026-09-30", "length": 5}),
        any_role=True,
        no_scope="a computation over the statutory calendar",
    ),
    "PUT /api/v1/calendar/days/{day}": Route(
        ok=Call(
            "office_admin",
            path=lambda d: {"day": "2026-12-31"},
            body=lambda d: {"kind": "holiday", "name": "测试假日"},
        ),
        wrong=(
            Call(
                "office_staff",
                path=lambda d: {"day": "2026-12-31"},
                body=lambda d: {"kind": "holiday", "name": "测试假日"},
            ),
            Call(
                "housing_admin",
                path=lambda d: {"day": "2026-12-31"},
                body=lambda d: {"kind": "holiday", "name": "测试假日"},
            ),
        ),
        no_scope="one calendar per platform, kept by the supervision office's administrator",
    ),
    "POST /api/v1/calendar/years": Route(
        ok=Call("office_admin", body=lambda d: {"year": 2027, "notice": "国办发明电〔2026〕7号"}),
        wrong=(
            Call("office_staff", body=lambda d: {"year": 2027, "notice": "国办发明电〔2026〕7号"}),
            Call("edu_admin", body=lambda d: {"year": 2027, "notice": "国办发明电〔2026〕7号"}),
        ),
        no_scope="one calendar per platform, kept by the supervision office's administrator",
    ),
    "GET /api/v1/todos": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(Hidden("school_leader", lambda d: {d.ctx["hospital_todo"].pk}),),
        setup=_todos,
        must_list=lambda d: {d.ctx["school_todo"].pk},
    ),
    "GET /api/v1/audit": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(
            Hidden("housing_staff", lambda d: {d.ctx["school_audit_seq"]}, key="seq"),
            Hidden("hospital_admin", lambda d: {d.ctx["school_audit_seq"]}, key="seq"),
        ),
        setup=_audit,
        must_list=lambda d: {d.ctx["school_audit_seq"]},
        list_key="seq",
    ),
    "POST /api/v1/audit/verify": Route(
        ok=Call("discipline"),
        wrong=(Call("housing_admin"), Call("school_admin")),
        no_scope="verifies the one chain of the platform",
        write=False,
    ),
    # --- organisations ------------------------------------------------------------------------
    "GET /api/v1/orgs": Route(
        ok=Call("housing_staff"),
        any_role=True,
        out=(Hidden("housing_staff", lambda d: {d.orgs["transport"].pk, d.orgs["edu"].pk}),),
        must_list=lambda d: {d.orgs["housing"].pk},
    ),
    "GET /api/v1/orgs/{org_id}": Route(
        ok=Call("housing_staff", path=_org("housing")),
        any_role=True,
        out=(
            Call("housing_staff", path=_org("transport"), status=404),
            Call("pm_a", path=_org("contractor_b"), status=404),
        ),
    ),
    "POST /api/v1/orgs": Route(
        ok=Call("edu_admin", body=_new_org("edu_line"), status=201),
        wrong=(Call("line_supervisor", body=_new_org("edu_line")),),
        out=(
            Call("edu_admin", body=_new_org("housing"), status=404),
            Call("school_admin", body=_new_org("edu_line"), status=404),
        ),
    ),
    "PATCH /api/v1/orgs/{org_id}": Route(
        ok=Call("edu_admin", path=_org("school"), body=lambda d: {"contact_name": "张三"}),
        wrong=(
            Call("school_leader", path=_org("school"), body=lambda d: {"contact_name": "张三"}),
        ),
        out=(
            Call("edu_admin", path=_org("housing"), body=lambda d: {"contact_name": "张三"}),
            # Visible (a parent) but not administered.
            Call("school_admin", path=_org("edu_line"), body=lambda d: {"contact_name": "张三"}),
        ),
    ),
    # --- people ------------------------------------------------------------------------------
    "GET /api/v1/people": Route(
        ok=Call("contractor_b_admin"),
        any_role=True,
        out=(Hidden("contractor_b_admin", lambda d: {d.users["school_admin"].person.pk}),),
        must_list=lambda d: {d.users["contractor_b_admin"].person.pk},
    ),
    "GET /api/v1/people/{person_id}": Route(
        ok=Call("school_leader", path=_person("pm_a")),
        any_role=True,
        out=(
            Call("contractor_b_admin", path=_person("pm_a")),
            Call("transport_staff", path=_person("school_leader")),
        ),
    ),
    "POST /api/v1/people": Route(
        ok=Call("school_admin", body=_new_person("school"), status=201),
        wrong=(Call("school_leader", body=_new_person("school")),),
        out=(Call("school_admin", body=_new_person("hospital")),),
    ),
    "PATCH /api/v1/people/{person_id}": Route(
        ok=Call(
            "school_admin", path=_person("school_leader"), body=lambda d: {"title": "基建科长"}
        ),
        wrong=(
            Call("school_leader", path=_person("school_leader"), body=lambda d: {"title": "科长"}),
        ),
        out=(
            Call("school_admin", path=_person("hospital_admin"), body=lambda d: {"title": "科长"}),
            # Visible through a shared project but not administered.
            Call("school_admin", path=_person("pm_a"), body=lambda d: {"title": "科长"}),
        ),
    ),
    "POST /api/v1/people/{person_id}/qualifications": Route(
        ok=Call("contractor_a_admin", path=_person("pm_a"), body=lambda d: QUAL, status=201),
        wrong=(Call("pm_a", path=_person("pm_a"), body=lambda d: QUAL),),
        out=(
            Call("school_admin", path=_person("pm_a"), body=lambda d: QUAL),
            Call("contractor_b_admin", path=_person("pm_a"), body=lambda d: QUAL),
        ),
    ),
    # --- accounts ----------------------------------------------------------------------------
    "GET /api/v1/accounts": Route(
        ok=Call("school_admin"),
        wrong=(Call("school_leader"), Call("office_staff")),
        out=(
            Hidden(
                "school_admin",
                lambda d: {d.users["hospital_admin"].pk, d.users["edu_admin"].pk},
            ),
            # Even asked for by organisation.
            Hidden(
                "school_admin",
                lambda d: {d.users["hospital_admin"].pk},
                query=lambda d: {"organisation_id": d.orgs["hospital"].pk},
            ),
        ),
        must_list=lambda d: {d.users["school_leader"].pk},
    ),
    "POST /api/v1/accounts": Route(
        ok=Call("school_admin", body=_account_body("school"), status=201),
        wrong=(Call("school_leader", body=_account_body("school")),),
        out=(
            Call("school_admin", body=_account_body("hospital")),
            Call("hospital_admin", body=_account_body("school")),
        ),
    ),
    "PUT /api/v1/accounts/{user_id}/roles": Route(
        ok=Call("school_admin", path=_user("school_leader"), body=lambda d: ROLES),
        wrong=(Call("school_leader", path=_user("roleless"), body=lambda d: ROLES),),
        out=(
            Call("school_admin", path=_user("hospital_admin"), body=lambda d: ROLES),
            Call("school_admin", path=_user("edu_admin"), body=lambda d: {"roles": ["admin"]}),
        ),
    ),
    "POST /api/v1/accounts/{user_id}/reset-password": Route(
        ok=Call("school_admin", path=_user("school_leader")),
        wrong=(Call("school_leader", path=_user("roleless")),),
        out=(
            Call("school_admin", path=_user("hospital_admin")),
            Call("school_admin", path=_user("edu_admin")),
        ),
    ),
    "POST /api/v1/accounts/{user_id}/unlock": Route(
        ok=Call("school_admin", path=_user("school_leader")),
        wrong=(Call("school_leader", path=_user("roleless")),),
        out=(
            Call("school_admin", path=_user("hospital_admin")),
            Call("school_admin", path=_user("edu_admin")),
        ),
    ),
    # --- tokens --------------------------------------------------------------------------------
    "GET /api/v1/tokens": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(Hidden("school_leader", lambda d: {d.ctx["hospital_token"].pk}),),
        setup=_tokens,
        must_list=lambda d: {d.ctx["leader_token"].pk},
    ),
    "POST /api/v1/tokens": Route(
        ok=Call("school_leader", body=lambda d: {"name": "手机"}, status=201),
        # Issuing for another account needs its administrator, and only for an
        # integration account: never a person's token (ADR 0023).
        wrong=(
            Call(
                "school_leader",
                body=lambda d: {"name": "手机", "user_id": d.users["roleless"].pk},
            ),
            Call(
                "school_admin",
                body=lambda d: {"name": "手机", "user_id": d.users["school_leader"].pk},
            ),
        ),
        out=(
            Call(
                "school_admin",
                body=lambda d: {"name": "手机", "user_id": d.users["hospital_admin"].pk},
            ),
        ),
    ),
    "DELETE /api/v1/tokens/{token_id}": Route(
        ok=Call("school_leader", path=lambda d: {"token_id": d.ctx["leader_token"].pk}),
        any_role=True,
        out=(
            Call("school_leader", path=lambda d: {"token_id": d.ctx["hospital_token"].pk}),
            Call("school_admin", path=lambda d: {"token_id": d.ctx["hospital_token"].pk}),
        ),
        setup=_tokens,
    ),
    # --- login log -------------------------------------------------------------------------------
    "GET /api/v1/login-logs": Route(
        ok=Call("school_admin"),
        wrong=(Call("housing_staff"), Call("discipline"), Call("school_leader")),
        out=(Hidden("school_admin", lambda d: {"hospital_admin"}, key="username"),),
        setup=_login_logs,
        must_list=lambda d: {"school_leader"},
        list_key="username",
    ),
}


TABLE = collect(ROUTES, __name__)
ALL = sorted(TABLE.routes)


def row(key: str) -> Route:
    return TABLE.routes[key]


# --- the tests ------------------------------------------------------------------------------------------


def test_every_api_route_has_a_row():
    assert not TABLE.duplicates, f"routes with two rows: {TABLE.duplicates}"
    routes = schema_routes()
    missing = sorted(routes - set(TABLE.routes))
    assert not missing, "add rows for:\n" + "\n".join(f"  {k}  → {owner_hint(k)}" for k in missing)
    stale = set(TABLE.routes) - routes
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("key", ALL)
def test_every_row_is_complete(key):
    route = row(key)
    assert route.wrong or route.any_role, f"{key}: name a wrong role, or say any_role=True"
    assert not (route.wrong and route.any_role), key
    assert route.out or route.no_scope, f"{key}: name an out-of-scope call, or say no_scope=…"
    # The inert account is tested for every route anyway; a wrong role is a real role.
    assert all(call.user != "roleless" for call in route.wrong), key


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_has_its_test_file(group):
    """The routes of ``group`` are checked by ``test_api_authorization_{group}.py``
    (ADR 0081): a group without its file would leave its routes unchecked."""
    module = importlib.import_module(f"{__package__}.test_api_authorization_{group}")
    assert module.TABLE is TABLE
    for name in CHECKS:
        assert getattr(module, name).__name__ == name, f"{module.__name__} lacks {name}"


# The six checks for the core and orgs routes; the other groups' routes are
# checked in test_api_authorization_<group>.py (one file each, so that the
# workers of ``pytest -n 2 --dist loadfile`` share the table; ADR 0081).
(
    test_anonymous_is_401,
    test_account_without_roles_is_403,
    test_wrong_role_is_403,
    test_right_role_out_of_scope_is_404_or_absent,
    test_right_role_in_scope_succeeds,
    test_bearer_token_in_scope_succeeds,
) = checks(TABLE, "core")
CHECKS = [
    "test_anonymous_is_401",
    "test_account_without_roles_is_403",
    "test_wrong_role_is_403",
    "test_right_role_out_of_scope_is_404_or_absent",
    "test_right_role_in_scope_succeeds",
    "test_bearer_token_in_scope_succeeds",
]
