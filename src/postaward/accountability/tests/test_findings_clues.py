"""Clues the platform raises itself (R-ACT-02, R-ACT-07; QZ 附件2 arts. 5-6;
ADR 0801): each finding with its act and article, its evidence links, raised
once even if its event is delivered twice or the detector runs again."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.approvals.events import ChangeAfterTheFact, UsedBeforeAcceptance
from postaward.core import clock, events
from postaward.core.deadlines import DeadlineMissed

from .. import findings_clues as fc
from .. import subscribers_clues
from ..choices import ClueSource
from ..models import Clue

pytestmark = pytest.mark.django_db


def _facts(d, **kw):
    p = d.projects["p_school"]
    return {
        "project_id": p.pk,
        "project_code": p.code,
        "project_name": p.name,
        "owner_id": p.owner_id,
        "industry_authority_id": p.industry_authority_id,
        "actor_user_id": None,
        "actor_name": "平台",
        "at": clock.now().isoformat(),
        **kw,
    }


def _missed(d, kind, *, org="school", pk=901, subject_type="projects.project"):
    p = d.projects["p_school"]
    return DeadlineMissed(
        deadline_id=pk,
        kind=kind,
        subject_type=subject_type,
        subject_id=str(p.pk),
        project_id=p.pk,
        organisation_id=d.orgs[org].pk,
        due_at=(clock.now() - dt.timedelta(days=1)).isoformat(),
        basis="测试",
    )


def _only(**kw):
    qs = Clue.objects.filter(source=ClueSource.PLATFORM, **kw)
    assert qs.count() == 1, list(qs.values_list("auto_key", flat=True))
    return qs.get()


def test_r_act_02_a_change_after_the_fact_is_a_clue_of_act_5_4_on_the_owner_raised_once(district):
    evt = ChangeAfterTheFact(
        **_facts(district),
        change_id=77,
        participant_id=1,
        organisation_id=district.orgs["contractor_a"].pk,
        work_date="2026-05-01",
        approved_at="2026-05-09T10:00:00+08:00",
        days_late=8,
    )
    events.publish(evt)
    events.dispatch_pending(limit=1000)
    subscribers_clues.on_change_after(events.load(evt.name, evt.to_payload()))  # delivered twice
    c = _only(auto_key="change_after:77")
    assert c.act.code == "5-4" and c.act.article == "第五条第（四）项"
    assert c.unit == district.orgs["school"] and c.party == "owner"
    assert c.occurred_on == dt.date(2026, 5, 1) and "晚批 8 天" in c.facts
    assert c.evidence_links and c.project == district.projects["p_school"]


def test_r_act_02_use_before_acceptance_is_act_5_5_and_an_industry_exception_is_not(district):
    fc.on_used_before_acceptance(
        UsedBeforeAcceptance(
            **_facts(district),
            usage_id=5,
            used_since="2026-06-01",
            industry_exception=False,
            exception_reason="",
        )
    )
    fc.on_used_before_acceptance(
        UsedBeforeAcceptance(
            **_facts(district),
            usage_id=5,
            used_since="2026-06-01",
            industry_exception=False,
            exception_reason="",
        )
    )
    c = _only(auto_key="used_before:5")
    assert c.act.code == "5-5" and c.unit == district.orgs["school"]
    fc.on_used_before_acceptance(
        UsedBeforeAcceptance(
            **_facts(district),
            usage_id=6,
            used_since="2026-06-01",
            industry_exception=True,
            exception_reason="行业特殊要求",
        )
    )
    assert not Clue.objects.filter(auto_key="used_before:6").exists()


def test_r_act_02_late_acceptance_is_a_clue_on_the_owner(district):
    subscribers_clues.on_deadline_missed(_missed(district, "approvals.acceptance_below", org="edu"))
    subscribers_clues.on_deadline_missed(_missed(district, "approvals.acceptance_below", org="edu"))
    c = _only(auto_key="deadline:901")
    assert c.unit == district.orgs["school"] and c.act.code == "5-12"
    assert "竣工验收" in c.facts and c.evidence_links


def test_r_act_02_a_change_not_reviewed_in_its_period_is_6_2_on_the_authority(district):
    subscribers_clues.on_deadline_missed(_missed(district, "approvals.change_before_work"))
    c = _only(auto_key="deadline:901")
    assert c.unit == district.orgs["housing"] and c.act.code == "6-2"
    assert c.act.article == "第六条第（二）项" and c.party == "department"


def test_r_act_02_an_alert_overdue_at_its_level_is_6_8_on_that_level(district):
    subscribers_clues.on_deadline_missed(
        _missed(district, "alert.disposal", org="housing", subject_type="alerts.alert")
    )
    c = _only(auto_key="deadline:901")
    assert c.unit == district.orgs["housing"] and c.act.code == "6-8"
    assert "预警" in c.facts


def test_r_act_07_a_transferred_complaint_decided_late_is_6_9_on_the_receiving_unit(district):
    for pk, kind in ((901, "complaints.unit_handling"), (902, "complaints.complaint_decision")):
        subscribers_clues.on_deadline_missed(_missed(district, kind, org="housing", pk=pk))
    for pk in (901, 902):
        c = _only(auto_key=f"deadline:{pk}")
        assert c.act.code == "6-9" and c.act.article == "第六条第（九）项"
        assert c.unit == district.orgs["housing"]


def test_r_act_02_the_detector_takes_the_days_missed_deadlines_once_and_not_the_sweep(district):
    """The sweep's ``deadline.missed`` facts are not subscribed (a flood stays
    the alerts' set-wise work); the daily detector raises the missed rows of
    the watched kinds, once, and leaves met rows and other kinds alone."""
    from postaward.core import deadlines
    from postaward.core.models import Deadline

    assert subscribers_clues.on_deadline_missed not in events.subscribers_of("deadline.missed")
    p = district.projects["p_school"]
    rows = {}
    for kind, state in (
        ("approvals.acceptance_below", Deadline.State.MISSED),
        ("approvals.supervision_log", Deadline.State.MISSED),
        ("approvals.change_before_work", Deadline.State.MET),
    ):
        row = deadlines.open_deadline(
            kind=kind,
            subject=p,
            length=3,
            unit="working_days",
            basis="测试",
            organisation_id=district.orgs["school"].pk,
            project_id=p.pk,
        )
        Deadline.objects.filter(pk=row.pk).update(state=state)
        rows[kind] = row.pk
    fc.missed_deadlines(clock.today() + dt.timedelta(days=10))
    fc.missed_deadlines(clock.today() + dt.timedelta(days=10))
    c = _only(auto_key=f"deadline:{rows['approvals.acceptance_below']}")
    assert c.act.code == "5-12" and c.unit == district.orgs["school"]
    assert Clue.objects.filter(source=ClueSource.PLATFORM).count() == 1


def test_r_act_02_other_missed_deadlines_cost_nothing(district, django_assert_num_queries):
    evt = _missed(district, "approvals.supervision_log")
    with django_assert_num_queries(0):
        subscribers_clues.on_deadline_missed(evt)
    assert not Clue.objects.exists()


def test_r_act_02_no_post_award_interview_is_5_1_raised_once(district):
    from postaward.projects.models import Project

    today = clock.today()
    Project.objects.filter(pk=district.projects["p_school"].pk).update(
        award_date=today - dt.timedelta(days=fc.INTERVIEW_DAYS + 1)
    )
    Project.objects.filter(pk=district.projects["p_hospital"].pk).update(
        award_date=today - dt.timedelta(days=fc.INTERVIEW_DAYS - 1)
    )
    fc.no_interview(today)
    fc.no_interview(today)
    c = _only(auto_key=f"no_interview:{district.projects['p_school'].pk}")
    assert c.act.code == "5-1" and c.unit == district.orgs["school"]
    assert not Clue.objects.filter(project=district.projects["p_hospital"]).exists()


def test_r_act_02_no_owner_inspection_in_the_period_is_5_2(district):
    from postaward.approvals.models import Inspection

    today = clock.today()
    p = district.projects["p_hospital"]
    Inspection.objects.create(
        project=p,
        inspected_on=today - dt.timedelta(days=3),
        inspectors="甲",
        aspects=[],
        findings="正常",
        result="ok",
        recorded_by_name="甲",
        recorded_by_org="医院",
    )
    fc.no_owner_inspection(today)
    fc.no_owner_inspection(today)
    c = _only(act__code="5-2")
    assert c.project == district.projects["p_school"] and c.unit == district.orgs["school"]


def test_r_act_02_no_work_list_or_plan_by_31_march_is_6_1(district):
    from postaward.inspections.models.plans import WorkItem

    year = clock.today().year
    fc.no_work_plan(dt.date(year, 3, 31))
    assert not Clue.objects.exists()
    WorkItem.objects.create(
        organisation=district.orgs["transport"],
        year=year,
        name="检查",
        basis_document="文件",
        basis_article="第一条",
        ratio_pct=5,
        frequency="每年",
        method="on_site",
        stage="after",
    )
    fc.no_work_plan(dt.date(year, 4, 1))
    fc.no_work_plan(dt.date(year, 4, 2))
    c = _only(unit=district.orgs["housing"])
    assert c.act.code == "6-1" and "标后监管工作清单" in c.facts
    t = _only(unit=district.orgs["transport"])
    assert "标后监管工作清单" not in t.facts and "年度双随机抽查计划" in t.facts


def test_r_act_02_attendance_failures_not_acted_on_are_6_3_on_the_authority(district):
    from postaward.attendance.models import AttendanceInterview

    now = clock.now()
    p = district.projects["p_school"]
    for key, days in (("old", fc.ATTENDANCE_DAYS + 2), ("new", 3)):
        AttendanceInterview.objects.create(
            kind="absence_streak",
            key=key,
            project=p,
            person=district.users["pm_a"].person,
            organisation=district.orgs["contractor_a"],
            trigger={},
            summary="项目经理连续2天未考勤",
            created_at=now - dt.timedelta(days=days),
        )
    fc.attendance_not_acted(clock.today())
    c = _only(act__code="6-3")
    assert c.unit == district.orgs["housing"] and "连续2天未考勤" in c.facts


def test_r_act_02_the_detector_runs_every_finder_and_counts_the_new_ones(district):
    first = fc.detect()
    assert first == Clue.objects.filter(source="platform").count()
    assert fc.detect() == 0


def test_r_act_02_the_simulator_runs_the_detector_as_a_daily_sweep(district):
    import random

    from postaward.core import simulation
    from postaward.projects.models import Project

    from .. import simulation as _registered  # noqa: F401
    from ..simulation_clues import detect_accountability_clues

    assert any(fn is detect_accountability_clues for _, _, fn in simulation._sweeps)
    today = clock.today()
    Project.objects.filter(pk=district.projects["p_school"].pk).update(
        award_date=today - dt.timedelta(days=60)
    )
    detect_accountability_clues(simulation.SimDay(today, random.Random(1)))
    assert _only(act__code="5-1").project == district.projects["p_school"]
