"""Supervision through the API (R-SUP-01..04): the daily supervision log,
rectification notices from issue to closing (with evidence, a second round,
the owner's interview when overdue, a refusal escalated to the authority), the
owner's inspections and the evaluation of the contractor at completion."""

from __future__ import annotations

import datetime as dt

import pytest

from postaward.core import clock
from postaward.projects import services as project_services

from .. import services
from ..models import ContractorEvaluation, Inspection, RectificationNotice
from . import factories as f
from .apiclient import b64, get, post, refused
from .conftest import local, published, run_sweep

pytestmark = pytest.mark.django_db


# --- supervision logs ---------------------------------------------------------------------------


def test_the_daily_log_is_submitted_by_the_supervisor_before_24_00(d, frozen):  # R-SUP-01
    p = d.projects["p_school"]
    services.open_log_slots(dt.date(2026, 6, 15), projects=[p])
    chief = d.token_client("chief_a")
    [slot] = get(chief, f"/logs?project={p.pk}")["items"]
    assert slot["state"] == "due" and slot["log_date"] == "2026-06-15"
    [dl] = slot["deadlines"]
    # a same-day period reads naturally (not "0 个自然日")
    assert dl["period"].startswith("当日（2026-06-15）24:00 前（依据：")
    assert dl["end_text"] == "2026-06-15 24:00" and dl["state"] == "open"
    body = {
        "project_id": p.pk,
        "log_date": "2026-06-15",
        "weather": "晴",
        "progress": "二层梁板钢筋绑扎",
        "issues": "无",
    }
    for user in ("pm_a", "school_leader"):
        refused(d.client(user), "/logs", body, status=403, message="本项目监理单位方可填写监理日志")
    refused(
        chief,
        "/logs",
        {**body, "log_date": "2026-06-16"},
        status=422,
        message="日志日期不能晚于今天",
    )
    log = post(chief, "/logs", body, status=201)
    assert log["id"] == slot["id"] and log["state"] == "recorded" and not log["late"]
    assert log["deadlines"][0]["state"] == "met"
    refused(chief, "/logs", body, status=409, message="2026-06-15 的监理日志已填写")
    # the owner reads it; another contractor does not see it
    assert get(d.client("school_leader"), f"/logs/{log['id']}")["progress"] == "二层梁板钢筋绑扎"
    assert get(d.client("contractor_b_admin"), f"/logs/{log['id']}", status=404)
    assert get(d.client("contractor_b_admin"), "/logs")["items"] == []


def test_a_log_written_the_next_day_is_marked_late(d, frozen, alerts):  # R-SUP-01, R-SUP-03
    p = d.projects["p_school"]
    services.open_log_slots(dt.date(2026, 6, 15), projects=[p])
    run_sweep(local(2026, 6, 16))
    assert alerts.kinds() == ["approvals.supervision_log"]
    frozen.move_to(local(2026, 6, 16, 9, 0))
    log = post(
        d.client("chief_a"),
        "/logs",
        {"project_id": p.pk, "log_date": "2026-06-15", "progress": "二层梁板钢筋绑扎"},
        status=201,
    )
    assert log["late"] and log["deadlines"][0]["state"] == "missed"


# --- rectification notices -----------------------------------------------------------------------


def notice_body(d, days=3):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.projects["p_school"].pk,
        "title": "脚手架连墙件缺失",
        "content": "三层脚手架连墙件缺失，立即整改",
        "required_by": (clock.today() + dt.timedelta(days=days)).isoformat(),
    }


