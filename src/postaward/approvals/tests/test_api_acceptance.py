"""Completion acceptance, its extension, village and township acceptance, use
before acceptance and the settlement clock through the API (R-ACC-01..06,
R-SET-01, R-PRJ-05)."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock
from postaward.core.events import dispatch_pending
from postaward.projects import services as project_services
from postaward.projects.choices import ProjectStatus

from ..models import AcceptanceRequest, ApprovalDocument
from . import factories as f
from .apiclient import b64, get, post, refused
from .conftest import local, published

pytestmark = pytest.mark.django_db


def initiate(d, p=None, user="pm_a"):  # type: ignore[no-untyped-def]
    p = p or d.projects["p_school"]
    return post(
        d.token_client(user),
        "/acceptance",
        {
            "project_id": p.pk,
            "completed_on": clock.today().isoformat(),
            "description": "主体及装修工程全部完成",
        },
        status=201,
    )


def conclude_form(passed=True, **kw):  # type: ignore[no-untyped-def]
    return {
        "passed": "true" if passed else "false",
        "accepted_on": clock.today().isoformat(),
        "attendees": "建设、监理、勘察、设计单位",
        "rectification_opinions": "外墙涂料局部修补",
        "conclusion": "工程质量合格，同意验收" if passed else "存在渗漏，不予验收",
        "document": f.pdf("验收结论.pdf"),
        **kw,
    }


def test_government_acceptance_from_initiation_to_settlement(
    d, frozen
):  # R-ACC-01, R-ACC-03, R-SET-01
    p = d.projects["p_school"]
    for user in ("chief_a", "school_leader"):
        refused(
            d.client(user),
            "/acceptance",
            {"project_id": p.pk, "completed_on": "2026-06-15", "description": "全部完成"},
            status=403,
            message="本项目施工单位方可发起竣工验收",
        )
    req = initiate(d)
    assert (req["kind"], req["state"]) == ("government", "submitted")
    url = f"/acceptance/{req['id']}"
    chief = d.token_client("chief_a")
    assert get(chief, url)["actions"] == ["review", "reject"]
    refused(
        d.client("school_leader"),
        f"{url}/review",
        {},
        status=403,
        message="监理单位方可监理审核通过",
    )
    req = post(chief, f"{url}/review", {"opinion": "具备验收条件"})
    assert req["state"] == "received" and req["return_until"] == "2026-06-18"
    [dl] = req["deadlines"]
    assert (dl["kind"], dl["length"], dl["end_text"]) == (
        "approvals.acceptance_below",
        20,
        "2026-07-06 24:00",
    )
    # R-CAL-01: day 20 is Sunday 07-05, the period runs to Monday 07-06
    assert dl["roll_note"] == "原届满 07-05 为周日，顺延至 07-06"
    leader = d.token_client("school_leader")
    assert set(get(leader, url)["actions"]) == {"return", "conclude"}

    # R-ACC-03: returned within 3 days with the reasons (JSON, reason document in Base64)
    frozen.move_to(local(2026, 6, 17, 10, 0))
    returned = post(
        leader,
        f"{url}/return",
        {"reason": "消防验收未完成，不满足竣工验收条件", "document": b64(f.pdf("理由.pdf"))},
    )
    assert returned["state"] == "returned" and returned["deadlines"][0]["state"] == "cancelled"
    assert [doc["kind"] for doc in returned["documents"]] == ["return_reason"]
    assert published("approvals.acceptance_returned")[-1]["request_id"] == req["id"]

    # re-initiated and received on 06-17: day 3 is Saturday 06-20, a rest day, so
    # the return window ends at 24:00 of Monday 06-22 (R-CAL-01)
    again = initiate(d)
    url = f"/acceptance/{again['id']}"
    post(chief, f"{url}/review", {})
    frozen.move_to(local(2026, 6, 23, 9, 0))
    data = refused(
        leader,
        f"{url}/return",
        {"reason": "仍有部分整改未完成"},
        status=409,
        message="退回须在受理后3天内（至 2026-06-22）提出",
    )
    assert data["code"] == "return_window_closed" and "第三十一条" in data["basis"]  # R-ACC-03

    # the organiser concludes with the opinions and the conclusion document (multipart)
    refused(
        d.client("pm_a"),
        f"{url}/conclude",
        form=conclude_form(),
        status=403,
        message="验收组织单位方可上传验收结论",
    )
    no_document = conclude_form()
    del no_document["document"]
    refused(
        leader,
        f"{url}/conclude",
        form=no_document,
        status=422,
        message="请上传验收结论及整改意见资料",
    )
    done = post(leader, f"{url}/conclude", form=conclude_form())
    assert done["state"] == "passed" and done["accepted_on"] == "2026-06-23"
    assert done["rectification_opinions"] == "外墙涂料局部修补"
    assert done["conclusion_document_id"] in {doc["id"] for doc in done["documents"]}
    assert done["deadlines"][0]["state"] == "met" and done["actions"] == []
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED

    # R-SET-01: completion (06-17, the date of the request that passed) started the
    # settlement clock: 60 days below 20,000,000
    dispatch_pending()
    clock_ = get(leader, f"/settlement/{p.pk}")
    assert clock_["can_submit"] and clock_["missing"] == []
    dl = clock_["deadline"]
    assert (dl["kind"], dl["length"], dl["end_text"], dl["state"]) == (
        "approvals.settlement_below",
        60,
        "2026-08-17 24:00",  # day 60 is Sunday 08-16, rolled to Monday (R-CAL-01)
        "open",
    )
    assert not get(d.client("pm_a"), f"/settlement/{p.pk}")["can_submit"]
    assert [row["project_id"] for row in get(leader, "/settlement")["items"]] == [p.pk]
    get(d.client("contractor_b_admin"), f"/settlement/{p.pk}", status=404)
    body = {"on": "2026-06-23", "amount": "8400000.00", "route": "audit"}
    refused(d.client("pm_a"), f"/settlement/{p.pk}", body, status=403, message="结算送审")
    refused(
        leader,
        f"/settlement/{p.pk}",
        {**body, "on": "2026-06-22"},
        status=422,
        message="送审日期不能早于竣工验收日期",
    )
    submitted = post(leader, f"/settlement/{p.pk}", form={**body, "document": f.pdf("结算.pdf")})
    assert submitted["project_status"] == ProjectStatus.SETTLEMENT_SUBMITTED
    dispatch_pending()
    assert get(leader, f"/settlement/{p.pk}")["deadline"]["state"] == "met"


def test_settlement_of_an_uncovered_project_waits_for_the_data_completion(d):  # R-PRJ-05
    p = d.projects["p_school"]
    project_services.complete_works(actor=d.actor("school_leader"), project=p, on=clock.today())
    project_services.accept_works(
        actor=d.actor("school_leader"),
        project=p,
        on=clock.today(),
        upload=f.pdf(),
        conclusion="合格",
    )
    project_services.mark_uncovered(
        actor=d.actor("housing_staff"), project=p, note="实施过程未纳入平台"
    )
    leader = d.client("school_leader")
    [missing] = get(leader, f"/settlement/{p.pk}")["missing"]
    assert missing["field"] == "data_completion" and "项目资料补全申请书" in missing["message"]
    refused(
        leader,
        f"/settlement/{p.pk}",
        {"on": "2026-06-15", "amount": "8400000.00"},
        status=422,
        message="项目未纳入平台监管，须先提交《项目资料补全申请书》",
    )


def test_the_supervisor_may_refuse_and_the_contractor_initiates_again(d):  # R-ACC-01
    req = initiate(d)
    url = f"/acceptance/{req['id']}"
    chief = d.client("chief_a")
    refused(chief, f"{url}/reject", {"opinion": ""}, status=422, message="请填写审核意见")
    rejected = post(chief, f"{url}/reject", {"opinion": "竣工资料不全"})
    assert rejected["state"] == "rejected" and rejected["decision_note"] == "竣工资料不全"
    again = initiate(d)
    refused(
        d.client("pm_a"),
        "/acceptance",
        {
            "project_id": d.projects["p_school"].pk,
            "completed_on": "2026-06-15",
            "description": "主体及装修工程全部完成",
        },
        status=409,
        message="已有办理中的验收申请",
    )
    assert post(d.client("pm_a"), f"/acceptance/{again['id']}/withdraw", {})["state"] == "withdrawn"


def test_failed_acceptance_asks_for_a_new_initiation(d):  # R-ACC-01
    req = initiate(d)
    url = f"/acceptance/{req['id']}"
    post(d.client("chief_a"), f"{url}/review", {})
    failed = post(d.client("school_leader"), f"{url}/conclude", form=conclude_form(passed=False))
    assert failed["state"] == "failed" and failed["conclusion"] == "存在渗漏，不予验收"
    d.projects["p_school"].refresh_from_db()
    assert d.projects["p_school"].status == ProjectStatus.UNDER_CONSTRUCTION


def test_super_large_works_extend_after_three_approvals(d, frozen):  # R-ACC-04
    school = initiate(d)
    post(d.client("chief_a"), f"/acceptance/{school['id']}/review", {})
    leader = d.token_client("school_leader")
    refused(
        leader,
        f"/acceptance/{school['id']}/extensions",
        {"days": 30, "reason": "机电调试周期长"},
        status=409,
        message="仅专业门类多、技术复杂的超大型工程可以申请延长验收时间",
    )
    p = f.project(d, "T-SUPER", amount="380000000.00", super_large=True)
    req = initiate(d, p)
    url = f"/acceptance/{req['id']}"
    req = post(d.client("chief_a"), f"{url}/review", {})
    assert req["deadlines"][0]["end_text"] == "2026-08-14 24:00"
    assert "extensions" in get(leader, url)["actions"]
    refused(
        d.client("chief_a"),
        f"{url}/extensions",
        {"days": 30, "reason": "机电调试周期长"},
        status=403,
        message="建设单位方可申请延长验收时间",
    )
    refused(
        leader,
        f"{url}/extensions",
        {"days": 0, "reason": "机电调试周期长"},
        status=422,
        message="延长天数应为 1-365 天",
    )
    ext = post(
        leader,
        f"{url}/extensions",
        form={
            "days": "30",
            "reason": "机电、幕墙、智能化专业多，联合调试周期长",
            "document": f.pdf(),
        },
        status=201,
    )
    assert ext["state"] == "pending_superior" and ext["acceptance_id"] == req["id"]
    assert [doc["kind"] for doc in ext["documents"]] == ["extension_request"]
    eurl = f"/extensions/{ext['id']}"
    # in turn: superior unit, industry authority, leading group
    for wrong, right, state in (
        ("housing_staff", "line_supervisor", "pending_authority"),
        ("office_staff", "housing_staff", "pending_office"),
        ("line_supervisor", "office_staff", "approved"),
    ):
        assert get(d.client(wrong), eurl)["actions"] == []
        refused(d.client(wrong), f"{eurl}/approve", {}, status=403, message="方可")
        assert get(d.token_client(right), eurl)["actions"] == ["approve", "reject"]
        ext = post(d.token_client(right), f"{eurl}/approve", {"opinion": "同意"})
        assert ext["state"] == state
    detail = get(leader, url)
    [dl] = detail["deadlines"]
    # 08-14 + 30 = Sunday 09-13, rolled to Monday 09-14 (R-CAL-01)
    assert dl["length"] == 90 and dl["end_text"] == "2026-09-14 24:00"
    assert detail["extensions"][0]["state_label"] == "已同意延长"
    assert [s["action"] for s in ext["steps"]] == [
        "apply_extension",
        "agree_by_superior",
        "agree_by_authority",
        "agree_by_office",
    ]
    assert [x["id"] for x in get(d.client("line_supervisor"), "/extensions")["items"]] == [
        ext["id"]
    ]


def test_an_extension_is_refused_after_the_60_days_and_can_be_declined(d, frozen):  # R-ACC-04
    p = f.project(d, "T-SUPER2", amount="380000000.00", super_large=True)
    req = initiate(d, p)
    url = f"/acceptance/{req['id']}"
    post(d.client("chief_a"), f"{url}/review", {})
    leader = d.client("school_leader")
    ext = post(leader, f"{url}/extensions", {"days": 30, "reason": "专业多调试长"}, status=201)
    eurl = f"/extensions/{ext['id']}"
    refused(
        d.client("line_supervisor"), f"{eurl}/reject", {}, status=422, message="请填写不同意的理由"
    )
    ext = post(d.client("line_supervisor"), f"{eurl}/reject", {"opinion": "理由不充分"})
    assert ext["state"] == "rejected"
    frozen.move_to(local(2026, 8, 15, 8, 0))  # day 61
    data = refused(
        d.token_client("school_leader"),
        f"{url}/extensions",
        {"days": 30, "reason": "专业多调试长"},
        status=409,
        message="延长验收时间须在60天内提出",
    )
    assert data["code"] == "extension_too_late" and "第三十一条" in data["basis"]  # R-ACC-04


def test_village_self_acceptance_then_township_reacceptance(d, frozen):  # R-ACC-05
    p = f.project(d, "T-VIL", amount="1800000.00", village=True)
    village = d.token_client("village_leader")
    refused(
        village,
        "/acceptance/township",
        {"project_id": p.pk, "description": "申请乡镇复验"},
        status=409,
        message="村级自验合格后方可发起乡镇复验",
    )
    req = initiate(d, p)
    assert (req["kind"], req["state"]) == ("village_self", "received")
    [dl] = req["deadlines"]
    assert (dl["kind"], dl["length"], dl["end_text"]) == (
        "approvals.acceptance_village_self",
        15,
        "2026-06-30 24:00",
    )
    frozen.move_to(local(2026, 6, 30, 10, 0))
    for missing, message in (  # R-ACC-05: villager representatives and the supervisor take part
        ({"supervisor_attendee": "李卫东"}, "村级自验须有村民代表参加"),
        ({"villager_representatives": "张建国、王秀英"}, "村级自验须有监理单位参加"),
    ):
        docs = ApprovalDocument.objects.count()
        refused(
            village,
            f"/acceptance/{req['id']}/conclude",
            form=conclude_form(attendees="村民代表、监理单位", **missing),
            status=422,
            message=message,
        )
        assert ApprovalDocument.objects.count() == docs  # nothing written
        assert AcceptanceRequest.objects.get(pk=req["id"]).state == "received"
    done = post(
        village,
        f"/acceptance/{req['id']}/conclude",
        form=conclude_form(
            attendees="村民代表、监理单位",
            villager_representatives="张建国、王秀英",
            supervisor_attendee="李卫东",
        ),
    )
    assert (done["villager_representatives"], done["supervisor_attendee"]) == (
        "张建国、王秀英",
        "李卫东",
    )
    assert done["state"] == "passed"
    p.refresh_from_db()
    assert p.status == ProjectStatus.COMPLETED
    body = {"project_id": p.pk, "description": "自验合格，整改完毕，申请复验"}
    refused(
        d.client("pm_a"),
        "/acceptance/township",
        body,
        status=403,
        message="行政村（社区）方可发起乡镇复验",
    )
    town = post(village, "/acceptance/township", body, status=201)
    assert (town["kind"], town["state"], town["return_until"]) == ("township", "received", None)
    [tdl] = town["deadlines"]
    assert (tdl["kind"], tdl["length"], tdl["end_text"]) == (
        "approvals.acceptance_township",
        15,
        "2026-07-15 24:00",
    )
    refused(village, "/acceptance/township", body, status=409, message="已发起乡镇复验")
    turl = f"/acceptance/{town['id']}"
    refused(
        d.client("town_admin"),
        f"{turl}/return",
        {"reason": "资料不全，退回"},
        status=409,
        message="乡镇复验申请不能退回",
    )
    refused(
        village,
        f"{turl}/conclude",
        form=conclude_form(),
        status=403,
        message="验收组织单位方可上传验收结论",
    )
    assert get(d.client("town_admin"), turl)["actions"] == ["conclude"]
    frozen.move_to(local(2026, 7, 10, 10, 0))
    town = post(d.token_client("town_admin"), f"{turl}/conclude", form=conclude_form())
    assert town["state"] == "passed" and town["deadlines"][0]["state"] == "met"
    p.refresh_from_db()
    assert p.status == ProjectStatus.ACCEPTED
    get(d.client("school_leader"), turl, status=404)


def test_use_before_acceptance_is_recorded(d):  # R-ACC-06
    p = d.projects["p_school"]
    body = {"project_id": p.pk, "used_since": "2026-06-01", "description": "教学楼已投入教学使用"}
    refused(
        d.client("pm_a"),
        "/usage-before-acceptance",
        body,
        status=403,
        message="建设单位、主管单位、行业主管部门或监管办方可登记未验先用",
    )
    refused(
        d.client("school_leader"),
        "/usage-before-acceptance",
        {**body, "industry_exception": True},
        status=422,
        message="属行业特殊要求的，请填写例外依据",
    )
    u = post(d.token_client("housing_staff"), "/usage-before-acceptance", body, status=201)
    assert (u["used_since"], u["industry_exception"], u["recorded_by_org"]) == (
        "2026-06-01",
        False,
        "测试区住建局",
    )
    [evt] = published("approvals.used_before_acceptance")
    assert evt["usage_id"] == u["id"]
    assert [
        x["id"] for x in get(d.client("school_leader"), "/usage-before-acceptance")["items"]
    ] == [u["id"]]
    assert get(d.client("contractor_b_admin"), "/usage-before-acceptance")["items"] == []


def test_acceptance_reads_are_scoped(d):  # R-ACC-01, R-ORG-04
    req = initiate(d)
    got = get(d.client("school_leader"), f"/acceptance/{req['id']}")
    assert (
        got["description"] == "主体及装修工程全部完成"
        and got["submitted_by_org"] == "甲建设有限公司"
    )
    get(d.client("contractor_b_admin"), f"/acceptance/{req['id']}", status=404)
    get(d.client("hospital_admin"), f"/acceptance/{req['id']}", status=404)
    assert AcceptanceRequest.objects.count() == 1
    assert dt.date.fromisoformat(got["completed_on"]) == clock.today()
