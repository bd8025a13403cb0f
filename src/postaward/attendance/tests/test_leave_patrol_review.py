"""Leave (R-ATT-05), patrols (R-ATT-06), review of suspicious check-ins (R-ATT-04),
and anchoring of check-ins into the audit chain (R-REP-04)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.attendance import services
from postaward.attendance.choices import DayStatus, InterviewKind, LeaveState, Review
from postaward.attendance.models import AttendanceDay, AttendanceInterview, CheckIn
from postaward.core import audit
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import EventRecord, Todo
from postaward.projects.models import KeyPersonAssignment

from .conftest import SITE, local

pytestmark = pytest.mark.django_db


def pdf(name="form.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def pm(district):
    return KeyPersonAssignment.objects.get(person=district.users["pm_a"].person)


def test_leave_must_be_requested_before_the_day(district, pm):  # R-ATT-05
    with time_machine.travel(local(2026, 3, 10, 7), tick=False):
        with pytest.raises(ValidationFailed) as exc:
            services.request_leave(
                actor=district.actor("pm_a"),
                assignment=pm,
                starts_on=dt.date(2026, 3, 10),
                ends_on=dt.date(2026, 3, 10),
                reason="病假",
            )
        assert "事先" in exc.value.message
        leave = services.request_leave(
            actor=district.actor("pm_a"),
            assignment=pm,
            starts_on=dt.date(2026, 3, 11),
            ends_on=dt.date(2026, 3, 12),
            reason="病假",
        )
    assert leave.state == LeaveState.PENDING and leave.days == 2
    todo = Todo.objects.get(key=f"attendance.leave:{leave.pk}")
    assert todo.organisation == district.orgs["school"]


def test_leave_approval_needs_the_owner_and_both_documents(district, pm):  # R-ATT-05
    with time_machine.travel(local(2026, 3, 10, 7), tick=False):
        leave = services.request_leave(
            actor=district.actor("pm_a"),
            assignment=pm,
            starts_on=dt.date(2026, 3, 11),
            ends_on=dt.date(2026, 3, 11),
            reason="病假",
        )
        with pytest.raises(Forbidden):  # the contractor's own admin is not the owner
            services.decide_leave(
                actor=district.actor("contractor_a_admin"),
                leave=leave,
                approve=True,
                approval_form=pdf(),
                evidence=pdf(),
            )
        with pytest.raises(ValidationFailed):  # no evidence
            services.decide_leave(
                actor=district.actor("school_leader"),
                leave=leave,
                approve=True,
                approval_form=pdf(),
            )
        services.decide_leave(
            actor=district.actor("school_leader"),
            leave=leave,
            approve=True,
            approval_form=pdf(),
            evidence=pdf("hospital.pdf"),
        )
        with pytest.raises(Conflict):
            services.decide_leave(
                actor=district.actor("school_admin"), leave=leave, approve=False, note="x"
            )
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED and leave.approval_form.name and leave.evidence.name
    assert not Todo.objects.filter(key=f"attendance.leave:{leave.pk}", state="open").exists()
    with time_machine.travel(local(2026, 3, 12, 1), tick=False):
        services.close_day(dt.date(2026, 3, 11))
    assert (
        AttendanceDay.objects.get(assignment=pm, date=dt.date(2026, 3, 11)).status
        == DayStatus.LEAVE
    )


def _patrol(district, minutes_inside: float, *, start=None):
    start = start or local(2026, 3, 10, 9)
    actor = district.actor("school_leader")
    p = district.projects["p_school"]
    with time_machine.travel(start, tick=False):
        patrol = services.start_patrol(actor=actor, project=p)
    t = start
    step = dt.timedelta(minutes=minutes_inside) / 4
    for _ in range(5):
        with time_machine.travel(t, tick=False):
            services.add_patrol_point(
                actor=actor, patrol=patrol, lon=SITE[0], lat=SITE[1], accuracy_m=6
            )
        t += step
    with time_machine.travel(t, tick=False):
        return services.end_patrol(actor=actor, patrol=patrol, note="检查钢筋绑扎")


def test_a_patrol_is_valid_only_beyond_ten_minutes_on_site(district):  # R-ATT-06
    assert not _patrol(district, 10).valid  # exactly 10 minutes is not "more than 10"
    assert _patrol(district, 10.5, start=local(2026, 3, 11, 9)).valid


def test_only_the_project_leader_patrols(district):  # R-ATT-06
    with pytest.raises(Forbidden):
        services.start_patrol(
            actor=district.actor("school_admin"), project=district.projects["p_school"]
        )


def test_seven_days_without_a_valid_patrol_is_overdue(district):  # R-ATT-06
    # p_school started 2026-03-02; a valid patrol on 03-03 → overdue on 03-10, not on 03-09.
    _patrol(district, 15, start=local(2026, 3, 3, 9))
    with time_machine.travel(local(2026, 3, 10, 1), tick=False):
        services.close_day(dt.date(2026, 3, 9))
    assert not EventRecord.objects.filter(name="attendance.patrol_overdue").exists()
    with time_machine.travel(local(2026, 3, 11, 1), tick=False):
        services.close_day(dt.date(2026, 3, 10))
    evt = EventRecord.objects.get(name="attendance.patrol_overdue")
    assert evt.payload["days_without"] == 7
    assert Todo.objects.filter(
        key=f"attendance.patrol:{district.projects['p_school'].pk}", state="open"
    ).exists()
    _patrol(district, 12, start=local(2026, 3, 11, 10))  # a valid patrol closes the to-do
    assert not Todo.objects.filter(
        key=f"attendance.patrol:{district.projects['p_school'].pk}", state="open"
    ).exists()


def _overdue_events(district):
    return EventRecord.objects.filter(
        name="attendance.patrol_overdue", payload__project_id=district.projects["p_school"].pk
    )


def _close(day):
    with time_machine.travel(
        local(day.year, day.month, day.day, 23, 59) + dt.timedelta(minutes=31), tick=False
    ):
        services.close_day(day)


def test_patrol_overdue_without_positions_that_check_in_once_per_period(district):  # R-ATT-06
    p = district.projects["p_school"]
    KeyPersonAssignment.objects.filter(project=p).update(must_check_in=False)
    # Works started 2026-03-02 and no patrol since: overdue on 03-09.
    _close(dt.date(2026, 3, 8))
    assert not _overdue_events(district).exists()
    _close(dt.date(2026, 3, 9))
    _close(dt.date(2026, 3, 9))  # re-closing the day emits nothing twice
    _close(dt.date(2026, 3, 10))  # the same 7-day period
    evt = _overdue_events(district).get()
    assert evt.payload["days_without"] == 7 and evt.payload["last_valid_patrol"] is None
    todo = Todo.objects.get(key=f"attendance.patrol:{p.pk}", state="open")
    _close(dt.date(2026, 3, 16))  # a second period without a patrol: a second event
    assert sorted(e.payload["days_without"] for e in _overdue_events(district)) == [7, 14]
    assert Todo.objects.filter(key=f"attendance.patrol:{p.pk}", state="open").get() == todo


def _open_patrol(district, start, minutes_inside):
    """A patrol whose leader never pressed "end"."""
    actor = district.actor("school_leader")
    with time_machine.travel(start, tick=False):
        patrol = services.start_patrol(actor=actor, project=district.projects["p_school"])
    for i in range(5):
        with time_machine.travel(start + dt.timedelta(minutes=minutes_inside) * i / 4, tick=False):
            services.add_patrol_point(
                actor=actor, patrol=patrol, lon=SITE[0], lat=SITE[1], accuracy_m=6
            )
    return patrol


def test_the_daily_closing_ends_a_patrol_left_open(district):  # R-ATT-06
    from postaward.attendance.models import Patrol
    from postaward.core.models import AuditRecord

    patrol = _open_patrol(district, local(2026, 3, 5, 9), 15)
    # Still running while the day is not over: left alone.
    with time_machine.travel(local(2026, 3, 5, 18), tick=False):
        services.close_day(dt.date(2026, 3, 5))
    assert Patrol.objects.get(pk=patrol.pk).ended_at is None
    _close(dt.date(2026, 3, 5))
    p = Patrol.objects.get(pk=patrol.pk)
    # Ended at its last track point and judged by its track: 15 minutes on site.
    assert p.ended_at == local(2026, 3, 5, 9, 15) and p.valid
    assert "自动结束" in p.note
    assert AuditRecord.objects.filter(action="attendance.auto_end_patrol").count() == 1
    _close(dt.date(2026, 3, 5))  # idempotent
    assert AuditRecord.objects.filter(action="attendance.auto_end_patrol").count() == 1
    # It counts as the week's patrol: overdue 7 days later, not before.
    _close(dt.date(2026, 3, 11))
    assert not _overdue_events(district).exists()
    _close(dt.date(2026, 3, 12))
    assert _overdue_events(district).get().payload["days_without"] == 7
    # The leader can patrol again, and a short forgotten patrol is not valid.
    short = _open_patrol(district, local(2026, 3, 13, 9), 5)
    _close(dt.date(2026, 3, 13))
    assert not Patrol.objects.get(pk=short.pk).valid


def test_a_patrol_reporting_past_midnight_is_left_to_the_next_closing(district):  # R-ATT-06
    from postaward.attendance.models import Patrol

    patrol = _open_patrol(district, local(2026, 3, 5, 23, 50), 20)  # last point 00:10
    _close(dt.date(2026, 3, 5))
    assert Patrol.objects.get(pk=patrol.pk).ended_at is None
    _close(dt.date(2026, 3, 6))
    p = Patrol.objects.get(pk=patrol.pk)
    assert p.ended_at == local(2026, 3, 6, 0, 10) and p.valid


def test_a_late_re_closing_does_not_ask_for_a_patrol_already_made(district):  # R-ATT-06
    _patrol(district, 15, start=local(2026, 3, 12, 9))
    with time_machine.travel(local(2026, 3, 15, 10), tick=False):  # 03-10 re-closed later
        services.close_day(dt.date(2026, 3, 10))
    # 03-10 was 8 days without a patrol (the breach is published), but the leader
    # has patrolled since: no to-do asks for it.
    assert _overdue_events(district).get().payload["days_without"] == 8
    assert not Todo.objects.filter(
        key=f"attendance.patrol:{district.projects['p_school'].pk}", state="open"
    ).exists()


def test_confirmed_cheat_stops_counting_and_raises_an_event(district, checkin, pm):  # R-ATT-04
    first = checkin("pm_a", local(2026, 3, 10, 8), mock_location=True).checkin
    checkin("pm_a", local(2026, 3, 10, 13))
    with time_machine.travel(local(2026, 3, 11, 1), tick=False):
        services.close_day(dt.date(2026, 3, 10))
    assert (
        AttendanceDay.objects.get(assignment=pm, date=dt.date(2026, 3, 10)).status
        == DayStatus.VALID
    )
    with time_machine.travel(local(2026, 3, 11, 9), tick=False):
        with pytest.raises(Forbidden):
            services.review_checkin(
                actor=district.actor("contractor_a_admin"), checkin=first, confirm=True, note="x"
            )
        with pytest.raises(ValidationFailed):
            services.review_checkin(
                actor=district.actor("school_leader"), checkin=first, confirm=True
            )
        services.review_checkin(
            actor=district.actor("school_leader"),
            checkin=first,
            confirm=True,
            note="现场核实当日未到岗",
        )
    first.refresh_from_db()
    assert first.review == Review.CONFIRMED
    # the day is re-closed without the cheating check-in
    assert (
        AttendanceDay.objects.get(assignment=pm, date=dt.date(2026, 3, 10)).status
        == DayStatus.INVALID
    )
    evt = EventRecord.objects.get(name="attendance.cheat_confirmed")
    assert evt.payload["organisation_id"] == district.orgs["contractor_a"].pk
    assert AttendanceInterview.objects.filter(kind=InterviewKind.CHEAT).exists()


def test_check_ins_are_anchored_and_a_single_altered_one_is_detected(district, checkin):  # R-REP-04
    for h in (8, 12, 16):
        checkin("pm_a", local(2026, 3, 10, h))
    assert services.anchor_pending(actor=district.actor("office_admin")) == 3
    assert services.verify_anchors() == (True, "")
    assert audit.verify().ok
    c = CheckIn.objects.order_by("id")[1]
    CheckIn.objects.filter(pk=c.pk).update(
        at=c.at - dt.timedelta(hours=1)
    )  # move one check-in earlier
    ok, message = services.verify_anchors()
    assert not ok and f"#{c.pk}" in message
