"""The project registry's services: registration (R-PRJ-02, R-PRJ-10), chain
assignment (R-ORG-03), participants and contracts (R-PRJ-03), key personnel
(R-ORG-05, R-CHG-04), check-in duty (R-ATT-01, R-PRJ-09), subcontracts
(R-PRJ-08), interviews (R-PRJ-11), abnormal award events (R-PRJ-12), files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import EventRecord, Todo
from postaward.orgs.choices import Industry, QualificationType
from postaward.projects import selectors, services, workflows
from postaward.projects.choices import (
    AbnormalAwardState,
    DocumentCategory,
    InterviewTopic,
    ParticipantRole,
    Position,
    ProcurementMethod,
    ProjectClass,
    ProjectStatus,
)
from postaward.projects.models import KeyPersonAssignment, PersonnelBan, Project

from . import factories as f

pytestmark = pytest.mark.django_db
S = ProjectStatus


# --- registration (R-PRJ-02, R-PRJ-10) -----------------------------------------------------------


def test_owners_project_leader_registers_a_direct_award_project(d):
    p = f.direct_project(d)
    assert p.owner == d.orgs["school"]
    assert p.owner_leader == d.users["school_leader"].person
    assert (p.superior_unit, p.line) == (d.orgs["edu"], d.orgs["edu_line"])
    assert p.industry_authority == d.orgs["housing"]
    assert p.code == "ZF2026-0001" and p.source == "manual"
    assert p.status == S.PREPARING  # the leader is known: preparation begins
    assert f.direct_project(d, name="第一中学围墙修缮工程").code == "ZF2026-0002"
    emergency = f.direct_project(d, method=ProcurementMethod.EMERGENCY, name="第一中学抢险加固工程")
    assert emergency.code == "YJ2026-0001"


def test_tendered_projects_are_not_entered_by_hand(d):
    with pytest.raises(ValidationFailed) as exc:
        f.direct_project(d, method=ProcurementMethod.TENDER)
    assert exc.value.errors[0]["field"] == "procurement_method"


@pytest.mark.parametrize("user", ["housing_staff", "contractor_a_admin", "line_supervisor", "pm_a"])
def test_only_the_owner_enters_projects(d, user):
    with pytest.raises(Forbidden):
        f.direct_project(d, leader=user)


@pytest.mark.parametrize(
    ("amount", "small", "ok"),
    [("3999999.99", True, True), ("4000000.00", True, False), ("4000000.00", False, True)],
)
def test_small_works_are_below_the_quota(d, amount, small, ok):
    # R-PRJ-09: 4,000,000 yuan is the tender quota.
    if ok:
        assert f.direct_project(d, amount=amount, small=small).is_small_works is small
    else:
        with pytest.raises(ValidationFailed):
            f.direct_project(d, amount=amount, small=small)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("19999999.99", ProjectClass.GOV_BELOW), ("20000000.00", ProjectClass.GOV_ABOVE)],
)
def test_class_by_twenty_million(d, amount, expected):
    # R-PRJ-10
    assert f.direct_project(d, amount=amount, small=False).project_class == expected


def test_village_owner_makes_village_works(d):
    from postaward.orgs.choices import OrgKind, Role
    from postaward.testing import account, org

    town = org(d.orgs["office"], "测试区某街道", OrgKind.TOWNSHIP)
    village = org(town, "某村股份经济合作社", OrgKind.VILLAGE)
    account(village, "village_leader", [Role.OWNER_PROJECT_LEADER])
    p = f.direct_project(d, leader="village_leader", amount="800000")
    assert p.project_class == ProjectClass.VILLAGE
    assert p.superior_unit == town and p.line is None


def test_basic_information_is_frozen_after_start(d):
    p = f.direct_project(d)
    services.update_project(
        actor=d.actor("school_leader"), project=p, name="第一中学食堂及连廊工程"
    )
    with pytest.raises(Forbidden):
        services.update_project(actor=d.actor("housing_staff"), project=p, name="越权修改")
    with pytest.raises(ValidationFailed):
        services.update_project(actor=d.actor("school_leader"), project=p, status="completed")
    with pytest.raises(Conflict):
        services.update_project(
            actor=d.actor("school_leader"), project=d.projects["p_school"], name="开工后修改"
        )


# --- the site --------------------------------------------------------------------------------------


def test_circle_site_bounds(d):
    p = f.direct_project(d)
    for radius in (19.9, 5000.1):
        with pytest.raises(ValidationFailed):
            services.set_site(
                actor=d.actor("school_leader"),
                project=p,
                site_kind="circle",
                lon=120.88,
                lat=30.04,
                radius_m=radius,
            )
    with pytest.raises(ValidationFailed):  # latitude first by mistake
        services.set_site(
            actor=d.actor("school_leader"),
            project=p,
            site_kind="circle",
            lon=30.04,
            lat=120.88,
            radius_m=100,
        )
    services.set_site(
        actor=d.actor("school_leader"),
        project=p,
        site_kind="circle",
        lon=120.88,
        lat=30.04,
        radius_m=20,
    )
    assert p.site.distance_m(120.88, 30.04) == 0


def test_polygon_site_and_gcj02_input(d):
    from postaward.core.geo import wgs84_to_gcj02

    p = f.direct_project(d)
    ring = [[120.880, 30.040], [120.884, 30.040], [120.884, 30.043], [120.880, 30.043]]
    with pytest.raises(ValidationFailed):
        services.set_site(
            actor=d.actor("school_leader"), project=p, site_kind="polygon", polygon=ring[:2]
        )
    with pytest.raises(ValidationFailed):  # a bow tie crosses itself
        services.set_site(
            actor=d.actor("school_leader"),
            project=p,
            site_kind="polygon",
            polygon=[ring[0], ring[2], ring[1], ring[3]],
        )
    services.set_site(actor=d.actor("school_leader"), project=p, site_kind="polygon", polygon=ring)
    assert p.site_polygon[0] == p.site_polygon[-1] and len(p.site_polygon) == 5
    assert p.site.distance_m(120.882, 30.041) == 0
    # A map in GCJ-02 sends GCJ-02: the platform stores WGS-84.
    glon, glat = wgs84_to_gcj02(120.88, 30.04)
    services.set_site(
        actor=d.actor("school_leader"),
        project=p,
        site_kind="circle",
        lon=glon,
        lat=glat,
        radius_m=100,
        crs="gcj02",
    )
    assert abs(p.site_lon - 120.88) < 1e-6 and abs(p.site_lat - 30.04) < 1e-6


# --- assignment down the chain (R-ORG-03) ----------------------------------------------------------


def _held(d):  # type: ignore[no-untyped-def]
    return services.register_project(
        actor=SYSTEM,
        code="T-0700",
        name="待分配的教育工程",
        owner=None,
        industry=Industry.HOUSING,
        contract_amount=Decimal("6000000"),
        industry_authority=d.orgs["housing"],
    )


def test_each_level_assigns_one_step_down_by_its_administrator(d):
    p = _held(d)
    todo = Todo.objects.get(key=f"projects.assign.{p.pk}.superior_unit")
    assert todo.organisation == d.orgs["housing"]
    # Authority's administrator → superior unit (its staff may not).
    with pytest.raises(Forbidden):
        services.assign_superior_unit(
            actor=d.actor("housing_staff"), project=p, superior_unit=d.orgs["edu"]
        )
    services.assign_superior_unit(
        actor=d.actor("housing_admin"), project=p, superior_unit=d.orgs["edu"]
    )
    # Superior unit's administrator → line (not the authority).
    with pytest.raises(Forbidden):
        services.assign_line(actor=d.actor("housing_admin"), project=p, line=d.orgs["edu_line"])
    services.assign_line(actor=d.actor("edu_admin"), project=p, line=d.orgs["edu_line"])
    # The line → owner; an owner outside the line is refused. Once the project
    # has a line, the superior unit's administrator no longer assigns the owner.
    with pytest.raises(Forbidden):
        services.assign_owner(actor=d.actor("edu_admin"), project=p, owner=d.orgs["school"])
    f.other_chain(d)
    with pytest.raises(ValidationFailed):
        services.assign_owner(actor=d.actor("line_supervisor"), project=p, owner=d.orgs["clinic"])
    services.assign_owner(actor=d.actor("line_supervisor"), project=p, owner=d.orgs["school"])
    # The owner's administrator → project leader (not the leader themself).
    with pytest.raises(Forbidden):
        services.assign_owner_leader(
            actor=d.actor("school_leader"), project=p, person=d.users["school_leader"].person
        )
    with pytest.raises(ValidationFailed):
        services.assign_owner_leader(
            actor=d.actor("school_admin"), project=p, person=d.users["hospital_admin"].person
        )
    services.assign_owner_leader(
        actor=d.actor("school_admin"), project=p, person=d.users["school_leader"].person
    )
    p.refresh_from_db()
    assert p.status == S.PREPARING
    assert [
        e.payload["level"]
        for e in EventRecord.objects.filter(name="projects.assigned").order_by("id")
    ] == [
        "superior_unit",
        "line",
        "owner",
        "owner_leader",
    ]
    assert not Todo.objects.filter(
        key__startswith=f"projects.assign.{p.pk}.", state="open"
    ).exists()
    # The project leader now sees the project (R-ORG-04).
    assert Project.objects.visible_to(d.actor("school_leader")).filter(pk=p.pk).exists()


def test_a_superior_unit_without_lines_assigns_the_owner_itself(d):
    # R-ORG-03: a township has no lines; its administrator takes the line's step.
    from postaward.orgs.choices import OrgKind, Role
    from postaward.testing import account, org

    town = org(d.orgs["office"], "测试区某街道", OrgKind.TOWNSHIP)
    village = org(town, "某村股份经济合作社", OrgKind.VILLAGE)
    account(town, "town_admin", [Role.ADMIN])
    p = _held(d)
    services.assign_superior_unit(actor=d.actor("housing_admin"), project=p, superior_unit=town)
    p.refresh_from_db()
    assert p.line is None
    services.assign_owner(actor=d.actor("town_admin"), project=p, owner=village)
    p.refresh_from_db()
    assert p.owner == village


# --- participants and contracts (R-PRJ-03) -------------------------------------------------------


def test_participant_must_be_of_its_kind_and_contract_files_are_checked(d):
    p = f.direct_project(d)
    with pytest.raises(ValidationFailed):
        f.contract(d, p, "supervisor_a", ParticipantRole.CONTRACTOR)
    with pytest.raises(Forbidden):
        f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR, user="contractor_b_admin")
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed, match="只接受 PDF"):
        f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR, upload=fake)
    renamed = SimpleUploadedFile("合同.png", f.pdf().read(), content_type="image/png")
    with pytest.raises(ValidationFailed, match="扩展名"):
        f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR, upload=renamed)
    assert not p.participants.exists() and not p.documents.exists()
    part = f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    doc = part.contract_document
    assert doc.category == DocumentCategory.CONTRACT and doc.content_type == "application/pdf"
    assert doc.file.name.startswith(f"projects/{p.pk}/contract/") and "合同" not in doc.file.name
    # Idempotent: the same unit in the same role is updated, not duplicated.
    f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR, contract_number="HT-NEW")
    assert p.participants.count() == 1
    assert p.participants.get().contract_number == "HT-NEW"


def test_oversized_upload_is_refused(d, monkeypatch):
    from postaward.core import files

    monkeypatch.setattr(files, "MAX_UPLOAD_BYTES", 100)
    p = f.direct_project(d)
    with pytest.raises(ValidationFailed, match="文件过大"):
        f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)


# --- key personnel (R-ORG-05, R-CHG-04) ---------------------------------------------------------


def _two_firms(d):  # type: ignore[no-untyped-def]
    p = f.direct_project(d, small=False, amount="9000000")
    f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    f.contract(d, p, "supervisor_a", ParticipantRole.SUPERVISING_FIRM)
    return p


def test_a_position_is_held_by_its_firm_with_a_matching_certificate(d):
    p = _two_firms(d)
    sup = p.participants.get(role=ParticipantRole.SUPERVISING_FIRM)
    pm, cert = f.staff(d, Position.PROJECT_MANAGER)
    with pytest.raises(ValidationFailed, match="应由施工单位委派"):
        services.assign_key_person(
            actor=d.actor("school_leader"),
            participant=sup,
            person=pm,
            position=Position.PROJECT_MANAGER,
            started_on=clock.today(),
        )
    con = p.participants.get(role=ParticipantRole.CONTRACTOR)
    safety_cert = f.qualify(pm, QualificationType.SAFETY_C)
    with pytest.raises(ValidationFailed, match="不能作为项目负责人"):
        services.assign_key_person(
            actor=d.actor("school_leader"),
            participant=con,
            person=pm,
            position=Position.PROJECT_MANAGER,
            started_on=clock.today(),
            certificate=safety_cert,
        )
    expired = f.qualify(
        pm, QualificationType.CONSTRUCTOR_1, valid_until=clock.today() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationFailed, match="过期"):
        services.assign_key_person(
            actor=d.actor("school_leader"),
            participant=con,
            person=pm,
            position=Position.PROJECT_MANAGER,
            started_on=clock.today(),
            certificate=expired,
        )
    a = services.assign_key_person(
        actor=d.actor("school_leader"),
        participant=con,
        person=pm,
        position=Position.PROJECT_MANAGER,
        started_on=clock.today(),
        certificate=cert,
    )
    assert a.certificate == cert and a.must_check_in


def test_the_contractor_names_its_own_people_but_not_the_supervisors(d):
    p = _two_firms(d)
    con = p.participants.get(role=ParticipantRole.CONTRACTOR)
    sup = p.participants.get(role=ParticipantRole.SUPERVISING_FIRM)
    tl, cert = f.staff(d, Position.TECHNICAL_LEAD)
    services.assign_key_person(
        actor=d.actor("contractor_b_admin"),
        participant=con,
        person=tl,
        position=Position.TECHNICAL_LEAD,
        started_on=clock.today(),
        certificate=cert,
    )
    chief, ccert = f.staff(d, Position.CHIEF_SUPERVISING_ENGINEER)
    with pytest.raises(Forbidden):
        services.assign_key_person(
            actor=d.actor("contractor_b_admin"),
            participant=sup,
            person=chief,
            position=Position.CHIEF_SUPERVISING_ENGINEER,
            started_on=clock.today(),
            certificate=ccert,
        )


def test_a_project_manager_serves_one_active_project(d):
    # pm_a is project manager of p_school (under construction).
    p = f.direct_project(d)
    part = f.contract(d, p, "contractor_a", ParticipantRole.CONTRACTOR)
    pm_a = d.users["pm_a"].person
    with pytest.raises(Conflict) as exc:
        services.assign_key_person(
            actor=d.actor("school_leader"),
            participant=part,
            person=pm_a,
            position=Position.PROJECT_MANAGER,
            started_on=clock.today(),
        )
    assert "第一中学教学楼工程" in exc.value.message
    # Another position is allowed; and once p_school is completed, so is PM.
    services.assign_key_person(
        actor=d.actor("school_leader"),
        participant=part,
        person=pm_a,
        position=Position.SAFETY_OFFICER,
        started_on=clock.today(),
    )
    Project.objects.filter(pk=d.projects["p_school"].pk).update(status=S.COMPLETED)
    services.assign_key_person(
        actor=d.actor("school_leader"),
        participant=part,
        person=pm_a,
        position=Position.PROJECT_MANAGER,
        started_on=clock.today(),
    )


def test_one_project_manager_per_project(d):
    p = f.ready_project(d)
    with pytest.raises(Conflict, match="须先办理人员变更"):
        f.name_person(d, p, Position.PROJECT_MANAGER)


def test_a_replaced_person_is_barred_from_the_same_position_until_completion(d):
    # R-CHG-04: replaced on p_school; p_school is under construction.
    pm_a = d.users["pm_a"].person
    with pytest.raises(Forbidden):
        services.record_personnel_ban(
            actor=d.actor("school_admin"),
            person=pm_a,
            reason="replaced",
            source_project=d.projects["p_school"],
            position=Position.PROJECT_MANAGER,
        )
    services.record_personnel_ban(
        actor=d.actor("housing_staff"),
        person=pm_a,
        reason="replaced",
        source_project=d.projects["p_school"],
        position=Position.PROJECT_MANAGER,
    )
    assert EventRecord.objects.filter(name="projects.personnel_ban_recorded").exists()
    ok, reasons = services.may_be_named(pm_a, Position.PROJECT_MANAGER, clock.today())
    assert not ok and "第一中学教学楼工程" in reasons[0]
    assert services.may_be_named(pm_a, Position.SAFETY_OFFICER, clock.today())[0]
    p = f.tendered_project(d)
    part = f.contract(d, p, "contractor_a", ParticipantRole.CONTRACTOR)
    with pytest.raises(ValidationFailed) as exc:
        services.assign_key_person(
            actor=d.actor("school_leader"),
            participant=part,
            person=pm_a,
            position=Position.PROJECT_MANAGER,
            started_on=clock.today(),
        )
    assert exc.value.code == "personnel_banned" and exc.value.basis.startswith("R-CHG-04")
    # The source project completes: the ban ends by itself.
    Project.objects.filter(pk=d.projects["p_school"].pk).update(status=S.COMPLETED)
    assert services.may_be_named(pm_a, Position.PROJECT_MANAGER, clock.today())[0]


def _neighbour_district_project(d):  # type: ignore[no-untyped-def]
    """A tendered project of another district (its own organisation tree)."""
    from postaward.orgs.choices import OrgKind
    from postaward.testing import org

    office = org(None, "邻区监管办", OrgKind.SUPERVISION_OFFICE)
    housing = org(office, "邻区住建局", OrgKind.INDUSTRY_AUTHORITY, industry=Industry.HOUSING)
    edu = org(office, "邻区教育局", OrgKind.SUPERIOR_UNIT)
    school = org(edu, "邻区实验小学", OrgKind.OWNER)
    return services.register_project(
        actor=SYSTEM,
        code="N-0001",
        name="邻区实验小学扩建工程",
        owner=school,
        industry=Industry.HOUSING,
        contract_amount=Decimal("9000000"),
        industry_authority=housing,
    )


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("tendered_same_district", False),
        ("direct_award", True),
        ("emergency", True),
        ("other_district_by_region_code", True),
        ("other_district_by_tree", True),
    ],
)
def test_r_chg_04_replaced_ban_covers_tendered_projects_of_the_district(d, target, allowed):
    # R-CHG-04 (SY 27(二)): "不得另行担任区内其他招投标项目相同岗位人员" — the
    # ban concerns tendered projects of the same district only (ADR 0107).
    pm_a = d.users["pm_a"].person
    services.record_personnel_ban(
        actor=d.actor("housing_staff"),
        person=pm_a,
        reason="replaced",
        source_project=d.projects["p_school"],
        position=Position.PROJECT_MANAGER,
    )
    if target == "tendered_same_district":
        p = f.tendered_project(d)
    elif target == "direct_award":
        p = f.direct_project(d)
    elif target == "emergency":
        p = f.direct_project(d, method=ProcurementMethod.EMERGENCY)
    elif target == "other_district_by_region_code":
        p = f.tendered_project(d)
        Project.objects.filter(pk=d.projects["p_school"].pk).update(region_code="330604")
        Project.objects.filter(pk=p.pk).update(region_code="330602")
        p.refresh_from_db()
    else:
        p = _neighbour_district_project(d)
    ok, reasons = services.may_be_named(pm_a, Position.PROJECT_MANAGER, clock.today(), project=p)
    assert ok is allowed
    assert bool(reasons) is not allowed
    if not allowed:
        assert "招投标项目" in reasons[0]
    # The same answer without a project: the region and procurement method of a bid.
    if target != "other_district_by_tree":
        assert (
            services.may_be_named(
                pm_a,
                Position.PROJECT_MANAGER,
                clock.today(),
                region_code=p.region_code,
                procurement_method=p.procurement_method,
            )[0]
            is allowed
        )
    if p.owner_id != d.orgs["school"].pk:
        return
    # Naming the person follows the same check (the replaced assignment has ended).
    KeyPersonAssignment.objects.filter(person=pm_a).update(ended_on=clock.today())
    part = f.contract(d, p, "contractor_a", ParticipantRole.CONTRACTOR)

    def name() -> KeyPersonAssignment:
        return services.assign_key_person(
            actor=d.actor("school_leader"),
            participant=part,
            person=pm_a,
            position=Position.PROJECT_MANAGER,
            started_on=clock.today(),
        )

    if allowed:
        assert name().project_id == p.pk
    else:
        with pytest.raises(ValidationFailed) as exc:
            name()
        assert exc.value.code == "personnel_banned"


def test_a_person_replaced_for_illness_is_barred_from_every_position_until_recovery(d):
    chief = d.users["chief_a"].person
    until = clock.today() + dt.timedelta(days=90)
    with pytest.raises(ValidationFailed, match="治疗恢复时间"):
        services.record_personnel_ban(
            actor=d.actor("office_staff"),
            person=chief,
            reason="illness",
            source_project=d.projects["p_school"],
        )
    services.record_personnel_ban(
        actor=d.actor("office_staff"),
        person=chief,
        reason="illness",
        source_project=d.projects["p_school"],
        until=until,
    )
    ban = PersonnelBan.objects.get()
    assert ban.position == ""
    for pos in Position.values:
        assert not services.may_be_named(chief, pos, until)[0]
    assert services.may_be_named(chief, Position.SUPERVISOR, until + dt.timedelta(days=1))[0]


# --- check-in duty (R-ATT-01, R-PRJ-09) ------------------------------------------------------------


def test_small_works_check_in_one_person_each_side(d):
    p = f.ready_project(d)  # small: PM and chief engineer, both checking in
    safety = f.name_person(d, p, Position.SAFETY_OFFICER)
    assert safety.must_check_in is False  # by default: the contractor's one is the PM
    with pytest.raises(ValidationFailed, match="R-PRJ-09"):
        services.set_checkin_duty(
            actor=d.actor("school_leader"), assignment=safety, must_check_in=True
        )
    with pytest.raises(ValidationFailed, match="R-PRJ-09"):
        f.name_person(d, p, Position.SUPERVISOR, must_check_in=True)
    pm = p.assignments.get(position=Position.PROJECT_MANAGER)
    services.set_checkin_duty(actor=d.actor("school_leader"), assignment=pm, must_check_in=False)
    services.set_checkin_duty(actor=d.actor("school_leader"), assignment=safety, must_check_in=True)
    with pytest.raises(Forbidden):
        services.set_checkin_duty(
            actor=d.actor("contractor_b_admin"), assignment=safety, must_check_in=False
        )


def test_technical_lead_and_specialist_check_in_only_in_their_stages(d, frozen):
    p = f.ready_project(d, small=False, amount="9000000")
    services.start_works(actor=d.actor("school_leader"), project=p)
    today = clock.today()
    due = selectors.required_checkin_positions(p, today)
    assert due == {
        Position.PROJECT_MANAGER,
        Position.SAFETY_OFFICER,
        Position.CHIEF_SUPERVISING_ENGINEER,
        Position.SUPERVISOR,
    }
    with pytest.raises(ValidationFailed):
        services.set_checkin_stage(
            actor=d.actor("school_leader"),
            project=p,
            position=Position.SAFETY_OFFICER,
            name="全程",
            starts_on=today,
            ends_on=today,
        )
    with pytest.raises(Forbidden):
        services.set_checkin_stage(
            actor=d.actor("contractor_b_admin"),
            project=p,
            position=Position.TECHNICAL_LEAD,
            name="主体",
            starts_on=today,
            ends_on=today,
        )
    services.set_checkin_stage(
        actor=d.actor("school_leader"),
        project=p,
        position=Position.TECHNICAL_LEAD,
        name="主体结构",
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=40),
    )
    with pytest.raises(ValidationFailed, match="重叠"):
        services.set_checkin_stage(
            actor=d.actor("school_leader"),
            project=p,
            position=Position.TECHNICAL_LEAD,
            name="重叠",
            starts_on=today + dt.timedelta(days=40),
            ends_on=today + dt.timedelta(days=50),
        )
    # Edges: the day before the stage, its first and last day, the day after.
    assert Position.TECHNICAL_LEAD not in selectors.required_checkin_positions(
        p, today + dt.timedelta(days=9)
    )
    assert Position.TECHNICAL_LEAD in selectors.required_checkin_positions(
        p, today + dt.timedelta(days=10)
    )
    assert Position.TECHNICAL_LEAD in selectors.required_checkin_positions(
        p, today + dt.timedelta(days=40)
    )
    assert Position.TECHNICAL_LEAD not in selectors.required_checkin_positions(
        p, today + dt.timedelta(days=41)
    )
    assert Position.SPECIALIST_ENGINEER not in selectors.required_checkin_positions(
        p, today + dt.timedelta(days=20)
    )
    # Before the start and after the end of an assignment nobody is due.
    assert selectors.assignments_due_on(p, today - dt.timedelta(days=1)) == []


def test_nobody_is_due_before_start_or_after_completion(d, frozen):
    p = f.ready_project(d)
    assert selectors.assignments_due_on(p, clock.today()) == []
    services.start_works(actor=d.actor("school_leader"), project=p)
    assert len(selectors.assignments_due_on(p, clock.today())) == 2
    frozen.shift(dt.timedelta(days=30))
    services.complete_works(actor=d.actor("school_leader"), project=p)
    assert selectors.assignments_due_on(p, clock.today()) != []  # the completion day itself
    assert selectors.assignments_due_on(p, clock.today() + dt.timedelta(days=1)) == []


# --- subcontracts (R-PRJ-08) ------------------------------------------------------------------------


def _sub(d, p, user="contractor_b_admin", **kw):  # type: ignore[no-untyped-def]
    from postaward.testing import uscc

    part = p.participants.get(role=ParticipantRole.CONTRACTOR)
    return services.register_subcontract(
        actor=d.actor(user),
        participant=part,
        subcontractor_name=kw.pop("name", "丙劳务有限公司"),
        subcontractor_uscc=kw.pop("code", uscc()),
        scope="主体结构劳务分包",
        signed_on=clock.today(),
        upload=f.pdf("分包合同.pdf"),
        **kw,
    )


def test_subcontract_only_where_the_contract_allows(d):
    p = f.started_project(d)  # the contractor's contract allows subcontracting
    with pytest.raises(Forbidden):
        _sub(d, p, user="school_leader")
    with pytest.raises(ValidationFailed):
        _sub(d, p, code="91330604MA0000057X")
    with pytest.raises(ValidationFailed, match="总承包单位本身"):
        _sub(d, p, code=d.orgs["contractor_b"].uscc)
    s = _sub(d, p, amount=Decimal("800000"))
    assert s.document.category == DocumentCategory.SUBCONTRACT
    part = p.participants.get(role=ParticipantRole.CONTRACTOR)
    services.upload_contract(
        actor=d.actor("school_leader"), participant=part, upload=f.pdf(), allows_subcontract=False
    )
    with pytest.raises(ValidationFailed) as exc:
        _sub(d, p)
    assert exc.value.code == "subcontract_not_allowed"


# --- interview (R-PRJ-11) --------------------------------------------------------------------------


def test_interview_covers_every_topic_with_owner_and_winner_present(d):
    p = f.tendered_project(d)
    contractor = f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    base = {
        "actor": d.actor("school_leader"),
        "project": p,
        "held_on": clock.today(),
        "upload": f.pdf(),
    }
    owner_att = {"organisation_id": p.owner_id, "name": "张校长"}
    winner_att = {
        "organisation_id": contractor.organisation_id,
        "name": "李经理",
        "title": "项目经理",
    }
    with pytest.raises(ValidationFailed, match="农民工工资支付"):
        services.record_interview(
            **base,
            attendees=[owner_att, winner_att],
            topics=[t for t in InterviewTopic.values if t != "wages"],
        )
    with pytest.raises(ValidationFailed, match="中标施工单位"):
        services.record_interview(
            **{**base, "upload": f.pdf()}, attendees=[owner_att], topics=InterviewTopic.values
        )
    outsider = {"organisation_id": d.orgs["hospital"].pk, "name": "王某"}
    with pytest.raises(ValidationFailed, match="相关单位"):
        services.record_interview(
            **{**base, "upload": f.pdf()},
            attendees=[owner_att, winner_att, outsider],
            topics=InterviewTopic.values,
        )
    # The authority may record it too (HC: the authority talks to the winner).
    iv = services.record_interview(
        **{**base, "actor": d.actor("housing_staff"), "upload": f.pdf()},
        attendees=[owner_att, winner_att],
        topics=InterviewTopic.values,
    )
    assert iv.attendees[1]["organisation"] == d.orgs["contractor_b"].name
    assert iv.record_document.category == DocumentCategory.INTERVIEW_RECORD
    with pytest.raises(Conflict):  # after the start it is too late
        f.interview(d, d.projects["p_school"])


# --- abnormal award events (R-PRJ-12) -----------------------------------------------------------------


def test_abnormal_award_event_filed_or_flagged_by_the_authority(d):
    p = f.tendered_project(d)
    e = services.record_abnormal_event(
        actor=d.actor("school_leader"),
        project=p,
        kind="winner_abandoned",
        occurred_on=clock.today(),
        party_name="乙建设有限公司",
        reason="中标人称资金困难放弃中标",
    )
    assert Todo.objects.get(key=f"projects.abnormal.{e.pk}").organisation == d.orgs["housing"]
    with pytest.raises(Forbidden):
        services.review_abnormal_event(actor=d.actor("school_admin"), event=e, valid_reason=True)
    with pytest.raises(ValidationFailed):  # no valid reason must be explained
        services.review_abnormal_event(actor=d.actor("housing_staff"), event=e, valid_reason=False)
    services.review_abnormal_event(
        actor=d.actor("housing_staff"), event=e, valid_reason=False, note="未提供正当理由，依法查处"
    )
    e.refresh_from_db()
    assert e.state == AbnormalAwardState.FLAGGED
    flagged = EventRecord.objects.get(name="projects.abnormal_award_flagged").payload
    assert flagged["kind"] == "winner_abandoned" and flagged["reviewed_by_org"] == "测试区住建局"
    with pytest.raises(Conflict):
        services.review_abnormal_event(actor=d.actor("housing_staff"), event=e, valid_reason=True)
    e2 = services.record_abnormal_event(
        actor=d.actor("school_leader"),
        project=p,
        kind="signing_delayed",
        occurred_on=clock.today(),
        reason="预算调整推迟签约",
    )
    services.review_abnormal_event(actor=d.actor("office_staff"), event=e2, valid_reason=True)
    assert EventRecord.objects.filter(name="projects.abnormal_award_flagged").count() == 1


def test_abnormal_events_are_recorded_before_start(d):
    with pytest.raises(Conflict):
        services.record_abnormal_event(
            actor=d.actor("school_leader"),
            project=d.projects["p_school"],
            kind="signing_delayed",
            occurred_on=clock.today(),
            reason="开工后不适用",
        )


# --- documents ----------------------------------------------------------------------------------------


def test_who_uploads_which_document(d):
    p = d.projects["p_school"]
    f.uploaded(d, p, DocumentCategory.MANAGEMENT_RULES)
    f.uploaded(d, p, DocumentCategory.INTERVIEW_RECORD, user="housing_staff")
    with pytest.raises(Forbidden):
        f.uploaded(d, p, DocumentCategory.MANAGEMENT_RULES, user="housing_staff")
    with pytest.raises(Forbidden):
        f.uploaded(d, p, DocumentCategory.SUBCONTRACT, user="school_leader")
    assert p.timeline.filter(node="document.management_rules").exists()


def test_a_document_of_another_project_cannot_be_referenced(d):
    p = f.ready_project(d)
    other = f.uploaded(
        d, d.projects["p_school"], DocumentCategory.TERMINATION_REPORT, user="school_admin"
    )
    with pytest.raises(ValidationFailed, match="不属于本项目"):
        services.terminate_project(
            actor=d.actor("school_admin"), project=p, reason="测试终止原因", document=other
        )
    wrong_kind = f.uploaded(d, p, DocumentCategory.MANAGEMENT_RULES)
    with pytest.raises(ValidationFailed, match="类别应为"):
        services.terminate_project(
            actor=d.actor("school_admin"), project=p, reason="测试终止原因", document=wrong_kind
        )


_ = workflows