def test_a_notice_is_issued_answered_reopened_and_closed(d, frozen):  # R-SUP-01
    chief = d.token_client("chief_a")
    refused(
        d.client("school_leader"),
        "/notices",
        notice_body(d),
        status=403,
        message="本项目监理单位方可签发监理通知单",
    )
    refused(
        chief,
        "/notices",
        {**notice_body(d), "required_by": "2026-06-14"},
        status=422,
        message="整改期限不能早于今天",
    )
    n = post(chief, "/notices", notice_body(d), status=201)
    assert (
        n["state"] == "issued" and n["participant_id"] == f.participant(d.projects["p_school"]).pk
    )
    assert n["contractor_name"] == "甲建设有限公司"
    [dl] = n["deadlines"]
    assert (dl["kind"], dl["length"], dl["end_text"]) == (
        "approvals.rectification",
        3,
        "2026-06-18 24:00",
    )
    url = f"/notices/{n['id']}"
    pm = d.token_client("pm_a")
    assert get(pm, url)["actions"] == ["reply"]
    refused(pm, f"{url}/reply", {"reply": "已补设连墙件"}, status=422, message="请上传整改佐证资料")
    refused(
        chief,
        f"{url}/reply",
        {"reply": "已补设连墙件", "evidence": [b64(f.pdf())]},
        status=403,
        message="施工单位方可整改回复",
    )
    # JSON: the evidence in Base64
    n = post(
        pm,
        f"{url}/reply",
        {"reply": "已补设连墙件", "evidence": [b64(f.jpeg("fix.jpg", taken=clock.now()))]},
    )
    assert n["state"] == "replied" and n["deadlines"][0]["state"] == "met"
    assert get(chief, url)["actions"] == ["close", "reopen"]
    n = post(chief, f"{url}/reopen", {"opinion": "部分未整改到位", "required_by": "2026-06-17"})
    assert (n["state"], n["round"], n["required_by"]) == ("issued", 2, "2026-06-17")
    # multipart: two evidence files
    n = post(
        pm,
        f"{url}/reply",
        form={"reply": "全部补设完成", "evidence": [f.pdf("a.pdf"), f.pdf("b.pdf", text="b")]},
    )
    assert n["state"] == "replied"
    n = post(chief, f"{url}/close", {"opinion": "复查合格"})
    assert n["state"] == "closed" and n["review_opinion"] == "复查合格"
    assert len([x for x in n["documents"] if x["kind"] == "rectification_evidence"]) == 3
    assert [s["action"] for s in n["steps"]] == [
        "issue_notice",
        "answer",
        "reopen",
        "answer",
        "close",
    ]
    refused(chief, f"{url}/close", {}, status=409, message="当前状态为“整改完成”，不能复查合格")
    assert [x["id"] for x in get(d.client("school_leader"), "/notices")["items"]] == [n["id"]]
    get(d.client("contractor_b_admin"), url, status=404)


def test_an_overdue_notice_is_followed_by_the_owners_interview(d, frozen):  # R-SUP-02
    n = post(d.client("chief_a"), "/notices", notice_body(d, days=3), status=201)
    url = f"/notices/{n['id']}"
    leader = d.token_client("school_leader")
    refused(
        leader,
        f"{url}/interview",
        {"opinion": "约谈项目经理"},
        status=409,
        message="该通知单未逾期，无需约谈",
    )
    run_sweep(local(2026, 6, 19))  # the 3 days ran out at 24:00 of 06-18
    detail = get(leader, url)
    assert detail["overdue"] and "interview" in detail["actions"]
    refused(
        d.client("chief_a"),
        f"{url}/interview",
        {"opinion": "约谈项目经理"},
        status=403,
        message="建设单位方可登记约谈",
    )
    n = post(leader, f"{url}/interview", {"opinion": "约谈项目经理，限期两日整改"})
    assert n["interview_note"] == "约谈项目经理，限期两日整改" and n["interview_at"]
    assert "interview" not in n["actions"]


def test_a_refusal_goes_to_the_industry_authority(d, frozen):  # R-SUP-02
    n = post(d.client("chief_a"), "/notices", notice_body(d), status=201)
    url = f"/notices/{n['id']}"
    refused(
        d.client("pm_a"),
        f"{url}/refuse",
        {"opinion": "施工单位拒绝整改"},
        status=403,
        message="监理单位或建设单位方可登记拒不整改",
    )
    refused(
        d.client("chief_a"),
        f"{url}/refuse",
        {"opinion": ""},
        status=422,
        message="请填写拒不整改情况",
    )
    n = post(d.token_client("chief_a"), f"{url}/refuse", {"opinion": "项目经理明确拒绝整改"})
    assert n["state"] == "refused" and n["refusal_note"] == "项目经理明确拒绝整改"
    assert published("approvals.rectification_refused")[-1]["notice_id"] == n["id"]
    authority = d.token_client("housing_staff")
    assert get(authority, url)["actions"] == ["handle"]
    refused(
        d.client("school_leader"),
        f"{url}/handle",
        {"opinion": "通报批评"},
        status=403,
        message="行业主管部门方可行业主管部门调查处理",
    )
    n = post(authority, f"{url}/handle", {"opinion": "通报批评并约谈企业负责人"})
    assert n["state"] == "handled" and n["handling_note"] == "通报批评并约谈企业负责人"
    assert RectificationNotice.objects.get(pk=n["id"]).handled_at is not None


