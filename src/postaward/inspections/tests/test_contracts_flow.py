"""Contract checks end to end (R-INS-07, R-INS-08): supplementary agreements
registered in scope and audited, the team rule, the side-by-side comparison
listing every agreement, the conclusion and the case it requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.cases.choices import Source
from postaward.cases.models import Case, EnforcementCertificate
from postaward.cases.tests import factories as case_f
from postaward.core import events
from postaward.core.errors import Forbidden, ValidationFailed
from postaward.core.models import AuditRecord
from postaward.inspections import services_contracts as svc
from postaward.inspections.models import InterestDeclaration
from postaward.inspections.models.contracts import CheckState, FlagKind
from postaward.projects.models import SupplementaryAgreement
from postaward.testing import db_fingerprint

from . import factories_contracts as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_r_ins_07_owner_and_contractor_register_agreements_audited(district):
    """R-INS-07: the owner and the contractor of the project register a
    supplementary agreement; each is audited and on the project's page."""
    f.contract(district)
    a = f.agreement(district, "BC-01", user="school_admin")
    b = f.agreement(district, "BC-02", user="contractor_a_admin", amount_change=Decimal("-5000"))
    assert [x.number for x in SupplementaryAgreement.objects.order_by("pk")] == ["BC-01", "BC-02"]
    for x in (a, b):
        assert AuditRecord.objects.filter(
            action="projects.register_agreement", object_id=str(x.pk)
        ).exists()
    page = district.client("school_admin").get(f"/projects/{district.projects['p_school'].pk}/")
    assert "BC-02" in page.content.decode()


@pytest.mark.parametrize(
    "user", ["contractor_b_admin", "housing_staff", "office_staff", "supervisor_a_admin"]
)
def test_r_ins_07_agreement_refused_out_of_scope_or_wrong_role(district, user):
    """R-INS-07: another contractor, the authority, the office, the supervising
    firm may not register an agreement; nothing changes."""
    f.contract(district)
    before = db_fingerprint()
    with pytest.raises((Forbidden, ValidationFailed)):
        f.agreement(district, user=user)
    assert db_fingerprint() == before


def test_r_ins_07_agreement_page_scoped(district):
    """R-INS-07: the registration page: anonymous to login, the supervising
    firm 403, another enterprise 404, the contractor registers."""
    f.contract(district)
    url = f"/projects/{district.projects['p_school'].pk}/agreements/new/"
    assert district.client(None).get(url).status_code == 302
    assert district.client("supervisor_a_admin").get(url).status_code == 403
    assert district.client("contractor_b_admin").get(url).status_code == 404
    part = f.Participant.objects.get(project=district.projects["p_school"], role="contractor")
    ok = district.client("contractor_a_admin").post(
        url,
        {
            "participant": part.pk,
            "number": "BC-09",
            "signed_on": "2026-04-01",
            "amount_change": "0",
            "duration_change_days": "30",
            "scope_change": "",
            "personnel_change": "",
            "file": f.pdf(),
        },
    )
    assert ok.status_code == 302, ok.content.decode()[:3000]
    assert SupplementaryAgreement.objects.get(number="BC-09").duration_change_days == 30


def test_r_ins_07_agreement_without_any_change_refused(district):
    f.contract(district)
    with pytest.raises(ValidationFailed, match="变更的内容"):
        f.agreement(district, amount_change=Decimal("0"))


def test_r_ins_07_team_of_one_refused(district):
    """R-INS-07 / R-INS-09: fewer than two inspectors: refused, nothing made."""
    f.contract(district)
    t = f.team(district)
    before = db_fingerprint()
    with pytest.raises(ValidationFailed, match="至少需要 2 名"):
        svc.open_check(
            actor=district.actor("housing_staff"),
            project_id=district.projects["p_school"].pk,
            leader_id=t["leader_id"],
            member_ids=[],
            reason="抽查",
        )
    assert db_fingerprint() == before


