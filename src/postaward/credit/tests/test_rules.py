"""Scoring rule sets (评分规则): versions, the second person's approval,
supersession, the version in force on a day, drafts-only editing and the
platform's defaults (R-SCO-01; SY 7, 37, 40–49; ADR 0632, 0633)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from postaward.core import clock, steps
from postaward.core.actor import SYSTEM
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import AuditRecord
from postaward.testing import db_fingerprint

from .. import facts, services_rules
from ..choices import RuleSetState, SubjectKind
from ..default_rules import COMMON, EXTRA, SY, default_items, install_defaults
from ..models import MANUAL, RuleItem, RuleSet
from ..rules import effective_rule_set, readable_rule_sets
from ..steps_rules import APPROVE, REJECT
from . import factories_rules as f

pytestmark = pytest.mark.django_db

ITEM = {
    "code": "X01",
    "description": "未按规定公示项目信息",
    "subject_kind": "owner",
    "points": "-1.5",
    "cap_per_project": "3",
    "cap_per_year": "6",
    "trigger": "manual",
    "basis_document": SY,
    "basis_article": "第四十条",
}


def _audits(rs: RuleSet, action: str) -> int:
    return AuditRecord.objects.filter(
        object_type="credit.ruleset", object_id=str(rs.pk), action=action
    ).count()


# --- versions and copying ----------------------------------------------------------------------


def test_r_sco_01_a_draft_is_the_next_version_and_copies_the_effective_items(district):
    """R-SCO-01: version = last + 1 for the authority and industry; the header
    and every item of the version in force are copied; audited."""
    v1 = f.defaults(district)
    v2 = f.draft(district)
    assert (v1.version, v2.version) == (1, 2)
    assert v2.state == RuleSetState.DRAFT and v2.based_on_id == v1.pk
    assert v2.drafted_by_id == district.users["housing_staff"].pk
    fields = ("code", "points", "cap_per_project", "cap_per_year", "trigger", "basis_article")
    copy = list(v2.items.order_by("code").values_list(*fields))
    assert copy == list(v1.items.order_by("code").values_list(*fields))
    assert len(copy) == len(COMMON)
    assert (v2.green_min, v2.objection_days) == (v1.green_min, v1.objection_days)
    assert _audits(v2, "credit.rule_set_drafted") == 1
    # the copy is a copy: the items are other rows
    assert not set(v2.items.values_list("pk", flat=True)) & set(
        v1.items.values_list("pk", flat=True)
    )


def test_r_sco_01_one_open_draft_per_authority_and_industry(district):
    """R-SCO-01: a second draft while one is open (draft or pending) is refused;
    after a rejection a new one may start, based on the version in force."""
    f.draft(district)
    with pytest.raises(Conflict, match="未完成的草稿"):
        services_rules.create_draft(
            actor=district.actor("housing_admin"),
            authority=district.orgs["housing"],
            industry="housing",
        )
    rs = RuleSet.objects.get(version=2)
    services_rules.submit_rule_set(actor=district.actor("housing_staff"), obj=rs)
    with pytest.raises(Conflict):
        services_rules.create_draft(
            actor=district.actor("housing_staff"),
            authority=district.orgs["housing"],
            industry="housing",
        )
    services_rules.reject_rule_set(actor=district.actor("housing_admin"), obj=rs, opinion="请修改")
    v3 = services_rules.create_draft(
        actor=district.actor("housing_staff"),
        authority=district.orgs["housing"],
        industry="housing",
    )
    assert v3.version == 3 and v3.based_on.version == 1


def test_r_sco_01_a_draft_based_on_another_version_and_without_any(district):
    """R-SCO-01: a draft may start from a chosen version of the same line, or
    from nothing when no version is in force; another line is refused."""
    first = services_rules.create_draft(
        actor=district.actor("transport_staff"),
        authority=district.orgs["transport"],
        industry="transport",
    )
    assert first.version == 1 and first.based_on is None and first.items.count() == 0
    housing_v1 = f.defaults(district)
    services_rules.add_item(actor=district.actor("transport_staff"), rule_set=first, **ITEM)
    with pytest.raises(ValidationFailed, match="同一行业"):
        services_rules.create_draft(
            actor=district.actor("housing_staff"),
            authority=district.orgs["housing"],
            industry="housing",
            based_on=first,
        )
    assert housing_v1.state == RuleSetState.EFFECTIVE


def test_r_sco_01_only_the_authoritys_staff_draft(district):
    """R-SCO-01: the office, another authority and an enterprise may not draft."""
    f.defaults(district)
    for user in ("office_staff", "transport_staff", "contractor_a_admin"):
        with pytest.raises(Forbidden):
            services_rules.create_draft(
                actor=district.actor(user), authority=district.orgs["housing"], industry="housing"
            )
    assert RuleSet.objects.count() == 1


# --- the second person ---------------------------------------------------------------------------


def test_r_sco_01_the_drafter_may_not_approve_another_leader_may(district):
    """R-SCO-01 (复核): a leader who drafted a version may not approve it (409
    with the reason); the authority's other leader, who neither drafted nor
    submitted it, approves it."""
    f.defaults(district)
    leader = f.leader(district)
    rs = services_rules.create_draft(
        actor=district.actor("housing_admin"),
        authority=district.orgs["housing"],
        industry="housing",
    )
    rs = services_rules.submit_rule_set(actor=district.actor("housing_staff"), obj=rs)
    admin = district.actor("housing_admin")
    reason = steps.refusal(APPROVE, rs, admin)
    assert reason is not None and "另一人" in reason.message
    before = db_fingerprint()
    with pytest.raises(Conflict, match="另一人"):
        services_rules.approve_rule_set(actor=admin, obj=rs)
    assert db_fingerprint() == before
    # the staff member who submitted it is not a reviewer at all (403)
    with pytest.raises(Forbidden):
        services_rules.approve_rule_set(actor=district.actor("housing_staff"), obj=rs)
    # the other leader approves
    done = services_rules.approve_rule_set(actor=district.actor(leader), obj=rs, opinion="同意")
    assert done.state == RuleSetState.EFFECTIVE
    assert done.approved_by_id == district.users[leader].pk
    assert done.review_opinion == "同意"
    assert _audits(rs, "credit.rule_set_approve") == 1


def test_r_sco_01_a_leader_who_edited_items_is_an_author_too(district):
    """R-SCO-01: whoever changed an item of the version is not the second
    person either; nor is the submitter; another authority's leader cannot."""
    f.defaults(district)
    leader = f.leader(district)
    rs = f.draft(district)
    services_rules.add_item(actor=district.actor(leader), rule_set=rs, **ITEM)
    rs = services_rules.submit_rule_set(actor=district.actor("housing_admin"), obj=rs)
    for user in (leader, "housing_admin"):
        assert not steps.may(APPROVE, rs, district.actor(user)), user
        assert not steps.may(REJECT, rs, district.actor(user)), user
    reason = steps.refusal(APPROVE, rs, district.actor("housing_admin"))
    assert reason is not None and reason.code == "second_person"