# --- inspections and evaluation ------------------------------------------------------------------


def test_owner_inspections_are_recorded_and_listed(d):  # R-SUP-04
    p = d.projects["p_school"]

    def form(**kw):  # type: ignore[no-untyped-def]
        # a fresh file each time: the test client reads an upload to its end
        return {
            "project_id": str(p.pk),
            "inspected_on": "2026-06-15",
            "inspectors": "张三、李四",
            "aspects": ["quality", "safety"],
            "findings": "安全防护到位，质量良好",
            "result": "ok",
            "record": f.pdf("检查记录.pdf"),
            **kw,
        }

    refused(
        d.client("pm_a"), "/inspections", form=form(), status=403, message="建设单位方可登记检查"
    )
    no_aspects = form()
    del no_aspects["aspects"]
    refused(
        d.client("school_leader"),
        "/inspections",
        form=no_aspects,
        status=422,
        message="请选择检查内容",
    )
    ins = post(d.token_client("school_leader"), "/inspections", form=form(), status=201)
    assert ins["aspects"] == ["quality", "safety"]
    assert ins["aspect_labels"] == ["工程质量", "安全生产"] and ins["result_label"] == "符合要求"
    assert [doc["kind"] for doc in ins["documents"]] == ["inspection_record"]
    # JSON works the same way, without a record
    json_ins = post(
        d.client("school_admin"),
        "/inspections",
        {
            "project_id": p.pk,
            "inspected_on": "2026-06-14",
            "inspectors": "王五",
            "aspects": ["progress"],
            "findings": "进度滞后约一周",
            "result": "rectify",
        },
        status=201,
    )
    assert json_ins["result_label"] == "责令整改" and json_ins["documents"] == []
    assert {x["id"] for x in get(d.client("pm_a"), f"/inspections?project={p.pk}")["items"]} == {
        ins["id"],
        json_ins["id"],
    }
    assert get(d.client("chief_a"), f"/inspections/{ins['id']}")["inspectors"] == "张三、李四"
    get(d.client("hospital_admin"), f"/inspections/{ins['id']}", status=404)
    assert Inspection.objects.count() == 2


def test_the_contractor_is_evaluated_once_after_completion(d):  # R-SUP-04
    p = d.projects["p_school"]
    body = {
        "project_id": p.pk,
        "construction_score": 90,
        "management_score": 85,
        "quality_score": 92,
        "contract_score": 88,
        "comment": "施工组织有序，质量良好",
    }
    leader = d.token_client("school_leader")
    refused(leader, "/evaluations", body, status=409, message="项目完工后方可进行综合评价")
    project_services.complete_works(actor=d.actor("school_leader"), project=p, on=clock.today())
    refused(
        d.client("housing_staff"),
        "/evaluations",
        body,
        status=403,
        message="建设单位项目负责人或总管方可评价施工单位",
    )
    data = refused(
        leader,
        "/evaluations",
        {**body, "quality_score": 101},
        status=422,
        message="分数应为 0-100 的整数",
    )
    assert data["errors"][0]["field"] == "quality_score"
    ev = post(leader, "/evaluations", body, status=201)
    assert (ev["total"], ev["grade"], ev["grade_label"]) == ("88.75", "good", "良好")
    assert ev["contractor_name"] == "甲建设有限公司"
    refused(leader, "/evaluations", body, status=409, message="已对该施工单位作出综合评价")
    assert [x["id"] for x in get(d.client("pm_a"), "/evaluations")["items"]] == [ev["id"]]
    assert get(d.client("pm_a"), f"/evaluations/{ev['id']}")["total"] == "88.75"
    get(d.client("contractor_b_admin"), f"/evaluations/{ev['id']}", status=404)
    assert ContractorEvaluation.objects.count() == 1
