"""Test helpers shared by every app: a small district built through the
services, accounts for each kind of actor, and API clients.

The small district (all created by the SYSTEM actor, so the audit chain holds):

    office (supervision_office)                      users: office_admin, office_staff
    ├─ housing (industry_authority, housing)         users: housing_admin, housing_staff
    ├─ transport (industry_authority, transport)     users: transport_staff
    ├─ edu (superior_unit)                            users: edu_admin
    │  └─ edu_line (line)                             users: line_supervisor
    │     ├─ school (owner)                          users: school_admin, school_leader
    │     └─ hospital (owner)                        users: hospital_admin
    ├─ discipline (discipline)                        users: discipline
    ├─ contractor_a (contractor)                      users: contractor_a_admin, pm_a
    ├─ contractor_b (contractor)                      users: contractor_b_admin
    └─ supervisor_a (supervising_firm)                users: supervisor_a_admin, chief_a
    + roleless: an account of the school with no role at all

    project p_school   (housing, owner school, contractor_a, supervisor_a,
                        owner leader = school_leader, pm_a assigned)
    project p_hospital (transport, owner hospital, contractor_b)
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import os
import pickle
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler

from postaward.core.actor import SYSTEM, Actor
from postaward.core.idcheck import make_resident_id, make_uscc
from postaward.orgs import services as org_services
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import Industry, OrgKind, Role
from postaward.orgs.models import Organisation, Person, User
from postaward.projects import services as project_services
from postaward.projects.choices import ParticipantRole, Position, ProjectStatus
from postaward.projects.models import Project

PASSWORD = "Test@2026pw"  # noqa: S105
_serial = itertools.count(1)


def uscc() -> str:
    return make_uscc(f"91330604MA{next(_serial):07d}")


_captures = itertools.count()
_capture_birth: dt.date | None = None  # while ``capture`` runs (see there)


def resident_id(birth: dt.date | None = None) -> str:
    """A valid number: 1,000 serials per birth date (default 1985-06-01)."""
    birth = birth or _capture_birth or dt.date(1985, 6, 1)
    return make_resident_id("330100", birth, next(_serial))  # a code valid for every birth year


def org(parent: Organisation | None, name: str, kind: str, **kw: Any) -> Organisation:
    return org_services.create_organisation(
        actor=SYSTEM, parent=parent, name=name, kind=kind, uscc=uscc(), **kw
    )


def person(organisation: Organisation, name: str = "测试人员", **kw: Any) -> Person:
    return org_services.create_person(
        actor=SYSTEM, organisation=organisation, name=name, id_number=resident_id(), **kw
    )


def account(
    organisation: Organisation, username: str, roles: Sequence[str], *, with_person: bool = True
) -> User:
    p = person(organisation, name=username) if with_person else None
    user, _ = org_services.create_account(
        actor=SYSTEM,
        organisation=organisation,
        username=username,
        roles=roles,
        person=p,
        password=PASSWORD,
        must_change_password=False,
    )
    return user


@dataclass
class District:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    replay_key: tuple | None = None  # set when replayed (``replay``)

    def actor(self, username: str) -> Actor:
        return actor_for(
            User.objects.select_related("organisation", "person").get(username=username)
        )

    def client(self, username: str | None) -> Client:
        """A logged-in web/API client (session auth, CSRF not enforced)."""
        c = Client()
        if username:
            c.force_login(self.users[username])
        return c

    def token_client(self, username: str, *, front: bool = True) -> TokenClient:
        _, plain = org_services.create_api_token(
            actor=self.actor(username), user=self.users[username], name="test"
        )
        return TokenClient(plain, front=front)


class _FrontHandler(ClientHandler):
    """The test client's handler with the WSGI front of ``postaward.wsgi`` before
    it: a bearer check-in is answered by the ingest path (ADR 0506), as in
    production; everything else (and what that path leaves to Django) by Django."""

    def __call__(self, environ: dict[str, Any]) -> Any:
        from postaward.attendance import ingest

        answered = ingest.respond(environ)
        if answered is None:
            return super().__call__(environ)
        response = HttpResponse(answered.body, status=answered.status)
        for name, value in answered.headers:
            response[name] = value
        response.wsgi_request = WSGIRequest(environ)  # type: ignore[attr-defined]
        return response


class TokenClient(Client):
    """Sends ``Authorization: Bearer <token>`` with every request; ``front``: through
    the WSGI front (the check-in ingest path), else straight to Django."""

    def __init__(self, token: str, *, front: bool = True, **kw: Any) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {token}", **kw)
        if front:
            self.handler = _FrontHandler(self.handler.enforce_csrf_checks)
        self.token = token


def build_district(*, today: dt.date | None = None) -> District:
    d = District()
    o = d.orgs
    K = OrgKind
    o["office"] = org(None, "测试区监管办", K.SUPERVISION_OFFICE)
    o["housing"] = org(o["office"], "测试区住建局", K.INDUSTRY_AUTHORITY, industry=Industry.HOUSING)
    o["transport"] = org(
        o["office"], "测试区交通局", K.INDUSTRY_AUTHORITY, industry=Industry.TRANSPORT
    )
    o["edu"] = org(o["office"], "测试区教育局", K.SUPERIOR_UNIT)
    o["edu_line"] = org(o["edu"], "教育局基建条线", K.LINE)
    o["school"] = org(o["edu_line"], "测试区第一中学", K.OWNER)
    o["hospital"] = org(o["edu_line"], "测试区人民医院", K.OWNER)
    o["discipline"] = org(o["office"], "测试区纪委监委", K.DISCIPLINE)
    o["contractor_a"] = org(o["office"], "甲建设有限公司", K.CONTRACTOR)
    o["contractor_b"] = org(o["office"], "乙建设有限公司", K.CONTRACTOR)
    o["supervisor_a"] = org(o["office"], "甲监理有限公司", K.SUPERVISING_FIRM)
    for username, org_key, roles in [
        ("office_admin", "office", [Role.ADMIN]),
        ("office_staff", "office", [Role.OFFICE_STAFF]),
        ("housing_admin", "housing", [Role.ADMIN]),
        ("housing_staff", "housing", [Role.AUTHORITY_STAFF]),
        ("transport_staff", "transport", [Role.AUTHORITY_STAFF]),
        ("edu_admin", "edu", [Role.ADMIN]),
        ("line_supervisor", "edu_line", [Role.LINE_SUPERVISOR]),
        ("school_admin", "school", [Role.ADMIN]),
        ("school_leader", "school", [Role.OWNER_PROJECT_LEADER]),
        ("hospital_admin", "hospital", [Role.ADMIN]),
        ("discipline", "discipline", [Role.DISCIPLINE_INSPECTOR]),
        ("contractor_a_admin", "contractor_a", [Role.ADMIN]),
        ("pm_a", "contractor_a", [Role.PROJECT_MANAGER]),
        ("contractor_b_admin", "contractor_b", [Role.ADMIN]),
        ("supervisor_a_admin", "supervisor_a", [Role.ADMIN]),
        ("chief_a", "supervisor_a", [Role.CHIEF_SUPERVISING_ENGINEER]),
    ]:
        d.users[username] = account(o[org_key], username, roles)
    roleless = account(o["school"], "roleless", [Role.OWNER_PROJECT_LEADER])
    roleless.role_grants.all().delete()
    d.users["roleless"] = roleless

    start = today or dt.date(2026, 3, 2)
    d.projects["p_school"] = project_services.register_project(
        actor=SYSTEM,
        code="T-0001",
        name="第一中学教学楼工程",
        owner=o["school"],
        industry=Industry.HOUSING,
        contract_amount=Decimal("8500000.00"),
        superior_unit=o["edu"],
        line=o["edu_line"],
        industry_authority=o["housing"],
        owner_leader=d.users["school_leader"].person,
        planned_start=start,
        planned_completion=start + dt.timedelta(days=300),
        status=ProjectStatus.UNDER_CONSTRUCTION,
        actual_start=start,
        site_kind="circle",
        site_lon=120.87,
        site_lat=30.03,
        site_radius_m=200.0,
    )
    d.projects["p_hospital"] = project_services.register_project(
        actor=SYSTEM,
        code="T-0002",
        name="人民医院停车场道路工程",
        owner=o["hospital"],
        industry=Industry.TRANSPORT,
        contract_amount=Decimal("26000000.00"),
        superior_unit=o["edu"],
        line=o["edu_line"],
        industry_authority=o["transport"],
        planned_start=start,
        status=ProjectStatus.UNDER_CONSTRUCTION,
        actual_start=start,
        site_kind="circle",
        site_lon=120.90,
        site_lat=30.05,
        site_radius_m=300.0,
    )
    part_a = project_services.add_participant(
        actor=SYSTEM,
        project=d.projects["p_school"],
        organisation=o["contractor_a"],
        role=ParticipantRole.CONTRACTOR,
    )
    part_s = project_services.add_participant(
        actor=SYSTEM,
        project=d.projects["p_school"],
        organisation=o["supervisor_a"],
        role=ParticipantRole.SUPERVISING_FIRM,
    )
    project_services.add_participant(
        actor=SYSTEM,
        project=d.projects["p_hospital"],
        organisation=o["contractor_b"],
        role=ParticipantRole.CONTRACTOR,
    )
    project_services.assign_key_person(
        actor=SYSTEM,
        participant=part_a,
        person=_person(d.users["pm_a"]),
        position=Position.PROJECT_MANAGER,
        started_on=start,
    )
    project_services.assign_key_person(
        actor=SYSTEM,
        participant=part_s,
        person=_person(d.users["chief_a"]),
        position=Position.CHIEF_SUPERVISING_ENGINEER,
        started_on=start,
    )
    return d


def _person(user: User) -> Person:
    assert user.person is not None
    return user.person


def db_fingerprint() -> tuple:
    """Counts of every table a write could touch plus the audit head: a denied
    request must leave this unchanged."""
    from django.apps import apps

    from postaward.core import audit

    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"core", "orgs", "projects", "attendance"}
        and m._meta.label not in {"orgs.LoginLog"}
    ]
    return (*table_counts(models), audit.head())


def table_counts(models: list[Any], *, base: bool = False) -> tuple[tuple[str, int], ...]:
    """(label, row count) of each model, in one statement (each default
    manager's own query, as ``count()`` would run it): ~40 round trips through
    the ORM were a tenth of the authorization tables' time (ADR 0083)."""
    from django.db import connection

    parts: list[str] = []
    params: list[Any] = []
    for i, m in enumerate(models):
        sql, p = _pk_query(m, base, connection.vendor)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) fp{i})")  # noqa: S608
        params += p
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return tuple((m._meta.label, n) for m, n in zip(models, row, strict=True))