def test_r_sco_01_reject_needs_an_opinion_and_revise_reopens_the_draft(district):
    """R-SCO-01: rejection needs an opinion (422, nothing changed); a rejected
    version goes back to draft and can be edited and submitted again."""
    rs = f.pending(district)
    admin = district.actor("housing_admin")
    before = db_fingerprint()
    with pytest.raises(ValidationFailed):
        services_rules.reject_rule_set(actor=admin, obj=rs, opinion="  ")
    assert db_fingerprint() == before
    services_rules.reject_rule_set(actor=admin, obj=rs, opinion="分值依据不足")
    rs.refresh_from_db()
    assert rs.state == RuleSetState.REJECTED and rs.review_opinion == "分值依据不足"
    staff = district.actor("housing_staff")
    services_rules.revise_rule_set(actor=staff, obj=rs)
    rs.refresh_from_db()
    assert rs.state == RuleSetState.DRAFT
    services_rules.add_item(actor=staff, rule_set=rs, **ITEM)
    services_rules.submit_rule_set(actor=staff, obj=rs)
    rs.refresh_from_db()
    assert rs.state == RuleSetState.PENDING


def test_r_sco_01_submit_needs_an_item(district):
    """R-SCO-01: an empty version cannot be submitted (409 with the reason)."""
    rs = services_rules.create_draft(
        actor=district.actor("transport_staff"),
        authority=district.orgs["transport"],
        industry="transport",
    )
    with pytest.raises(Conflict, match="至少录入一个评分项"):
        services_rules.submit_rule_set(actor=district.actor("transport_staff"), obj=rs)
    rs.refresh_from_db()
    assert rs.state == RuleSetState.DRAFT


