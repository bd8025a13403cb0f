"""Supervision logs, rectification notices, inspections and the evaluation
(R-SUP-01..04)."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import Deadline, Todo
from postaward.projects import services as project_services

from .. import services
from ..choices import LogState, NoticeState
from ..models import SupervisionLog
from . import factories as f
from .conftest import local, published, run_sweep

pytestmark = pytest.mark.django_db


def test_a_construction_day_without_a_log_is_missed(d, frozen, alerts):  # R-SUP-01, R-SUP-03
    p = d.projects["p_school"]
    assert services.open_log_slots(dt.date(2026, 6, 15)) == 2  # the school's and the hospital's
    slot = SupervisionLog.objects.get(project=p, log_date=dt.date(2026, 6, 15))
    assert slot.state == LogState.DUE
    assert Todo.objects.get(key=f"approvals.supervisionlog.{slot.pk}.record").due_at == local(
        2026, 6, 16
    )
    assert services.open_log_slots(dt.date(2026, 6, 15)) == 0  # idempotent
    run_sweep(local(2026, 6, 16))
    assert alerts.kinds() == ["approvals.supervision_log"] * 2
    # a late log is still recorded, marked late
    frozen.move_to(local(2026, 6, 16, 9, 0))
    log = services.record_log(
        actor=d.actor("chief_a"),
        project=p,
        log_date=dt.date(2026, 6, 15),
        weather="晴",
        progress="二层梁板钢筋绑扎",
    )
    assert log.late and log.state == LogState.RECORDED


def test_a_log_in_time_meets_the_deadline_and_only_the_supervisor_writes_it(
    d, frozen, alerts
):  # R-SUP-01
    p = d.projects["p_school"]
    services.open_log_slots(dt.date(2026, 6, 15), projects=[p])
    for user in ("pm_a", "school_leader", "supervisor_b_admin"):
        with pytest.raises(Forbidden):
            services.record_log(
                actor=d.actor(user),
                project=p,
                log_date=dt.date(2026, 6, 15),
                weather="晴",
                progress="二层梁板钢筋绑扎",
            )
    services.record_log(
        actor=d.actor("chief_a"),
        project=p,
        log_date=dt.date(2026, 6, 15),
        weather="晴",
        progress="二层梁板钢筋绑扎",
    )
    with pytest.raises(Conflict):
        services.record_log(
            actor=d.actor("chief_a"),
            project=p,
            log_date=dt.date(2026, 6, 15),
            weather="晴",
            progress="重复填写日志",
        )
    run_sweep(local(2026, 6, 16))
    assert alerts.kinds() == []


def test_no_log_is_due_on_a_suspended_day(d, frozen):  # R-SUP-01, R-PRJ-07
    p = d.projects["p_school"]
    s = project_services.declare_suspension(
        actor=d.actor("school_leader"),
        project=p,
        started_at=clock.now(),
        reason="暴雨积水，停工排水",
    )
    project_services.confirm_suspension(actor=d.actor("line_supervisor"), suspension=s)
    frozen.shift(dt.timedelta(days=1))
    assert services.open_log_slots(dt.date(2026, 6, 16), projects=[p]) == 0


def issue(d, days=3):  # type: ignore[no-untyped-def]
    p = d.projects["p_school"]
    return services.issue_notice(
        actor=d.actor("chief_a"),
        project=p,
        participant=f.participant(p),
        title="脚手架连墙件缺失",
        content="三层脚手架连墙件缺失，立即整改",
        required_by=clock.today() + dt.timedelta(days=days),
    )


def test_a_notice_is_answered_with_evidence_and_closed(d, frozen):  # R-SUP-01
    with pytest.raises(Forbidden):
        services.issue_notice(
            actor=d.actor("school_leader"),
            project=d.projects["p_school"],
            participant=f.participant(d.projects["p_school"]),
            title="x问题",
            content="整改要求说明",
            required_by=clock.today(),
        )
    n = issue(d)
    assert (
        Todo.objects.get(key=f"approvals.rectificationnotice.{n.pk}.reply").organisation_id
        == d.orgs["contractor_a"].pk
    )
    with pytest.raises(ValidationFailed):
        services.reply_notice(actor=d.actor("pm_a"), notice=n, reply="已补设连墙件")  # no evidence
    with pytest.raises(Forbidden):
        services.reply_notice(
            actor=d.actor("chief_a"), notice=n, reply="已补设连墙件", evidence=[f.pdf()]
        )
    services.reply_notice(
        actor=d.actor("pm_a"),
        notice=n,
        reply="已补设连墙件",
        evidence=[f.jpeg("fix.jpg", taken=clock.now())],
    )
    assert n.state == NoticeState.REPLIED
    assert Deadline.objects.get(kind="approvals.rectification", subject_id=str(n.pk)).state == "met"
    services.reopen_notice(
        actor=d.actor("chief_a"),
        notice=n,
        opinion="部分未整改到位",
        required_by=clock.today() + dt.timedelta(days=2),
    )
    assert n.state == NoticeState.ISSUED and n.round == 2
    services.reply_notice(actor=d.actor("pm_a"), notice=n, reply="全部补设完成", evidence=[f.pdf()])
    services.close_notice(actor=d.actor("chief_a"), notice=n, opinion="复查合格")
    assert n.state == NoticeState.CLOSED


def test_an_overdue_notice_becomes_an_owner_interview(d, frozen, alerts):  # R-SUP-02
    n = issue(d, days=3)  # due 24:00 of 06-18
    run_sweep(local(2026, 6, 18, 23, 59))
    assert published("approvals.rectification_overdue") == []
    run_sweep(local(2026, 6, 19))
    assert alerts.kinds() == ["approvals.rectification"]
    [evt] = published("approvals.rectification_overdue")
    assert evt["notice_id"] == n.pk and evt["contractor_id"] == d.orgs["contractor_a"].pk
    todo = Todo.objects.get(key=f"approvals.rectificationnotice.{n.pk}.interview1")
    assert todo.organisation_id == d.orgs["school"].pk and "第四十五条" in todo.basis
    with pytest.raises(Forbidden):
        services.record_interview(actor=d.actor("chief_a"), notice=n, note="约谈项目经理")
    services.record_interview(
        actor=d.actor("school_leader"), notice=n, note="约谈项目经理，限期两日整改"
    )
    n.refresh_from_db()
    assert n.interview_at is not None
    assert Todo.objects.get(pk=todo.pk).state == "done"


def test_refusal_escalates_to_the_industry_authority(d):  # R-SUP-02
    n = issue(d)
    with pytest.raises(Forbidden):
        services.record_refusal(actor=d.actor("pm_a"), notice=n, note="施工单位拒绝整改")
    services.record_refusal(actor=d.actor("chief_a"), notice=n, note="项目经理明确拒绝整改")
    assert n.state == NoticeState.REFUSED
    [evt] = published("approvals.rectification_refused")
    assert evt["notice_id"] == n.pk
    assert (
        Todo.objects.get(key=f"approvals.rectificationnotice.{n.pk}.authority").organisation_id
        == d.orgs["housing"].pk
    )
    with pytest.raises(Forbidden):
        services.handle_refusal(actor=d.actor("school_leader"), notice=n, note="通报批评")
    services.handle_refusal(
        actor=d.actor("housing_staff"), notice=n, note="通报批评并约谈企业负责人"
    )
    assert n.state == NoticeState.HANDLED


def test_owner_inspections_and_the_evaluation_at_completion(d):  # R-SUP-04
    p = d.projects["p_school"]
    with pytest.raises(Forbidden):
        services.record_inspection(
            actor=d.actor("pm_a"),
            project=p,
            inspected_on=clock.today(),
            inspectors="张三",
            aspects=["quality"],
            findings="检查质量情况良好",
            result="ok",
        )
    ins = services.record_inspection(
        actor=d.actor("school_leader"),
        project=p,
        inspected_on=clock.today(),
        inspectors="张三、李四",
        aspects=["quality", "safety"],
        findings="安全防护到位，质量良好",
        result="ok",
    )
    assert ins.aspects == ["quality", "safety"]
    contractor = f.participant(p)
    with pytest.raises(Conflict):  # not yet completed
        services.evaluate_contractor(
            actor=d.actor("school_leader"),
            project=p,
            participant=contractor,
            construction_score=90,
            management_score=85,
            quality_score=92,
            contract_score=88,
            comment="施工组织有序",
        )
    project_services.complete_works(actor=d.actor("school_leader"), project=p, on=clock.today())
    p.refresh_from_db()
    with pytest.raises(Forbidden):
        services.evaluate_contractor(
            actor=d.actor("housing_staff"),
            project=p,
            participant=contractor,
            construction_score=90,
            management_score=85,
            quality_score=92,
            contract_score=88,
            comment="施工组织有序",
        )
    with pytest.raises(ValidationFailed):
        services.evaluate_contractor(
            actor=d.actor("school_leader"),
            project=p,
            participant=contractor,
            construction_score=101,
            management_score=85,
            quality_score=92,
            contract_score=88,
            comment="施工组织有序",
        )
    ev = services.evaluate_contractor(
        actor=d.actor("school_leader"),
        project=p,
        participant=contractor,
        construction_score=90,
        management_score=85,
        quality_score=92,
        contract_score=88,
        comment="施工组织有序，质量良好",
    )
    assert str(ev.total) == "88.75" and ev.grade == "good"
    with pytest.raises(Conflict):
        services.evaluate_contractor(
            actor=d.actor("school_leader"),
            project=p,
            participant=contractor,
            construction_score=90,
            management_score=85,
            quality_score=92,
            contract_score=88,
            comment="再次评价",
        )
