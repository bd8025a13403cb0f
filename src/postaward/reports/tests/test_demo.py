"""The demo district has a typical case under supervision (with the owner's
progress) and a closed one, so the typical-cases ledger is not empty (R-REP-06)."""

from __future__ import annotations

import pytest

from postaward.testing import demo_build

from ..choices import CaseState
from ..models import TypicalCase

pytestmark = pytest.mark.django_db


def test_r_rep_06_demo_has_a_typical_case_under_supervision_and_a_closed_one():
    demo_build(12)
    open_ = TypicalCase.objects.get(state=CaseState.SUPERVISING)
    assert open_.progress.count() == 1
    assert TypicalCase.objects.filter(state=CaseState.CLOSED).count() == 1


def test_r_rep_02_demo_has_last_months_reports_with_one_submitted_late():
    from postaward.core import deadlines
    from postaward.core.models import Deadline

    from ..choices import MonthlyState
    from ..models import MonthlyReport

    demo_build(12)
    reports = MonthlyReport.objects.filter(summary=False)
    assert reports.count() >= 5 and {(r.year, r.month) for r in reports} == {
        (reports[0].year, reports[0].month)
    }
    assert all(r.state == MonthlyState.SUBMITTED and r.document_id for r in reports)
    (late,) = [r for r in reports if r.late]
    assert "交通" in late.department.name
    assert deadlines.deadlines_of(late)[0].state == Deadline.State.MISSED
    assert MonthlyReport.objects.filter(summary=True).count() == 1


def test_r_rep_03_demo_has_last_months_data_meeting_pack():
    from postaward.core import clock

    from ..choices import MeetingState
    from ..models import MeetingPack
    from ..services_monthly import last_month

    demo_build(12)
    pack = MeetingPack.objects.get()
    assert (pack.year, pack.month) == last_month(clock.today())
    assert pack.state == MeetingState.GENERATED and pack.document.state == "done"
    assert len(pack.data["indicators"]) == 20
    assert len(pack.document.context["charts"]) == 4