_PK_QUERIES: dict[tuple[str, bool, str], tuple[str, tuple[Any, ...]]] = {}


def _pk_query(model: Any, base: bool, vendor: str) -> tuple[str, tuple[Any, ...]]:
    """The SQL of the manager's ``values("pk")`` query. Compiling it was ~95 %
    of a fingerprint's time; a query without parameters compiles to the same
    text every time, so that text is kept (one per model, manager and database
    kind). A query with parameters (a manager that filters on a value) is
    compiled afresh on each call."""
    key = (model._meta.label, base, vendor)
    if key in _PK_QUERIES:
        return _PK_QUERIES[key]
    manager = model._base_manager if base else model._default_manager
    sql, params = manager.order_by().values("pk").query.sql_with_params()
    if not params:
        _PK_QUERIES[key] = (sql, ())
    return sql, tuple(params)


# --- the small district once, restored in each test (ADR 0053) --------------------------------
#
# Building the district through the services costs ~50 service calls (audit chain,
# events, timeline); most tests need it. ``replay`` runs such a build once per
# moment (the real time, or each moment a test travels to), records the rows it
# added, changed or deleted, rolls the build back, and from then on writes those
# rows back with one ``executemany`` per table inside the test's transaction, and
# hands the test a deep copy of what the build returned. The test's rollback
# removes the rows again, exactly as it removed a district built by the services.
# Tests without a wrapping transaction (``transactional_db``, ``live_server``, the
# concurrency tests) run the build itself, as before.


