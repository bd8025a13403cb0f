"""Each indicator at its threshold edges (R-ALR-01, R-ALR-04, R-ALR-05)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.alerts import services
from postaward.alerts.evaluators import (
    eval_change_iqr,
    eval_contract_changes,
    eval_cumulative_share,
    eval_delay_iqr,
    eval_double_site,
    eval_price_with_extension,
    eval_repeated_alerts,
    iqr_fence,
)
from postaward.alerts.indicators import Hit, render, spec_for
from postaward.alerts.models import Alert
from postaward.attendance.events import (
    AbsenceStreak,
    CheatConfirmed,
    MonthlyRate,
    PatrolOverdue,
)

from .conftest import at, change, contractor_of, publish

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def _absence(d, days: list[str], assignment: int = 1) -> AbsenceStreak:
    return AbsenceStreak(
        project_id=d.projects["p_school"].pk,
        person_id=d.users["pm_a"].person.pk,
        organisation_id=d.orgs["contractor_a"].pk,
        assignment_id=assignment,
        position="project_manager",
        first_day=days[0],
        days=days,
        reasons=["未打卡"],
    )


def test_absence_streak_edge_and_edited_threshold(d):  # R-ATT-07, R-ALR-01
    spec = spec_for("attendance.absence_streak")
    one, two = _absence(d, ["2026-03-09"]), _absence(d, ["2026-03-08", "2026-03-09"])
    assert spec.from_event(one, {"min_days": 2}) == []
    assert len(spec.from_event(two, {"min_days": 2})) == 1
    # The office raises the threshold: the same streak no longer fires.
    ind = services.indicator_for("attendance.absence_streak")
    services.update_indicator(actor=d.actor("office_admin"), indicator=ind, params={"min_days": 3})
    with at(DAY):
        publish(two)
    assert not Alert.objects.exists()
    with at(DAY):
        publish(_absence(d, ["2026-03-06", "2026-03-07", "2026-03-08"], assignment=2))
    assert Alert.objects.count() == 1


def _rate(d, rate: str, month: str = "2026-02") -> MonthlyRate:
    return MonthlyRate(
        project_id=d.projects["p_school"].pk,
        person_id=d.users["pm_a"].person.pk,
        organisation_id=d.orgs["contractor_a"].pk,
        assignment_id=1,
        position="project_manager",
        month=month,
        valid_days=16,
        construction_days=20,
        rate=rate,
    )


def test_monthly_rate_edge(d):  # R-ATT-08
    spec = spec_for("attendance.monthly_rate_below_threshold")
    params = spec.parse_params({})
    assert spec.from_event(_rate(d, "0.80"), params) == []
    hits = spec.from_event(_rate(d, "0.7999"), params)
    assert len(hits) == 1
    assert "有效考勤 16 天 / 实际施工 20 天" in hits[0].evidence[0]["value"]


def test_patrol_overdue_edge(d):  # R-ATT-06
    spec = spec_for("attendance.patrol_overdue")
    evt = lambda n: PatrolOverdue(  # noqa: E731
        project_id=d.projects["p_school"].pk,
        person_id=d.users["school_leader"].person.pk,
        owner_id=d.orgs["school"].pk,
        last_valid_patrol=None,
        days_without=n,
    )
    assert spec.from_event(evt(6), {"min_days": 7}) == []
    assert len(spec.from_event(evt(7), {"min_days": 7})) == 1


def test_cheat_confirmed_goes_to_the_industry_authority(d):  # R-ATT-04
    with at(DAY):
        publish(
            CheatConfirmed(
                checkin_id=42,
                project_id=d.projects["p_school"].pk,
                person_id=d.users["pm_a"].person.pk,
                organisation_id=d.orgs["contractor_a"].pk,
                position="project_manager",
                at="2026-03-09T08:00:00+08:00",
                signals=["mock_location"],
                confirmed_by="学校管理员",
                note="模拟定位",
            )
        )
    a = Alert.objects.get()
    assert a.handling_org == d.orgs["housing"]
    assert a.subject_org == d.orgs["contractor_a"]
    assert "mock_location" in a.explanation


def test_missed_deadline_of_any_kind_is_an_indicator(d):  # R-ALR-01: every event maps
    from postaward.core import deadlines

    deadlines.register_kind(
        "test.kind", "测试办理期限", "R-ACC-01", "实施细则第三十一条", "superior_unit"
    )
    p = d.projects["p_school"]
    with at(DAY):
        deadlines.open_deadline(
            kind="test.kind",
            subject=p,
            length=1,
            unit="calendar_days",
            basis="测试",
            organisation_id=d.orgs["school"].pk,
            project_id=p.pk,
        )
    with at(DAY + dt.timedelta(days=3)):
        deadlines.sweep()
        from .conftest import deliver

        deliver()
    a = Alert.objects.get()
    assert a.indicator.code == "deadline.test.kind"
    assert a.level == "superior_unit" and a.handling_org == d.orgs["edu_line"]
    assert "测试办理期限" in a.title


# --- engineering changes (approvals, issue 5) ---------------------------------------------------


def test_contract_with_three_changes(d):  # R-CHG-02
    part = contractor_of(d)
    with at(DAY):
        change(d, participant=part, cost=1000)
        change(d, participant=part, cost=-500)
        change(d, participant=part, cost=0, state="submitted")  # not approved: not counted
        assert eval_contract_changes({"min_changes": 3}, DAY, None).hits == []
        change(d, participant=part, cost=200)
        hits = eval_contract_changes({"min_changes": 3}, DAY, None).hits
    assert len(hits) == 1 and hits[0].facts["count"] == 3
    assert hits[0].subject_org_id == d.orgs["contractor_a"].pk
    # As of the day before, none had been approved.
    assert eval_contract_changes({"min_changes": 3}, DAY - dt.timedelta(days=1), None).hits == []


def test_cumulative_change_share_edge(d):  # R-CHG-02
    part = contractor_of(d)  # contract amount: the project's 8,500,000
    with at(DAY):
        change(d, participant=part, cost=500_000)
        change(d, participant=part, cost=-350_000)  # |…| counts: 850,000 = 10.00 %
        assert eval_cumulative_share({"max_share": Decimal("0.10")}, DAY, None).hits == []
        change(d, participant=part, cost="0.01")
        hits = eval_cumulative_share({"max_share": Decimal("0.10")}, DAY, None).hits
    assert len(hits) == 1
    assert "850,000.01" in hits[0].evidence[0]["value"]


def test_price_increase_with_extension(d):  # R-CHG-02
    part = contractor_of(d)
    params = {"min_cost_delta": Decimal(0), "min_days_delta": 0}
    with at(DAY):
        change(d, participant=part, cost=1000, days=0)
        change(d, participant=part, cost=0, days=10)
        change(d, participant=part, cost=-100, days=10)
        assert eval_price_with_extension(params, DAY, None).hits == []
        c = change(d, participant=part, cost=1, days=1)
        hits = eval_price_with_extension(params, DAY, None).hits
    assert [h.dedup_key for h in hits] == [f"price-extension:{c.pk}"]


def test_change_iqr_flags_the_project_beyond_the_fence(d):  # R-ALR-05
    from postaward.core.actor import SYSTEM
    from postaward.projects import services as project_services

    ps = _peers(d, [0] * 8, industry="water")  # contract 5,000,000 each
    with at(DAY):
        for i, p in enumerate(ps):
            part = project_services.add_participant(
                actor=SYSTEM, project=p, organisation=d.orgs["contractor_a"], role="contractor"
            )
            # 1 % … 7 % of the contract, and 60 % for the last one
            change(d, participant=part, cost=50_000 * (i + 1) if i < 7 else 3_000_000)
    out = eval_change_iqr(PARAMS, DAY, None)
    assert [h.project_id for h in out.hits] == [ps[-1].pk]
    hit = out.hits[0]
    assert hit.subject_org_id == ps[-1].owner_id
    assert (
        "变更 1 次，累计 3,000,000.00 元 / 合同价 5,000,000.00 元 = 60.00%"
        in hit.evidence[0]["value"]
    )
    # 0.01 … 0.07, 0.6: Q1 0.0275, Q3 0.0625, IQR 0.035, fence 0.115
    assert any("水利" in n and "界限 = Q3 + 1.5 × IQR = 0.1150" in n for n in out.notes)
    explanation = render(spec_for("peer.change_iqr").explanation, hit.facts)
    assert "{" not in explanation and "的变更率 0.6000 超过同类项目" in explanation
    assert "离群界限 0.1150（Q3 0.0625 + 1.5 × IQR 0.0350）" in explanation
    # Restricted to other projects (the event re-run path): nothing.
    assert eval_change_iqr(PARAMS, DAY, {ps[0].pk}).hits == []


def test_change_iqr_skips_when_there_are_too_few_peers(d):  # R-ALR-05
    out = eval_change_iqr({"min_sample": 8, "k": Decimal("1.5")}, DAY, None)
    assert out.hits == []
    assert any("少于最小样本 8 个" in n for n in out.notes)


# --- attendance on two sites ------------------------------------------------------------------------


def _valid_day(d, project, person, day, status="valid"):
    from postaward.attendance.models import AttendanceDay
    from postaward.core.actor import SYSTEM
    from postaward.projects import services as project_services
    from postaward.projects.models import KeyPersonAssignment, Participant

    a = KeyPersonAssignment.objects.filter(project=project, person=person).first()
    if a is None:
        part = Participant.objects.filter(
            project=project, organisation=person.organisation, role="contractor"
        ).first() or project_services.add_participant(
            actor=SYSTEM, project=project, organisation=person.organisation, role="contractor"
        )

        a = project_services.assign_key_person(
            actor=SYSTEM,
            participant=part,
            person=person,
            position="safety_officer",
            started_on=dt.date(2026, 3, 2),
        )
    return AttendanceDay.objects.create(
        assignment=a,
        person=person,
        project=project,
        date=day,
        status=status,
        checkins=2,
    )


def test_double_site_same_day(d):  # R-ATT-04
    person = d.users["pm_a"].person
    school, hospital = d.projects["p_school"], d.projects["p_hospital"]
    _valid_day(d, school, person, DAY)
    _valid_day(d, hospital, person, DAY, status="invalid")
    assert eval_double_site({"lookback_days": 31}, DAY, None).hits == []
    _valid_day(d, hospital, person, DAY - dt.timedelta(days=1))
    _valid_day(d, school, person, DAY - dt.timedelta(days=2))
    assert eval_double_site({"lookback_days": 31}, DAY, None).hits == []  # different days
    _valid_day(d, school, person, DAY - dt.timedelta(days=1))
    hits = eval_double_site({"lookback_days": 31}, DAY, None).hits
    assert sorted(h.project_id for h in hits) == sorted([school.pk, hospital.pk])
    assert all(h.person_id == person.pk for h in hits)
    # Outside the lookback the same day is not looked at.
    assert eval_double_site({"lookback_days": 1}, DAY, None).hits == []


# --- enterprises with repeated alerts ------------------------------------------------------------------


def test_enterprise_with_repeated_alerts_in_twelve_months(d):  # R-ALR-04
    ind = services.indicator_for("attendance.absence_streak")
    contractor = d.orgs["contractor_a"]

    def alert_on(day: dt.date, n: int) -> None:
        with at(day):
            services.record_hit(
                ind,
                Hit(
                    dedup_key=f"x:{n}",
                    title=f"预警{n}",
                    facts={"n": n},
                    project_id=d.projects["p_school"].pk,
                    subject_org_id=contractor.pk,
                ),
            )

    alert_on(dt.date(2025, 3, 9), 1)  # 12 months and a day before: outside
    alert_on(dt.date(2025, 6, 1), 2)
    alert_on(dt.date(2026, 1, 5), 3)
    params = {"min_alerts": 3, "months": 12}
    assert eval_repeated_alerts(params, DAY, None).hits == []
    alert_on(dt.date(2026, 3, 1), 4)
    hits = eval_repeated_alerts(params, DAY, None).hits
    assert len(hits) == 1 and hits[0].facts["count"] == 3 and hits[0].project_id is None
    assert hits[0].subject_org_id == contractor.pk
    assert len(hits[0].evidence) == 3


def test_repeated_alerts_count_from_the_start_of_the_since_day(d):  # R-ALR-04
    """“自 {since} 起” includes alerts of the ``since`` day itself (from 00:00)."""
    ind = services.indicator_for("attendance.absence_streak")
    contractor = d.orgs["contractor_a"]

    def alert_on(day: dt.date, hour: int, n: int) -> None:
        with at(day, hour):
            services.record_hit(
                ind,
                Hit(
                    dedup_key=f"y:{n}",
                    title=f"预警{n}",
                    facts={"n": n},
                    project_id=d.projects["p_school"].pk,
                    subject_org_id=contractor.pk,
                ),
            )

    params = {"min_alerts": 3, "months": 12}  # as of 2026-03-10: since 2025-03-10
    alert_on(dt.date(2025, 3, 9), 23, 1)  # the day before: outside
    alert_on(dt.date(2025, 9, 1), 10, 2)
    alert_on(DAY, 9, 3)
    assert eval_repeated_alerts(params, DAY, None).hits == []
    alert_on(dt.date(2025, 3, 10), 0, 4)  # 00:00 of the since day: inside
    hits = eval_repeated_alerts(params, DAY, None).hits
    assert len(hits) == 1 and hits[0].facts["count"] == 3
    assert hits[0].facts["since"] == "2025-03-10"
    assert "2025-03-10" in hits[0].evidence[0]["value"]


# --- the interquartile fence ---------------------------------------------------------------------------


def test_iqr_fence_inclusive_quartiles():
    # 1..8: Q1 = 2.75, Q3 = 6.25 (linear interpolation, type 7), IQR 3.5, fence 11.5
    q1, q3, iqr, fence = iqr_fence([1, 2, 3, 4, 5, 6, 7, 8], 1.5)
    assert (q1, q3, iqr, fence) == (2.75, 6.25, 3.5, 11.5)


def _peers(d, delays: list[int], industry="housing", project_class="gov_below"):
    """Projects of one peer group, each 100 days planned, completed ``delay`` days late."""
    from postaward.core.actor import SYSTEM
    from postaward.projects import services as project_services

    out = []
    start = dt.date(2025, 1, 1)
    for i, delay in enumerate(delays):
        p = project_services.register_project(
            actor=SYSTEM,
            code=f"IQR-{industry}-{i:03d}",
            name=f"同类项目{i}",
            owner=d.orgs["school"],
            industry=industry,
            contract_amount=Decimal("5000000"),
            superior_unit=d.orgs["edu"],
            line=d.orgs["edu_line"],
            industry_authority=d.orgs["housing"],
            planned_start=start,
            planned_completion=start + dt.timedelta(days=100),
            status="under_construction",
            actual_start=start,
        )
        p.project_class = project_class
        p.actual_completion = start + dt.timedelta(days=100 + delay)
        p.save(update_fields=["project_class", "actual_completion"])
        out.append(p)
    return out


PARAMS = {"min_sample": 8, "k": Decimal("1.5")}


def test_delay_iqr_flags_beyond_the_fence_only(d):  # R-ALR-05
    # delays 0,10,…,60 and 200: ratios 0 … 0.6 and 2.0
    ps = _peers(d, [0, 10, 20, 30, 40, 50, 60, 200])
    out = eval_delay_iqr(PARAMS, dt.date(2026, 3, 1), None)
    flagged = {h.project_id for h in out.hits}
    assert flagged == {ps[-1].pk}
    note = next(n for n in out.notes if "房建市政·政府投资项目（2000万元以下）" in n)
    # values 0,.1,.2,.3,.4,.5,.6,2.0: Q1 0.175, Q3 0.525, IQR 0.35, fence 1.05
    assert (
        "Q1 = 0.1750" in note and "Q3 = 0.5250" in note and "界限 = Q3 + 1.5 × IQR = 1.0500" in note
    )
    hit = out.hits[0]
    assert "延期 200 天 / 计划工期 100 天" in hit.evidence[0]["value"]


def test_delay_iqr_value_on_the_fence_is_not_flagged(d):  # R-ALR-05
    # Q1 0.175 and Q3 0.525 do not depend on the largest value: the fence is 1.05.
    ps = _peers(d, [0, 10, 20, 30, 40, 50, 60, 105])  # 105 / 100 = 1.05: on the fence
    assert eval_delay_iqr(PARAMS, dt.date(2026, 3, 1), None).hits == []
    p = ps[-1]
    p.actual_completion += dt.timedelta(days=1)  # 1.06: beyond
    p.save(update_fields=["actual_completion"])
    assert [h.project_id for h in eval_delay_iqr(PARAMS, dt.date(2026, 3, 1), None).hits] == [p.pk]


def test_delay_iqr_too_small_sample_is_skipped_and_said(d):  # R-ALR-05
    _peers(d, [0, 10, 20, 30, 40, 50, 500])  # 7 < 8
    out = eval_delay_iqr(PARAMS, dt.date(2026, 3, 1), None)
    assert out.hits == []
    assert any("同类项目 7 个，少于最小样本 8 个，未研判" in n for n in out.notes)


def test_delay_iqr_zero_spread_is_skipped_and_said(d):  # R-ALR-05
    _peers(d, [0, 0, 0, 0, 0, 0, 0, 300])  # Q1 = Q3 = 0: the outlier cannot be judged
    out = eval_delay_iqr(PARAMS, dt.date(2026, 3, 1), None)
    assert out.hits == []
    assert any("四分位距为 0" in n for n in out.notes)


def test_peers_are_grouped_by_industry_and_class(d):  # R-ALR-05
    _peers(d, [0, 10, 20, 30, 40, 50, 60, 200], project_class="gov_below")
    _peers(d, [0, 10, 20, 30, 40, 50, 60, 70], industry="water", project_class="gov_below")
    out = eval_delay_iqr(PARAMS, dt.date(2026, 3, 1), None)
    assert len(out.hits) == 1
    assert any("水利" in n and "界限" in n for n in out.notes)


def test_explanation_template_renders_and_survives_unknown_names():
    assert (
        render("{project}延期{value}，{unknown}", {"project": "甲", "value": "1"})
        == "甲延期1，{unknown}"
    )
    assert render("坏模板 {", {}) == "坏模板 {"
