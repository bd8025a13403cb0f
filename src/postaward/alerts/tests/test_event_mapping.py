"""Every event the platform emits maps to an indicator or is listed as no risk,
and each event indicator turns its event, published through the real outbox,
into an alert routed to its level with its Chinese explanation (R-ALR-01,
R-ALR-02, R-ORG-02)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from postaward.alerts import indicators
from postaward.alerts.evaluators import NON_RISK_EVENTS
from postaward.alerts.models import Alert, Notification
from postaward.core import deadlines, events

from .conftest import at, change, contractor_of, deliver, publish

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)  # a Tuesday


def _facts(d, key: str = "p_school") -> dict[str, Any]:
    p = d.projects[key]
    return {
        "project_id": p.pk,
        "project_code": p.code,
        "project_name": p.name,
        "owner_id": p.owner_id,
        "industry_authority_id": p.industry_authority_id,
        "actor_user_id": None,
        "actor_name": "测试登记人",
        "at": "2026-03-10T09:00:00+08:00",
    }


def _evt(name: str, d, **fields: Any) -> Any:
    cls = events._registry[name]
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in {**_facts(d), **fields}.items() if k in names})


# (event name, its fields, indicator code, level, handling org key, a phrase of the explanation)
CASES: list[tuple[str, Callable[[Any], dict[str, Any]], str, str, str, str]] = [
    (
        "attendance.cheat_confirmed",
        lambda d: {
            "checkin_id": 7,
            "person_id": d.users["pm_a"].person.pk,
            "organisation_id": d.orgs["contractor_a"].pk,
            "position": "project_manager",
            "signals": ["mock_location"],
            "confirmed_by": "学校管理员",
            "note": "模拟定位",
        },
        "attendance.cheat_confirmed",
        "industry_authority",
        "housing",
        "的打卡经建设单位确认为作弊",
    ),
    (
        "attendance.absence_streak",
        lambda d: {
            "person_id": d.users["pm_a"].person.pk,
            "organisation_id": d.orgs["contractor_a"].pk,
            "assignment_id": 1,
            "position": "project_manager",
            "first_day": "2026-03-08",
            "days": ["2026-03-08", "2026-03-09"],
            "reasons": ["未打卡"],
        },
        "attendance.absence_streak",
        "owner",
        "school",
        "起连续 2 天无有效考勤",
    ),
    (
        "attendance.monthly_rate",
        lambda d: {
            "person_id": d.users["pm_a"].person.pk,
            "organisation_id": d.orgs["contractor_a"].pk,
            "assignment_id": 1,
            "position": "project_manager",
            "month": "2026-02",
            "valid_days": 10,
            "construction_days": 20,
            "rate": "0.5",
        },
        "attendance.monthly_rate_below_threshold",
        "owner",
        "school",
        "月考勤率 50.0%",
    ),
    (
        "attendance.patrol_overdue",
        lambda d: {
            "person_id": d.users["school_leader"].person.pk,
            "last_valid_patrol": None,
            "days_without": 9,
        },
        "attendance.patrol_overdue",
        "superior_unit",
        "edu_line",
        "已 9 个施工日无有效巡查",
    ),
    (
        "projects.abnormal_award_flagged",
        lambda d: {
            "event_id": 11,
            "kind": "winner_abandoned",
            "occurred_on": "2026-03-01",
            "party_name": "测试建设有限公司",
            "reason": "资金周转困难",
            "review_note": "理由不成立",
            "reviewed_by_org": "监管办",
        },
        "projects.abnormal_award_flagged",
        "industry_authority",
        "housing",
        "发生“中标人放弃中标（弃标）”（2026-03-01，相关单位：测试建设有限公司），经监管办审查无正当理由",
    ),
    (
        "projects.found_uncovered",
        lambda d: {"note": "直接发包未录入", "status": "under_construction"},
        "projects.found_uncovered",
        "superior_unit",
        "edu_line",
        "实施过程未纳入平台监管（直接发包未录入）",
    ),
    (
        "projects.terminated",
        lambda d: {
            "terminated_on": "2026-03-09",
            "previous_status": "under_construction",
            "reason": "规划调整",
            "report_document_id": 1,
        },
        "projects.terminated",
        "superior_unit",
        "edu_line",
        "于 2026-03-09 中途终止，原因：规划调整",
    ),
    (
        "approvals.change_after_the_fact",
        lambda d: {
            "change_id": 999,
            "participant_id": contractor_of(d).pk,
            "organisation_id": d.orgs["contractor_a"].pk,
            "work_date": "2026-03-01",
            "approved_at": "2026-03-06T10:00:00+08:00",
            "days_late": 5,
        },
        "approvals.change_after_the_fact",
        "industry_authority",
        "housing",
        "晚于实施 5 天（事后补批）",
    ),
    (
        "approvals.used_before_acceptance",
        lambda d: {
            "usage_id": 3,
            "used_since": "2026-03-01",
            "industry_exception": False,
            "exception_reason": "",
            "returned_on": "",
        },
        "approvals.used_before_acceptance",
        "industry_authority",
        "housing",
        "自 2026-03-01 起未经竣工验收即投入使用",
    ),
    (
        "approvals.rectification_overdue",
        lambda d: {
            "notice_id": 21,
            "contractor_id": d.orgs["contractor_a"].pk,
            "required_by": "2026-03-08",
        },
        "approvals.rectification_overdue",
        "owner",
        "school",
        "监理通知单 #21 要求 2026-03-08 前整改回复，逾期未回复",
    ),
    (
        "approvals.rectification_refused",
        lambda d: {
            "notice_id": 22,
            "contractor_id": d.orgs["contractor_a"].pk,
            "note": "认为无需整改",
        },
        "approvals.rectification_refused",
        "industry_authority",
        "housing",
        "施工单位拒不整改：认为无需整改",
    ),
    (
        "approvals.hidden_work_reviewed",
        lambda d: {"hidden_work_id": 5, "work_date": "2026-03-05", "photo_warnings": 2},
        "approvals.hidden_work_photo_warnings",
        "superior_unit",
        "edu_line",
        "现行影像资料有 2 条提示（阈值 1 条），仍由测试登记人审核通过",
    ),
    (
        "approvals.acceptance_concluded",
        lambda d: {
            "request_id": 8,
            "kind": "completion",
            "passed": False,
            "accepted_on": "2026-03-09",
        },
        "approvals.acceptance_failed",
        "industry_authority",
        "housing",
        "于 2026-03-09 验收不合格",
    ),
]


@pytest.mark.parametrize(
    ("name", "fields", "code", "level", "org", "phrase"), CASES, ids=[c[0] for c in CASES]
)
def test_each_event_indicator_alerts_through_the_outbox(d, name, fields, code, level, org, phrase):
    evt = _evt(name, d, **fields(d))
    with at(DAY):
        publish(evt)
    a = Alert.objects.get()
    assert a.indicator.code == code
    assert (a.level, a.handling_org) == (level, d.orgs[org])
    assert a.project == d.projects["p_school"]
    assert phrase in a.explanation, a.explanation
    assert "{" not in a.explanation  # every name of the template was filled
    assert a.basis and a.evidence
    # Delivered again (at least once): nothing more.
    with at(DAY):
        publish(evt)
    assert Alert.objects.count() == 1


def test_every_mapped_event_indicator_is_covered_above():
    mapped = {
        spec.code for spec in indicators.specs().values() if spec.events and spec.evaluate is None
    }
    mapped = {c for c in mapped if not c.startswith("deadline.")}
    assert mapped == {c[2] for c in CASES}


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        (
            "approvals.hidden_work_reviewed",
            {"hidden_work_id": 6, "work_date": "", "photo_warnings": 0},
        ),
        (
            "approvals.acceptance_concluded",
            {"request_id": 9, "kind": "completion", "passed": True, "accepted_on": ""},
        ),
    ],
)
def test_conditional_event_indicators_stay_silent_when_all_is_well(d, name, fields):
    with at(DAY):
        publish(_evt(name, d, **fields))
    assert not Alert.objects.exists()


# --- every event either feeds an indicator or is listed as no risk --------------------------------------


def _all_events() -> set[str]:
    for cfg in apps.get_app_configs():
        if cfg.name.startswith("postaward."):
            try:
                importlib.import_module(f"{cfg.name}.events")
            except ModuleNotFoundError as exc:
                if exc.name != f"{cfg.name}.events":
                    raise
    # events declared by test modules (core's outbox tests) are not the platform's
    return {n for n, cls in events._registry.items() if ".tests." not in cls.__module__}


def test_every_registered_event_is_mapped_or_deliberately_not():  # R-ALR-01
    registered = _all_events()
    mapped = {n for spec in indicators.specs().values() for n in spec.events}
    mapped.add("deadline.missed")  # every kind is the indicator deadline.<kind>
    unmapped = registered - mapped - set(NON_RISK_EVENTS)
    assert not unmapped, (
        f"events feeding no indicator and not listed in NON_RISK_EVENTS: {unmapped}"
    )
    assert not set(NON_RISK_EVENTS) & mapped, "an event is both mapped and listed as no risk"
    assert not set(NON_RISK_EVENTS) - registered, "NON_RISK_EVENTS names an unknown event"
    assert all(reason.strip() for reason in NON_RISK_EVENTS.values())
    # and each mapped event reaches the alerts: handle_event is subscribed to it
    from postaward.alerts.subscribers import handle_event

    for name in mapped - {"deadline.missed"}:
        assert handle_event in events.subscribers_of(name), name


# --- the approvals events that re-run a data indicator for their project -----------------------------


def _approved(d, c, part, *, count: int, cost: str):
    return _evt(
        "approvals.change_approved",
        d,
        change_id=c.pk,
        participant_id=part.pk,
        organisation_id=part.organisation_id,
        cost_delta=str(c.cost_delta),
        days_delta=c.days_delta,
        work_date=c.work_date.isoformat(),
        approved_at="2026-03-10T09:00:00+08:00",
        is_major=False,
        after_the_fact=False,
        approved_count=count,
        cumulative_cost=cost,
        cumulative_days=0,
    )


def test_each_approval_reruns_the_contract_indicator(d):  # R-CHG-02, R-ALR-01
    part = contractor_of(d)
    with at(DAY):
        for cost in (1000, -500, 200):
            c = change(d, participant=part, cost=cost)
        publish(_approved(d, c, part, count=3, cost="700"))
    a = Alert.objects.get()
    assert a.indicator.code == "change.contract_changes"
    assert (a.level, a.handling_org) == ("industry_authority", d.orgs["housing"])
    assert "已批准工程变更 3 次，达到阈值 3 次" in a.explanation
    assert len(a.evidence) == 3


def test_price_with_extension_event_reruns_its_indicator(d):  # R-CHG-02
    part = contractor_of(d)
    with at(DAY):
        c = change(d, participant=part, cost=50_000, days=20)
        publish(
            _evt(
                "approvals.price_increase_with_extension",
                d,
                change_id=c.pk,
                participant_id=part.pk,
                organisation_id=part.organisation_id,
                cost_delta="50000",
                days_delta=20,
            )
        )
    a = Alert.objects.get()
    assert a.indicator.code == "change.price_up_with_extension"
    assert (a.level, a.handling_org) == ("superior_unit", d.orgs["edu_line"])
    assert "增加价款 50,000.00 元并延长工期 20 天" in a.explanation


def test_rerun_event_without_a_qualifying_change_creates_nothing(d):
    part = contractor_of(d)
    with at(DAY):
        c = change(d, participant=part, cost=1000)
        publish(_approved(d, c, part, count=1, cost="1000"))
    assert not Alert.objects.exists()


# --- escalation notifies the new handling unit --------------------------------------------------------


def test_escalation_sends_the_alert_escalated_notification(d):  # R-ORG-02
    with at(DAY):
        publish(_evt("approvals.rectification_overdue", d, **CASES[9][1](d)))
    a = Alert.objects.get()
    assert a.handling_org == d.orgs["school"]
    # 5 working days from Tuesday 03-10: due Tuesday 03-17 24:00.
    with at(DAY + dt.timedelta(days=8), 1):
        deadlines.sweep()
        deliver()
    a.refresh_from_db()
    assert (a.level, a.handling_org, a.escalations) == ("superior_unit", d.orgs["edu_line"], 1)
    n = Notification.objects.get(kind="alert_escalated", alert=a)
    assert n.recipient == d.users["line_supervisor"]
    assert "测试区第一中学未在期限内处置" in n.body and a.explanation in n.body
    assert Notification.objects.filter(kind="alert_overdue", alert=a).exists()
    # The same sweep again sends nothing more.
    with at(DAY + dt.timedelta(days=8), 2):
        deadlines.sweep()
        deliver()
    assert Notification.objects.filter(kind="alert_escalated", alert=a).count() == 1
