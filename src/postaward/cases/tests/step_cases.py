"""Situations of the case steps for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-CAS-01..05, R-ALR-06)."""

from __future__ import annotations

from typing import Any

from postaward.core import clock
from postaward.core.files import minimal_pdf
from postaward.core.tests.step_cases import StepCase

from ..choices import State as S
from . import factories as f

API = {"cases.case": "/api/v1/cases/{id}"}


def _team(d: Any) -> dict[str, Any]:
    return {"leader_id": f.cert(d, "housing_staff"), "member_ids": [f.cert(d, "office_staff")]}


def _team_form(d: Any) -> dict[str, Any]:
    return {"leader_id": f.cert(d, "housing_staff"), "member_ids": [f.cert(d, "office_staff")]}


def _deliver(d: Any) -> dict[str, Any]:
    import base64

    return {
        "method": "post",
        "delivered_on": clock.today().isoformat(),
        "proof": {
            "filename": "送达回证.pdf",
            "content_base64": base64.b64encode(minimal_pdf(["proof"])).decode(),
        },
    }


def _deliver_form(d: Any) -> dict[str, Any]:
    return {"method": "post", "delivered_on": clock.today().isoformat(), "proof": f.proof()}


def _refer(d: Any) -> dict[str, Any]:
    return {
        "target": "discipline",
        "recipient_org_id": d.orgs["discipline"].pk,
        "document_number": "监办移〔2026〕1号",
        "note": "涉及公职人员违规，移送纪检监察机关",
    }


def _meeting(d: Any) -> dict[str, Any]:
    return {
        "held_on": clock.today().isoformat(),
        "agenda": "审议案件",
        "attendees": "监管办、住建局",
        "minutes": "会审同意立案",
    }


def _case(
    setup: Any, user: str, data: Any, wrong_state: Any, *, dept: bool = False, **kw: Any
) -> StepCase:
    """Office steps: the office admin sees the case but may not act (403),
    the transport department's people do not see it (404). Department steps:
    the housing administrator (403) and the transport department (404)."""
    return StepCase(
        setup=setup,
        user=user,
        data=data,
        wrong_role="housing_admin" if dept else "office_admin",
        out_of_scope=kw.pop(
            "out", "transport_head" if user.endswith("head") else "transport_staff"
        ),
        wrong_state=wrong_state,
        **kw,
    )


at = f.in_state
CASES = {
    "cases.case.assign_team": _case(
        at(S.REGISTERED), "office_head", _team, at(S.INVESTIGATING), form=_team_form
    ),
    "cases.case.request_extension": _case(
        at(S.INVESTIGATING),
        "housing_staff",
        {"days": 5, "reason": "需调取监控资料"},
        f.with_extension_request,
    ),
    "cases.case.approve_extension": _case(
        f.with_extension_request, "office_head", {"note": "同意"}, at(S.INVESTIGATING)
    ),
    "cases.case.submit_report": _case(
        at(S.INVESTIGATING),
        "housing_staff",
        {"report": "经核查属实", "proposal": "建议立案"},
        at(S.REPORTED),
    ),
    "cases.case.deliberate": _case(
        at(S.REPORTED), "office_head", {"opinion": "同意"}, at(S.INVESTIGATING)
    ),
    "cases.case.hold_meeting": _case(at(S.DELIBERATED), "office_head", _meeting, at(S.REPORTED)),
    "cases.case.file_case": _case(
        at(S.REVIEWED), "housing_head", {"note": "同意立案"}, at(S.DELIBERATED), dept=True
    ),
    "cases.case.final_report": _case(
        at(S.FILED),
        "housing_staff",
        {
            "evidence_review": "证据充分",
            "measure": "罚款5万元",
            "fine_yuan": "50000",
            "points": 6,
            "basis": "条例第六十条",
        },
        at(S.REVIEWED),
    ),
    "cases.case.approve_penalty": _case(
        at(S.FINAL_REPORTED), "housing_head", {"note": "同意"}, at(S.FILED), dept=True
    ),
    "cases.case.notify": _case(
        at(S.PENALTY_APPROVED), "housing_staff", {}, at(S.FINAL_REPORTED), dept=True
    ),
    "cases.case.decide": _case(
        at(S.NOTIFIED), "housing_head", {"waived": True}, at(S.PENALTY_APPROVED), dept=True
    ),
    "cases.case.deliver": _case(
        at(S.DECIDED), "housing_staff", _deliver, at(S.NOTIFIED), dept=True, form=_deliver_form
    ),
    "cases.case.credit_entry": _case(at(S.DELIVERED), "office_staff", {}, at(S.DECIDED)),
    "cases.case.sign_off_publication": _case(
        at(S.CREDIT_ENTERED), "office_head", {}, at(S.DELIVERED)
    ),
    "cases.case.feedback": _case(
        at(S.SIGNED_OFF),
        "office_staff",
        {"recipients": "甲建设有限公司", "text": "处理结果已反馈"},
        at(S.CREDIT_ENTERED),
    ),
    "cases.case.close": _case(at(S.FED_BACK), "office_head", {}, at(S.SIGNED_OFF)),
    "cases.case.end_no_violation": _case(
        at(S.REPORTED), "office_head", {"note": "未发现违法违规"}, at(S.FILED)
    ),
    "cases.case.end_light": _case(
        at(S.REPORTED),
        "office_head",
        {"measure": "talk", "note": "首次轻微违规，约谈", "points": 1},
        at(S.FILED),
    ),
    "cases.case.refer": _case(at(S.INVESTIGATING), "office_head", _refer, at(S.PENALTY_APPROVED)),
}