# --- supersession and the version in force ---------------------------------------------------------


def test_r_sco_01_approval_supersedes_the_previous_version_on_the_new_date(district):
    """R-SCO-01: approving version 2 effective from a future day ends version 1
    that day (effective_to = the new effective_from), state superseded; the
    version in force is 1 the day before, 2 on the day and after."""
    v1 = f.defaults(district)
    rs = f.draft(district)
    start = clock.today() + dt.timedelta(days=10)
    staff = district.actor("housing_staff")
    services_rules.update_rule_set(actor=staff, rule_set=rs, effective_from=start)
    services_rules.submit_rule_set(actor=staff, obj=rs)
    services_rules.approve_rule_set(actor=district.actor("housing_admin"), obj=rs)
    v1.refresh_from_db()
    rs.refresh_from_db()
    assert v1.state == RuleSetState.SUPERSEDED and v1.effective_to == start
    assert rs.state == RuleSetState.EFFECTIVE and rs.effective_from == start
    assert rs.effective_to is None
    housing = district.orgs["housing"].pk
    assert effective_rule_set(housing, "housing", start - dt.timedelta(days=1)) == v1
    assert effective_rule_set(housing, "housing", start) == rs
    assert effective_rule_set(housing, "housing", start + dt.timedelta(days=400)) == rs
    assert effective_rule_set(housing, "housing", f.DEFAULTS_FROM - dt.timedelta(days=1)) is None
    assert effective_rule_set(housing, "transport", start) is None
    assert _audits(v1, "credit.rule_set_superseded") == 1


def test_r_sco_01_a_new_version_must_start_after_the_current_one(district):
    """R-SCO-01: with version 2 approved from a future day, version 3 is based
    on version 2 (the approved head of the line) and may not start before
    it (409 with the reason); version 1 is still in force today and its page
    says so."""
    v1 = f.defaults(district)
    staff = district.actor("housing_staff")
    start = clock.today() + dt.timedelta(days=20)
    v2 = f.draft(district)
    services_rules.update_rule_set(actor=staff, rule_set=v2, effective_from=start)
    services_rules.submit_rule_set(actor=staff, obj=v2)
    services_rules.approve_rule_set(actor=district.actor("housing_admin"), obj=v2)
    v3 = services_rules.create_draft(
        actor=staff, authority=district.orgs["housing"], industry="housing"
    )
    assert v3.based_on_id == v2.pk
    services_rules.update_rule_set(
        actor=staff, rule_set=v3, effective_from=start - dt.timedelta(days=1)
    )
    v3 = services_rules.submit_rule_set(actor=staff, obj=v3)
    before = db_fingerprint()
    with pytest.raises(Conflict, match="须晚于现行版本"):
        services_rules.approve_rule_set(actor=district.actor("housing_admin"), obj=v3)
    assert db_fingerprint() == before
    c = district.client("office_staff")
    page = c.get(reverse("credit_rule_detail", args=[v1.pk])).content.decode()
    assert "已被新版本替代" in page and 'data-testid="rule-in-force"' in page
    later = c.get(reverse("credit_rule_detail", args=[v2.pk])).content.decode()
    assert 'data-testid="rule-in-force"' not in later


def test_r_sco_01_an_empty_effective_date_means_today(district):
    """R-SCO-01: approved without an effective date, a version takes effect
    today; the previous one ends today."""
    v1 = f.defaults(district)
    rs = f.effective(district)
    v1.refresh_from_db()
    assert rs.effective_from == clock.today() == v1.effective_to
    assert effective_rule_set(district.orgs["housing"].pk, "housing", clock.today()) == rs


def test_r_sco_01_a_date_that_passed_while_pending_is_refused(district, monkeypatch):
    """R-SCO-01: a version whose effective date has passed while it waited
    for review is not approved (409 with the reason): it would rewrite days
    already scored under the previous version."""
    rs = f.draft(district)
    staff = district.actor("housing_staff")
    tomorrow = clock.today() + dt.timedelta(days=1)
    services_rules.update_rule_set(actor=staff, rule_set=rs, effective_from=tomorrow)
    services_rules.submit_rule_set(actor=staff, obj=rs)
    later = tomorrow + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: later)
    with pytest.raises(Conflict, match="生效日期已早于今天"):
        services_rules.approve_rule_set(actor=district.actor("housing_admin"), obj=rs)


