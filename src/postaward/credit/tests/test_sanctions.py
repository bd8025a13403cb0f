"""The sanctions register and the enterprise bidding ban (R-SCO-07, R-SCO-08)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core import clock
from postaward.core.errors import DomainError, Forbidden, ValidationFailed
from postaward.core.models import AuditRecord, EventRecord
from postaward.orgs.choices import Role
from postaward.testing import account

from .. import services_sanctions
from ..choices import SanctionState
from ..models import Sanction
from . import factories_sanctions as f

pytestmark = pytest.mark.django_db


def test_r_sco_08_an_owner_records_a_contract_measure_audited_and_published(district):
    s = f.interview(district)
    assert s.number.startswith(f"CLCS{clock.today().year}")
    assert s.issuer_id == district.orgs["school"].pk and s.issuer_kind == "owner"
    assert s.subject_name == "甲建设有限公司" and s.state == SanctionState.EFFECTIVE
    assert AuditRecord.objects.filter(
        action="credit.sanction_recorded", object_id=str(s.pk)
    ).exists()
    evt = EventRecord.objects.get(name="credit.sanction_recorded")
    assert evt.payload["sanction_id"] == s.pk and evt.payload["kind"] == "interview"


@pytest.mark.parametrize(
    ("user", "kind", "message"),
    [
        ("school_admin", "fine", "不属于建设单位"),
        ("school_admin", "business_suspended", "不属于建设单位"),
        ("housing_staff", "deposit_forfeited", "不属于行业主管部门"),
    ],
)
def test_r_sco_08_each_issuer_takes_only_its_own_measures(district, user, kind, message):
    with pytest.raises(ValidationFailed, match=message):
        services_sanctions.record_sanction(
            actor=district.actor(user),
            kind=kind,
            subject_org_id=district.orgs["contractor_a"].pk,
            project_id=district.projects["p_school"].pk,
            reason="测试措施的作出单位",
            basis_document=f.SY,
            basis_article="第四十一条",
            decided_on=clock.today(),
            amount_yuan="1000",
        )
    assert not Sanction.objects.exists()


def test_r_sco_08_an_owner_only_on_its_own_project_and_against_a_participant(district):
    with pytest.raises(DomainError):  # another owner's project: not even visible
        f.interview(district, project_id=district.projects["p_hospital"].pk)
    with pytest.raises(ValidationFailed, match=r"不是.*参建单位"):
        f.interview(district, subject_org_id=district.orgs["contractor_b"].pk)
    with pytest.raises(ValidationFailed, match="须选择项目"):
        f.interview(district, project_id=None)
    assert not Sanction.objects.exists()


def test_r_sco_08_contractors_and_roleless_accounts_record_nothing(district):
    for user in ("contractor_a_admin", "pm_a", "roleless", "discipline"):
        with pytest.raises(Forbidden):
            services_sanctions.record_sanction(
                actor=district.actor(user),
                kind="interview",
                subject_org_id=district.orgs["contractor_a"].pk,
                reason="无权登记处理措施",
                basis_document=f.SY,
                basis_article="第四十二条",
                decided_on=clock.today(),
            )
    assert not Sanction.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "penalty_recovered"}, "amount_yuan"),  # money measures need their amount
        ({"amount_yuan": "500"}, "amount_yuan"),  # an interview has none
        ({"decided_on": dt.date(2999, 1, 1)}, "decided_on"),
        ({"reason": "  "}, "reason"),
        ({"basis_article": ""}, "basis_article"),
        ({"subject_person_id": 1}, "subject_org_id"),  # both an org and a person
    ],
)
def test_r_sco_08_bad_input_is_refused_and_changes_nothing(district, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        f.interview(district, **changes)
    assert exc.value.field == field
    assert not Sanction.objects.exists()
    assert not EventRecord.objects.filter(name="credit.sanction_recorded").exists()


def test_r_sco_07_business_suspension_needs_an_enterprise_and_its_period(district):
    base = {
        "kind": "business_suspended",
        "subject_org_id": district.orgs["contractor_a"].pk,
        "reason": "违约情节严重，造成国家重大损失",
        "basis_document": f.SY,
        "basis_article": "第四十四条",
        "decided_on": clock.today(),
    }
    a = district.actor("housing_staff")
    with pytest.raises(ValidationFailed, match="起止日期"):
        services_sanctions.record_sanction(actor=a, **base)
    with pytest.raises(ValidationFailed, match="不能早于起始日期"):
        services_sanctions.record_sanction(
            actor=a,
            **base,
            period_from=clock.today() + dt.timedelta(days=10),
            period_to=clock.today(),
        )
    assert not Sanction.objects.exists()


def test_r_sco_07_the_ban_holds_from_the_first_to_the_last_day_of_the_period(district):
    start = clock.today() + dt.timedelta(days=3)
    s = f.suspension(district, days=90, start=start)
    org = district.orgs["contractor_a"].pk
    last = start + dt.timedelta(days=89)
    assert services_sanctions.bans_of(org, start - dt.timedelta(days=1)) == []
    assert services_sanctions.bans_of(org, start) == [s]
    assert services_sanctions.bans_of(org, last) == [s]
    assert services_sanctions.bans_of(org, last + dt.timedelta(days=1)) == []
    assert "禁止参与区内招投标" in services_sanctions.ban_reason(s)


def test_r_sco_07_the_bidding_system_checks_an_enterprise_by_its_credit_code(district):
    account(district.orgs["office"], "bidding", [Role.INTEGRATOR], with_person=False)
    district.users["bidding"] = type(district.users["office_staff"]).objects.get(username="bidding")
    s = f.suspension(district, days=30)
    c = district.token_client("bidding")
    code = district.orgs["contractor_a"].uscc
    r = c.get("/api/v1/credit/enterprise-bans/check", {"uscc": code})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["allowed"] is False and body["bans"][0]["number"] == s.number
    assert "禁止参与区内招投标" in body["reasons"][0]
    later = (clock.today() + dt.timedelta(days=30)).isoformat()
    assert c.get("/api/v1/credit/enterprise-bans/check", {"uscc": code, "on": later}).json()[
        "allowed"
    ]
    other = district.orgs["contractor_b"].uscc
    assert c.get("/api/v1/credit/enterprise-bans/check", {"uscc": other}).json()["allowed"]
    wrong_check = code[:-1] + ("0" if code[-1] != "0" else "1")  # the check character differs
    bad = c.get("/api/v1/credit/enterprise-bans/check", {"uscc": wrong_check})
    assert bad.status_code == 422 and "校验位" in bad.json()["message"]
    assert c.get("/api/v1/credit/enterprise-bans/check", {"uscc": "123"}).status_code == 422


def test_r_sco_07_revoking_the_suspension_lifts_the_ban(district):
    s = f.suspension(district)
    from postaward.core import steps

    from ..steps_sanctions import REVOKE

    steps.take(REVOKE, s, district.actor("housing_staff"), {"reason": "经行政复议撤销"})
    s.refresh_from_db()
    assert s.state == SanctionState.REVOKED and s.revoked_reason == "经行政复议撤销"
    assert services_sanctions.bans_of(district.orgs["contractor_a"].pk, clock.today()) == []
    assert EventRecord.objects.filter(name="credit.sanction_revoked").count() == 1


def test_r_sco_08_an_idempotency_key_stores_one_measure(district):
    c = district.client("school_admin")
    body = {
        "kind": "criticism",
        "subject_org_id": district.orgs["contractor_a"].pk,
        "project_id": district.projects["p_school"].pk,
        "reason": "月考勤率不足80%，予以通报批评",
        "basis_document": f.SY,
        "basis_article": "第四十二条",
        "decided_on": clock.today().isoformat(),
    }
    first = c.post(
        "/api/v1/credit/sanctions",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    again = c.post(
        "/api/v1/credit/sanctions",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Sanction.objects.count() == 1


def test_r_sco_08_pages_list_record_and_show_a_measure(district):
    c = district.client("school_admin")
    page = c.get("/credit/sanctions/new/")
    assert page.status_code == 200 and "登记处理措施" in page.content.decode()
    r = c.post(
        "/credit/sanctions/new/",
        {
            "kind": "interview",
            "project": district.projects["p_school"].pk,
            "subject_org": district.orgs["contractor_a"].pk,
            "reason": "项目经理连续2天未考勤，约谈施工单位项目负责人",
            "basis_document": f.SY,
            "basis_article": "第四十二条",
            "decided_on": clock.today().isoformat(),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    s = Sanction.objects.get()
    detail = c.get(r.url).content.decode()
    assert s.number in detail and "第四十二条" in detail
    listing = c.get("/credit/sanctions/").content.decode()
    assert s.number in listing
    # the contractor sees the measure against it, read-only
    mine = district.client("contractor_a_admin").get(f"/credit/sanctions/{s.pk}/")
    assert mine.status_code == 200 and "revoke-submit" not in mine.content.decode()
    # another owner does not see it at all
    assert district.client("hospital_admin").get(f"/credit/sanctions/{s.pk}/").status_code == 404


def test_r_sco_08_a_refused_page_form_keeps_what_was_typed(district):
    c = district.client("school_admin")
    r = c.post(
        "/credit/sanctions/new/",
        {
            "kind": "penalty_recovered",
            "project": district.projects["p_school"].pk,
            "subject_org": district.orgs["contractor_a"].pk,
            "reason": "逾期完工，按合同追缴违约金",
            "basis_document": "施工合同",
            "basis_article": "专用条款第十二条",
            "decided_on": clock.today().isoformat(),
        },
    )
    assert r.status_code == 422
    text = r.content.decode()
    assert "须填写金额" in text and "逾期完工，按合同追缴违约金" in text
    assert not Sanction.objects.exists()


def test_r_sco_04_a_blacklisted_enterprise_may_not_bid_during_its_period(district):
    today = clock.today()
    s = services_sanctions.record_sanction(
        actor=district.actor("housing_staff"),
        kind="blacklisted",
        subject_org_id=district.orgs["contractor_b"].pk,
        reason="串通投标，经查属实，列入失信黑名单",
        basis_document="《聊城市人民政府办公室关于规范公共资源交易招标投标工作的意见》",
        basis_article="第三部分",
        decided_on=today,
        period_from=today,
        period_to=today + dt.timedelta(days=364),
    )
    org = district.orgs["contractor_b"].pk
    assert services_sanctions.blacklisted(org, today) == [s]
    assert services_sanctions.bans_of(org, today + dt.timedelta(days=364)) == [s]
    assert services_sanctions.bans_of(org, today + dt.timedelta(days=365)) == []
    assert "列入黑名单" in services_sanctions.ban_reason(s)
    page = district.client("office_staff").get(f"/credit/sanctions/{s.pk}/").content.decode()
    assert "列入黑名单期间" in page and "禁止参与区内招投标" in page
    with pytest.raises(ValidationFailed, match="起止日期"):
        services_sanctions.record_sanction(
            actor=district.actor("housing_staff"),
            kind="blacklisted",
            subject_org_id=district.orgs["contractor_a"].pk,
            reason="没有期限的黑名单不予登记",
            basis_document="测试",
            basis_article="第一条",
            decided_on=today,
        )


def test_r_sco_04_r_sco_07_the_credit_call_shows_the_ban_and_a_blacklisted_unit_is_red(district):
    """The bidding system's credit call carries the 停业整顿 in force and the
    blacklist; the blacklist turns the unit's colour red whatever its score."""
    from .. import annual

    account(district.orgs["office"], "bidding", [Role.INTEGRATOR], with_person=False)
    district.users["bidding"] = type(district.users["office_staff"]).objects.get(username="bidding")
    f.suspension(district, days=30)
    today = clock.today()
    services_sanctions.record_sanction(
        actor=district.actor("housing_staff"),
        kind="blacklisted",
        subject_org_id=district.orgs["contractor_b"].pk,
        reason="串通投标，经查属实，列入失信黑名单",
        basis_document="《聊城市人民政府办公室关于规范公共资源交易招标投标工作的意见》",
        basis_article="第三部分",
        decided_on=today,
        period_from=today,
        period_to=today + dt.timedelta(days=364),
    )
    c = district.token_client("bidding")
    a = c.get(f"/api/v1/credit/enterprises/{district.orgs['contractor_a'].uscc}").json()
    assert a["blacklisted"] is False and len(a["bans"]) == 1
    assert a["bans"][0]["kind_label"] == "责令停业整顿" and "第四十四条" in a["bans"][0]["basis"]
    b = c.get(f"/api/v1/credit/enterprises/{district.orgs['contractor_b'].uscc}").json()
    assert b["blacklisted"] is True and b["bans"] == []
    assert b["blacklist"][0]["decided_by"] == "测试区住建局"
    colour, reasons = annual.colour_and_reasons(
        Decimal("100"), None, f"org:{district.orgs['contractor_b'].pk}", today.year
    )
    assert colour == "red" and any("列入黑名单" in r for r in reasons)
    # contractor A is ordered to stop business: at best orange while it lasts
    colour, reasons = annual.colour_and_reasons(
        Decimal("100"), None, f"org:{district.orgs['contractor_a'].pk}", today.year
    )
    assert colour == "orange" and any("责令停业整顿期间" in r for r in reasons)
    colour, _ = annual.colour_and_reasons(
        Decimal("50"), None, f"org:{district.orgs['contractor_a'].pk}", today.year
    )
    assert colour == "red"  # a worse colour of its own stays
    colour, _ = annual.colour_and_reasons(
        Decimal("100"), None, f"org:{district.orgs['supervisor_a'].pk}", today.year
    )
    assert colour == "green"
