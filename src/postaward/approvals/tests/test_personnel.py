"""Personnel changes (R-CHG-03, R-CHG-06) and the bans they leave (R-CHG-04)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import Todo
from postaward.orgs.choices import QualificationType
from postaward.projects import services as project_services
from postaward.projects.choices import Position
from postaward.projects.models import KeyPersonAssignment, PersonnelBan
from postaward.projects.tests.factories import qualify
from postaward.testing import person

from .. import services
from ..choices import PersonnelRoute, PersonnelState
from ..models import PersonnelChange
from . import factories as f
from .conftest import published

pytestmark = pytest.mark.django_db


def assignment(d, username):  # type: ignore[no-untyped-def]
    return KeyPersonAssignment.objects.get(
        project=d.projects["p_school"], person=d.users[username].person, ended_on__isnull=True
    )


def initiate(d, *, who="pm_a", by="contractor_a_admin", reason_kind="resignation", **kw):  # type: ignore[no-untyped-def]
    a = assignment(d, who)
    firm = a.participant.organisation
    new = kw.pop("replacement", None) or person(firm, name="替换人员")
    cert = qualify(
        new,
        QualificationType.CONSTRUCTOR_2
        if who == "pm_a"
        else QualificationType.SUPERVISING_ENGINEER,
    )
    return services.initiate_personnel_change(
        actor=d.actor(by),
        assignment=a,
        replacement=new,
        replacement_certificate=cert,
        reason_kind=reason_kind,
        reason=kw.pop("reason", "原项目经理离职"),
        qualification_document=f.pdf("资格.pdf"),
        social_insurance=kw.pop("social_insurance", f.pdf("社保.pdf")),
        **kw,
    )


def test_project_manager_route_supervisor_owner_then_authority_then_swap_with_bans(d):
    """R-CHG-03, R-CHG-04, R-CHG-06: the supervising firm reviews the
    contractor's declaration before the owner (SY 23)."""
    pc = initiate(d)
    assert pc.route == PersonnelRoute.REVIEW and pc.state == PersonnelState.SUPERVISOR_PENDING
    assert (
        Todo.objects.get(key=f"approvals.personnelchange.{pc.pk}.supervisor").organisation_id
        == d.orgs["supervisor_a"].pk
    )
    assert not Todo.objects.filter(key=f"approvals.personnelchange.{pc.pk}.owner").exists()
    with pytest.raises(Conflict) as exc:
        services.agree_personnel_change(actor=d.actor("school_leader"), change=pc)
    assert str(exc.value) == "人员变更当前状态为“待监理审核”，不能建设单位同意"
    assert PersonnelChange.objects.get(pk=pc.pk).state == PersonnelState.SUPERVISOR_PENDING
    for user in ("pm_a", "school_leader", "supervisor_b_admin"):
        with pytest.raises(Forbidden):
            services.review_personnel_change(actor=d.actor(user), change=pc)
    services.review_personnel_change(actor=d.actor("chief_a"), change=pc, opinion="资料齐全")
    assert pc.state == PersonnelState.SUBMITTED
    assert Todo.objects.get(key=f"approvals.personnelchange.{pc.pk}.supervisor").state == "done"
    assert (
        Todo.objects.get(key=f"approvals.personnelchange.{pc.pk}.owner").organisation_id
        == d.orgs["school"].pk
    )
    with pytest.raises(Forbidden):
        services.agree_personnel_change(actor=d.actor("line_supervisor"), change=pc)
    services.agree_personnel_change(actor=d.actor("school_leader"), change=pc)
    assert (
        Todo.objects.get(key=f"approvals.personnelchange.{pc.pk}.authority").organisation_id
        == d.orgs["housing"].pk
    )
    with pytest.raises(Forbidden):
        services.approve_personnel_change(actor=d.actor("line_supervisor"), change=pc)
    services.approve_personnel_change(actor=d.actor("housing_staff"), change=pc)
    assert pc.state == PersonnelState.APPROVED and pc.filed_at is None
    with pytest.raises(Forbidden):
        services.complete_personnel_change(
            actor=d.actor("contractor_a_admin"),
            change=pc,
            approval_form=f.pdf(),
            penalty_amount="20000",
        )
    with pytest.raises(ValidationFailed):
        services.complete_personnel_change(
            actor=d.actor("school_leader"), change=pc, approval_form=f.pdf(), penalty_amount="0"
        )
    services.complete_personnel_change(
        actor=d.actor("school_leader"),
        change=pc,
        approval_form=f.pdf("审批表.pdf"),
        penalty_amount="20000",
        penalty_note="按合同第12条扣减",
    )
    assert pc.state == PersonnelState.COMPLETED and pc.penalty_amount == Decimal("20000")
    old = KeyPersonAssignment.objects.get(pk=pc.assignment_id)
    assert old.ended_on == dt.date(2026, 6, 15)
    assert pc.new_assignment.person == pc.replacement and pc.new_assignment.ended_on is None
    ban = PersonnelBan.objects.get(person=pc.outgoing)
    assert (ban.reason, ban.position, ban.source_project_id) == (
        "replaced",
        Position.PROJECT_MANAGER,
        pc.project_id,
    )
    assert published("approvals.personnel_change_completed")[-1]["penalty_amount"] == "20000.00"
    # R-CHG-04: the replaced person may not be PM on another project until this one is complete
    other = f.project(d, "T-0900")
    allowed, reasons = project_services.may_be_named(
        pc.outgoing, Position.PROJECT_MANAGER, dt.date(2026, 7, 1), project=other
    )
    assert not allowed and "变更撤换" in reasons[0]
    assert project_services.may_be_named(
        pc.outgoing, Position.SAFETY_OFFICER, dt.date(2026, 7, 1), project=other
    )[0]
    with pytest.raises(ValidationFailed) as exc:
        project_services.assign_key_person(
            actor=d.actor("school_leader"),
            participant=f.participant(other),
            person=pc.outgoing,
            position=Position.PROJECT_MANAGER,
            started_on=dt.date(2026, 6, 15),
        )
    assert exc.value.code == "personnel_banned"


