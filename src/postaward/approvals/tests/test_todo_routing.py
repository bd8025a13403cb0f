"""To-dos reach the people who may act (workflows.py): the owner's project
leader, the chief supervising engineer, the contractor's project manager, the
organisation's administrator; the upload and re-initiation to-dos; the
villager representatives and the supervisor of a village self-acceptance
(R-ACC-05); the settlement to-do (R-SET-01)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from postaward.core import clock, selectors
from postaward.core.errors import ValidationFailed
from postaward.core.events import dispatch_pending
from postaward.core.models import Deadline, Todo
from postaward.orgs.choices import Role
from postaward.projects import services as project_services
from postaward.testing import account

from .. import services
from ..choices import AcceptanceState, HiddenWorkState
from ..models import AcceptanceRequest, ApprovalDocument, ProcessStep
from . import factories as f
from .test_acceptance import conclude, received, request

pytestmark = pytest.mark.django_db


def inbox(d, username):  # type: ignore[no-untyped-def]
    return {t.key for t in selectors.open_todos(d.actor(username))}


def test_r_chg_02_the_owner_approval_todo_is_the_project_leaders_not_all_owner_staff(d):
    account(d.orgs["school"], "other_leader", [Role.OWNER_PROJECT_LEADER])  # another project's
    account(d.orgs["school"], "school_unit_leader", [Role.UNIT_LEADER])
    account(d.orgs["supervisor_a"], "supervisor_a_other", [Role.SUPERVISOR])
    c = f.change(d)
    supervisor_key = f"approvals.engineeringchange.{c.pk}.supervisor"
    assert supervisor_key in inbox(d, "chief_a")  # the chief supervising engineer of p_school
    assert supervisor_key + "@admin" in inbox(d, "supervisor_a_admin")
    assert not {supervisor_key, supervisor_key + "@admin"} & inbox(d, "supervisor_a_other")
    services.review_change(actor=d.actor("chief_a"), change=c, opinion="同意")
    assert not inbox(d, "chief_a") & {supervisor_key}
    assert not inbox(d, "supervisor_a_admin") & {supervisor_key + "@admin"}

    key = f"approvals.engineeringchange.{c.pk}.owner"
    todo = Todo.objects.get(key=key)
    assert (todo.role, todo.assignee_id) == (Role.OWNER_PROJECT_LEADER, d.users["school_leader"].pk)
    # one row each: the leader's own and the administrator's copy
    # (the change's own: another kind of subject may share its number)
    assert (
        Todo.objects.filter(
            subject_type="approvals.engineeringchange", subject_id=str(c.pk), state="open"
        ).count()
        == 2
    )
    assert key in inbox(d, "school_leader")
    assert key + "@admin" in inbox(d, "school_admin")  # the administrator may approve too
    for user in ("other_leader", "school_unit_leader", "roleless", "pm_a"):
        assert not {key, key + "@admin"} & inbox(d, user), user
    services.approve_change(actor=d.actor("school_admin"), change=c)
    assert not Todo.objects.filter(key__in=[key, key + "@admin"], state="open").exists()


def test_r_hid_02_standby_with_photos_missing_opens_an_upload_todo(d, frozen):
    hw = f.hidden_work(d, days_ahead=2)
    frozen.shift(dt.timedelta(days=2))  # D
    photos = f.photos()
    services.record_standby(
        actor=d.actor("chief_a"),
        hidden_work=hw,
        opinion="钢筋验收合格",
        photos={"before": photos["before"]},
    )
    assert hw.state == HiddenWorkState.ACCEPTED and hw.photos_completed_at is None
    dl = Deadline.objects.get(subject_id=str(hw.pk), kind="approvals.hidden_photos")
    assert dl.state == Deadline.State.OPEN
    key = f"approvals.hiddenwork.{hw.pk}.photos"
    todo = Todo.objects.get(key=key, state="open")
    assert todo.organisation_id == d.orgs["supervisor_a"].pk  # the supervisor uploads (R-HID-02)
    assert todo.due_at == dl.due_at and "施工后" in todo.detail and "施工前" not in todo.detail
    assert key in inbox(d, "chief_a") and key + "@admin" in inbox(d, "supervisor_a_admin")
    assert key not in inbox(d, "pm_a")
    services.upload_photos(
        actor=d.actor("chief_a"),
        hidden_work=hw,
        photos={"after": photos["after"], "scale": photos["scale"]},
    )
    assert not Todo.objects.filter(key__in=[key, key + "@admin"], state="open").exists()
    dl.refresh_from_db()
    assert dl.state == Deadline.State.MET
    assert f"approvals.hiddenwork.{hw.pk}.review" in inbox(d, "school_leader")


def test_r_hid_02_standby_with_all_photos_opens_no_upload_todo(d, frozen):
    hw = f.hidden_work(d, days_ahead=1)
    frozen.shift(dt.timedelta(days=1))
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=hw, opinion="验收合格", photos=f.photos()
    )
    assert not Todo.objects.filter(kind="approvals.hiddenwork.photos").exists()


def test_r_acc_03_a_returned_acceptance_asks_the_contractor_to_initiate_again(d):
    req = received(d)
    services.return_acceptance(
        actor=d.actor("school_leader"), request=req, reason="消防验收资料未齐，暂不具备条件"
    )
    assert req.state == AcceptanceState.RETURNED
    key = f"approvals.acceptancerequest.{req.pk}.again"
    todo = Todo.objects.get(key=key, state="open")
    assert todo.organisation_id == d.orgs["contractor_a"].pk and "消防" in todo.detail
    assert key in inbox(d, "pm_a") and key + "@admin" in inbox(d, "contractor_a_admin")
    assert key not in inbox(d, "school_leader")
    again = request(d)
    assert again.pk != req.pk
    assert not Todo.objects.filter(key__in=[key, key + "@admin"], state="open").exists()


def test_r_acc_01_an_acceptance_refused_by_the_supervisor_asks_to_initiate_again(d):
    req = request(d)
    assert f"approvals.acceptancerequest.{req.pk}.supervisor" in inbox(d, "chief_a")
    services.reject_acceptance(actor=d.actor("chief_a"), request=req, note="竣工资料不全")
    key = f"approvals.acceptancerequest.{req.pk}.again"
    assert key in inbox(d, "pm_a")
    assert not Todo.objects.filter(
        key=f"approvals.acceptancerequest.{req.pk}.supervisor", state="open"
    ).exists()
    request(d)
    assert key not in inbox(d, "pm_a")


# --- R-ACC-05: village self-acceptance with villager representatives and the supervisor ---------


def _village_request(d):  # type: ignore[no-untyped-def]
    p = f.project(d, "T-VIL", amount="1800000.00", village=True)
    req = request(d, p)
    assert req.state == AcceptanceState.RECEIVED
    key = f"approvals.acceptancerequest.{req.pk}.organise"
    assert key in inbox(d, "village_leader")  # the village's leader of the project organises
    return req


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"villager_representatives": ""}, "villager_representatives_missing"),
        ({"villager_representatives": " 、， "}, "villager_representatives_missing"),
        ({"supervisor_attendee": ""}, "supervisor_attendee_missing"),
        ({"supervisor_attendee": " 李"}, "supervisor_attendee_missing"),
    ],
)
def test_r_acc_05_village_self_acceptance_needs_villagers_and_the_supervisor(d, kw, code):
    req = _village_request(d)
    steps, docs = ProcessStep.objects.count(), ApprovalDocument.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        conclude(d, req, user="village_leader", **kw)
    assert exc.value.code == code and "R-ACC-05" in (exc.value.basis or "")
    assert "村级自验须有" in str(exc.value)
    req = AcceptanceRequest.objects.get(pk=req.pk)
    assert req.state == AcceptanceState.RECEIVED and req.concluded_at is None
    assert (ProcessStep.objects.count(), ApprovalDocument.objects.count()) == (steps, docs)


def test_r_acc_05_village_self_acceptance_records_who_took_part(d):
    req = _village_request(d)
    conclude(
        d,
        req,
        user="village_leader",
        villager_representatives=" 张建国，王秀英  陈立 ",
        supervisor_attendee="李卫东",
    )
    req = AcceptanceRequest.objects.get(pk=req.pk)
    assert req.state == AcceptanceState.PASSED
    assert (req.villager_representatives, req.supervisor_attendee) == (
        "张建国、王秀英、陈立",
        "李卫东",
    )


def test_r_acc_05_government_acceptance_does_not_ask_for_villagers(d):
    req = received(d)
    conclude(d, req, villager_representatives="", supervisor_attendee="")
    req = AcceptanceRequest.objects.get(pk=req.pk)
    assert req.state == AcceptanceState.PASSED and req.villager_representatives == ""


def test_r_acc_05_the_conclusion_page_refuses_a_village_self_acceptance_without_them(d):
    req = _village_request(d)
    page = reverse("approval_acceptance_step", args=[req.pk, "conclude"])
    data = {
        "passed": "1",
        "accepted_on": clock.today().isoformat(),
        "attendees": "村民代表、监理单位",
        "conclusion": "自验合格",
        "document": f.pdf("验收结论.pdf"),
    }
    r = d.client("village_leader").post(page, data)
    assert r.status_code == 422, r.content.decode()[:3000]
    assert "村级自验须有村民代表参加" in r.content.decode()
    assert AcceptanceRequest.objects.get(pk=req.pk).state == AcceptanceState.RECEIVED
    data |= {
        "villager_representatives": "张建国、王秀英",
        "supervisor_attendee": "李卫东",
        "document": f.pdf("验收结论.pdf"),
    }
    r = d.client("village_leader").post(page, data)
    assert r.status_code == 302, r.content.decode()[:800]
    req = AcceptanceRequest.objects.get(pk=req.pk)
    assert req.state == AcceptanceState.PASSED and req.supervisor_attendee == "李卫东"


# --- R-SET-01: the settlement to-do ----------------------------------------------------------------


def test_r_set_01_the_settlement_todo_is_the_project_leaders_not_all_owner_staff(d):
    account(d.orgs["school"], "other_leader", [Role.OWNER_PROJECT_LEADER])  # another project's
    account(d.orgs["school"], "school_unit_leader", [Role.UNIT_LEADER])
    p = d.projects["p_school"]
    conclude(d, received(d, p))
    dispatch_pending()  # ProjectCompleted starts the settlement clock
    key = f"approvals.settlement.{p.pk}"
    todo = Todo.objects.get(key=key, state="open")
    assert todo.organisation_id == d.orgs["school"].pk
    assert (todo.role, todo.assignee_id) == (Role.OWNER_PROJECT_LEADER, d.users["school_leader"].pk)
    assert Todo.objects.get(key=key + "@admin", state="open").role == Role.ADMIN
    assert key in inbox(d, "school_leader")
    assert key + "@admin" in inbox(d, "school_admin")  # the administrator may submit too
    for user in ("other_leader", "school_unit_leader", "roleless", "pm_a", "chief_a"):
        assert not {key, key + "@admin"} & inbox(d, user), user
    project_services.submit_settlement(
        actor=d.actor("school_admin"),
        project=p,
        on=clock.today(),
        amount=Decimal("8400000"),
        route="audit",
    )
    dispatch_pending()
    assert not Todo.objects.filter(key__in=[key, key + "@admin"], state="open").exists()
