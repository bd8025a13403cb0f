"""Situations of the leave, interview and check-in review steps for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-ATT-05, R-ORG-04)."""

from __future__ import annotations

import base64
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from postaward.attendance import services
from postaward.core import clock
from postaward.core.tests.step_cases import StepCase

from . import authz_rows as rows

API = {
    "attendance.leave": "/api/v1/attendance/leave/{id}",
    "attendance.interview": "/api/v1/attendance/interviews/{id}",
    "attendance.checkin_review": "/api/v1/attendance/checkins/{id}",
}

PDF = b"%PDF-1.4 step case"


class _Upload(SimpleUploadedFile):
    """A page upload the generated tests post several times: it reads from the
    start each time (the test client does not rewind)."""

    def read(self, *args: Any) -> bytes:
        self.seek(0)
        return super().read(*args)  # type: ignore[no-any-return]


def _file(name: str) -> dict[str, str]:
    return {"filename": name, "content_base64": base64.b64encode(PDF).decode()}


def _pending(d: Any) -> Any:
    d.ctx = {}
    rows._leaves(d)
    return d.ctx["leave"]


def _approved(d: Any) -> Any:
    lv = _pending(d)
    return services.decide_leave(
        actor=d.actor("school_leader"),
        leave=lv,
        approve=True,
        approval_form=SimpleUploadedFile("审批单.pdf", PDF, content_type="application/pdf"),
        evidence=SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf"),
    )


def _due(d: Any) -> Any:
    """The cheat interview of the school project (the owner confirmed a mock location)."""
    d.ctx = {}
    rows._interviews(d)
    return d.ctx["interview"]


def _done(d: Any) -> Any:
    it = _due(d)
    return services.close_interview(
        actor=d.actor("school_leader"),
        interview=it,
        held_on=clock.today(),
        record=SimpleUploadedFile("约谈记录.pdf", PDF, content_type="application/pdf"),
    )


def _suspicious(d: Any) -> Any:
    """A check-in of pm_a on the school's site reporting a mock location: pending review."""
    d.ctx = {}
    rows._suspicious(d)
    return d.ctx["mock"]


def _cleared(d: Any) -> Any:
    c = _suspicious(d)
    return services.review_checkin(actor=d.actor("school_leader"), checkin=c, confirm=False)


HELD_ON = "2026-01-05"  # a past day (the record must not be dated in the future)

CASES = {
    "attendance.leave.approve": StepCase(
        setup=_pending,
        user="school_leader",
        data={
            "note": "同意",
            "approval_form": _file("请假审批单.pdf"),
            "evidence": _file("诊断证明.pdf"),
        },
        form={
            "note": "同意",
            "approval_form": _Upload("请假审批单.pdf", PDF, content_type="application/pdf"),
            "evidence": _Upload("诊断证明.pdf", PDF, content_type="application/pdf"),
        },
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=_approved,
    ),
    "attendance.leave.reject": StepCase(
        setup=_pending,
        user="school_admin",
        data={"note": "工期紧张，请另行安排"},
        wrong_role="pm_a",
        out_of_scope="hospital_admin",
        wrong_state=_approved,
    ),
    "attendance.leave.cancel": StepCase(
        setup=_pending,
        user="pm_a",
        data={},
        wrong_role="school_leader",
        out_of_scope="contractor_b_admin",
        wrong_state=_approved,
    ),
    "attendance.interview.close": StepCase(
        setup=_due,
        user="school_leader",
        data={"held_on": HELD_ON, "record": _file("约谈记录.pdf")},
        form={
            "held_on": HELD_ON,
            "record": _Upload("约谈记录.pdf", PDF, content_type="application/pdf"),
        },
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=_done,
    ),
    "attendance.checkin_review.confirm": StepCase(
        setup=_suspicious,
        user="school_leader",
        data={"note": "现场核实当日未到岗"},
        wrong_role="pm_a",
        out_of_scope="hospital_admin",
        wrong_state=_cleared,
    ),
    "attendance.checkin_review.clear": StepCase(
        setup=_suspicious,
        user="school_admin",
        data={"note": "核实在岗"},
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=_cleared,
    ),
}