def test_other_staff_owner_and_superior_agree_then_filed(d):  # R-CHG-03
    firm = d.orgs["supervisor_a"]
    sup = person(firm, name="原监理员")
    project_services.assign_key_person(
        actor=d.actor("school_leader"),
        participant=f.participant(d.projects["p_school"], "supervising_firm"),
        person=sup,
        position=Position.SUPERVISOR,
        started_on=dt.date(2026, 3, 2),
    )
    a = KeyPersonAssignment.objects.get(person=sup)
    new = person(firm, name="新监理员")
    pc = services.initiate_personnel_change(
        actor=d.actor("supervisor_a_admin"),
        assignment=a,
        replacement=new,
        reason_kind="transfer",
        reason="工作调动至其他项目",
        qualification_document=f.pdf(),
        social_insurance=f.pdf(),
    )
    assert pc.route == PersonnelRoute.FILING
    # the supervising firm's own declaration is its review: straight to the owner (R-CHG-06)
    assert pc.state == PersonnelState.SUBMITTED
    services.agree_personnel_change(actor=d.actor("school_admin"), change=pc)
    with pytest.raises(Forbidden):
        services.approve_personnel_change(actor=d.actor("housing_staff"), change=pc)
    services.approve_personnel_change(actor=d.actor("line_supervisor"), change=pc)
    assert pc.state == PersonnelState.APPROVED and pc.filed_at is not None


def test_illness_needs_the_certificate_and_recovery_date_and_bans_any_post(d):  # R-CHG-03, R-CHG-04
    with pytest.raises(ValidationFailed) as exc:
        initiate(d, reason_kind="illness", recovery_until=dt.date(2026, 9, 30))
    assert exc.value.field == "hospital_certificate"
    with pytest.raises(ValidationFailed) as exc:
        initiate(d, reason_kind="illness", hospital_certificate=f.pdf("证明.pdf"))
    assert exc.value.field == "recovery_until"
    pc = initiate(
        d,
        reason_kind="illness",
        hospital_certificate=f.pdf("证明.pdf"),
        recovery_until=dt.date(2026, 9, 30),
        reason="突发疾病住院治疗",
    )
    services.review_personnel_change(actor=d.actor("chief_a"), change=pc)
    services.agree_personnel_change(actor=d.actor("school_leader"), change=pc)
    services.approve_personnel_change(actor=d.actor("housing_staff"), change=pc)
    services.complete_personnel_change(
        actor=d.actor("school_admin"),
        change=pc,
        approval_form=f.pdf(),
        penalty_amount="0",
        penalty_note="因病变更，不追究违约金",
    )
    reasons = set(PersonnelBan.objects.filter(person=pc.outgoing).values_list("reason", flat=True))
    assert reasons == {"replaced", "illness"}
    for pos in (Position.SAFETY_OFFICER, Position.TECHNICAL_LEAD):
        assert not project_services.may_be_named(pc.outgoing, pos, dt.date(2026, 9, 30))[0]
    assert project_services.may_be_named(
        pc.outgoing, Position.SAFETY_OFFICER, dt.date(2026, 10, 1)
    )[0]


def test_social_insurance_is_required(d):  # R-CHG-03
    with pytest.raises(ValidationFailed) as exc:
        initiate(d, social_insurance=None)
    assert "2026-03、2026-04、2026-05" in exc.value.message


def test_only_the_changing_unit_initiates_and_a_banned_replacement_is_refused(
    d,
):  # R-CHG-03, R-CHG-04
    for user in ("pm_a", "school_leader", "supervisor_a_admin"):
        with pytest.raises(Forbidden):
            initiate(d, by=user)
    banned = person(d.orgs["contractor_a"], name="受限人员")
    from postaward.core.actor import SYSTEM

    project_services.record_personnel_ban(
        actor=SYSTEM,
        person=banned,
        reason="illness",
        source_project=d.projects["p_hospital"],
        until=dt.date(2026, 12, 31),
    )
    with pytest.raises(ValidationFailed) as exc:
        initiate(d, replacement=banned)
    assert exc.value.code == "personnel_banned"
    pc = initiate(d)
    with pytest.raises(Conflict):
        initiate(d)  # one open change per post
    with pytest.raises(Forbidden):  # the supervising firm decides first (R-CHG-06)
        services.reject_personnel_change(actor=d.actor("school_leader"), change=pc, note="不同意")
    services.review_personnel_change(actor=d.actor("chief_a"), change=pc)
    with pytest.raises(Forbidden):
        services.reject_personnel_change(actor=d.actor("housing_staff"), change=pc, note="不同意")
    services.reject_personnel_change(
        actor=d.actor("school_leader"), change=pc, note="替换人员资历不足"
    )
    assert pc.state == PersonnelState.REJECTED
