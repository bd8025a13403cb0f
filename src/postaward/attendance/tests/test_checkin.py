"""Check-in: server time, duty, geofence, idempotency, refusals stored (R-ATT-01, R-ATT-04, R-PRJ-07, R-PRJ-09)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from postaward.attendance.choices import DayStatus, Refusal, Review
from postaward.attendance.models import CheckIn, NonConstructionPeriod
from postaward.core import clock
from postaward.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from postaward.projects.choices import Position, ProjectStatus
from postaward.projects.models import CheckinStage, KeyPersonAssignment
from postaward.testing_factories import LeaveRequestFactory, SuspensionFactory

from .conftest import SITE, local

pytestmark = pytest.mark.django_db


def test_inside_the_fence_is_accepted_with_server_time(checkin):  # R-ATT-01
    client_time = local(2026, 3, 10, 7, 55)
    r = checkin("pm_a", local(2026, 3, 10, 8, 0), client_at=client_time)
    c = r.checkin
    assert c.accepted and not c.refusal
    assert c.at == local(2026, 3, 10, 8, 0)  # the server decides
    assert c.client_at == client_time  # recorded, not trusted
    assert c.local_date == dt.date(2026, 3, 10)
    assert c.distance_m == 0


def test_outside_the_fence_is_stored_as_refused(checkin):  # R-ATT-01
    r = checkin("pm_a", local(2026, 3, 10, 8), lon=SITE[0] + 0.01)  # ~960 m east
    c = CheckIn.objects.get(pk=r.checkin.pk)
    assert not c.accepted and c.refusal == Refusal.OUT_OF_FENCE
    assert "超出允许范围" in c.refusal_detail


def test_retry_with_the_same_key_stores_one_check_in(checkin):
    first = checkin("pm_a", local(2026, 3, 10, 8), key="retry-1")
    again = checkin("pm_a", local(2026, 3, 10, 8, 0, 5), key="retry-1")
    assert again.replayed and again.checkin.pk == first.checkin.pk
    assert CheckIn.objects.filter(idempotency_key="retry-1").count() == 1


def test_same_key_with_another_position_is_a_conflict(checkin):
    checkin("pm_a", local(2026, 3, 10, 8), key="retry-2")
    with pytest.raises(Conflict):
        checkin("pm_a", local(2026, 3, 10, 8, 1), key="retry-2", lon=SITE[0] + 0.001)


def test_a_person_without_a_position_on_the_project_gets_not_found(checkin):
    with pytest.raises(NotFound):
        checkin("pm_a", local(2026, 3, 10, 8), project="p_hospital")


def test_an_account_without_a_person_cannot_check_in(district):
    from postaward.attendance import services
    from postaward.core.actor import SYSTEM

    with pytest.raises(Forbidden):
        services.check_in(
            actor=SYSTEM,
            project_id=district.projects["p_school"].pk,
            lon=SITE[0],
            lat=SITE[1],
            accuracy_m=5,
            idempotency_key="x",
        )


def test_suspended_project_refuses(district, checkin):  # R-PRJ-07
    p = district.projects["p_school"]
    type(p).objects.filter(pk=p.pk).update(status=ProjectStatus.SUSPENDED)
    r = checkin("pm_a", local(2026, 3, 10, 8))
    assert not r.checkin.accepted and r.checkin.refusal == Refusal.SUSPENDED


def test_project_not_yet_started_refuses(district, checkin):
    p = district.projects["p_school"]
    type(p).objects.filter(pk=p.pk).update(status=ProjectStatus.PREPARING)
    r = checkin("pm_a", local(2026, 3, 10, 8))
    assert r.checkin.refusal == Refusal.PROJECT_NOT_ACTIVE


def test_non_construction_day_refuses(district, checkin):  # R-ATT-03
    NonConstructionPeriod.objects.create(
        project=district.projects["p_school"],
        starts_on=dt.date(2026, 3, 10),
        ends_on=dt.date(2026, 3, 12),
        reason="停电检修",
        declared_at=clock.now(),
        declared_by_name="t",
    )
    r = checkin("pm_a", local(2026, 3, 11, 8))
    assert (
        r.checkin.refusal == Refusal.NON_CONSTRUCTION_DAY and "停电检修" in r.checkin.refusal_detail
    )


def test_leave_day_refuses(district, checkin):  # R-ATT-05
    a = KeyPersonAssignment.objects.get(person=district.users["pm_a"].person)
    LeaveRequestFactory(assignment=a, starts_on=dt.date(2026, 3, 10), requested_by_name="pm_a")
    assert checkin("pm_a", local(2026, 3, 10, 8)).checkin.refusal == Refusal.ON_LEAVE


def test_staged_position_checks_in_only_within_the_owner_stage(district, checkin):  # R-ATT-01
    from postaward.core.actor import SYSTEM

    p = district.projects["p_school"]
    part = p.participants.get(role="contractor")
    person = district.users["pm_a"].person.__class__.objects.create(
        organisation=part.organisation, name="技术负责人甲"
    )
    KeyPersonAssignment.objects.create(
        project=p,
        participant=part,
        person=person,
        position=Position.TECHNICAL_LEAD,
        started_on=p.actual_start,
    )
    CheckinStage.objects.create(
        project=p,
        position=Position.TECHNICAL_LEAD,
        name="主体结构",
        starts_on=dt.date(2026, 3, 10),
        ends_on=dt.date(2026, 3, 20),
        set_by_name="owner",
        set_at=clock.now(),
    )
    from postaward.orgs.services import create_account

    user, _ = create_account(
        actor=SYSTEM,
        organisation=part.organisation,
        username="tl",
        roles=["technical_lead"],
        person=person,
        password="Test@2026pw",
        must_change_password=False,
    )
    district.users["tl"] = user
    assert (
        checkin("tl", local(2026, 3, 9, 8)).checkin.refusal == Refusal.NOT_REQUIRED_TODAY
    )  # before the stage
    assert checkin("tl", local(2026, 3, 10, 8)).checkin.accepted  # first day of the stage
    assert checkin("tl", local(2026, 3, 20, 8)).checkin.accepted  # last day
    assert (
        checkin("tl", local(2026, 3, 21, 8)).checkin.refusal == Refusal.NOT_REQUIRED_TODAY
    )  # after


SMALL_SITE = (120.88, 30.03)  # about 1 km east of p_school


def _small_works_project(district):
    """A real small works project (限额以下, below the 4 million quota) with a
    project manager and a safety officer of the contractor and a chief
    supervising engineer, each named through the projects services."""
    from postaward.core.actor import SYSTEM
    from postaward.orgs.choices import Industry, Role
    from postaward.projects import services as project_services
    from postaward.projects.choices import ParticipantRole
    from postaward.testing import account

    o = district.orgs
    start = dt.date(2026, 3, 2)
    p = project_services.register_project(
        actor=SYSTEM,
        code="T-0009",
        name="第一中学围墙修缮工程",
        owner=o["school"],
        industry=Industry.HOUSING,
        contract_amount=Decimal("1800000.00"),
        is_small_works=True,
        industry_authority=o["housing"],
        owner_leader=district.users["school_leader"].person,
        status=ProjectStatus.UNDER_CONSTRUCTION,
        actual_start=start,
        site_kind="circle",
        site_lon=SMALL_SITE[0],
        site_lat=SMALL_SITE[1],
        site_radius_m=100.0,
    )
    district.projects["p_small"] = p
    contractor = project_services.add_participant(
        actor=SYSTEM, project=p, organisation=o["contractor_a"], role=ParticipantRole.CONTRACTOR
    )
    supervisor = project_services.add_participant(
        actor=SYSTEM,
        project=p,
        organisation=o["supervisor_a"],
        role=ParticipantRole.SUPERVISING_FIRM,
    )
    named = {}
    for username, part, org_key, position in [
        ("pm_small", contractor, "contractor_a", Position.PROJECT_MANAGER),
        ("safety_small", contractor, "contractor_a", Position.SAFETY_OFFICER),
        ("chief_small", supervisor, "supervisor_a", Position.CHIEF_SUPERVISING_ENGINEER),
    ]:
        user = account(o[org_key], username, [Role(position.value)])
        district.users[username] = user
        named[username] = project_services.assign_key_person(
            actor=SYSTEM, participant=part, person=user.person, position=position, started_on=start
        )
    return p, named


def test_small_works_only_the_designated_person_checks_in(district, checkin):  # R-PRJ-09, R-ATT-01
    from postaward.attendance import services
    from postaward.attendance.models import AttendanceDay, MonthlyAttendance
    from postaward.projects import services as project_services

    p, named = _small_works_project(district)
    assert p.is_small_works
    # The first person named on each side checks in; the second does not by default.
    assert named["pm_small"].must_check_in and named["chief_small"].must_check_in
    assert not named["safety_small"].must_check_in
    owner = district.actor("school_leader")
    with pytest.raises(ValidationFailed) as exc:  # one person per side, not two
        project_services.set_checkin_duty(
            actor=owner, assignment=named["safety_small"], must_check_in=True
        )
    assert "R-PRJ-09" in exc.value.message
    # The owner designates the safety officer instead of the project manager.
    project_services.set_checkin_duty(
        actor=owner, assignment=named["pm_small"], must_check_in=False
    )
    project_services.set_checkin_duty(
        actor=owner, assignment=named["safety_small"], must_check_in=True
    )

    here = {"project": "p_small", "lon": SMALL_SITE[0], "lat": SMALL_SITE[1]}
    r = checkin("pm_small", local(2026, 3, 10, 8), **here)
    assert r.checkin.refusal == Refusal.NOT_ASSIGNED and "无须考勤" in r.checkin.refusal_detail
    assert checkin("safety_small", local(2026, 3, 10, 8), **here).checkin.accepted
    assert checkin("safety_small", local(2026, 3, 10, 13), **here).checkin.accepted
    assert checkin("chief_small", local(2026, 3, 10, 8, 5), **here).checkin.accepted

    with time_machine.travel(local(2026, 3, 11, 0, 30), tick=False):
        services.close_day(dt.date(2026, 3, 10), project_ids=[p.pk])
    days = dict(
        AttendanceDay.objects.filter(project=p, date=dt.date(2026, 3, 10)).values_list(
            "assignment_id", "status"
        )
    )  # the project manager, not designated, has no day at all
    assert days == {
        named["safety_small"].pk: DayStatus.VALID,
        named["chief_small"].pk: DayStatus.INVALID,
    }

    with time_machine.travel(local(2026, 4, 1, 2), tick=False):
        services.close_month(dt.date(2026, 3, 1), project_ids=[p.pk])
    months = {
        m.person_id: (m.valid_days, m.construction_days)
        for m in MonthlyAttendance.objects.filter(project=p, month=dt.date(2026, 3, 1))
    }
    # Only the two designated people have a rate; March runs 03-02..03-31.
    assert months == {
        named["safety_small"].person_id: (1, 30),
        named["chief_small"].person_id: (0, 30),
    }


def test_mock_location_is_accepted_but_listed_for_review(checkin):  # R-ATT-04
    r = checkin("pm_a", local(2026, 3, 10, 8), mock_location=True)
    assert r.checkin.accepted and r.checkin.review == Review.PENDING
    assert r.checkin.signals[0]["code"] == "mock_location"


def test_one_phone_for_two_people_is_suspicious(checkin):  # R-ATT-04
    checkin("pm_a", local(2026, 3, 10, 8), device_id="phone-1")
    r = checkin("chief_a", local(2026, 3, 10, 8, 2), device_id="phone-1")
    assert r.checkin.review == Review.PENDING
    assert any(s["code"] == "shared_device" for s in r.checkin.signals)


def test_a_replayed_request_and_its_coordinates_are_recognised(checkin):  # R-ATT-04
    """The person's earlier check-ins are read back (newest first) for the signals."""
    sent = local(2026, 3, 10, 7, 59, 30)
    pos = {"lon": 120.8701234, "lat": 30.0301234}
    checkin("pm_a", local(2026, 3, 9, 8), lon=120.8702, lat=30.0302, device_id="p")
    first = checkin("pm_a", local(2026, 3, 10, 8), client_at=sent, device_id="p", **pos)
    assert first.checkin.review == Review.NONE and first.checkin.signals == []
    again = checkin("pm_a", local(2026, 3, 10, 13), client_at=sent, device_id="p", **pos)
    codes = [s["code"] for s in again.checkin.signals]
    assert codes == ["clock_skew", "repeated_coordinates", "replay"]
    assert "07:59" not in again.checkin.signals[1]["explanation"]  # names the earlier check-in
    assert "03-10 08:00" in again.checkin.signals[1]["explanation"]
    assert again.checkin.review == Review.PENDING and again.checkin.suspicion_score == 140


