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

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import Client

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


def resident_id(birth: dt.date = dt.date(1985, 6, 1)) -> str:
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

    def token_client(self, username: str) -> TokenClient:
        _, plain = org_services.create_api_token(
            actor=self.actor(username), user=self.users[username], name="test"
        )
        return TokenClient(plain)


class TokenClient(Client):
    """Sends ``Authorization: Bearer <token>`` with every request."""

    def __init__(self, token: str, **kw: Any) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {token}", **kw)
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

    counts = tuple(
        (m._meta.label, m._default_manager.count())
        for m in apps.get_models()
        if m._meta.app_label in {"core", "orgs", "projects", "attendance"}
        and m._meta.label not in {"orgs.LoginLog"}
    )
    return (*counts, audit.head())
