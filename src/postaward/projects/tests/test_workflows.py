"""Every lifecycle transition: who may fire it and what it requires
(R-PRJ-01, R-PRJ-03, R-PRJ-05, R-PRJ-06, R-PRJ-07, R-ORG-03)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from postaward.core import clock, deadlines
from postaward.core.actor import SYSTEM
from postaward.core.errors import Conflict, Forbidden, ValidationFailed
from postaward.core.models import Deadline, EventRecord
from postaward.projects import services, workflows
from postaward.projects.choices import (
    ACTIVE_STATES,
    DocumentCategory,
    ParticipantRole,
    Position,
    ProjectStatus,
    SuspensionState,
)
from postaward.projects.models import KeyPersonAssignment, Project, Suspension, TimelineEntry

from . import factories as f

pytestmark = pytest.mark.django_db
S = ProjectStatus


def keys(exc: ValidationFailed) -> set[str]:
    return {e["field"] for e in exc.errors}


def events_named(name: str) -> list[dict]:
    return [e.payload for e in EventRecord.objects.filter(name=name).order_by("id")]


# --- the declaration ---------------------------------------------------------------------------


def test_every_state_is_reachable_and_every_transition_says_who_and_what():
    table = workflows.table()
    targets = {t.target for t in table}
    assert targets | {S.REGISTERED} == set(S.values)
    for t in table:
        assert t.who and t.requires and t.basis, t
    terminate = workflows.describe("terminate")
    # R-PRJ-06: terminated from any state before completion, never after.
    assert set(terminate.sources) == set(ACTIVE_STATES)


def test_status_changes_only_through_services(d):
    # The transitions refuse to run from a state they do not declare.
    from django_fsm import TransitionNotAllowed

    p = d.projects["p_school"]
    with pytest.raises(TransitionNotAllowed):
        p.start_works()


# --- registered -> preparing (R-ORG-03) -----------------------------------------------------------


def test_assigning_the_project_leader_moves_registered_to_preparing(d):
    p = f.tendered_project(d, owner="hospital")
    assert p.status == S.REGISTERED
    with pytest.raises(Forbidden):
        services.assign_owner_leader(
            actor=d.actor("school_admin"), project=p, person=d.users["school_leader"].person
        )
    leader = f.person(d.orgs["hospital"], name="医院项目负责人")
    services.assign_owner_leader(actor=d.actor("hospital_admin"), project=p, person=leader)
    p.refresh_from_db()
    assert p.status == S.PREPARING
    assert p.timeline.filter(node="preparing").exists()


# --- start of works (R-PRJ-03) -------------------------------------------------------------------


def test_start_is_refused_while_contracts_are_missing_and_says_which(d):
    p = f.direct_project(d)
    f.set_circle(d, p)
    part_c = f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR, upload=None)
    f.contract(d, p, "supervisor_a", ParticipantRole.SUPERVISING_FIRM)
    f.name_person(d, p, Position.PROJECT_MANAGER)
    f.name_person(d, p, Position.CHIEF_SUPERVISING_ENGINEER)
    with pytest.raises(ValidationFailed) as exc:
        services.start_works(actor=d.actor("school_leader"), project=p)
    assert keys(exc.value) == {f"contract:{part_c.pk}"}
    assert "施工单位“乙建设有限公司”的合同缺少：合同文件" in exc.value.message
    p.refresh_from_db()
    assert p.status == S.PREPARING and p.actual_start is None
    # Uploading the contract is all that was missing.
    services.upload_contract(actor=d.actor("school_leader"), participant=part_c, upload=f.pdf())
    services.start_works(actor=d.actor("school_leader"), project=p)
    p.refresh_from_db()
    assert p.status == S.UNDER_CONSTRUCTION
    assert p.actual_start == clock.today()


def test_start_lists_every_missing_requirement_of_an_empty_project(d):
    p = f.direct_project(d, small=False, amount="9000000")
    missing = {m.key for m in workflows.start_missing(p)}
    assert missing == {
        "site",
        "participant:contractor",
        "participant:supervising_firm",
        *{f"position:{pos}" for pos in Position.values},
    }


def test_small_works_need_one_person_each_side_others_all_six(d):
    # R-PRJ-09: small works start with the project manager and chief engineer only.
    small = f.ready_project(d)
    assert workflows.start_missing(small) == []
    big = f.direct_project(d, small=False, amount="9000000", name="第一中学体育馆工程")
    f.set_circle(d, big)
    f.contract(d, big, "contractor_b", ParticipantRole.CONTRACTOR)
    f.contract(d, big, "supervisor_a", ParticipantRole.SUPERVISING_FIRM)
    f.name_person(d, big, Position.PROJECT_MANAGER)
    f.name_person(d, big, Position.CHIEF_SUPERVISING_ENGINEER)
    big.refresh_from_db()
    assert {m.key for m in workflows.start_missing(big)} == {
        "position:technical_lead",
        "position:safety_officer",
        "position:specialist_engineer",
        "position:supervisor",
    }


def test_tendered_projects_need_the_post_award_interview_before_start(d):
    # R-PRJ-11
    p = f.tendered_project(d)
    f.set_circle(d, p)
    f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    f.contract(d, p, "supervisor_a", ParticipantRole.SUPERVISING_FIRM)
    for pos in Position.values:
        f.name_person(d, p, pos)
    assert [m.key for m in workflows.start_missing(p)] == ["interview"]
    f.interview(d, p)
    assert workflows.start_missing(p) == []


def test_an_expired_certificate_blocks_the_start(d, frozen):
    p = f.ready_project(d)
    pm = p.assignments.get(position=Position.PROJECT_MANAGER)
    cert = pm.certificate
    cert.valid_until = clock.today() - dt.timedelta(days=1)
    cert.save()
    missing = workflows.start_missing(p)
    assert [m.key for m in missing] == [f"certificate:{pm.pk}"]
    assert "已于" in missing[0].message and "过期" in missing[0].message


@pytest.mark.parametrize("user", ["housing_staff", "contractor_b_admin", "line_supervisor"])
def test_start_refused_to_other_roles(d, user):
    p = f.ready_project(d)
    with pytest.raises(Forbidden):
        services.start_works(actor=d.actor(user), project=p)
    p.refresh_from_db()
    assert p.status == S.PREPARING


def test_start_refused_from_a_started_project_and_with_a_future_date(d):
    with pytest.raises(Conflict):
        services.start_works(actor=d.actor("school_leader"), project=d.projects["p_school"])
    p = f.ready_project(d)
    with pytest.raises(ValidationFailed) as exc:
        services.start_works(
            actor=d.actor("school_leader"), project=p, on=clock.today() + dt.timedelta(days=1)
        )
    assert keys(exc.value) == {"on"}


def test_start_by_the_owner_admin_records_event_timeline_and_audit(d):
    from postaward.core.models import AuditRecord

    p = f.ready_project(d)
    services.start_works(actor=d.actor("school_admin"), project=p)
    evt = events_named("projects.works_started")[-1]
    assert evt["project_id"] == p.pk
    assert evt["actual_start"] == "2026-06-15"
    assert evt["contractor_ids"] == [d.orgs["contractor_b"].pk]
    assert TimelineEntry.objects.filter(project=p, node="works_started").exists()
    assert AuditRecord.objects.filter(action="projects.start_works", project_id=p.pk).exists()


# --- suspension and resumption (R-PRJ-07) ----------------------------------------------------------


def _declare(d, p, user="school_leader", at=None):  # type: ignore[no-untyped-def]
    return services.declare_suspension(
        actor=d.actor(user),
        project=p,
        started_at=at or clock.localtime().replace(hour=8, minute=0),
        reason="汛期暴雨，基坑积水停工",
    )


def test_suspension_must_be_declared_on_the_day(d):
    p = f.started_project(d)
    yesterday = clock.localtime() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        _declare(d, p, at=yesterday)
    assert "当天" in exc.value.message
    with pytest.raises(ValidationFailed):
        _declare(d, p, at=clock.localtime() + dt.timedelta(hours=2))
    assert not Suspension.objects.filter(project=p).exists()


def test_suspension_is_declared_by_the_owner_only_while_under_construction(d):
    with pytest.raises(Forbidden):
        _declare(d, d.projects["p_school"], user="pm_a")
    with pytest.raises(Conflict):
        _declare(d, f.ready_project(d))


def test_confirmed_suspension_pauses_deadlines_and_resumption_restarts_them(d, frozen):
    p = f.started_project(d)
    dl = deadlines.open_deadline(
        kind="test.acceptance",
        subject=p,
        length=20,
        unit="calendar_days",
        basis="R-ACC-01",
        organisation_id=p.owner_id,
        project_id=p.pk,
    )
    due = dl.due_at
    s = _declare(d, p)
    p.refresh_from_db()
    assert p.status == S.UNDER_CONSTRUCTION  # declared is not yet suspended
    dl.refresh_from_db()
    assert dl.paused_at is None
    # The owner cannot confirm its own suspension; the line can.
    with pytest.raises(Forbidden):
        services.confirm_suspension(actor=d.actor("school_admin"), suspension=s)
    services.confirm_suspension(actor=d.actor("line_supervisor"), suspension=s)
    p.refresh_from_db()
    dl.refresh_from_db()
    assert p.status == S.SUSPENDED
    assert dl.paused_at == s.started_at
    assert events_named("projects.suspended")[-1]["suspension_id"] == s.pk
    # Paused: the sweep does not miss it however long the suspension lasts.
    frozen.shift(dt.timedelta(days=30))
    deadlines.sweep()
    dl.refresh_from_db()
    assert dl.state == Deadline.State.OPEN
    # Only the owner's project leader switches the project back on.
    with pytest.raises(Forbidden):
        services.resume_works(actor=d.actor("school_admin"), project=p)
    services.resume_works(actor=d.actor("school_leader"), project=p, note="积水已排除")
    p.refresh_from_db()
    dl.refresh_from_db()
    s.refresh_from_db()
    assert p.status == S.UNDER_CONSTRUCTION
    assert s.state == SuspensionState.ENDED
    assert dl.paused_at is None
    # R-PRJ-07, R-CAL-01: 20 days from 06-15 ran to Sunday 07-05 (rolled to 07-06);
    # paused on 06-15 with 20 days left, resumed on 07-15: 20 days from then is
    # Tuesday 08-04, ending at 24:00 (not "+30 days" of paused time)
    assert due == clock.end_of_day(dt.date(2026, 7, 6))
    assert dl.due_at == clock.end_of_day(dt.date(2026, 8, 4))
    assert events_named("projects.resumed")[-1]["suspended_days"] == 30


def test_suspended_dates_exclude_the_resumption_day(d, frozen):
    from postaward.projects import selectors

    p = f.started_project(d)
    s = _declare(d, p)
    services.confirm_suspension(actor=d.actor("office_staff"), suspension=s)
    assert selectors.is_suspended_on(p, clock.today())
    frozen.shift(dt.timedelta(days=3))
    services.resume_works(actor=d.actor("school_leader"), project=p)
    days = selectors.suspended_dates(p, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert days == {dt.date(2026, 6, 15), dt.date(2026, 6, 16), dt.date(2026, 6, 17)}
    assert not selectors.is_suspended_on(p, dt.date(2026, 6, 18))
    # Nobody is due to check in on a suspended day (R-ATT-03).
    assert selectors.assignments_due_on(p, dt.date(2026, 6, 16)) == []
    assert selectors.assignments_due_on(p, dt.date(2026, 6, 18))


def test_a_declared_suspension_can_be_rejected_or_withdrawn_and_pauses_nothing(d):
    from postaward.projects import selectors

    p = f.started_project(d)
    s = _declare(d, p)
    with pytest.raises(ValidationFailed):
        services.reject_suspension(actor=d.actor("line_supervisor"), suspension=s, note="")
    services.reject_suspension(actor=d.actor("line_supervisor"), suspension=s, note="现场仍在施工")
    p.refresh_from_db()
    assert p.status == S.UNDER_CONSTRUCTION
    assert selectors.suspended_dates(p, clock.today(), clock.today()) == set()
    s2 = _declare(d, p)
    services.withdraw_suspension(actor=d.actor("school_leader"), suspension=s2)
    with pytest.raises(Conflict):
        services.confirm_suspension(actor=d.actor("line_supervisor"), suspension=s2)


def test_only_one_open_suspension(d):
    p = f.started_project(d)
    _declare(d, p)
    with pytest.raises(Conflict):
        _declare(d, p)


# --- completion to deposit (R-PRJ-01) --------------------------------------------------------------


def _complete(d, p, frozen, user="school_leader"):  # type: ignore[no-untyped-def]
    frozen.shift(dt.timedelta(days=90))
    return services.complete_works(actor=d.actor(user), project=p)


def test_completion_needs_the_owner_and_a_date_not_before_start(d, frozen):
    p = f.started_project(d)
    with pytest.raises(Forbidden):
        services.complete_works(actor=d.actor("contractor_b_admin"), project=p)
    with pytest.raises(ValidationFailed):
        services.complete_works(
            actor=d.actor("school_leader"), project=p, on=clock.today() - dt.timedelta(days=1)
        )
    _complete(d, p, frozen)
    p.refresh_from_db()
    assert p.status == S.COMPLETED and p.actual_completion == dt.date(2026, 9, 13)
    assert events_named("projects.completed")[-1]["project_class"] == p.project_class


def test_a_suspended_project_cannot_complete(d):
    p = f.started_project(d)
    s = _declare(d, p)
    services.confirm_suspension(actor=d.actor("line_supervisor"), suspension=s)
    with pytest.raises(Conflict):
        services.complete_works(actor=d.actor("school_leader"), project=p)


def test_acceptance_needs_the_conclusion_document(d, frozen):
    p = f.started_project(d)
    _complete(d, p, frozen)
    with pytest.raises(ValidationFailed) as exc:
        services.accept_works(actor=d.actor("school_leader"), project=p, on=clock.today())
    assert keys(exc.value) == {"document_id"}
    with pytest.raises(Forbidden):
        services.accept_works(
            actor=d.actor("housing_staff"), project=p, on=clock.today(), upload=f.pdf()
        )
    services.accept_works(
        actor=d.actor("school_leader"), project=p, on=clock.today(), upload=f.pdf()
    )
    p.refresh_from_db()
    assert p.status == S.ACCEPTED
    assert p.documents.filter(category=DocumentCategory.ACCEPTANCE).count() == 1


def _accepted(d, frozen):  # type: ignore[no-untyped-def]
    p = f.started_project(d)
    _complete(d, p, frozen)
    services.accept_works(
        actor=d.actor("school_leader"), project=p, on=clock.today(), upload=f.pdf()
    )
    p.refresh_from_db()
    return p


def test_settlement_chain_each_step_by_its_body(d, frozen):
    p = _accepted(d, frozen)
    with pytest.raises(Forbidden):
        services.submit_settlement(
            actor=d.actor("auditor"),
            project=p,
            on=clock.today(),
            amount=Decimal("3400000"),
            route="audit",
        )
    services.submit_settlement(
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("3400000"),
        route="audit",
    )
    # Settlement is approved by the audit bureau, not by the owner.
    with pytest.raises(Forbidden):
        services.approve_settlement(
            actor=d.actor("school_admin"), project=p, on=clock.today(), amount=Decimal("3300000")
        )
    services.approve_settlement(
        actor=d.actor("auditor"), project=p, on=clock.today(), amount=Decimal("3300000")
    )
    with pytest.raises(Forbidden):
        services.record_fund_payment(actor=d.actor("school_leader"), project=p, on=clock.today())
    services.record_fund_payment(actor=d.actor("finance"), project=p, on=clock.today())
    with pytest.raises(Forbidden):
        services.return_deposit(actor=d.actor("finance"), project=p, on=clock.today())
    services.return_deposit(actor=d.actor("school_admin"), project=p, on=clock.today())
    p.refresh_from_db()
    assert p.status == S.DEPOSIT_RETURNED
    assert p.settled_amount == Decimal("3300000.00")
    nodes = list(p.timeline.values_list("node", flat=True))
    for node in (
        "works_started",
        "completed",
        "accepted",
        "settlement_submitted",
        "settled",
        "funds_paid",
        "deposit_returned",
    ):
        assert node in nodes


def test_steps_cannot_be_skipped(d, frozen):
    p = f.started_project(d)
    with pytest.raises(Conflict):
        services.submit_settlement(
            actor=d.actor("school_leader"),
            project=p,
            on=clock.today(),
            amount=Decimal("1"),
            route="audit",
        )
    with pytest.raises(Conflict):
        services.return_deposit(actor=d.actor("school_admin"), project=p, on=clock.today())


# --- refusals leave nothing behind (R-PRJ-01, R-PRJ-05, R-PRJ-07, R-ORG-03) -----------------------


def _yesterday() -> dt.date:
    return clock.today() - dt.timedelta(days=1)


def _at_stage(d, frozen, stage: str) -> Project:  # type: ignore[no-untyped-def]
    """A project brought (through the services) to ``stage``."""
    from postaward.core.actor import SYSTEM
    from postaward.orgs.choices import Industry

    if stage == "held":  # from the bidding feed, owner not yet known
        return services.register_project(
            actor=SYSTEM,
            code="T-0800",
            name="待分配的教育工程",
            owner=None,
            industry=Industry.HOUSING,
            contract_amount=Decimal("6000000"),
            industry_authority=d.orgs["housing"],
        )
    if stage == "registered":  # owner known, no project leader yet
        return f.tendered_project(d, owner="hospital")
    if stage == "under_construction":
        return f.started_project(d)
    p = _accepted(d, frozen)
    steps = [
        lambda: services.submit_settlement(
            actor=d.actor("school_leader"),
            project=p,
            on=clock.today(),
            amount=Decimal("3400000"),
            route="audit",
        ),
        lambda: services.approve_settlement(
            actor=d.actor("auditor"), project=p, on=clock.today(), amount=Decimal("3300000")
        ),
        lambda: services.record_fund_payment(actor=d.actor("finance"), project=p, on=clock.today()),
    ]
    for step in steps[: ["accepted", "settlement_submitted", "settled", "funds_paid"].index(stage)]:
        frozen.shift(dt.timedelta(days=1))
        step()
    p.refresh_from_db()
    return p


REFUSALS = [
    # (id, stage, refused call, fields named by the 422)
    (
        "approve_settlement:before_submission",
        "settlement_submitted",
        lambda d, p: services.approve_settlement(
            actor=d.actor("auditor"), project=p, on=_yesterday(), amount=Decimal("3300000")
        ),
        {"on"},
    ),
    (
        "approve_settlement:zero_amount",
        "settlement_submitted",
        lambda d, p: services.approve_settlement(
            actor=d.actor("auditor"), project=p, on=clock.today(), amount=Decimal("0")
        ),
        {"amount"},
    ),
    (
        "approve_settlement:negative_amount",
        "settlement_submitted",
        lambda d, p: services.approve_settlement(
            actor=d.actor("auditor"), project=p, on=clock.today(), amount=Decimal("-1")
        ),
        {"amount"},
    ),
    (
        "approve_settlement:not_a_number",
        "settlement_submitted",
        lambda d, p: services.approve_settlement(
            actor=d.actor("auditor"), project=p, on=clock.today(), amount="三百万"
        ),
        {"amount"},
    ),
    (
        "approve_settlement:too_large",
        "settlement_submitted",
        lambda d, p: services.approve_settlement(
            actor=d.actor("auditor"), project=p, on=clock.today(), amount=Decimal("1e14")
        ),
        {"amount"},
    ),
    (
        "pay_funds:before_settlement",
        "settled",
        lambda d, p: services.record_fund_payment(
            actor=d.actor("finance"), project=p, on=_yesterday()
        ),
        {"on"},
    ),
    (
        "return_deposit:before_payment",
        "funds_paid",
        lambda d, p: services.return_deposit(
            actor=d.actor("school_admin"), project=p, on=_yesterday()
        ),
        {"on"},
    ),
    (
        "submit_settlement:before_acceptance",
        "accepted",
        lambda d, p: services.submit_settlement(
            actor=d.actor("school_leader"),
            project=p,
            on=_yesterday(),
            amount=Decimal("3400000"),
            route="audit",
        ),
        {"on"},
    ),
    (
        "submit_settlement:in_the_future",
        "accepted",
        lambda d, p: services.submit_settlement(
            actor=d.actor("school_leader"),
            project=p,
            on=clock.today() + dt.timedelta(days=1),
            amount=Decimal("3400000"),
            route="audit",
        ),
        {"on"},
    ),
    (
        "submit_settlement:zero_amount",
        "accepted",
        lambda d, p: services.submit_settlement(
            actor=d.actor("school_leader"),
            project=p,
            on=clock.today(),
            amount=Decimal("0"),
            route="audit",
        ),
        {"amount"},
    ),
    (
        "submit_settlement:not_a_number",
        "accepted",
        lambda d, p: services.submit_settlement(
            actor=d.actor("school_leader"), project=p, on=clock.today(), amount="abc", route="audit"
        ),
        {"amount"},
    ),
    (
        "begin_preparation:no_project_leader",
        "registered",
        lambda d, p: workflows.check(p, "begin_preparation", d.actor("hospital_admin")),
        {"owner_leader"},
    ),
    (
        "begin_preparation:no_owner_nor_leader",
        "held",
        lambda d, p: workflows.check(p, "begin_preparation", SYSTEM),
        {"owner", "owner_leader"},
    ),
    (
        "suspend:nothing_declared",
        "under_construction",
        lambda d, p: workflows.check(p, "suspend", d.actor("line_supervisor")),
        {"suspension"},
    ),
]


REQUIREMENT_STAGES = {"held", "registered", "under_construction"}


@pytest.mark.parametrize(
    ("stage", "refused", "fields"),
    [pytest.param(stage, call, fields, id=name) for name, stage, call, fields in REFUSALS],
)
def test_lifecycle_refusals_say_what_is_wrong_and_change_nothing(d, frozen, stage, refused, fields):
    # R-PRJ-01 (each step dated after the previous one, amounts positive),
    # R-PRJ-05 (a covered project goes straight to the date and amount checks),
    # R-ORG-03 (preparation needs the owner and its project leader),
    # R-PRJ-07 (suspension is confirmed only once declared).
    from postaward.testing import db_fingerprint

    p = _at_stage(d, frozen, stage)
    assert p.is_platform_covered
    before = db_fingerprint()
    row = Project.objects.filter(pk=p.pk).values().get()
    with pytest.raises(ValidationFailed) as exc:
        refused(d, p)
    assert exc.value.status == 422
    assert {e["field"] for e in exc.value.errors} == fields
    assert all(e["message"] for e in exc.value.errors)
    if stage in REQUIREMENT_STAGES:
        # workflows.check: every missing requirement, each saying what to do.
        assert exc.value.code == "requirements_not_met"
        assert "尚缺" in exc.value.message
    assert db_fingerprint() == before
    assert Project.objects.filter(pk=p.pk).values().get() == row
    assert row["status"] == (S.REGISTERED if stage == "held" else stage)


# --- coverage rule (R-PRJ-05) ---------------------------------------------------------------------


def test_settlement_refused_for_an_uncovered_project_until_completion_approved_and_backfilled(
    d, frozen
):
    p = _accepted(d, frozen)
    services.mark_uncovered(actor=d.actor("office_staff"), project=p, note="实施过程未在平台登记")
    submit = lambda: services.submit_settlement(  # noqa: E731
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("3400000"),
        route="audit",
    )
    with pytest.raises(ValidationFailed) as exc:
        submit()
    assert keys(exc.value) == {"data_completion"}
    assert "项目资料补全申请书" in exc.value.message
    app = services.apply_data_completion(
        actor=d.actor("school_leader"), project=p, reason="建设单位未及时录入平台", upload=f.pdf()
    )
    with pytest.raises(ValidationFailed, match="待主管单位审批"):
        submit()
    # Approved by the superior unit, not by the authority or the owner.
    with pytest.raises(Forbidden):
        services.decide_data_completion(
            actor=d.actor("housing_admin"), application=app, approve=True
        )
    services.decide_data_completion(actor=d.actor("edu_admin"), application=app, approve=True)
    with pytest.raises(ValidationFailed, match="补齐项目资料"):
        submit()
    services.confirm_backfill(actor=d.actor("school_leader"), application=app)
    submit()
    p.refresh_from_db()
    assert p.status == S.SETTLEMENT_SUBMITTED
    assert events_named("projects.found_uncovered")[-1]["project_id"] == p.pk


def test_backfill_confirmation_refused_while_data_is_missing(d, frozen):
    from postaward.core.actor import SYSTEM
    from postaward.orgs.choices import Industry

    p = services.register_project(
        actor=SYSTEM,
        code="T-0900",
        name="第一中学围墙改造工程",
        owner=d.orgs["school"],
        industry=Industry.HOUSING,
        contract_amount=Decimal("1200000"),
        industry_authority=d.orgs["housing"],
        owner_leader=d.users["school_leader"].person,
        status=S.ACCEPTED,
        is_platform_covered=False,
    )
    app = services.apply_data_completion(
        actor=d.actor("school_leader"), project=p, reason="项目实施时平台尚未上线", upload=f.pdf()
    )
    services.decide_data_completion(actor=d.actor("line_supervisor"), application=app, approve=True)
    with pytest.raises(ValidationFailed) as exc:
        services.confirm_backfill(actor=d.actor("school_leader"), application=app)
    assert {"actual_start", "actual_completion", "participant:contractor"} <= keys(exc.value)
    # Back-fill: the registry is editable again for this project.
    services.backfill_dates(
        actor=d.actor("school_leader"),
        project=p,
        actual_start=dt.date(2025, 3, 1),
        actual_completion=dt.date(2025, 9, 1),
    )
    f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    f.contract(d, p, "supervisor_a", ParticipantRole.SUPERVISING_FIRM)
    f.name_person(d, p, Position.PROJECT_MANAGER, started_on=dt.date(2025, 3, 1))
    f.name_person(d, p, Position.CHIEF_SUPERVISING_ENGINEER, started_on=dt.date(2025, 3, 1))
    services.confirm_backfill(actor=d.actor("school_leader"), application=app)
    services.submit_settlement(
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        amount=Decimal("1100000"),
        route="audit",
    )


# --- termination (R-PRJ-06) ------------------------------------------------------------------------


def test_termination_requires_the_owners_written_report(d):
    p = f.ready_project(d)
    with pytest.raises(ValidationFailed) as exc:
        services.terminate_project(
            actor=d.actor("school_admin"), project=p, reason="资金未落实，终止建设"
        )
    assert keys(exc.value) == {"report_document_id"}
    with pytest.raises(Forbidden):  # the report is the unit's, not the project leader's
        services.terminate_project(
            actor=d.actor("school_leader"), project=p, reason="资金未落实，终止建设", upload=f.pdf()
        )
    services.terminate_project(
        actor=d.actor("school_admin"), project=p, reason="资金未落实，终止建设", upload=f.pdf()
    )
    p.refresh_from_db()
    assert p.status == S.TERMINATED and p.termination_reason == "资金未落实，终止建设"
    assert p.documents.get(category=DocumentCategory.TERMINATION_REPORT)
    assert not KeyPersonAssignment.objects.filter(project=p, ended_on__isnull=True).exists()


def test_termination_of_a_suspended_project_ends_suspension_and_cancels_clocks(d):
    p = f.started_project(d)
    dl = deadlines.open_deadline(
        kind="test.x",
        subject=p,
        length=5,
        unit="working_days",
        basis="",
        organisation_id=None,
        project_id=p.pk,
    )
    s = _declare(d, p)
    services.confirm_suspension(actor=d.actor("line_supervisor"), suspension=s)
    services.terminate_project(
        actor=d.actor("school_admin"), project=p, reason="规划调整，终止建设", upload=f.pdf()
    )
    s.refresh_from_db()
    dl.refresh_from_db()
    assert s.state == SuspensionState.ENDED
    assert dl.state == Deadline.State.CANCELLED
    assert events_named("projects.terminated")[-1]["previous_status"] == S.SUSPENDED


def test_a_completed_project_cannot_be_terminated(d, frozen):
    p = f.started_project(d)
    _complete(d, p, frozen)
    with pytest.raises(Conflict):
        services.terminate_project(
            actor=d.actor("school_admin"), project=p, reason="已完工不能终止", upload=f.pdf()
        )


def test_available_transitions_tell_each_actor_what_they_can_do(d):
    p = f.direct_project(d)
    leader = {t["name"]: t for t in workflows.available(p, d.actor("school_leader"))}
    assert set(leader) == {"start_works"}
    assert leader["start_works"]["missing"]
    admin = {t["name"] for t in workflows.available(p, d.actor("school_admin"))}
    assert admin == {"start_works", "terminate"}
    assert workflows.available(p, d.actor("housing_staff")) == []


_ = Project