def test_r_ins_07_conflicted_inspector_refused(district):
    """R-INS-07 / R-INS-09: an inspector who declared a relationship with the
    contractor may not sit on the check."""
    f.contract(district)
    t = f.team(district)
    InterestDeclaration.objects.create(
        person=district.users["office_staff"].person,
        enterprise=district.orgs["contractor_a"],
        relation="配偶在该公司任职",
    )
    with pytest.raises(ValidationFailed, match="利害关系"):
        svc.open_check(
            actor=district.actor("office_staff"),
            project_id=district.projects["p_school"].pk,
            reason="抽查",
            **t,
        )


def test_r_ins_07_expired_certificate_refused(district):
    f.contract(district)
    t = f.team(district)
    EnforcementCertificate.objects.filter(pk=t["member_ids"][0]).update(
        valid_until=dt.date(2020, 1, 1)
    )
    with pytest.raises(ValidationFailed, match="过期"):
        svc.open_check(
            actor=district.actor("office_staff"),
            project_id=district.projects["p_school"].pk,
            reason="抽查",
            **t,
        )


def test_r_ins_07_authority_opens_with_its_own_inspectors(district):
    """An industry authority opens a check of its project with its own
    enforcement staff (its pool: its own certificates)."""
    f.contract(district)
    case_f.staff(district)
    EnforcementCertificate.objects.create(
        person=district.users["housing_admin"].person,
        number="33-0604-0099",
        department=district.orgs["housing"],
        valid_until=dt.date(2030, 12, 31),
    )
    c = svc.open_check(
        actor=district.actor("housing_staff"),
        project_id=district.projects["p_school"].pk,
        leader_id=case_f.cert(district, "housing_staff"),
        member_ids=[case_f.cert(district, "housing_admin")],
        reason="专项检查",
    )
    assert c.unit == district.orgs["housing"] and c.members.count() == 2
    assert c.number.startswith("HTJC-")
    assert AuditRecord.objects.filter(
        action="inspections.contract_check.open", object_id=str(c.pk)
    ).exists()


def test_r_ins_07_project_out_of_scope_refused(district):
    """The transport authority cannot open a check of a housing project."""
    f.contract(district)
    case_f.staff(district)
    with pytest.raises(ValidationFailed, match="监管范围"):
        svc.open_check(
            actor=district.actor("transport_staff"),
            project_id=district.projects["p_school"].pk,
            leader_id=case_f.cert(district, "transport_staff"),
            member_ids=[case_f.cert(district, "office_staff")],
            reason="抽查",
        )