@dataclass
class _Statement:
    sql: str
    params: list[list[Any]]


@dataclass
class Snapshot:
    """What one build wrote (rows added, changed, deleted) and what it returned."""

    key: tuple
    value: Any
    statements: list[_Statement]
    # rows the build changed or deleted must be as they were before the build
    guards: list[tuple[type, Any, list[Any]]]
    on_commit: list[tuple[Any, bool]]
    restored: int = 0
    # ``value`` pickled once: unpickling is several times faster than a deep
    # copy of the same model instances (a value pickle cannot hold, such as a
    # local function in a setup's context, is deep-copied instead).
    pickled: bytes | None = None

    def __post_init__(self) -> None:
        from django.db import connection

        if self.value is _UNCOPYABLE:
            return
        try:
            # A query set in the value would run its query to be pickled (a deep
            # copy does not): such a value is deep-copied, as before.
            with connection.execute_wrapper(_no_queries):
                self.pickled = pickle.dumps(self.value, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.loads(self.pickled)  # noqa: S301 - our own bytes, this process
        except Exception:  # pickle raises many kinds for what it cannot hold
            self.pickled = None

    def fresh_value(self) -> Any:
        if self.pickled is not None:
            return pickle.loads(self.pickled)  # noqa: S301 - our own bytes, this process
        return copy.deepcopy(self.value)

    def restore(self) -> Any | None:
        """Write the rows back and return a fresh copy of the build's value;
        ``None`` if this test's database does not start where the build started."""
        from django.db import IntegrityError, connection, transaction

        for model, pk, before in self.guards:
            if _rows(model, pk=pk).get(pk) != before:
                return None
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for st in self.statements:
                    cursor.executemany(st.sql, st.params)
        except IntegrityError:
            return None
        for func, robust in self.on_commit:
            transaction.on_commit(func, robust=robust)
        self.restored += 1
        return _stamped(self.fresh_value(), self.key)


def _no_queries(*args: Any) -> Any:
    raise RuntimeError("no query while a snapshot's value is pickled")


def _stamped(value: Any, key: tuple) -> Any:
    if isinstance(value, District):
        value.replay_key = key
    return value


def _tables() -> list[type]:
    from django.apps import apps

    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _fields(model: type) -> list[Any]:
    return [
        f
        for f in model._meta.local_concrete_fields  # type: ignore[attr-defined]
        if not getattr(f, "generated", False)
    ]


def _rows(model: type, **filters: Any) -> dict[Any, list[Any]]:
    fields = _fields(model)
    names = [f.attname for f in fields]
    at = names.index(model._meta.pk.attname)  # type: ignore[attr-defined]
    qs = model._base_manager.filter(**filters).values_list(*names)  # type: ignore[attr-defined]
    return {row[at]: list(row) for row in qs}


class _FirstWrites:
    """An execute wrapper for ``capture``: before the first statement of the
    build that writes to a table, it reads that table's rows. Only the tables
    the build writes are read before and after it (reading all ~300 tables
    twice was most of a capture's cost). A write statement whose tables it
    cannot name reads every table not read yet, before it runs."""

    _WRITES = re.compile(
        r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
        re.IGNORECASE,
    )
    _READS = {"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "PRAGMA", "SET"}
    _READS |= {"SHOW", "EXPLAIN", "VALUES"}

    def __init__(self, models: list[type]) -> None:
        self.by_table = {m._meta.db_table: m for m in models}  # type: ignore[attr-defined]
        self.before: dict[type, dict[Any, list[Any]]] = {}

    def read(self, models: Iterable[type]) -> None:
        for m in models:
            if m not in self.before:
                self.before[m] = _rows(m)

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = sql.lstrip()[:200]
        head = start[:16].split(None, 1)[0].upper() if start else ""
        if head not in self._READS:
            if head in {"INSERT", "UPDATE", "DELETE", "REPLACE"}:  # the ORM's: one table, first
                found = self._WRITES.match(start)
                names = [found.group(1)] if found else []
            else:  # WITH … INSERT and the like
                names = self._WRITES.findall(sql)
            models = [self.by_table.get(n) for n in names]
            if not names and head == "WITH":  # a read with common table expressions
                pass
            elif names and all(models):
                self.read(m for m in models if m is not None)
            else:
                self.read(self.by_table.values())
        return execute(sql, params, many, context)


def _build_and_read(build: Callable[[], Any], models: list[type], pending: int) -> tuple:
    """Run ``build`` with ``_FirstWrites`` watching; (value, before, after,
    on-commit hooks) of the tables it wrote. A table whose row count changed
    without a statement seen (a COPY) makes the capture read every table."""
    from django.db import connection, transaction

    watch = _FirstWrites(models)
    counts = table_counts(models, base=True)
    with connection.execute_wrapper(watch):
        value = build()
    now = table_counts(models, base=True)
    moved = {label for (label, n), (_, m) in zip(counts, now, strict=True) if n != m}
    if moved - {m._meta.label for m in watch.before}:  # type: ignore[attr-defined]
        transaction.set_rollback(True)
        raise _Unwatched
    before = watch.before
    after = {m: _rows(m) for m in before}
    entries: list[Any] = list(connection.run_on_commit[pending:])
    on_commit = [(entry[1], entry[2]) for entry in entries]  # (savepoints, func, robust)
    try:
        value = copy.deepcopy(value)
    except Exception:  # a value that cannot be copied: built in each test
        value = _UNCOPYABLE
    transaction.set_rollback(True)
    return value, before, after, on_commit


class _Unwatched(Exception):
    """The build changed a table in a way ``_FirstWrites`` did not see."""


def capture(key: tuple, build: Callable[[], Any]) -> Snapshot:
    """Run ``build`` inside a savepoint, record what it wrote, roll it back."""
    from django.db import connection, transaction

    from postaward.core import business_calendar

    global _capture_birth
    qn = connection.ops.quote_name
    models = _tables()
    pending = len(connection.run_on_commit)
    # Replayed rows keep their numbers in every later test; a number has 1,000
    # serials per birth date, so a capture takes its own birth date (1980-01-01
    # onwards): the process's later numbers (1985-06-01) never meet them.
    _capture_birth = dt.date(1980, 1, 1) + dt.timedelta(days=next(_captures) % 1900)
    try:
        with transaction.atomic():
            value, before, after, on_commit = _build_and_read(build, models, pending)
    except _Unwatched:
        return Snapshot(key, _UNCOPYABLE, [], [], [])
    finally:
        _capture_birth = None
    business_calendar.invalidate()

    statements: list[_Statement] = []
    guards: list[tuple[type, Any, list[Any]]] = []
    for m in before:
        old, new = before[m], after[m]
        if old == new:
            continue
        fields = _fields(m)
        table = qn(m._meta.db_table)  # type: ignore[attr-defined]
        pk = m._meta.pk  # type: ignore[attr-defined]
        if gone := [k for k in old if k not in new]:
            statements.append(
                _Statement(
                    f"DELETE FROM {table} WHERE {qn(pk.column)} = %s",  # noqa: S608
                    [[pk.get_db_prep_save(k, connection)] for k in gone],
                )
            )
        if changed := [k for k in old if k in new and old[k] != new[k]]:
            others = [(i, f) for i, f in enumerate(fields) if f is not pk]
            sets = ", ".join(f"{qn(f.column)} = %s" for _, f in others)
            statements.append(
                _Statement(
                    f"UPDATE {table} SET {sets} WHERE {qn(pk.column)} = %s",  # noqa: S608
                    [
                        [f.get_db_prep_save(new[k][i], connection) for i, f in others]
                        + [pk.get_db_prep_save(k, connection)]
                        for k in changed
                    ],
                )
            )
        guards += [(m, k, old[k]) for k in (*gone, *changed)]
        if added := [k for k in new if k not in old]:
            cols = ", ".join(qn(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            statements.append(
                _Statement(
                    f"INSERT INTO {table} ({cols}) VALUES ({marks})",  # noqa: S608
                    [
                        [
                            f.get_db_prep_save(v, connection)
                            for f, v in zip(fields, new[k], strict=True)
                        ]
                        for k in added
                    ],
                )
            )
    return Snapshot(key, value, statements, guards, on_commit)


_snapshots: dict[tuple, Snapshot] = {}
_UNCOPYABLE = object()


def _moment_key() -> str:
    """``real`` when the clock runs free; else the moment the test travelled to
    (rows carry the moment they were written, as a build run then would)."""
    import time_machine

    from postaward.core import clock

    if time_machine.escape_hatch.is_travelling() or clock.offset():
        return clock.now().replace(microsecond=0).isoformat()
    return "real"


def replay(name: str, build: Callable[[], Any], *, on: District | None = None) -> Any:
    """``build()``'s value and rows: built once per ``name`` and moment (on top of
    the district ``on``, if given), then written back in each test that asks.

    ``build`` must write only to the database (files, caches and module state
    are not replayed) and return what the test needs (deep-copied per test).
    """
    from django.db import connection

    if not connection.in_atomic_block:  # transactional tests commit: build for real
        return build()
    if os.environ.get("POSTAWARD_TEST_REPLAY") == "0":  # the old way, to compare
        return build()
    if on is not None:
        base = getattr(on, "replay_key", None)
        if base is None:  # the district was built, not replayed
            return build()
        key: tuple = (*base, name)
    else:
        key = (str(connection.settings_dict["NAME"]), _moment_key(), name)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        if len(_snapshots) >= 512:
            _snapshots.clear()
        snapshot = _snapshots[key] = capture(key, build)
    if snapshot.value is _UNCOPYABLE:
        return build()
    value = snapshot.restore()
    if value is None:
        if not snapshot.restored:  # captured over one test's own rows: capture again
            del _snapshots[key]
        return build()
    return value


def district_for_test() -> District:
    """The ``district`` fixture: the small district, replayed (ADR 0053)."""
    return replay("district", build_district)


def prepare(district: District, name: str, setup: Callable[[District], Any] | None) -> District:
    """``district.ctx = {}`` and ``setup(district)`` (a row of an authorization
    table), replayed per row name on top of a replayed district (ADR 0053)."""

    def build() -> District:
        district.ctx = {}  # type: ignore[attr-defined]
        if setup is not None:
            setup(district)
        return district

    if setup is None:
        return build()
    return replay(name, build, on=district)  # type: ignore[no-any-return]


def demo_build(projects: int) -> None:
    """``demo.build(projects=projects)``, replayed per size and moment (ADR 0083).

    The demo district is ~1,000 service calls (organisations, people,
    qualifications, projects walked through their lifecycle); the tests that
    load it at the same moment and size (the OCDS import's fixture, the demo,
    pages and home-card walks) share one build per process. A database that
    already has units builds for real (and ``build`` refuses, as it should)."""
    from postaward import demo
    from postaward.core import clock

    if Organisation.objects.exists():
        demo.build(projects=projects)
        return
    # On the running clock the build's dates are today's: key by the day too.
    day = "" if _moment_key() != "real" else f":{clock.today().isoformat()}"

    def build() -> bool:
        demo.build(projects=projects)
        return True  # (``None`` would read as "could not restore")

    # A replay holds the build's own writes only, and they point at the rows
    # that were there before it (the indicators and templates seeded after
    # migrate, whose numbers differ after a transactional test's flush): the
    # key carries a digest of every row already there, so a build is replayed
    # only into a database that starts exactly where the recording started.
    replay(f"demo:{projects}{day}:{_rows_digest()}", build)


def _rows_digest() -> str:
    """A digest of every row of every table (the few seeded rows, before a build)."""
    import hashlib

    h = hashlib.sha256()
    for m in _tables():
        rows = _rows(m)
        if rows:
            h.update(m._meta.label.encode())  # type: ignore[attr-defined]
            h.update(repr(sorted(rows.items(), key=lambda kv: str(kv[0]))).encode())
    return h.hexdigest()[:16]
