"""Rows of the API authorization table for the approval routes (collected by
``postaward/orgs/tests/test_api_authorization.py``): anonymous 401, wrong role
403, out of scope 404 (or absent from a list), in scope 2xx, and a denied write
changes nothing (R-ORG-03, R-ORG-04)."""

from __future__ import annotations

import base64
import datetime as dt

import time_machine

from postaward.core import clock, deadlines
from postaward.orgs.tests.authz import Call, Fn, Hidden, Route

from . import factories as f


def _change(d) -> None:  # type: ignore[no-untyped-def]
    d.ctx["change"] = f.change(d)


def _hidden(d) -> None:  # type: ignore[no-untyped-def]
    d.ctx["hw"] = f.hidden_work(d, days_ahead=2)


def _hidden_today(d) -> None:  # type: ignore[no-untyped-def]
    """Applied yesterday for works today: the supervisor stands by now."""
    with time_machine.travel(clock.now() - dt.timedelta(days=1), tick=False):
        d.ctx["hw"] = f.hidden_work(d, days_ahead=1)


def _acceptance(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    d.ctx["req"] = services.request_acceptance(
        actor=d.actor("pm_a"),
        project=d.projects["p_school"],
        completed_on=clock.today(),
        description="主体及装修工程全部完成",
    )


def _personnel(d) -> None:  # type: ignore[no-untyped-def]
    from postaward.projects.models import KeyPersonAssignment
    from postaward.testing import person

    from .. import services

    a = KeyPersonAssignment.objects.get(
        project=d.projects["p_school"], person=d.users["pm_a"].person, ended_on__isnull=True
    )
    d.ctx["pc"] = services.initiate_personnel_change(
        actor=d.actor("contractor_a_admin"),
        assignment=a,
        replacement=person(a.participant.organisation, name="替换人员"),
        reason_kind="resignation",
        reason="原项目经理离职",
        qualification_document=f.pdf(),
        social_insurance=f.pdf(),
    )


def _b64(upload) -> dict:  # type: ignore[no-untyped-def]
    """A file as a JSON request carries it (the multipart form sends it as is)."""
    return {"filename": upload.name, "content_base64": base64.b64encode(upload.read()).decode()}


def _reviewed_personnel(d) -> None:  # type: ignore[no-untyped-def]
    """The contractor's change reviewed by the supervising firm: the owner's turn (R-CHG-06)."""
    from .. import services

    _personnel(d)
    services.review_personnel_change(actor=d.actor("chief_a"), change=d.ctx["pc"])


def _approved_personnel(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    _reviewed_personnel(d)
    services.agree_personnel_change(actor=d.actor("school_leader"), change=d.ctx["pc"])
    services.approve_personnel_change(actor=d.actor("housing_staff"), change=d.ctx["pc"])


def _replacement(d) -> None:  # type: ignore[no-untyped-def]
    from postaward.projects.models import KeyPersonAssignment
    from postaward.testing import person

    d.ctx["assignment"] = KeyPersonAssignment.objects.get(
        project=d.projects["p_school"], person=d.users["pm_a"].person, ended_on__isnull=True
    )
    d.ctx["new"] = person(d.orgs["contractor_a"], name="替换人员")


def _personnel_body(d):  # type: ignore[no-untyped-def]
    return {
        "assignment_id": d.ctx["assignment"].pk,
        "replacement_id": d.ctx["new"].pk,
        "reason_kind": "resignation",
        "reason": "原项目经理离职",
        "qualification_document": _b64(f.pdf("资格.pdf")),
        "social_insurance": _b64(f.pdf("社保.pdf")),
    }


def _complete_form(d):  # type: ignore[no-untyped-def]
    return {
        "penalty_amount": "20000",
        "penalty_note": "按合同第12条扣减",
        "approval_form": f.pdf("审批表.pdf"),
    }


def _log(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    d.ctx["log"] = services.record_log(
        actor=d.actor("chief_a"),
        project=d.projects["p_school"],
        log_date=clock.today(),
        weather="晴",
        progress="二层梁板钢筋绑扎",
    )


def _log_body(d):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.projects["p_school"].pk,
        "log_date": clock.today().isoformat(),
        "weather": "晴",
        "progress": "二层梁板钢筋绑扎",
    }


def _notice(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    p = d.projects["p_school"]
    d.ctx["notice"] = services.issue_notice(
        actor=d.actor("chief_a"),
        project=p,
        participant=f.participant(p),
        title="脚手架连墙件缺失",
        content="三层脚手架连墙件缺失，立即整改",
        required_by=clock.today() + dt.timedelta(days=3),
    )


def _replied_notice(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    _notice(d)
    services.reply_notice(
        actor=d.actor("pm_a"), notice=d.ctx["notice"], reply="已补设连墙件", evidence=[f.pdf()]
    )


def _notice_body(d):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.projects["p_school"].pk,
        "title": "脚手架连墙件缺失",
        "content": "三层脚手架连墙件缺失，立即整改",
        "required_by": (clock.today() + dt.timedelta(days=3)).isoformat(),
    }


def _reply_body(d):  # type: ignore[no-untyped-def]
    return {"reply": "已补设连墙件", "evidence": [_b64(f.pdf("整改照片.pdf"))]}


def _reopen_body(d):  # type: ignore[no-untyped-def]
    return {
        "opinion": "部分未整改到位",
        "required_by": (clock.today() + dt.timedelta(days=2)).isoformat(),
    }


def _inspection(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    d.ctx["inspection"] = services.record_inspection(
        actor=d.actor("school_leader"),
        project=d.projects["p_school"],
        inspected_on=clock.today(),
        inspectors="张三、李四",
        aspects=["quality", "safety"],
        findings="安全防护到位，质量良好",
        result="ok",
    )


def _inspection_form(d):  # type: ignore[no-untyped-def]
    return {
        "project_id": str(d.projects["p_school"].pk),
        "inspected_on": clock.today().isoformat(),
        "inspectors": "张三、李四",
        "aspects": ["quality", "safety"],
        "findings": "安全防护到位，质量良好",
        "result": "ok",
        "record": f.pdf("检查记录.pdf"),
    }


def _completed(d) -> None:  # type: ignore[no-untyped-def]
    """p_school completed today: its settlement clock runs."""
    from postaward.projects import services as project_services

    from .. import services

    p = project_services.complete_works(
        actor=d.actor("school_leader"), project=d.projects["p_school"], on=clock.today()
    )
    services.open_settlement_clock(p, clock.today())


def _accepted(d) -> None:  # type: ignore[no-untyped-def]
    from postaward.projects import services as project_services

    _completed(d)
    project_services.accept_works(
        actor=d.actor("school_leader"),
        project=d.projects["p_school"],
        on=clock.today(),
        upload=f.pdf("验收结论.pdf"),
        conclusion="工程质量合格",
    )


def _evaluation(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    _completed(d)
    p = d.projects["p_school"]
    d.ctx["evaluation"] = services.evaluate_contractor(
        actor=d.actor("school_leader"),
        project=p,
        participant=f.participant(p),
        construction_score=90,
        management_score=85,
        quality_score=92,
        contract_score=88,
        comment="施工组织有序，质量良好",
    )


def _evaluation_body(d):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.projects["p_school"].pk,
        "construction_score": 90,
        "management_score": 85,
        "quality_score": 92,
        "contract_score": 88,
        "comment": "施工组织有序，质量良好",
    }


def _received(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    _acceptance(d)
    services.review_acceptance(actor=d.actor("chief_a"), request=d.ctx["req"])


def _super_large(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    p = f.project(d, "T-SUPER", amount="380000000.00", super_large=True)
    req = services.request_acceptance(
        actor=d.actor("pm_a"), project=p, completed_on=clock.today(), description="全部完成"
    )
    services.review_acceptance(actor=d.actor("chief_a"), request=req)
    d.ctx["req"] = req


def _extension(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    _super_large(d)
    d.ctx["ext"] = services.apply_extension(
        actor=d.actor("school_leader"),
        request=d.ctx["req"],
        days=30,
        reason="机电、幕墙、智能化专业多，联合调试周期长",
    )


def _conclude_form(d):  # type: ignore[no-untyped-def]
    return {
        "passed": "true",
        "accepted_on": clock.today().isoformat(),
        "attendees": "建设、监理、勘察、设计单位",
        "rectification_opinions": "外墙涂料局部修补",
        "conclusion": "工程质量合格，同意验收",
        "document": f.pdf("验收结论.pdf"),
    }


def _village_self_accepted(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    f.extras(d)
    p = f.project(d, "T-VIL", amount="1800000.00", village=True)
    req = services.request_acceptance(
        actor=d.actor("pm_a"), project=p, completed_on=clock.today(), description="全部完成"
    )
    services.conclude_acceptance(
        actor=d.actor("village_leader"),
        request=req,
        passed=True,
        accepted_on=clock.today(),
        attendees="村民代表、监理单位",
        villager_representatives="张建国、王秀英",
        supervisor_attendee="李卫东",
        rectification_opinions="",
        conclusion="自验合格",
        document=f.pdf(),
    )
    d.ctx["village_project"] = p


def _usage(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    d.ctx["usage"] = services.record_usage_before_acceptance(
        actor=d.actor("housing_staff"),
        project=d.projects["p_school"],
        used_since=clock.today(),
        description="教学楼已投入教学使用",
    )


def _usage_body(d):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.projects["p_school"].pk,
        "used_since": clock.today().isoformat(),
        "description": "教学楼已投入教学使用",
    }


def _document(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    _personnel(d)
    d.ctx["doc"] = services.documents_of(d.ctx["pc"])[0]


def _photo(d) -> None:  # type: ignore[no-untyped-def]
    from .. import services

    _hidden_today(d)
    services.record_standby(
        actor=d.actor("chief_a"), hidden_work=d.ctx["hw"], opinion="验收合格", photos=f.photos()
    )
    d.ctx["photo"] = d.ctx["hw"].photos.first()


POLICY = {
    "major_change_amount": "1000000.00",
    "major_change_ratio": "10.00",
    "hidden_review_days": 5,
    "hidden_review_unit": "working_days",
}


def _act(name: str, param: str, action: str, **body: str) -> dict:
    """``path`` and ``body`` of a step on a process record."""
    return {
        "path": lambda d: {param: d.ctx[name].pk, "action": action},
        "body": lambda d: dict(body),
    }


def _id(name: str, param: str) -> Fn:
    return lambda d: {param: d.ctx[name].pk}


def _step(name: str) -> Fn:
    """The path of one acceptance step (``POST …/steps/{name}``)."""
    return lambda d: {"acceptance_id": d.ctx["req"].pk, "name": name}


def _change_body(d):  # type: ignore[no-untyped-def]
    p = d.projects["p_school"]
    return {
        "project_id": p.pk,
        "participant_id": f.participant(p).pk,
        "category": "site_instruction",
        "title": "基础换填",
        "reason": "地勘与实际不符，需换填",
        "scope": "A区基础换填级配碎石",
        "cost_delta": "85000.00",
        "days_delta": 0,
        "work_date": (clock.today() + dt.timedelta(days=5)).isoformat(),
    }


def _hidden_body(d):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.projects["p_school"].pk,
        "part_name": "一层梁板钢筋",
        "description": "钢筋规格、间距、保护层",
        "work_date": (clock.today() + dt.timedelta(days=2)).isoformat(),
    }


def _photos(d):  # type: ignore[no-untyped-def]
    return {"opinion": "钢筋隐蔽验收合格", **f.photos()}


def _deadline_ids(d):  # type: ignore[no-untyped-def]
    return {x.pk for x in deadlines.deadlines_of(d.ctx["change"])}


def _acceptance_body(d):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.projects["p_school"].pk,
        "completed_on": clock.today().isoformat(),
        "description": "主体及装修工程全部完成",
    }


def _township_body(d):  # type: ignore[no-untyped-def]
    return {
        "project_id": d.ctx["village_project"].pk,
        "description": "自验合格，整改完毕，申请复验",
    }


def _return_body(d):  # type: ignore[no-untyped-def]
    return {"reason": "消防验收未完成，不满足竣工验收条件"}


def _extension_body(d):  # type: ignore[no-untyped-def]
    return {"days": 30, "reason": "机电、幕墙、智能化专业多，联合调试周期长"}


def _settlement_body(d):  # type: ignore[no-untyped-def]
    return {"on": clock.today().isoformat(), "amount": "8400000.00", "route": "audit"}


ROUTES: dict[str, Route] = {
    "GET /api/v1/approvals/changes": Route(
        ok=Call("pm_a"),
        any_role=True,
        out=(Hidden("contractor_b_admin", lambda d: {d.ctx["change"].pk}),),
        setup=_change,
        must_list=lambda d: {d.ctx["change"].pk},
    ),
    "POST /api/v1/approvals/changes": Route(
        ok=Call("pm_a", body=_change_body, status=201),
        wrong=(Call("chief_a", body=_change_body),),
        out=(Call("contractor_b_admin", body=_change_body),),
    ),
    "GET /api/v1/approvals/changes/{change_id}": Route(
        ok=Call("chief_a", path=_id("change", "change_id")),
        any_role=True,
        out=(
            Call("contractor_b_admin", path=_id("change", "change_id")),
            Call("hospital_admin", path=_id("change", "change_id")),
        ),
        setup=_change,
    ),
    "POST /api/v1/approvals/changes/{change_id}/{action}": Route(
        ok=Call(
            "chief_a",
            path=lambda d: {"change_id": d.ctx["change"].pk, "action": "review"},
            body=lambda d: {"opinion": "同意"},
        ),
        wrong=(
            Call(
                "school_leader",
                path=lambda d: {"change_id": d.ctx["change"].pk, "action": "review"},
                body=lambda d: {},
            ),
            Call(
                "pm_a",
                path=lambda d: {"change_id": d.ctx["change"].pk, "action": "approve"},
                body=lambda d: {},
            ),
        ),
        out=(
            Call(
                "contractor_b_admin",
                path=lambda d: {"change_id": d.ctx["change"].pk, "action": "review"},
                body=lambda d: {},
            ),
        ),
        setup=_change,
    ),
    "GET /api/v1/approvals/changes/{change_id}/steps": Route(
        ok=Call("chief_a", path=_id("change", "change_id")),
        any_role=True,
        out=(Call("contractor_b_admin", path=_id("change", "change_id")),),
        setup=_change,
    ),
    # Every step's own rows (wrong role, out of scope, wrong state, in scope) are
    # generated from the registry: core/tests/test_steps_authz.py.
    "POST /api/v1/approvals/changes/{change_id}/steps/{name}": Route(
        ok=Call(
            "chief_a",
            path=lambda d: {"change_id": d.ctx["change"].pk, "name": "review"},
            body=lambda d: {"opinion": "同意"},
        ),
        wrong=(
            Call(
                "school_leader",
                path=lambda d: {"change_id": d.ctx["change"].pk, "name": "review"},
                body=lambda d: {},
            ),
        ),
        out=(
            Call(
                "contractor_b_admin",
                path=lambda d: {"change_id": d.ctx["change"].pk, "name": "review"},
                body=lambda d: {},
            ),
        ),
        setup=_change,
    ),
    "GET /api/v1/approvals/hidden-works": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(Hidden("contractor_b_admin", lambda d: {d.ctx["hw"].pk}),),
        setup=_hidden,
        must_list=lambda d: {d.ctx["hw"].pk},
    ),
    "POST /api/v1/approvals/hidden-works": Route(
        ok=Call("pm_a", body=_hidden_body, status=201),
        wrong=(Call("chief_a", body=_hidden_body), Call("school_leader", body=_hidden_body)),
        out=(Call("contractor_b_admin", body=_hidden_body),),
    ),
    "POST /api/v1/approvals/hidden-works/{hidden_work_id}/photos": Route(
        ok=Call("chief_a", path=_id("hw", "hidden_work_id"), form=_photos),
        wrong=(Call("school_leader", path=_id("hw", "hidden_work_id"), form=_photos),),
        out=(Call("contractor_b_admin", path=_id("hw", "hidden_work_id"), form=_photos),),
        setup=_hidden_today,
    ),
    "POST /api/v1/approvals/hidden-works/{hidden_work_id}/{action}": Route(
        ok=Call(
            "pm_a",
            path=lambda d: {"hidden_work_id": d.ctx["hw"].pk, "action": "withdraw"},
            body=lambda d: {},
        ),
        wrong=(
            Call(
                "chief_a",
                path=lambda d: {"hidden_work_id": d.ctx["hw"].pk, "action": "withdraw"},
                body=lambda d: {},
            ),
        ),
        out=(
            Call(
                "contractor_b_admin",
                path=lambda d: {"hidden_work_id": d.ctx["hw"].pk, "action": "withdraw"},
                body=lambda d: {},
            ),
        ),
        setup=_hidden,
    ),
    "GET /api/v1/approvals/deadlines": Route(
        ok=Call("chief_a"),
        any_role=True,
        out=(Hidden("contractor_b_admin", _deadline_ids),),
        setup=_change,
        must_list=_deadline_ids,
    ),
    "GET /api/v1/approvals/acceptance": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(Hidden("contractor_b_admin", lambda d: {d.ctx["req"].pk}),),
        setup=_acceptance,
        must_list=lambda d: {d.ctx["req"].pk},
    ),
    "GET /api/v1/approvals/personnel": Route(
        ok=Call("school_leader"),
        any_role=True,
        out=(Hidden("hospital_admin", lambda d: {d.ctx["pc"].pk}),),
        setup=_personnel,
        must_list=lambda d: {d.ctx["pc"].pk},
    ),
}

ROUTES.update(
    {
        # --- engineering changes and hidden works: reads added with the other processes ----------
        "GET /api/v1/approvals/contracts/{participant_id}/change-history": Route(
            ok=Call(
                "pm_a", path=lambda d: {"participant_id": f.participant(d.projects["p_school"]).pk}
            ),
            any_role=True,
            out=(
                Call(
                    "contractor_b_admin",
                    path=lambda d: {"participant_id": f.participant(d.projects["p_school"]).pk},
                ),
            ),
            setup=_change,
        ),
        "GET /api/v1/approvals/hidden-works/{hidden_work_id}": Route(
            ok=Call("school_leader", path=_id("hw", "hidden_work_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("hw", "hidden_work_id")),),
            setup=_hidden,
        ),
        "GET /api/v1/approvals/photos/{photo_id}": Route(
            ok=Call("school_leader", path=_id("photo", "photo_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("photo", "photo_id")),),
            setup=_photo,
        ),
        "GET /api/v1/approvals/documents/{document_id}": Route(
            ok=Call("school_leader", path=_id("doc", "document_id")),
            any_role=True,
            out=(Call("hospital_admin", path=_id("doc", "document_id")),),
            setup=_document,
        ),
        # --- personnel changes (R-CHG-03) -------------------------------------------------------
        "POST /api/v1/approvals/personnel": Route(
            ok=Call("contractor_a_admin", body=_personnel_body, status=201),
            wrong=(Call("pm_a", body=_personnel_body),),
            out=(Call("contractor_b_admin", body=_personnel_body),),
            setup=_replacement,
        ),
        "GET /api/v1/approvals/personnel/{personnel_change_id}": Route(
            ok=Call("school_leader", path=_id("pc", "personnel_change_id")),
            any_role=True,
            out=(Call("hospital_admin", path=_id("pc", "personnel_change_id")),),
            setup=_personnel,
        ),
        "POST /api/v1/approvals/personnel/{personnel_change_id}/complete": Route(
            ok=Call("school_leader", path=_id("pc", "personnel_change_id"), form=_complete_form),
            wrong=(
                Call(
                    "contractor_a_admin",
                    path=_id("pc", "personnel_change_id"),
                    form=_complete_form,
                ),
            ),
            out=(
                Call("hospital_admin", path=_id("pc", "personnel_change_id"), form=_complete_form),
            ),
            setup=_approved_personnel,
        ),
        "POST /api/v1/approvals/personnel/{personnel_change_id}/{action}": Route(
            ok=Call("school_leader", **_act("pc", "personnel_change_id", "agree", opinion="同意")),
            wrong=(
                Call("housing_staff", **_act("pc", "personnel_change_id", "agree")),
                Call("pm_a", **_act("pc", "personnel_change_id", "agree")),
            ),
            out=(Call("hospital_admin", **_act("pc", "personnel_change_id", "agree")),),
            setup=_reviewed_personnel,
        ),
        "GET /api/v1/approvals/personnel/{personnel_change_id}/steps": Route(
            ok=Call("school_leader", path=_id("pc", "personnel_change_id")),
            any_role=True,
            out=(Call("hospital_admin", path=_id("pc", "personnel_change_id")),),
            setup=_personnel,
        ),
        "POST /api/v1/approvals/personnel/{personnel_change_id}/steps/{name}": Route(
            ok=Call(
                "school_leader",
                path=lambda d: {"personnel_change_id": d.ctx["pc"].pk, "name": "agree"},
                body=lambda d: {"opinion": "同意"},
            ),
            wrong=(
                Call(
                    "housing_staff",
                    path=lambda d: {"personnel_change_id": d.ctx["pc"].pk, "name": "agree"},
                    body=lambda d: {},
                ),
            ),
            out=(
                Call(
                    "hospital_admin",
                    path=lambda d: {"personnel_change_id": d.ctx["pc"].pk, "name": "agree"},
                    body=lambda d: {},
                ),
            ),
            setup=_reviewed_personnel,
        ),
        # --- supervision logs (R-SUP-01) --------------------------------------------------------
        "GET /api/v1/approvals/logs": Route(
            ok=Call("pm_a"),
            any_role=True,
            out=(Hidden("contractor_b_admin", lambda d: {d.ctx["log"].pk}),),
            setup=_log,
            must_list=lambda d: {d.ctx["log"].pk},
        ),
        "POST /api/v1/approvals/logs": Route(
            ok=Call("chief_a", body=_log_body, status=201),
            wrong=(Call("pm_a", body=_log_body), Call("school_leader", body=_log_body)),
            out=(Call("supervisor_b_admin", body=_log_body),),
            setup=f.extras,
        ),
        "GET /api/v1/approvals/logs/{log_id}": Route(
            ok=Call("chief_a", path=_id("log", "log_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("log", "log_id")),),
            setup=_log,
        ),
        # --- rectification notices (R-SUP-01, R-SUP-02) -----------------------------------------
        "GET /api/v1/approvals/notices": Route(
            ok=Call("pm_a"),
            any_role=True,
            out=(Hidden("contractor_b_admin", lambda d: {d.ctx["notice"].pk}),),
            setup=_notice,
            must_list=lambda d: {d.ctx["notice"].pk},
        ),
        "POST /api/v1/approvals/notices": Route(
            ok=Call("chief_a", body=_notice_body, status=201),
            wrong=(Call("school_leader", body=_notice_body), Call("pm_a", body=_notice_body)),
            out=(Call("supervisor_b_admin", body=_notice_body),),
            setup=f.extras,
        ),
        "GET /api/v1/approvals/notices/{notice_id}": Route(
            ok=Call("school_leader", path=_id("notice", "notice_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("notice", "notice_id")),),
            setup=_notice,
        ),
        "POST /api/v1/approvals/notices/{notice_id}/reply": Route(
            ok=Call("pm_a", path=_id("notice", "notice_id"), body=_reply_body),
            wrong=(Call("chief_a", path=_id("notice", "notice_id"), body=_reply_body),),
            out=(Call("contractor_b_admin", path=_id("notice", "notice_id"), body=_reply_body),),
            setup=_notice,
        ),
        "POST /api/v1/approvals/notices/{notice_id}/reopen": Route(
            ok=Call("chief_a", path=_id("notice", "notice_id"), body=_reopen_body),
            wrong=(Call("pm_a", path=_id("notice", "notice_id"), body=_reopen_body),),
            out=(Call("contractor_b_admin", path=_id("notice", "notice_id"), body=_reopen_body),),
            setup=_replied_notice,
        ),
        "POST /api/v1/approvals/notices/{notice_id}/{action}": Route(
            ok=Call(
                "chief_a", **_act("notice", "notice_id", "refuse", opinion="项目经理明确拒绝整改")
            ),
            wrong=(
                Call("pm_a", **_act("notice", "notice_id", "refuse", opinion="施工单位拒绝整改")),
                Call("school_leader", **_act("notice", "notice_id", "handle", opinion="通报批评")),
            ),
            out=(
                Call(
                    "contractor_b_admin",
                    **_act("notice", "notice_id", "refuse", opinion="项目经理明确拒绝整改"),
                ),
            ),
            setup=_notice,
        ),
        # --- inspections and evaluation (R-SUP-04) ----------------------------------------------
        "GET /api/v1/approvals/inspections": Route(
            ok=Call("pm_a"),
            any_role=True,
            out=(Hidden("contractor_b_admin", lambda d: {d.ctx["inspection"].pk}),),
            setup=_inspection,
            must_list=lambda d: {d.ctx["inspection"].pk},
        ),
        "POST /api/v1/approvals/inspections": Route(
            ok=Call("school_leader", form=_inspection_form, status=201),
            wrong=(Call("pm_a", form=_inspection_form),),
            out=(Call("hospital_admin", form=_inspection_form),),
        ),
        "GET /api/v1/approvals/inspections/{inspection_id}": Route(
            ok=Call("chief_a", path=_id("inspection", "inspection_id")),
            any_role=True,
            out=(Call("hospital_admin", path=_id("inspection", "inspection_id")),),
            setup=_inspection,
        ),
        "GET /api/v1/approvals/evaluations": Route(
            ok=Call("school_leader"),
            any_role=True,
            out=(Hidden("contractor_b_admin", lambda d: {d.ctx["evaluation"].pk}),),
            setup=_evaluation,
            must_list=lambda d: {d.ctx["evaluation"].pk},
        ),
        "POST /api/v1/approvals/evaluations": Route(
            ok=Call("school_leader", body=_evaluation_body, status=201),
            wrong=(
                Call("housing_staff", body=_evaluation_body),
                Call("pm_a", body=_evaluation_body),
            ),
            out=(Call("hospital_admin", body=_evaluation_body),),
            setup=_completed,
        ),
        "GET /api/v1/approvals/evaluations/{evaluation_id}": Route(
            ok=Call("pm_a", path=_id("evaluation", "evaluation_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("evaluation", "evaluation_id")),),
            setup=_evaluation,
        ),
        # --- acceptance (R-ACC-01..06) ----------------------------------------------------------
        "POST /api/v1/approvals/acceptance": Route(
            ok=Call("pm_a", body=_acceptance_body, status=201),
            wrong=(
                Call("chief_a", body=_acceptance_body),
                Call("school_leader", body=_acceptance_body),
            ),
            out=(Call("contractor_b_admin", body=_acceptance_body),),
        ),
        "POST /api/v1/approvals/acceptance/township": Route(
            ok=Call("village_leader", body=_township_body, status=201),
            wrong=(Call("pm_a", body=_township_body),),
            out=(
                Call("school_leader", body=_township_body),
                Call("hospital_admin", body=_township_body),
            ),
            setup=_village_self_accepted,
        ),
        "GET /api/v1/approvals/acceptance/{acceptance_id}": Route(
            ok=Call("school_leader", path=_id("req", "acceptance_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("req", "acceptance_id")),),
            setup=_acceptance,
        ),
        "GET /api/v1/approvals/acceptance/{acceptance_id}/steps": Route(
            ok=Call("school_leader", path=_id("req", "acceptance_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("req", "acceptance_id")),),
            setup=_acceptance,
        ),
        # Every step's own rows (wrong role, out of scope, wrong state, in scope) are
        # generated from the registry: core/tests/test_steps_authz.py.
        "POST /api/v1/approvals/acceptance/{acceptance_id}/steps/{name}": Route(
            ok=Call("school_leader", path=_step("return"), body=_return_body),
            wrong=(Call("chief_a", path=_step("return"), body=_return_body),),
            out=(Call("hospital_admin", path=_step("return"), body=_return_body),),
            setup=_received,
        ),
        "POST /api/v1/approvals/acceptance/{acceptance_id}/return": Route(
            ok=Call("school_leader", path=_id("req", "acceptance_id"), body=_return_body),
            wrong=(Call("chief_a", path=_id("req", "acceptance_id"), body=_return_body),),
            out=(Call("hospital_admin", path=_id("req", "acceptance_id"), body=_return_body),),
            setup=_received,
        ),
        "POST /api/v1/approvals/acceptance/{acceptance_id}/conclude": Route(
            ok=Call("school_leader", path=_id("req", "acceptance_id"), form=_conclude_form),
            wrong=(
                Call("pm_a", path=_id("req", "acceptance_id"), form=_conclude_form),
                Call("housing_staff", path=_id("req", "acceptance_id"), form=_conclude_form),
            ),
            out=(Call("hospital_admin", path=_id("req", "acceptance_id"), form=_conclude_form),),
            setup=_received,
        ),
        "POST /api/v1/approvals/acceptance/{acceptance_id}/extensions": Route(
            ok=Call(
                "school_leader", path=_id("req", "acceptance_id"), body=_extension_body, status=201
            ),
            wrong=(Call("chief_a", path=_id("req", "acceptance_id"), body=_extension_body),),
            out=(Call("hospital_admin", path=_id("req", "acceptance_id"), body=_extension_body),),
            setup=_super_large,
        ),
        "POST /api/v1/approvals/acceptance/{acceptance_id}/{action}": Route(
            ok=Call("chief_a", **_act("req", "acceptance_id", "review", opinion="具备验收条件")),
            wrong=(
                Call("school_leader", **_act("req", "acceptance_id", "review")),
                Call("pm_a", **_act("req", "acceptance_id", "review")),
            ),
            out=(Call("contractor_b_admin", **_act("req", "acceptance_id", "review")),),
            setup=_acceptance,
        ),
        "GET /api/v1/approvals/extensions": Route(
            ok=Call("line_supervisor"),
            any_role=True,
            out=(Hidden("contractor_b_admin", lambda d: {d.ctx["ext"].pk}),),
            setup=_extension,
            must_list=lambda d: {d.ctx["ext"].pk},
        ),
        "GET /api/v1/approvals/extensions/{extension_id}": Route(
            ok=Call("housing_staff", path=_id("ext", "extension_id")),
            any_role=True,
            out=(Call("transport_staff", path=_id("ext", "extension_id")),),
            setup=_extension,
        ),
        "POST /api/v1/approvals/extensions/{extension_id}/{action}": Route(
            ok=Call("line_supervisor", **_act("ext", "extension_id", "approve", opinion="同意")),
            wrong=(
                Call("housing_staff", **_act("ext", "extension_id", "approve")),
                Call("school_leader", **_act("ext", "extension_id", "approve")),
            ),
            out=(Call("transport_staff", **_act("ext", "extension_id", "approve")),),
            setup=_extension,
        ),
        "GET /api/v1/approvals/usage-before-acceptance": Route(
            ok=Call("school_leader"),
            any_role=True,
            out=(Hidden("contractor_b_admin", lambda d: {d.ctx["usage"].pk}),),
            setup=_usage,
            must_list=lambda d: {d.ctx["usage"].pk},
        ),
        "POST /api/v1/approvals/usage-before-acceptance": Route(
            ok=Call("housing_staff", body=_usage_body, status=201),
            wrong=(Call("pm_a", body=_usage_body), Call("chief_a", body=_usage_body)),
            out=(Call("transport_staff", body=_usage_body),),
        ),
        # --- settlement (R-SET-01) --------------------------------------------------------------
        "GET /api/v1/approvals/settlement": Route(
            ok=Call("school_leader"),
            any_role=True,
            out=(
                Hidden(
                    "contractor_b_admin",
                    lambda d: {d.projects["p_school"].pk},
                    key="project_id",
                ),
            ),
            setup=_completed,
            must_list=lambda d: {d.projects["p_school"].pk},
            list_key="project_id",
        ),
        "GET /api/v1/approvals/settlement/{project_id}": Route(
            ok=Call("school_leader", path=lambda d: {"project_id": d.projects["p_school"].pk}),
            any_role=True,
            out=(
                Call(
                    "contractor_b_admin",
                    path=lambda d: {"project_id": d.projects["p_school"].pk},
                ),
            ),
            setup=_completed,
        ),
        "POST /api/v1/approvals/settlement/{project_id}": Route(
            ok=Call(
                "school_leader",
                path=lambda d: {"project_id": d.projects["p_school"].pk},
                body=_settlement_body,
            ),
            wrong=(
                Call(
                    "pm_a",
                    path=lambda d: {"project_id": d.projects["p_school"].pk},
                    body=_settlement_body,
                ),
            ),
            out=(
                Call(
                    "hospital_admin",
                    path=lambda d: {"project_id": d.projects["p_school"].pk},
                    body=_settlement_body,
                ),
            ),
            setup=_accepted,
        ),
        # --- settings ----------------------------------------------------------------------------
        "GET /api/v1/approvals/policy": Route(
            ok=Call("pm_a"),
            any_role=True,
            no_scope="one set of rules for the whole platform, readable by every role",
        ),
        "PUT /api/v1/approvals/policy": Route(
            ok=Call("office_admin", body=lambda d: POLICY),
            wrong=(
                Call("office_staff", body=lambda d: POLICY),
                Call("housing_admin", body=lambda d: POLICY),
            ),
            no_scope="one set of rules for the whole platform, kept by the supervision office's administrator",
        ),
    }
)


def _named(name: str, param: str, step: str) -> Fn:
    """The path of one registry step (``POST …/{id}/steps/{name}``)."""
    return lambda d: {param: d.ctx[name].pk, "name": step}


# The step listings and takers of hidden works, notices and the extension decisions
# (``approvals/steps_works.py``); every step's own rows (wrong role, out of scope, wrong
# state, in scope) are generated from the registry: core/tests/test_steps_authz.py.
ROUTES.update(
    {
        "GET /api/v1/approvals/hidden-works/{hidden_work_id}/steps": Route(
            ok=Call("school_leader", path=_id("hw", "hidden_work_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("hw", "hidden_work_id")),),
            setup=_hidden,
        ),
        "POST /api/v1/approvals/hidden-works/{hidden_work_id}/steps/{name}": Route(
            ok=Call("pm_a", path=_named("hw", "hidden_work_id", "withdraw")),
            wrong=(Call("chief_a", path=_named("hw", "hidden_work_id", "withdraw")),),
            out=(Call("contractor_b_admin", path=_named("hw", "hidden_work_id", "withdraw")),),
            setup=_hidden,
        ),
        "GET /api/v1/approvals/notices/{notice_id}/steps": Route(
            ok=Call("school_leader", path=_id("notice", "notice_id")),
            any_role=True,
            out=(Call("contractor_b_admin", path=_id("notice", "notice_id")),),
            setup=_notice,
        ),
        "POST /api/v1/approvals/notices/{notice_id}/steps/{name}": Route(
            ok=Call("pm_a", path=_named("notice", "notice_id", "reply"), body=_reply_body),
            wrong=(Call("chief_a", path=_named("notice", "notice_id", "reply"), body=_reply_body),),
            out=(
                Call(
                    "contractor_b_admin",
                    path=_named("notice", "notice_id", "reply"),
                    body=_reply_body,
                ),
            ),
            setup=_notice,
        ),
        "GET /api/v1/approvals/extensions/{extension_id}/steps": Route(
            ok=Call("housing_staff", path=_id("ext", "extension_id")),
            any_role=True,
            out=(Call("transport_staff", path=_id("ext", "extension_id")),),
            setup=_extension,
        ),
        "POST /api/v1/approvals/extensions/{extension_id}/steps/{name}": Route(
            ok=Call(
                "line_supervisor",
                path=_named("ext", "extension_id", "approve"),
                body=lambda d: {"opinion": "同意"},
            ),
            wrong=(
                Call("housing_staff", path=_named("ext", "extension_id", "approve")),
                Call("school_leader", path=_named("ext", "extension_id", "approve")),
            ),
            out=(Call("transport_staff", path=_named("ext", "extension_id", "approve")),),
            setup=_extension,
        ),
    }
)
