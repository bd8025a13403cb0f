"""Situations of the complaint steps for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-CMP-01, R-CMP-03, R-CMP-05)."""

from __future__ import annotations

from typing import Any

from postaward.core import clock
from postaward.core.tests.step_cases import StepCase

from .. import services
from . import factories as f

API = {
    "complaints.complaint": "/api/v1/complaints/{id}",
    "complaints.assignment": "/api/v1/complaints/assignments/{id}",
}


def _transfer(d: Any) -> dict[str, Any]:
    return {"handling_org_id": d.orgs["housing"].pk, "handling_days": 5, "note": "请核实并回复"}


def _closed(d: Any) -> Any:
    """A complaint closed: not referred any more (R-ALR-06)."""
    c = f.accepted(d)
    services.close_complaint(
        actor=d.actor("office_staff"),
        complaint=c,
        outcome="not_substantiated",
        answer="经核查反映问题不属实，已答复。",
    )
    return c


def _refer(d: Any) -> dict[str, Any]:
    return {
        "target": "discipline",
        "recipient_org_id": d.orgs["discipline"].pk,
        "document_number": "监管移〔2026〕9号",
        "note": "涉及公职人员，移送纪检监察机关",
    }


def _today() -> str:
    return clock.today().isoformat()


def _split(d: Any) -> dict[str, Any]:
    return {"parts": f.parts_input(d)}


def _split_form(d: Any) -> dict[str, Any]:
    """The page's split form: one row per unit (p0_…, p1_…)."""
    out: dict[str, Any] = {}
    for i, p in enumerate(f.parts_input(d)):
        out.update(
            {
                f"p{i}_handling_org_id": p["handling_org_id"],
                f"p{i}_part": p["part"],
                f"p{i}_handling_days": p["handling_days"],
            }
        )
    return out


CASES = {
    "complaints.complaint.accept": StepCase(
        setup=f.received,
        user="office_staff",
        data={"note": "经会商，决定受理"},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.accepted,
    ),
    "complaints.complaint.reject": StepCase(
        setup=f.received,
        user="office_staff",
        data={"reasons": ["no_facts"], "note": "缺少必要的事实依据"},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.accepted,
    ),
    "complaints.complaint.transfer": StepCase(
        setup=f.accepted,
        user="office_staff",
        data=_transfer,
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.received,
    ),
    "complaints.complaint.reply": StepCase(
        setup=f.transferred,
        user="housing_staff",
        data={"reply": "已到现场核实，责令施工单位整改完毕"},
        wrong_role="office_staff",
        out_of_scope="transport_staff",
        wrong_state=f.replied,
    ),
    "complaints.complaint.send_back": StepCase(
        setup=f.replied,
        user="office_staff",
        data={"note": "请补充整改前后照片"},
        wrong_role="office_admin",
        out_of_scope="transport_staff",
        wrong_state=f.transferred,
    ),
    "complaints.complaint.approve_reply": StepCase(
        setup=f.replied,
        user="office_staff",
        data={"note": "同意"},
        wrong_role="office_admin",
        out_of_scope="transport_staff",
        wrong_state=f.transferred,
    ),
    "complaints.complaint.close": StepCase(
        setup=f.accepted,
        user="office_staff",
        data={"outcome": "substantiated", "answer": "经核查，反映问题属实，已责令整改。"},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.received,
    ),
    "complaints.complaint.report_head": StepCase(
        setup=f.received,
        user="office_staff",
        data=lambda d: {"reported_to": "张主任", "reported_on": _today(), "instruction": "请会商"},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.transferred,
    ),
    "complaints.complaint.consult": StepCase(
        setup=f.received,
        user="office_staff",
        data=lambda d: {
            "consulted_on": _today(),
            "participants": "张主任、李科长",
            "opinion": "受理",
        },
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.transferred,
    ),
    "complaints.complaint.refer": StepCase(
        setup=f.accepted,
        user="office_staff",
        data=_refer,
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=_closed,
    ),
    "complaints.complaint.open_case": StepCase(
        setup=f.accepted,
        user="office_staff",
        data={"title": "项目经理长期不在岗"},
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.received,
    ),
    "complaints.complaint.split": StepCase(
        setup=f.accepted,
        user="office_staff",
        data=_split,
        form=_split_form,
        wrong_role="office_admin",
        out_of_scope="housing_staff",
        wrong_state=f.received,
    ),
    "complaints.assignment.reply_part": StepCase(
        setup=f.part,
        user="housing_staff",
        data={"reply": "已到现场核实，项目经理已到岗并补办手续"},
        wrong_role="office_staff",
        out_of_scope="school_admin",
        wrong_state=f.part_replied,
    ),
    "complaints.assignment.send_back_part": StepCase(
        setup=f.part_replied,
        user="office_staff",
        data={"note": "请补充考勤记录"},
        wrong_role="office_admin",
        out_of_scope="transport_staff",
        wrong_state=f.part,
    ),
    "complaints.assignment.approve_part": StepCase(
        setup=f.part_replied,
        user="office_staff",
        data={"note": "同意"},
        wrong_role="office_admin",
        out_of_scope="transport_staff",
        wrong_state=f.part,
    ),
}
