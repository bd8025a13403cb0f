"""Deadlines fixed by a date of fact are not periods and do not roll
(R-CAL-01 rolls calendar-day periods only): a change must be approved before
the work on its date (R-CHG-01), a hidden work's standby is for the day of the
work (R-HID-02), even when that day is a Saturday."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import deadlines
from postaward.core.models import Deadline

from . import factories as f
from .conftest import local

pytestmark = pytest.mark.django_db

SATURDAY = dt.date(2026, 6, 20)  # the tests run on Monday 2026-06-15


def test_r_chg_01_r_cal_01_before_the_work_on_a_saturday_ends_that_saturday(d):
    c = f.change(d, work_date=SATURDAY)
    dl = Deadline.objects.get(kind="approvals.change_before_work", subject_id=str(c.pk))
    assert dl.due_at == local(2026, 6, 21)  # Saturday 24:00, not rolled to Monday
    assert not dl.rolls and deadlines.roll_note(dl) == ""
    assert "原届满" not in deadlines.show(dl).period


def test_r_hid_02_r_cal_01_the_standby_for_a_saturday_work_is_not_rolled(d, frozen):
    frozen.move_to(local(2026, 6, 18, 9))  # applied 2 days before (R-HID-01)
    hw = f.hidden_work(d, days_ahead=2)
    assert hw.work_date == SATURDAY
    dl = Deadline.objects.get(kind="approvals.hidden_standby", subject_id=str(hw.pk))
    assert dl.due_at == local(2026, 6, 21)
