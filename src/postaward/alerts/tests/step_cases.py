"""Situations of the alert steps for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-ALR-02, R-ALR-03, R-ORG-02)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import authz_rows as rows

API = {
    "alerts.alert": "/api/v1/alerts/{id}",
    "alerts.transfer": "/api/v1/alerts/transfers/{id}",
}


def _school(setup: Any) -> Any:
    def build(d: Any) -> Any:
        d.ctx = {}
        setup(d)
        return d.ctx["school_alert"]

    return build


def _transfer(setup: Any) -> Any:
    def build(d: Any) -> Any:
        d.ctx = {}
        setup(d)
        return type(d.ctx["transfer"]).objects.get(pk=d.ctx["transfer"].pk)

    return build


PENDING = _school(rows.alerts)
DISPOSED = _school(rows.disposed)
CLOSED = _school(rows.closed)
AN_ISSUE = _school(rows.housing_issue)

CASES = {
    "alerts.alert.dispose": StepCase(
        setup=PENDING,
        user="school_admin",
        data={"finding": "confirmed", "note": "已约谈项目经理，限期整改"},
        wrong_role="line_supervisor",
        out_of_scope="hospital_admin",
        wrong_state=DISPOSED,
    ),
    "alerts.alert.close": StepCase(
        setup=DISPOSED,
        user="line_supervisor",
        data={"note": "同意办结"},
        wrong_role="school_admin",
        out_of_scope="hospital_admin",
        wrong_state=PENDING,
    ),
    "alerts.alert.send_back": StepCase(
        setup=DISPOSED,
        user="line_supervisor",
        data={"note": "请补充约谈记录"},
        wrong_role="school_admin",
        out_of_scope="hospital_admin",
        wrong_state=CLOSED,
    ),
    "alerts.alert.reopen": StepCase(
        setup=CLOSED,
        user="edu_admin",
        data={"reason": "群众再次反映，重新核实"},
        wrong_role="school_admin",
        out_of_scope="transport_staff",
        wrong_state=DISPOSED,
    ),
    "alerts.alert.take_up_as_issue": StepCase(
        setup=PENDING,
        user="housing_staff",
        data={"title": "项目经理长期不在岗", "description": "连续缺勤疑似挂证"},
        wrong_role="school_admin",
        out_of_scope="transport_staff",
        wrong_state=AN_ISSUE,
    ),
    "alerts.transfer.receive": StepCase(
        setup=_transfer(rows.transferred),
        user="discipline",
        data={"receipt_number": "纪收2026-02"},
        wrong_role="housing_staff",
        out_of_scope="transport_staff",
        wrong_state=_transfer(rows.received),
    ),
    "alerts.transfer.feed_back": StepCase(
        setup=_transfer(rows.received),
        user="discipline",
        data={"result": "已立案审查，给予党内警告处分"},
        wrong_role="housing_staff",
        out_of_scope="transport_staff",
        wrong_state=_transfer(rows.transferred),
    ),
}
