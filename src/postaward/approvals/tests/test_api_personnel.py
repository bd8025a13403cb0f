"""Personnel changes through the API (R-CHG-03, R-CHG-04): the changing unit
initiates with the documents (multipart or JSON+Base64), the owner agrees, the
industry authority reviews (or the superior unit agrees and the change is
filed), the owner uploads the approval form and records the penalty; the
person is swapped and the bans are recorded. Each refusal says its rule."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.orgs.choices import QualificationType
from postaward.projects import services as project_services
from postaward.projects.choices import Position
from postaward.projects.models import KeyPersonAssignment, PersonnelBan
from postaward.projects.tests.factories import qualify
from postaward.testing import person

from ..models import PersonnelChange
from . import factories as f
from .apiclient import b64, get, post, refused, send

pytestmark = pytest.mark.django_db


def assignment(d, username):  # type: ignore[no-untyped-def]
    return KeyPersonAssignment.objects.get(
        project=d.projects["p_school"], person=d.users[username].person, ended_on__isnull=True
    )


def body(d, new, **kw):  # type: ignore[no-untyped-def]
    return {
        "assignment_id": assignment(d, "pm_a").pk,
        "replacement_id": new.pk,
        "reason_kind": "resignation",
        "reason": "原项目经理离职",
        "qualification_document": b64(f.pdf("资格.pdf")),
        "social_insurance": b64(f.pdf("社保.pdf")),
        **kw,
    }


def test_project_manager_change_runs_through_every_step(d):  # R-CHG-03, R-CHG-04, R-CHG-06
    new = person(d.orgs["contractor_a"], name="李四")
    cert = qualify(new, QualificationType.CONSTRUCTOR_2)
    admin = d.token_client("contractor_a_admin")
    # multipart: the documents travel as file parts
    pc = post(
        admin,
        "/personnel",
        form={
            "assignment_id": str(assignment(d, "pm_a").pk),
            "replacement_id": str(new.pk),
            "replacement_certificate_id": str(cert.pk),
            "reason_kind": "resignation",
            "reason": "原项目经理离职",
            "qualification_document": f.pdf("资格.pdf"),
            "social_insurance": f.pdf("社保.pdf"),
        },
        status=201,
    )
    assert (pc["state"], pc["route"], pc["position"]) == (
        "supervisor_pending",
        "review",
        "project_manager",
    )
    assert pc["replacement_certificate_id"] == cert.pk and pc["replacement_name"] == "李四"
    social = next(doc for doc in pc["documents"] if doc["kind"] == "social_insurance")
    assert "2026-03、2026-04、2026-05" in social["title"]
    assert {doc["kind"] for doc in pc["documents"]} == {"qualification", "social_insurance"}
    url = f"/personnel/{pc['id']}"

    leader = d.token_client("school_leader")
    # R-CHG-06: the supervising firm reviews the contractor's declaration before the owner
    assert get(leader, url)["actions"] == []
    refused(
        leader,
        f"{url}/steps/agree",
        {},
        status=409,
        message="人员变更当前状态为“待监理审核”，不能建设单位同意",
    )
    chief = d.token_client("chief_a")
    assert get(chief, url)["actions"] == ["review", "reject"]
    reviewed = post(chief, f"{url}/steps/review", {"opinion": "资料齐全"})
    assert reviewed["state"] == "submitted"
    assert get(leader, url)["actions"] == ["agree", "reject"]
    assert get(admin, url)["actions"] == ["withdraw"]
    # the authority cannot take the owner's step; the owner agrees
    refused(
        d.token_client("housing_staff"),
        f"{url}/agree",
        {},
        status=403,
        message="建设单位项目负责人或总管方可建设单位同意",
    )
    assert post(leader, f"{url}/agree", {"opinion": "同意更换"})["state"] == "owner_agreed"
    # R-CHG-03: a project manager's change is reviewed by the industry authority
    refused(
        d.client("line_supervisor"),
        f"{url}/approve",
        {},
        status=403,
        message="行业主管部门方可行业主管部门审核同意",
    )
    pc = post(d.client("housing_staff"), f"{url}/approve", {"opinion": "同意"})
    assert pc["state"] == "approved" and pc["filed_at"] is None
    assert get(leader, url)["actions"] == ["complete"]

    # the owner completes: JSON with the approval form in Base64
    refused(
        leader,
        f"{url}/complete",
        {"penalty_amount": "0", "approval_form": b64(f.pdf("审批表.pdf"))},
        status=422,
        message="未追究违约金的，请说明理由",
    )
    refused(
        leader,
        f"{url}/complete",
        {"penalty_amount": "20000", "penalty_note": "按合同扣减"},
        status=422,
        message="请上传人员变更审批表",
    )
    done = post(
        leader,
        f"{url}/complete",
        {
            "penalty_amount": "20000",
            "penalty_note": "按合同第12条扣减",
            "approval_form": b64(f.pdf("审批表.pdf")),
        },
    )
    assert done["state"] == "completed" and done["penalty_amount"] == "20000.00"
    assert done["penalty_note"] == "按合同第12条扣减"
    form = next(doc for doc in done["documents"] if doc["kind"] == "approval_form")
    assert done["approval_form_id"] == form["id"]
    assert [s["action"] for s in done["steps"]] == [
        "initiate_personnel_change",
        "review_by_supervisor",
        "agree_by_owner",
        "approve_by_authority",
        "complete",
    ]
    # the person is swapped, the replaced one banned from the same post (R-CHG-04)
    new_assignment = KeyPersonAssignment.objects.get(pk=done["new_assignment_id"])
    assert new_assignment.person == new and new_assignment.certificate == cert
    assert assignment_ended(d, "pm_a") == dt.date(2026, 6, 15)
    ban = PersonnelBan.objects.get(person=d.users["pm_a"].person)
    assert (ban.reason, ban.position) == ("replaced", Position.PROJECT_MANAGER)
    # the approval form is served through the scope check
    r = leader.get(form["url"])
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert d.client("hospital_admin").get(form["url"]).status_code == 404
    # the list shows it to the owner, not to another owner
    listed = get(leader, "/personnel")["items"]
    assert [x["id"] for x in listed] == [done["id"]]
    assert get(d.client("hospital_admin"), "/personnel")["items"] == []


def assignment_ended(d, username):  # type: ignore[no-untyped-def]
    return KeyPersonAssignment.objects.get(
        project=d.projects["p_school"], person=d.users[username].person
    ).ended_on


def test_other_staff_are_agreed_by_owner_and_superior_and_filed(d):  # R-CHG-03
    firm = d.orgs["supervisor_a"]
    old = person(firm, name="原监理员")
    project_services.assign_key_person(
        actor=d.actor("school_leader"),
        participant=f.participant(d.projects["p_school"], "supervising_firm"),
        person=old,
        position=Position.SUPERVISOR,
        started_on=dt.date(2026, 3, 2),
    )
    a = KeyPersonAssignment.objects.get(person=old)
    new = person(firm, name="新监理员")
    pc = post(
        d.token_client("supervisor_a_admin"),
        "/personnel",
        {
            "assignment_id": a.pk,
            "replacement_id": new.pk,
            "reason_kind": "transfer",
            "reason": "工作调动至其他项目",
            "qualification_document": b64(f.pdf()),
            "social_insurance": b64(f.pdf()),
        },
        status=201,
    )
    assert pc["route"] == "filing"
    url = f"/personnel/{pc['id']}"
    post(d.client("school_admin"), f"{url}/agree", {})
    # other staff: the superior unit agrees (not the authority), then filed with the authority
    refused(
        d.client("housing_staff"),
        f"{url}/approve",
        {},
        status=403,
        message="主管单位（条线）方可主管单位同意并报行业主管部门备案",
    )
    pc = post(d.token_client("line_supervisor"), f"{url}/approve", {"opinion": "同意"})
    assert pc["state"] == "approved" and pc["filed_at"] is not None


def test_documents_are_required_and_refusals_say_the_rule(d):  # R-CHG-03
    new = person(d.orgs["contractor_a"], name="李四")
    admin = d.client("contractor_a_admin")
    data = refused(
        admin,
        "/personnel",
        body(d, new, social_insurance=None),
        status=422,
        message="请上传替换人员近3个月（2026-03、2026-04、2026-05）社保缴纳证明",
    )
    assert data["basis"] == "R-CHG-03（实施细则第二十七条(二)）"
    assert data["errors"] == [{"field": "social_insurance", "message": data["message"]}]
    refused(
        admin,
        "/personnel",
        body(d, new, qualification_document=None),
        status=422,
        message="请上传替换人员资格资历证明",
    )
    refused(
        admin,
        "/personnel",
        body(d, new, reason_kind="illness", recovery_until="2026-09-30"),
        status=422,
        message="因病变更须上传区级医院证明",
    )
    refused(
        admin,
        "/personnel",
        body(d, new, reason_kind="illness", hospital_certificate=b64(f.pdf("证明.pdf"))),
        status=422,
        message="因病变更须明确治疗恢复时间（晚于今天）",
    )
    # a certificate of somebody else, a person of another unit
    other = person(d.orgs["contractor_a"], name="王五")
    refused(
        admin,
        "/personnel",
        body(
            d,
            new,
            replacement_certificate_id=qualify(other, QualificationType.CONSTRUCTOR_2).pk,
        ),
        status=422,
        message="该证书不属于替换人员",
    )
    # only the changing unit's administrator or leader initiates
    refused(d.client("pm_a"), "/personnel", body(d, new), status=403, message="方可发起人员变更")
    # out of scope looks missing
    refused(
        d.client("contractor_b_admin"),
        "/personnel",
        body(d, new),
        status=404,
        message="对象不存在或无权访问",
    )
    assert not PersonnelChange.objects.exists()
    # illness with its certificate and recovery date is accepted
    pc = post(
        admin,
        "/personnel",
        body(
            d,
            new,
            reason_kind="illness",
            reason="突发疾病住院治疗",
            recovery_until="2026-09-30",
            hospital_certificate=b64(f.pdf("证明.pdf")),
        ),
        status=201,
    )
    assert pc["recovery_until"] == "2026-09-30"
    assert "hospital_certificate" in {doc["kind"] for doc in pc["documents"]}


def test_a_banned_replacement_is_refused(d):  # R-CHG-04
    from postaward.core.actor import SYSTEM

    banned = person(d.orgs["contractor_a"], name="受限人员")
    project_services.record_personnel_ban(
        actor=SYSTEM,
        person=banned,
        reason="illness",
        source_project=d.projects["p_hospital"],
        until=dt.date(2026, 12, 31),
    )
    data = refused(
        d.token_client("contractor_a_admin"),
        "/personnel",
        body(d, banned),
        status=422,
        message="2026-12-31",
    )
    assert data["code"] == "personnel_banned"
    assert data["basis"].startswith("R-CHG-04")


def test_one_open_change_per_post_reject_and_withdraw(d):  # R-CHG-03
    new = person(d.orgs["contractor_a"], name="李四")
    admin = d.client("contractor_a_admin")
    pc = post(admin, "/personnel", body(d, new), status=201)
    refused(admin, "/personnel", body(d, new), status=409, message="该岗位已有办理中的人员变更")
    url = f"/personnel/{pc['id']}"
    leader = d.client("school_leader")
    post(d.client("chief_a"), f"{url}/review", {"opinion": "资料齐全"})  # R-CHG-06
    refused(leader, f"{url}/reject", {"opinion": ""}, status=422, message="请填写不同意的理由")
    rejected = post(leader, f"{url}/reject", {"opinion": "替换人员资历不足"})
    assert rejected["state"] == "rejected" and rejected["decision_note"] == "替换人员资历不足"
    refused(admin, f"{url}/withdraw", {}, status=409, message="当前状态为“未通过”，不能撤回")
    again = post(admin, "/personnel", body(d, new), status=201)
    assert post(admin, f"/personnel/{again['id']}/withdraw", {})["state"] == "withdrawn"


def test_a_retried_initiation_takes_effect_once(d):  # R-CHG-03
    new = person(d.orgs["contractor_a"], name="李四")
    admin = d.token_client("contractor_a_admin")
    first = send(admin, "post", "/personnel", body(d, new), key="rc-1")
    again = send(admin, "post", "/personnel", body(d, new), key="rc-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert PersonnelChange.objects.count() == 1
    # the same key with other content (another file) is refused
    changed = body(d, new, social_insurance=b64(f.pdf("社保.pdf", text="other")))
    r = send(admin, "post", "/personnel", changed, key="rc-1")
    assert r.status_code == 409 and r.json()["code"] == "idempotency_mismatch"
