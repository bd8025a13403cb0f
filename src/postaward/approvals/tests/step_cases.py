"""Situations of the approval steps for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-ACC-01, R-ACC-03, R-ACC-04, R-ORG-04)."""

from __future__ import annotations

from typing import Any

from postaward.core import clock
from postaward.core.tests.step_cases import StepCase

from . import authz_rows as rows
from . import factories as f
from .apiclient import b64

API = {
    "approvals.acceptance": "/api/v1/approvals/acceptance/{id}",
}


def _req(setup: Any) -> Any:
    def build(d: Any) -> Any:
        d.ctx = {}
        f.extras(d)
        setup(d)
        return type(d.ctx["req"]).objects.get(pk=d.ctx["req"].pk)

    return build


class _Pdf:
    """A PDF the test client can post again and again (a case's form data is
    built once and posted by several tests)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.file = f.pdf(name)

    def read(self, *args: Any) -> bytes:
        self.file.seek(0)
        return self.file.read()


SUBMITTED = _req(rows._acceptance)
RECEIVED = _req(rows._received)
SUPER_LARGE = _req(rows._super_large)


def _conclusion(document: Any) -> dict[str, Any]:
    return {
        "passed": True,
        "accepted_on": clock.today().isoformat(),
        "attendees": "建设、监理、勘察、设计单位",
        "rectification_opinions": "外墙涂料局部修补",
        "conclusion": "工程质量合格，同意验收",
        "document": document,
    }


CASES = {
    "approvals.acceptance.review": StepCase(
        setup=SUBMITTED,
        user="chief_a",
        data={"opinion": "具备验收条件"},
        wrong_role="school_leader",
        out_of_scope="supervisor_b_admin",
        wrong_state=RECEIVED,
    ),
    "approvals.acceptance.reject": StepCase(
        setup=SUBMITTED,
        user="chief_a",
        data={"opinion": "资料不全"},
        form={"note": "资料不全"},
        wrong_role="school_leader",
        out_of_scope="supervisor_b_admin",
        wrong_state=RECEIVED,
    ),
    "approvals.acceptance.return": StepCase(
        setup=RECEIVED,
        user="school_leader",
        data={"reason": "消防验收未完成，不满足竣工验收条件"},
        wrong_role="chief_a",
        out_of_scope="hospital_admin",
        wrong_state=SUBMITTED,
    ),
    "approvals.acceptance.conclude": StepCase(
        setup=RECEIVED,
        user="school_leader",
        data=_conclusion(b64(f.pdf("验收结论.pdf"))),
        form={**_conclusion(_Pdf("验收结论.pdf")), "passed": "1"},
        wrong_role="chief_a",
        out_of_scope="hospital_admin",
        wrong_state=SUBMITTED,
    ),
    "approvals.acceptance.extensions": StepCase(
        setup=SUPER_LARGE,
        user="school_leader",
        data={"days": 30, "reason": "机电、幕墙、智能化专业多，联合调试周期长"},
        wrong_role="chief_a",
        out_of_scope="hospital_admin",
        wrong_state=RECEIVED,  # not a super-large work: the guard refuses
    ),
    "approvals.acceptance.withdraw": StepCase(
        setup=SUBMITTED,
        user="pm_a",
        data={},
        wrong_role="chief_a",
        out_of_scope="contractor_b_admin",
        wrong_state=RECEIVED,
    ),
}