def test_refused_far_away_then_accepted_here_within_minutes_is_flagged(checkin):  # R-ATT-04
    far = checkin("pm_a", local(2026, 3, 10, 8, 0), lon=SITE[0] + 0.31)  # ~30 km east
    assert far.checkin.refusal == Refusal.OUT_OF_FENCE
    here = checkin("pm_a", local(2026, 3, 10, 8, 10)).checkin
    assert here.accepted
    travel = [s for s in here.signals if s["code"] == "impossible_travel"]
    assert travel and "10 分钟" in travel[0]["explanation"]
    assert here.review == Review.PENDING


def test_a_polygon_site_is_a_fence_too(district, checkin):  # R-ATT-01
    p = district.projects["p_school"]
    ring = [[120.869, 30.029], [120.871, 30.029], [120.871, 30.031], [120.869, 30.031]]
    type(p).objects.filter(pk=p.pk).update(site_kind="polygon", site_polygon=ring)
    inside = checkin("pm_a", local(2026, 3, 10, 8), lon=120.8705, lat=30.0305)
    assert inside.checkin.accepted and inside.checkin.distance_m == 0
    # About 96 m east of the eastern edge: beyond 30 m + 8.5 m.
    outside = checkin("pm_a", local(2026, 3, 10, 8, 5), lon=120.872, lat=30.030)
    assert outside.checkin.refusal == Refusal.OUT_OF_FENCE
    assert 90 < outside.checkin.distance_m < 100


def test_suspension_confirmed_mid_day_pauses_duty(district, checkin):  # R-PRJ-07
    p = district.projects["p_school"]
    SuspensionFactory(project=p, started_at=local(2026, 3, 10, 9), reason="暴雨")
    type(p).objects.filter(pk=p.pk).update(status=ProjectStatus.SUSPENDED)
    assert checkin("pm_a", local(2026, 3, 10, 14)).checkin.refusal == Refusal.SUSPENDED
