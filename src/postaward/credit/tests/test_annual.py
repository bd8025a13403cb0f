"""Project scores, the annual comprehensive score and its five-colour code
(SY 7: 同一家单位参与多个工程项目的，形成年度综合评分; SY 37(三)), versions,
the subscriber and the worker's recomputation (R-SCO-02, R-SCO-03; ADR 0650)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from postaward.core import events
from postaward.core.models import AuditRecord

from .. import annual, annual_runs
from ..choices import Colour, ScoreState
from ..events import ScoreChanged
from ..models import AnnualRecompute, AnnualScore, RecomputeState, RuleSet, ScoreEvent
from . import factories_annual as fa

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_the_year():
    with time_machine.travel(fa.AFTER_YEAR, tick=False):
        yield


def test_r_sco_02_project_score_is_base_plus_events_clamped(district):
    ex = fa.two_projects(district)
    s1 = annual.project_score(ex["key"], ex["p1"].pk, 2026)
    assert (s1.base, s1.deductions, s1.score) == (Decimal("100"), Decimal("-8"), Decimal("92"))
    assert [e["item"] for e in s1.events] == ["A1"]
    # five A2 (−20 each) on P2: −100 − 20 = −120 → clamped at 0, not −20
    for _n in range(5):
        fa.event(district, ex["transport"], "A2", subject=ex["unit"], project=ex["p2"])
    assert annual.project_score(ex["key"], ex["p2"].pk, 2026).score == Decimal("0")


def test_r_sco_02_a_withdrawn_event_does_not_count(district):
    ex = fa.two_projects(district)
    ex["events"][0].state = ScoreState.WITHDRAWN
    ex["events"][0].save()
    assert annual.project_score(ex["key"], ex["p1"].pk, 2026).score == Decimal("100")


def test_r_sco_02_months_active_are_the_calendar_months_touched(district):
    ex = fa.two_projects(district)
    assert annual.months_active(ex["p1"], 2026) == 6  # 03-02 … 08-15
    assert annual.months_active(ex["p2"], 2026) == 3  # 10-10 … (runs on)
    assert annual.months_active(ex["p1"], 2025) == 0
    assert annual.months_active(ex["p2"], 2027) == 1  # 2027-01-20: January so far


def test_r_sco_02_two_projects_weighted_by_contract_amount_and_months(district):
    """The worked example of ADR 0650: weights 2,000,000 × 6 and 3,000,000 × 3
    (the unit's own contract, not the project's); (12 × 92 + 9 × 80) / 21 =
    86.857142…, then the event without a project −2 → 84.86."""
    ex = fa.two_projects(district)
    row = annual.compute_annual(ex["key"], 2026, reason="测试")
    assert row.score == Decimal("84.86")
    comp = row.computation
    assert comp["weighting"] == "amount_months"
    by_project = {r["project_id"]: r for r in comp["projects"]}
    p1, p2 = by_project[ex["p1"].pk], by_project[ex["p2"].pk]
    assert (p1["amount"], p1["months"], Decimal(p1["weight"])) == ("2000000.00", 6, 12000000)
    assert (p2["amount"], p2["months"], Decimal(p2["weight"])) == ("3000000.00", 3, 9000000)
    assert (p1["score"], p2["score"]) == ("92.00", "80.00")
    assert (p1["share"], p2["share"]) == ("0.5714", "0.4286")
    assert (p1["contribution"], p2["contribution"]) == ("52.5714", "34.2857")
    assert comp["weighted_mean"] == "86.8571"
    assert comp["direct_points"] == "-2.00"
    # the colour: the industry with the largest weight (房建 12,000,000) → its rules
    assert row.rule_set_id == ex["housing"].pk and row.authority_id == district.orgs["housing"].pk
    assert row.colour == Colour.BLUE
    assert row.colour_reasons == [
        "年度综合评分 84.86 分，不低于蓝码最低分 80.00 分、低于绿码最低分 90.00 分，"
        f"为蓝码（《{ex['housing'].title}》（第1版））"
    ]


def test_r_sco_02_colour_follows_the_industry_with_the_largest_weight(district):
    ex = fa.two_projects(district)
    # the transport rules are stricter: blue from 86; P2 gets the larger weight
    RuleSet.objects.filter(pk=ex["transport"].pk).update(green_min=95, blue_min=86)
    from postaward.projects.models import Participant

    Participant.objects.filter(project=ex["p2"], organisation=ex["unit"]).update(
        contract_amount=Decimal("5000000")
    )  # 15,000,000 > 12,000,000
    row = annual.compute_annual(ex["key"], 2026, reason="测试")
    # (12 × 92 + 15 × 80) / 27 = 85.333… − 2 = 83.33 → yellow under 交通 (blue from 86)
    assert row.score == Decimal("83.33")
    assert (row.rule_set_id, row.colour) == (ex["transport"].pk, Colour.YELLOW)


@pytest.mark.parametrize(
    ("score", "colour"),
    [
        ("100", Colour.GREEN),
        ("90", Colour.GREEN),
        ("89.99", Colour.BLUE),
        ("80", Colour.BLUE),
        ("79.99", Colour.YELLOW),
        ("70", Colour.YELLOW),
        ("69.99", Colour.ORANGE),
        ("60", Colour.ORANGE),
        ("59.99", Colour.RED),
        ("0", Colour.RED),
    ],
)
def test_r_sco_03_five_colour_edges_with_the_default_minimums(score, colour):
    """The model's default minimums 90/80/70/60: exactly at a minimum is that
    colour, one cent below is the next."""
    got, reasons = annual.colour_and_reasons(Decimal(score), None, "org:1", 2026)
    assert got == colour
    assert reasons[0].startswith(f"年度综合评分 {Decimal(score)} 分")
    assert "平台默认阈值" in reasons[0]


def test_r_sco_03_an_override_makes_a_blacklisted_unit_red(district):
    ex = fa.two_projects(district)

    def blacklist(subject_key: str, year: int) -> annual.ColourOverride | None:
        if subject_key == ex["key"]:
            return annual.ColourOverride(Colour.RED, "列入黑名单（测试）")
        return None

    annual.COLOUR_OVERRIDES.append(blacklist)
    try:
        row = annual.compute_annual(ex["key"], 2026, reason="测试")
    finally:
        annual.COLOUR_OVERRIDES.remove(blacklist)
    assert row.score == Decimal("84.86") and row.colour == Colour.RED
    assert row.colour_reasons[-1] == "列入黑名单（测试）"


def test_r_sco_02_new_version_on_change_none_when_unchanged(district):
    ex = fa.two_projects(district)
    first = annual.compute_annual(ex["key"], 2026, reason="首次计算")
    audits = AuditRecord.objects.filter(action="credit.annual_computed").count()
    again = annual.compute_annual(ex["key"], 2026, reason="再次计算")
    assert again.pk == first.pk and again.version == 1
    assert AuditRecord.objects.filter(action="credit.annual_computed").count() == audits
    # an addition (+3 on P1): 95 on P1 → (12 × 95 + 9 × 80) / 21 − 2 = 86.57
    fa.event(district, ex["housing"], "B1", subject=ex["unit"], project=ex["p1"])
    second = annual.compute_annual(ex["key"], 2026, reason="新增加分")
    assert (second.version, second.score, second.current) == (2, Decimal("86.57"), True)
    first.refresh_from_db()
    # the old version is kept as it was, only no longer current
    assert (first.current, first.score, first.reason) == (False, Decimal("84.86"), "首次计算")
    assert AnnualScore.objects.filter(subject_key=ex["key"], year=2026).count() == 2
    assert AuditRecord.objects.filter(action="credit.annual_computed").count() == audits + 1


def test_r_sco_02_only_direct_events_score_from_the_base(district):
    ex = fa.two_projects(district)
    other = fa.org(district.orgs["office"], "丁监理有限公司", "supervising_firm")
    fa.event(district, ex["housing"], "A1", subject=other, on=dt.date(2026, 4, 1))
    row = annual.compute_annual(f"org:{other.pk}", 2026, reason="测试")
    assert (row.score, row.colour, row.computation["projects"]) == (
        Decimal("92.00"),
        Colour.GREEN,
        [],
    )
    assert row.subject_kind == "supervising_firm"


def test_r_sco_02_a_person_is_scored_on_the_projects_of_their_events(district):
    ex = fa.two_projects(district)
    person = district.users["pm_a"].person
    e = fa.event(district, ex["housing"], "A1", subject=ex["unit"], project=ex["p1"])
    ScoreEvent.objects.filter(pk=e.pk).update(
        subject_key=f"person:{person.pk}",
        subject_org=None,
        subject_person=person,
        subject_kind="person",
    )
    row = annual.compute_annual(f"person:{person.pk}", 2026, reason="测试")
    assert (row.subject_kind, row.subject_person_id, row.subject_org_id) == (
        "person",
        person.pk,
        None,
    )
    assert row.score == Decimal("92.00") and row.district_id == district.orgs["office"].pk
    assert [p["project_id"] for p in row.computation["projects"]] == [ex["p1"].pk]


def test_r_sco_02_the_subscriber_recomputes_after_a_score_change(
    district, django_capture_on_commit_callbacks
):
    ex = fa.two_projects(district)
    annual.compute_annual(ex["key"], 2026, reason="首次计算")
    e = fa.event(district, ex["housing"], "A1", subject=ex["unit"], project=ex["p1"])
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            events.publish(
                ScoreChanged(
                    score_event_id=e.pk,
                    subject_key=ex["key"],
                    year=2026,
                    change="recorded",
                    points=str(e.points),
                )
            )
    events.drain()
    current = AnnualScore.objects.get(subject_key=ex["key"], year=2026, current=True)
    # P1: 100 − 8 − 8 = 84 → (12 × 84 + 9 × 80) / 21 − 2 = 80.29
    assert (current.version, current.score) == (2, Decimal("80.29"))
    assert current.reason == "记分事件变化（新增记分）"


def test_r_sco_02_recompute_year_in_the_worker_with_progress(
    district, django_capture_on_commit_callbacks
):
    ex = fa.two_projects(district)
    office = district.actor("office_staff")
    seen: list[tuple[int, int]] = []
    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = annual_runs.start_recompute(actor=office, year=2026, reason="规则版本变更后重算")
    assert (run.state, run.percent) == (RecomputeState.QUEUED, 0)
    assert len(queued) == 1  # the worker is asked after the commit
    real = annual_runs._progress

    def spy(run_id: int):  # the progress as the worker reports it, step by step
        report = real(run_id)

        def both(done: int, total: int) -> None:
            report(done, total)
            r = AnnualRecompute.objects.get(pk=run_id)
            seen.append((r.done, r.total))

        return both

    annual_runs._progress = spy
    try:
        queued[0]()  # the worker (huey immediate in tests) runs it
    finally:
        annual_runs._progress = real
    run.refresh_from_db()
    assert run.state == RecomputeState.DONE and run.percent == 100
    total = run.total
    assert total >= 3 and run.done == total  # 丙, 甲, 乙 and the owners of 2026
    assert seen == [(n, total) for n in range(1, total + 1)]
    assert run.changed == total  # every subject's first version
    assert AnnualScore.objects.get(subject_key=ex["key"], year=2026, current=True).score == (
        Decimal("84.86")
    )
    assert AuditRecord.objects.filter(action="credit.annual_recompute_started").count() == 1
    assert annual_runs.run_recompute(run.pk) == 0  # a finished run is not run again
    # nothing changed: a second run writes no version
    with django_capture_on_commit_callbacks(execute=True):
        run2 = annual_runs.start_recompute(actor=office, year=2026)
    run2.refresh_from_db()
    assert (run2.state, run2.changed, run2.done) == (RecomputeState.DONE, 0, total)


def test_r_sco_02_only_the_office_recomputes_a_year(district):
    from postaward.core.errors import Forbidden, ValidationFailed

    with pytest.raises(Forbidden):
        annual_runs.start_recompute(actor=district.actor("housing_staff"), year=2026)
    with pytest.raises(ValidationFailed):
        annual_runs.start_recompute(actor=district.actor("office_staff"), year=2030)
    assert not AnnualRecompute.objects.exists()


def test_r_sco_02_a_unit_with_nothing_in_the_year_keeps_the_base_score(district):
    """Neither a project nor an event in the year: the base of the default rules
    (100), as a score with two decimals, not a failure of the recomputation."""
    unit = fa.org(district.orgs["office"], "戊造价咨询有限公司", "budget")
    a = annual.annual_of(f"org:{unit.pk}", 2026)
    assert (a.score, a.computation["weighted_mean"], a.computation["projects"]) == (
        Decimal("100.00"),
        "100.0000",
        [],
    )


def test_r_sco_02_the_year_lists_only_real_units(district):
    """A project the feed could not match to an owner (R-ORG-03: it waits for
    its assignment) adds no subject: every key of the year names a unit."""
    from postaward.projects.models import Project

    ex = fa.two_projects(district)
    Project.objects.filter(pk=ex["p1"].pk).update(owner=None)
    keys = annual.subjects_of_year(2026)
    assert keys and all(not k.endswith(":None") for k in keys)
    for key in keys:
        annual.annual_of(key, 2026)
