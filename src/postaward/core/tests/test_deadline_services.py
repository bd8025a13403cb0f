"""What the apps ask of the deadline engine instead of updating its table
(ADR 0055): a terminated project's clocks are cancelled (R-PRJ-06), and a
deadline judged met by a date of fact is closed as met (R-CAL-01)."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock, deadlines, registries
from postaward.core.models import Deadline

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 9, 30, 10, 0, tzinfo=clock.LOCAL_TZ)


def _open(project, kind="test.accept"):
    return deadlines.open_deadline(
        kind=kind,
        subject=project,
        length=3,
        unit="working_days",
        basis="测试依据",
        organisation_id=project.owner_id,
        project_id=project.pk,
        start=AT,
    )


def test_r_prj_06_cancel_for_project_ends_only_that_projects_open_clocks(district):
    """R-PRJ-06: a terminated project's open clocks end, cancelled; a closed
    one and another project's stay as they are."""
    school, hospital = district.projects["p_school"], district.projects["p_hospital"]
    open_one = _open(school)
    closed = _open(school, kind="test.other")
    deadlines.close_deadline(kind="test.other", subject=school)
    closed.refresh_from_db()
    closed_as = closed.state
    elsewhere = _open(hospital)

    assert deadlines.cancel_for_project(school.pk, at=AT) == 1

    open_one.refresh_from_db()
    closed.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (open_one.state, open_one.closed_at) == (Deadline.State.CANCELLED, AT)
    assert closed.state == closed_as != Deadline.State.CANCELLED
    assert elsewhere.state == Deadline.State.OPEN


def test_r_cal_01_close_as_met_closes_one_open_deadline_once(district):
    """R-CAL-01: judged met by a date of fact, even after the clock ran out;
    a second close finds nothing open."""
    d = _open(district.projects["p_school"])
    assert deadlines.close_as_met(d.pk) == 1
    assert deadlines.close_as_met(d.pk) == 0
    d.refresh_from_db()
    assert d.state == Deadline.State.MET


def test_r_org_04_the_projects_app_answers_the_kernels_questions(district):
    """R-ORG-04, R-PRJ-07: the projects app registered with the kernel in its
    ready(): visibility, names, suspension come from it."""
    school = district.projects["p_school"]
    directory = registries.projects()
    assert directory.names({school.pk}) == {school.pk: school.name}
    assert directory.is_paused(school.pk) is False
    type(school).objects.filter(pk=school.pk).update(status="suspended")
    assert directory.is_paused(school.pk) is True