def test_r_ins_07_comparison_lists_every_agreement_side_by_side(district):
    """R-INS-07: the award, the contract, every agreement and the result in
    effect, column by column; the differences marked."""
    f.contract(district)
    f.agreement(district, "BC-01", amount_change=Decimal("200000"))
    f.agreement(
        district,
        "BC-02",
        amount_change=Decimal("0"),
        duration_change_days=20,
        signed_on=f.START + dt.timedelta(days=60),
    )
    f.agreement(
        district,
        "BC-03",
        amount_change=Decimal("0"),
        scope_change="增加风雨操场",
        signed_on=f.START + dt.timedelta(days=90),
    )
    c = f.compared(district)
    titles = [col["title"] for col in c.comparison["columns"]]
    assert titles == [
        "中标结果",
        "施工合同",
        "补充协议 BC-01",
        "补充协议 BC-02",
        "补充协议 BC-03",
        "履约现状",
    ]
    rows = {r["key"]: r["cells"] for r in c.comparison["rows"]}
    assert set(rows) == {"amount", "duration", "scope", "personnel", "subcontract"}
    assert all(len(cells) == len(titles) for cells in rows.values())
    assert rows["amount"][2]["diff"] and not rows["amount"][3]["diff"]
    assert rows["amount"][-1]["text"] == "870.00 万元"
    assert rows["duration"][3]["diff"] and rows["duration"][-1]["text"] == "320 天"
    assert rows["scope"][4] == {"text": "增加风雨操场", "diff": True}
    page = district.client("housing_staff").get(f"/inspections/contract-checks/{c.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-diff="1"') >= 4 and "补充协议 BC-03" in html
    # one flag: the scope change (the amount +2.35 % and duration +6.7 % are within 10 %)
    assert [(x.kind, x.rule) for x in c.flags.all()] == [(FlagKind.SHADOW_CONTRACT, "shadow.scope")]


def test_r_ins_08_suspected_violation_opens_a_case(district):
    """R-INS-07 → R-INS-08: the leader confirms a flag; the event opens an
    inspection-sourced case linked back to the check."""
    c = f.shadow_compared(district)
    assert c.flag_count == 1
    done = svc.conclude(
        actor=district.actor("housing_staff"),
        obj=c,
        summary="补充协议大幅调增合同价款，背离中标实质性内容",
        conclusions=f.conclusions(c),
    )
    assert done.state == CheckState.CONCLUDED and done.suspected
    events.dispatch_pending(limit=1000)
    case = Case.objects.get(source=Source.INSPECTION, source_ref=c.number)
    assert case.project_id == district.projects["p_school"].pk
    assert case.party_org_id == district.orgs["contractor_a"].pk
    assert "阴阳合同" in case.title and "BC-01" in case.facts


def test_r_ins_08_dismissed_flags_open_no_case(district):
    c = f.shadow_compared(district)
    svc.conclude(
        actor=district.actor("housing_staff"),
        obj=c,
        summary="经核实为设计变更，已按规定审批",
        conclusions=f.conclusions(c, confirmed=False),
    )
    c.refresh_from_db()
    assert c.state == CheckState.CONCLUDED and not c.suspected
    events.dispatch_pending(limit=1000)
    assert not Case.objects.filter(source=Source.INSPECTION).exists()


def test_r_ins_07_every_flag_needs_a_conclusion(district):
    c = f.shadow_compared(district)
    before = db_fingerprint()
    with pytest.raises(ValidationFailed, match="每一项疑点"):
        svc.conclude(actor=district.actor("housing_staff"), obj=c, summary="结论")
    assert db_fingerprint() == before


def test_r_ins_07_only_the_leader_concludes(district):
    c = f.shadow_compared(district)
    with pytest.raises(Forbidden, match="检查组长方可作出检查结论"):
        svc.conclude(
            actor=district.actor("office_staff"), obj=c, summary="x", conclusions=f.conclusions(c)
        )


def test_r_ins_07_flags_from_the_registry_facts(district):
    """R-INS-07: the facts the platform holds raise the flags: a key person of
    another enterprise, a manager below the attendance threshold, a subcontract
    the contract does not allow, the main structure subcontracted."""
    from postaward.attendance.models import MonthlyAttendance
    from postaward.projects.models import KeyPersonAssignment, Participant

    f.contract(district)
    f.subcontract(district, scope="教学楼主体结构施工")
    Participant.objects.filter(project=district.projects["p_school"], role="contractor").update(
        allows_subcontract=False
    )
    pm = KeyPersonAssignment.objects.get(
        project=district.projects["p_school"], position="project_manager"
    )
    MonthlyAttendance.objects.create(
        assignment=pm,
        person=pm.person,
        project=pm.project,
        organisation=district.orgs["contractor_a"],
        month=dt.date(2026, 4, 1),
        valid_days=10,
        construction_days=20,
        rate=Decimal("0.5"),
        below_threshold=True,
    )
    KeyPersonAssignment.objects.create(
        project=pm.project,
        participant=pm.participant,
        person=district.users["contractor_b_admin"].person,
        position="safety_officer",
        started_on=f.START,
    )
    c = f.compared(district)
    got = sorted(x.rule for x in c.flags.all())
    assert got == [
        "subcontract.main_structure",
        "subcontract.not_allowed",
        "transfer.not_on_site",
        "transfer.not_own_staff",
    ]
    facts = {x.rule: x.fact for x in c.flags.all()}
    assert "2026年04月考勤率 50%" in facts["transfer.not_on_site"]
    assert "不是本单位人员" in facts["transfer.not_own_staff"]


def test_r_ins_07_compare_again_replaces_the_flags(district):
    """A new agreement after the comparison: comparing again lists it."""
    c = f.compared(district)
    assert c.flag_count == 0
    f.agreement(district, "BC-05", amount_change=Decimal("0"), scope_change="增加围墙")
    c = svc.compare(actor=district.actor("office_staff"), obj=c)
    assert [x.rule for x in c.flags.all()] == ["shadow.scope"]
    assert "补充协议 BC-05" in [col["title"] for col in c.comparison["columns"]]