# --- editing drafts only, validation ---------------------------------------------------------------


def test_r_sco_01_items_are_added_changed_and_deleted_on_drafts_only(district):
    """R-SCO-01: add, change, delete an item of a draft (each audited); on a
    pending or effective version each is refused and nothing changes."""
    rs = f.draft(district)
    staff = district.actor("housing_staff")
    item = services_rules.add_item(actor=staff, rule_set=rs, **ITEM)
    assert item.points == Decimal("-1.50") and item.order == len(COMMON) + 1
    services_rules.update_item(
        actor=staff, rule_set=rs, item_id=item.pk, points="-2", description="未按规定公示"
    )
    item.refresh_from_db()
    assert (item.points, item.description) == (Decimal("-2.00"), "未按规定公示")
    a01 = rs.items.get(code="A01")
    services_rules.delete_item(actor=staff, rule_set=rs, item_id=a01.pk)
    assert not rs.items.filter(code="A01").exists()
    for action in (
        "credit.rule_item_added",
        "credit.rule_item_changed",
        "credit.rule_item_deleted",
    ):
        assert _audits(rs, action) == 1, action
    services_rules.submit_rule_set(actor=staff, obj=rs)
    before = db_fingerprint()
    for call in (
        lambda: services_rules.add_item(actor=staff, rule_set=rs, **{**ITEM, "code": "X02"}),
        lambda: services_rules.update_item(actor=staff, rule_set=rs, item_id=item.pk, points="-3"),
        lambda: services_rules.delete_item(actor=staff, rule_set=rs, item_id=item.pk),
        lambda: services_rules.update_rule_set(actor=staff, rule_set=rs, title="改名"),
    ):
        with pytest.raises(Conflict, match="只有草稿可以修改"):
            call()
    assert db_fingerprint() == before
    v1 = RuleSet.objects.get(version=1)
    with pytest.raises(Conflict):
        services_rules.add_item(actor=district.actor("housing_admin"), rule_set=v1, **ITEM)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "A01"}, "code", "已有编号"),
        ({"points": "0"}, "points", "不能为0"),
        ({"points": "abc"}, "points", "应为数字"),
        ({"cap_per_project": "-3"}, "cap_per_project", "正数"),
        ({"cap_per_year": "1"}, "cap_per_year", "不小于单次分值"),
        ({"trigger": "weather.rain"}, "trigger", "触发事实"),
        ({"basis_document": " "}, "basis_document", "依据文件"),
        ({"basis_article": ""}, "basis_article", "条款"),
        ({"subject_kind": "mayor"}, "subject_kind", "评分对象"),
    ],
)
def test_r_sco_01_a_bad_item_is_refused_and_changes_nothing(district, change, field, message):
    """R-SCO-01: code unique in the version, points non-zero, caps positive
    and at least |points|, a known trigger or manual, a basis document and
    article: each refused (422 on its field, Chinese), nothing written."""
    rs = f.draft(district)
    before = db_fingerprint()
    with pytest.raises(ValidationFailed, match=message) as exc:
        services_rules.add_item(
            actor=district.actor("housing_staff"), rule_set=rs, **{**ITEM, **change}
        )
    assert exc.value.errors[0]["field"] == field
    assert db_fingerprint() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"green_min": "75"}, "blue_min", "绿码 ≥ 蓝码 ≥ 黄码 ≥ 橙码"),
        ({"yellow_min": "85"}, "yellow_min", "依次递减"),
        ({"orange_min": "-1"}, "orange_min", "0至基础分"),
        ({"objection_days": 0}, "objection_days", "1至30个工作日"),
        ({"objection_days": 31}, "objection_days", "1至30个工作日"),
        ({"effective_from": "2020-01-01"}, "effective_from", "不能早于今天"),
        ({"title": ""}, "title", "名称"),
    ],
)
def test_r_sco_01_a_bad_header_is_refused_and_changes_nothing(district, change, field, message):
    """R-SCO-01: the colour minimums ordered green ≥ blue ≥ yellow ≥ orange,
    the objection period 1..30 working days, the effective date not in the
    past: refused with a Chinese reason on the field, nothing written."""
    rs = f.draft(district)
    before = db_fingerprint()
    with pytest.raises(ValidationFailed, match=message) as exc:
        services_rules.update_rule_set(actor=district.actor("housing_staff"), rule_set=rs, **change)
    assert exc.value.errors[0]["field"] == field
    assert db_fingerprint() == before


