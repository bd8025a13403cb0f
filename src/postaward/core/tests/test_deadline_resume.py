"""Pausing and resuming a clock (R-PRJ-07) under the Civil Code periods
(R-CAL-01): on resumption the days left are counted in the clock's own unit from
the day of resumption, so a period still ends at 24:00 of a day, and a
calendar-day period still rolls off a rest day."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import business_calendar as bc
from postaward.core import clock, deadlines
from postaward.core.models import Deadline

pytestmark = pytest.mark.django_db

CD = bc.Unit.CALENDAR_DAYS
WD = bc.Unit.WORKING_DAYS


def local(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def project(district):
    return district.projects["p_school"]


def open_for(project, *, start, length, unit, **kw):
    return deadlines.open_deadline(
        kind="test.resume",
        subject=project,
        length=length,
        unit=unit,
        basis="测试依据",
        organisation_id=project.owner_id,
        project_id=project.pk,
        start=start,
        **kw,
    )


def fresh(d):
    return Deadline.objects.get(pk=d.pk)


def test_r_prj_07_calendar_clock_across_a_suspension_spanning_national_day(project):
    """20 calendar days from 09-14 end on 10-04 (a holiday, rolled to 10-08).
    Paused on 09-20 at 10:00 with 14 days left; resumed on 10-06 at 15:00 (during
    the holiday): 14 days from 10-06 is Tuesday 10-20, due at 24:00, not 15:00."""
    d = open_for(project, start=local(2026, 9, 14, 10), length=20, unit=CD)
    assert d.nominal_end == dt.date(2026, 10, 4)
    assert d.due_at == local(2026, 10, 9)  # rolled to 10-08, 24:00
    deadlines.pause_project(project.pk, local(2026, 9, 20, 10))
    deadlines.resume_project(project.pk, local(2026, 10, 6, 15))
    d = fresh(d)
    # 14 days were left after 09-20; from 10-06 (a holiday) that is Tuesday 10-20
    assert d.due_at == local(2026, 10, 21)
    assert deadlines.roll_note(d) == ""
    assert clock.localtime(d.due_at).time() == dt.time(0, 0)


def test_r_cal_01_resumed_calendar_clock_whose_new_end_is_a_holiday_is_rolled(project):
    d = open_for(project, start=local(2026, 9, 1, 9), length=10, unit=CD)  # ends Fri 09-11
    assert d.due_at == local(2026, 9, 12) and deadlines.roll_note(d) == ""
    deadlines.pause_project(project.pk, local(2026, 9, 5, 16))
    deadlines.resume_project(project.pk, local(2026, 9, 28, 11))
    d = fresh(d)
    # 6 days left after 09-05; from 09-28 that is 10-04, in the National Day holiday
    assert d.nominal_end == dt.date(2026, 10, 4)
    assert d.due_at == local(2026, 10, 9)
    assert deadlines.roll_note(d) == "原届满 10-04 为法定节假日，顺延至 10-08"
    assert deadlines.show(d).roll_note == "原届满 10-04 为法定节假日，顺延至 10-08"


def test_r_prj_07_working_day_clock_resumed_mid_day_still_ends_at_24_00(project):
    # 5 working days from Monday 09-07: 09-08..09-11, 09-14 → due 09-15 00:00
    d = open_for(project, start=local(2026, 9, 7, 9), length=5, unit=WD)
    assert d.due_at == local(2026, 9, 15)
    deadlines.pause_project(project.pk, local(2026, 9, 9, 14, 30))  # 09-08, 09-09 used
    deadlines.resume_project(project.pk, local(2026, 9, 30, 9, 45))  # before National Day
    d = fresh(d)
    # 3 working days left after 09-09: from 09-30 they are 10-08, 10-09 and the
    # make-up Saturday 10-10 — not 21 days later in calendar time
    assert d.due_at == local(2026, 10, 11)
    assert clock.localtime(d.due_at).time() == dt.time(0, 0)


def test_r_prj_07_a_clock_paused_on_its_last_day_ends_on_the_day_of_resumption(project):
    d = open_for(project, start=local(2026, 9, 7, 9), length=2, unit=WD)  # ends 09-09
    deadlines.pause_project(project.pk, local(2026, 9, 9, 10))
    deadlines.resume_project(project.pk, local(2026, 10, 3, 10))  # a holiday
    # nothing was left: it ends at 24:00 of the first working day, 10-08
    assert fresh(d).due_at == local(2026, 10, 9)