def test_r_sco_01_the_header_edges_are_accepted(district):
    """R-SCO-01: equal colour minimums, 1 and 30 working days, today."""
    rs = f.draft(district)
    staff = district.actor("housing_staff")
    services_rules.update_rule_set(
        actor=staff,
        rule_set=rs,
        green_min="80",
        blue_min="80",
        yellow_min="70",
        orange_min="70",
        objection_days=30,
        effective_from=clock.today(),
    )
    services_rules.update_rule_set(actor=staff, rule_set=rs, objection_days=1)
    rs.refresh_from_db()
    assert (rs.green_min, rs.blue_min, rs.objection_days) == (80, 80, 1)
    assert rs.effective_from == clock.today()
    assert _audits(rs, "credit.rule_set_updated") == 2


# --- the defaults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("industry", ["housing", "transport", "water"])
def test_r_sco_01_every_default_item_cites_a_document_and_an_article(industry):
    """R-SCO-01 (SY 40–49, QZ 9, HC 三(五)): every default item names its
    document and article, a fact of the catalogue or manual, a deduction with
    caps at least the points; codes are unique; every fact is used."""
    items = default_items(industry)
    assert len({i.code for i in items}) == len(items)
    for i in items:
        assert i.basis_document and i.basis_article, i.code
        assert i.basis_article.startswith(("第", "三")), i.code
        assert i.trigger == MANUAL or i.trigger in facts.FACTS, i.code
        assert i.subject_kind in SubjectKind.values
        points = Decimal(i.points)
        assert points < 0
        for cap in (i.cap_per_project, i.cap_per_year):
            assert cap is None or Decimal(cap) >= abs(points), i.code
    assert {i.trigger for i in items} - {MANUAL} == set(facts.FACTS)
    manual = {i.description for i in items if i.trigger == MANUAL}
    assert "拒绝纳入平台监管" in manual
    assert any("迟报、漏报、谎报、瞒报" in d for d in manual)
    assert len(items) == len(COMMON) + len(EXTRA[industry])


def test_r_sco_01_the_defaults_score_the_documents_numbers():
    """R-SCO-01: SY 42 (absence of 2 days or more; monthly rate under 80 %),
    SY 47 (cheating), SY 48 (refusing the platform), QZ 9 (inspection
    findings), HC 三(五) (penalties) with the chosen points."""
    by = {(i.trigger, i.subject_kind): i for i in COMMON}
    assert by[("attendance.absence_streak", "contractor")].points == "-2"
    assert by[("attendance.absence_streak", "contractor")].cap_per_project == "10"
    assert by[("attendance.absence_streak", "contractor")].basis_article == "第四十二条"
    assert by[("attendance.monthly_rate_low", "supervising_firm")].points == "-3"
    assert by[("attendance.cheat_confirmed", "contractor")].points == "-5"
    assert by[("attendance.cheat_confirmed", "contractor")].basis_article == "第四十七条"
    assert by[("inspections.finding", "contractor")].basis_article == "第九条"
    assert by[("cases.penalty_decided", "contractor")].basis_article == "三（五）"
    refuse = next(i for i in COMMON if i.description == "拒绝纳入平台监管")
    assert (refuse.points, refuse.basis_article) == ("-10", "第四十八条")


def test_r_sco_01_install_defaults_makes_version_1_in_force(district):
    """R-SCO-01: the platform's defaults are version 1, effective from the
    given day, noted 平台默认规则, audited; installing twice is refused; an
    industry without defaults is refused."""
    rs = install_defaults(
        actor=SYSTEM, authority=district.orgs["transport"], effective_from=dt.date(2026, 2, 1)
    )
    assert (rs.version, rs.state, rs.industry) == (1, RuleSetState.EFFECTIVE, "transport")
    assert "平台默认规则" in rs.note and rs.approved_by is None and rs.drafted_by is None
    assert rs.items.count() == len(COMMON) + 1
    assert effective_rule_set(rs.authority_id, "transport", dt.date(2026, 2, 1)) == rs
    assert effective_rule_set(rs.authority_id, "transport", dt.date(2026, 1, 31)) is None
    assert _audits(rs, "credit.rule_set_defaults_installed") == 1
    with pytest.raises(Conflict):
        install_defaults(
            actor=SYSTEM, authority=district.orgs["transport"], effective_from=dt.date(2026, 3, 1)
        )
    with pytest.raises(ValidationFailed):
        install_defaults(
            actor=SYSTEM, authority=district.orgs["school"], effective_from=dt.date(2026, 3, 1)
        )
    assert RuleSet.objects.count() == 1
    assert RuleItem.objects.filter(rule_set=rs, basis_document="").count() == 0


# --- who reads what -------------------------------------------------------------------------------


def test_r_sco_01_drafts_are_read_by_their_authority_and_the_office_only(district):
    """R-SCO-01 (ADR 0632): the office reads every version, the authority its
    own drafts; another authority, an owner and an enterprise read only the
    versions in force."""
    v2 = f.draft(district)
    v1 = RuleSet.objects.get(version=1)
    for user in ("office_staff", "housing_staff", "housing_admin"):
        assert set(readable_rule_sets(district.actor(user))) == {v1, v2}, user
    for user in ("transport_staff", "contractor_a_admin", "school_admin", "pm_a"):
        assert set(readable_rule_sets(district.actor(user))) == {v1}, user


# --- the edges: pages and API ---------------------------------------------------------------------


def test_r_sco_01_the_list_page_filters_exports_and_prints(district):
    """R-SCO-01: the list shows authority, industry, version, state, dates,
    item count and totals; filters; export; print."""
    f.draft(district)
    c = district.client("office_staff")
    page = c.get(reverse("credit_rule_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "测试区住建局" in text and "第2版" in text and "草稿" in text
    assert "共 <strong>2</strong> 个版本，其中现行有效 <strong>1</strong> 个" in text
    assert f"评分项合计 <strong>{2 * len(COMMON)}</strong> 项" in text
    only = c.get(reverse("credit_rule_list") + "?state=draft")
    assert [r.version for r in only.context["object_list"]] == [2]
    assert c.get(reverse("credit_rule_list") + "?export=xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert c.get(reverse("credit_rule_list") + "?print=1").status_code == 200
    assert "R-SCO" not in text
    contractor = district.client("contractor_a_admin").get(reverse("credit_rule_list"))
    assert [r.version for r in contractor.context["object_list"]] == [1]


def test_r_sco_01_the_detail_page_shows_basis_labels_steps_and_changes(district):
    """R-SCO-01: the page shows the thresholds, the objection period, each
    item's basis (document and article) and trigger label, the submit button
    for the staff, the history, and what changed from the version based on."""
    rs = f.draft(district)
    staff = district.actor("housing_staff")
    services_rules.add_item(actor=staff, rule_set=rs, **ITEM)
    a03 = rs.items.get(code="A03")
    services_rules.update_item(actor=staff, rule_set=rs, item_id=a03.pk, points="-3")
    services_rules.delete_item(actor=staff, rule_set=rs, item_id=rs.items.get(code="M09").pk)
    page = district.client("housing_staff").get(reverse("credit_rule_detail", args=[rs.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"《{SY}》第四十二条" in text
    assert facts.label("attendance.absence_streak") in text
    assert "绿码 ≥ 90.00" in text and "10 个工作日" in text
    assert 'data-testid="submit-form"' in text
    assert 'data-testid="added-X01"' in text and 'data-testid="removed-M09"' in text
    assert 'data-testid="changed-A03"' in text and "分值由“-2.00”改为“-3.00”" in text
    assert 'data-testid="add-item-form"' in text and 'data-testid="header-form"' in text
    assert "R-SCO" not in text and ">attendance.absence_streak<" not in text
    office = district.client("office_staff").get(reverse("credit_rule_detail", args=[rs.pk]))
    assert 'data-testid="add-item-form"' not in office.content.decode()
    assert (
        district.client("transport_staff")
        .get(reverse("credit_rule_detail", args=[rs.pk]))
        .status_code
        == 404
    )


def test_r_sco_01_the_pages_draft_and_edit(district):
    """R-SCO-01: the staff draft a version, change its header and an item, add
    and delete items through the pages; a bad colour order is refused beside
    the field with nothing changed."""
    f.defaults(district)
    c = district.client("housing_staff")
    r = c.post(reverse("credit_rule_new"), {"industry": "housing", "based_on": ""})
    assert r.status_code == 302
    rs = RuleSet.objects.get(version=2)
    header = {
        "h-title": "房建市政评分规则（2027）",
        "h-effective_from": "",
        "h-base_score": "100",
        "h-objection_days": "10",
        "h-green_min": "80",
        "h-blue_min": "85",
        "h-yellow_min": "70",
        "h-orange_min": "60",
        "h-note": "",
    }
    before = db_fingerprint()
    bad = c.post(reverse("credit_rule_edit", args=[rs.pk]), header)
    assert bad.status_code == 422 and "依次递减" in bad.content.decode()
    assert db_fingerprint() == before
    ok = c.post(reverse("credit_rule_edit", args=[rs.pk]), {**header, "h-blue_min": "80"})
    assert ok.status_code == 302
    rs.refresh_from_db()
    assert rs.title == "房建市政评分规则（2027）" and rs.green_min == 80
    add = c.post(
        reverse("credit_rule_item_add", args=[rs.pk]), {f"i-{k}": v for k, v in ITEM.items()}
    )
    assert add.status_code == 302
    item = rs.items.get(code="X01")
    edit = c.post(reverse("credit_rule_item", args=[rs.pk, item.pk]), {**ITEM, "points": "-2"})
    assert edit.status_code == 302
    item.refresh_from_db()
    assert item.points == -2
    gone = c.post(reverse("credit_rule_item_delete", args=[rs.pk, item.pk]))
    assert gone.status_code == 302 and not rs.items.filter(code="X01").exists()
    office = district.client("office_staff")
    assert office.post(reverse("credit_rule_item_add", args=[rs.pk]), {}).status_code == 403
    assert office.get(reverse("credit_rule_new")).status_code == 403
    anonymous = district.client(None).get(reverse("credit_rule_detail", args=[rs.pk]))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert (
        district.client("transport_staff")
        .post(reverse("credit_rule_item_add", args=[rs.pk]), {})
        .status_code
        == 404
    )
    from ..views_rules import can_see_rules

    assert all(can_see_rules(district.actor(u)) for u in ("office_staff", "pm_a", "school_admin"))
    assert not can_see_rules(district.actor("roleless"))


def test_r_sco_01_the_api_reads_creates_with_a_key_and_edits_items(district):
    """R-SCO-01: GET the versions and one with its items; POST a draft with
    an Idempotency-Key (a retry gets the same version); items added, changed
    and deleted; a bad item 422 with the Chinese reason and nothing changed."""
    f.defaults(district)
    c = district.client("housing_staff")
    base = "/api/v1/credit/rule-sets"
    headers = {"HTTP_IDEMPOTENCY_KEY": "rules-1"}
    first = c.post(
        base, json.dumps({"industry": "housing"}), content_type="application/json", **headers
    )
    assert first.status_code == 201, first.content
    again = c.post(
        base, json.dumps({"industry": "housing"}), content_type="application/json", **headers
    )
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    body = first.json()
    assert body["version"] == 2 and len(body["items"]) == len(COMMON)
    assert body["actions"] == ["submit"] and body["editable"] is True
    assert body["items"][0]["basis"].startswith("《")
    rid = body["id"]
    listed = c.get(f"{base}?industry=housing&state=draft").json()
    assert [r["id"] for r in listed] == [rid]
    on = c.get(f"{base}?on=2026-06-01").json()
    assert [r["version"] for r in on] == [1]
    before = db_fingerprint()
    bad = c.post(
        f"{base}/{rid}/items", json.dumps({**ITEM, "points": "0"}), content_type="application/json"
    )
    assert bad.status_code == 422 and "不能为0" in bad.json()["message"]
    assert db_fingerprint() == before
    added = c.post(f"{base}/{rid}/items", json.dumps(ITEM), content_type="application/json")
    assert added.status_code == 201 and added.json()["trigger_label"] == "人工录入（附证据）"
    iid = added.json()["id"]
    put = c.put(
        f"{base}/{rid}/items/{iid}",
        json.dumps({**ITEM, "points": "2"}),
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["points"] == "2.00"
    assert c.delete(f"{base}/{rid}/items/{iid}").status_code == 204
    patched = c.patch(
        f"{base}/{rid}", json.dumps({"objection_days": 15}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["objection_days"] == 15
    assert c.get(f"{base}/{rid}").json()["objection_days"] == 15
