"""Situations of the project lifecycle and suspension steps for the generated
authorization tests (``core/tests/test_steps_authz.py``; R-PRJ-01, R-PRJ-03,
R-PRJ-05, R-PRJ-06, R-PRJ-07, R-ORG-04)."""

from __future__ import annotations

import base64
from typing import Any

from postaward.core import clock
from postaward.core.files import minimal_pdf
from postaward.core.tests.step_cases import StepCase

from . import authz_rows as rows
from . import factories as f

API = {
    "projects.project": "/api/v1/projects/{id}",
    "projects.suspension": "/api/v1/projects/suspensions/{id}",
    "projects.data_completion": "/api/v1/projects/data-completions/{id}",
    "projects.abnormal_event": "/api/v1/projects/abnormal-events/{id}",
}


def _built(setup: Any, key: str = "p") -> Any:
    """The district with the audit and finance bureaus and a second chain (the
    out-of-scope callers), ``setup`` run, and its project (or suspension)."""

    def build(d: Any) -> Any:
        d.ctx = {}
        f.bureaus(d)
        f.other_chain(d)
        setup(d)
        obj = d.ctx[key]
        return type(obj).objects.get(pk=obj.pk)

    return build


def _pdf(name: str) -> dict[str, str]:
    """A PDF as a JSON request carries it."""
    return {"filename": name, "content_base64": base64.b64encode(minimal_pdf(["report"])).decode()}


def _today() -> str:
    return clock.today().isoformat()


READY = _built(rows.ready)
STARTED = _built(rows.started)
COMPLETED = _built(rows.completed)
ACCEPTED = _built(rows.accepted_done)
SUBMITTED = _built(rows.submitted)
SETTLED = _built(rows.settled)
PAID = _built(rows.paid)
SUSPENDED = _built(rows.suspended)
DECLARED = _built(rows.declared)  # the project, with a suspension waiting
DECLARATION = _built(rows.declared, "s")
CONFIRMED = _built(rows.suspended, "s")
APPLICATION = _built(rows.application, "app")  # a data-completion application submitted
APPROVED = _built(rows.backfill, "app")  # approved, the data not yet back-filled
BACKFILLED = _built(rows.backfilled, "app")  # approved, the data back-filled
REPORTED = _built(rows.abnormal, "e")  # an abnormal event waiting for its review


def _reviewed(d: Any) -> None:
    from postaward.projects import services

    rows.abnormal(d)
    services.review_abnormal_event(
        actor=d.actor("housing_staff"), event=d.ctx["e"], valid_reason=True, note="理由正当"
    )


REVIEWED = _built(_reviewed, "e")


def _declaration(d: Any) -> dict[str, Any]:
    return {"started_at": clock.localtime().isoformat(), "reason": "台风预警停工"}


CASES = {
    "projects.project.start_works": StepCase(
        setup=READY,
        user="school_leader",
        data={},
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=STARTED,
    ),
    "projects.project.declare_suspension": StepCase(
        setup=STARTED,
        user="school_leader",
        data=_declaration,
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=DECLARED,  # a suspension is already waiting: the guard refuses
    ),
    "projects.project.resume": StepCase(
        setup=SUSPENDED,
        user="school_leader",
        data={"note": "已复工"},
        wrong_role="school_admin",
        out_of_scope="clinic_leader",
        wrong_state=STARTED,
    ),
    "projects.project.complete": StepCase(
        setup=STARTED,
        user="school_leader",
        data={},
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=READY,
    ),
    "projects.project.accept": StepCase(
        setup=COMPLETED,
        user="school_leader",
        data=lambda d: {"on": _today(), "document": _pdf("竣工验收结论.pdf")},
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=STARTED,
    ),
    "projects.project.submit_settlement": StepCase(
        setup=ACCEPTED,
        user="school_leader",
        data=lambda d: {"on": _today(), "amount": "3400000", "route": "audit"},
        wrong_role="housing_staff",
        out_of_scope="hospital_admin",
        wrong_state=COMPLETED,
    ),
    "projects.project.approve_settlement": StepCase(
        setup=SUBMITTED,
        user="auditor",
        data=lambda d: {"on": _today(), "amount": "3300000"},
        wrong_role="school_admin",
        out_of_scope="hospital_admin",
        wrong_state=ACCEPTED,
    ),
    "projects.project.pay_funds": StepCase(
        setup=SETTLED,
        user="finance",
        data=lambda d: {"on": _today()},
        wrong_role="school_leader",
        out_of_scope="hospital_admin",
        wrong_state=SUBMITTED,
    ),
    "projects.project.return_deposit": StepCase(
        setup=PAID,
        user="school_admin",
        data=lambda d: {"on": _today()},
        wrong_role="finance",
        out_of_scope="hospital_admin",
        wrong_state=SETTLED,
    ),
    "projects.project.terminate": StepCase(
        setup=READY,
        user="school_admin",
        data={"reason": "资金未落实，终止建设", "report": _pdf("终止建设书面报告.pdf")},
        wrong_role="school_leader",
        out_of_scope="hospital_admin",
        wrong_state=COMPLETED,
    ),
    "projects.suspension.confirm": StepCase(
        setup=DECLARATION,
        user="line_supervisor",
        data={"note": "情况属实"},
        wrong_role="school_admin",
        out_of_scope="health_line",
        wrong_state=CONFIRMED,
    ),
    "projects.suspension.reject": StepCase(
        setup=DECLARATION,
        user="line_supervisor",
        data={"note": "现场仍在施工"},
        wrong_role="school_leader",
        out_of_scope="health_line",
        wrong_state=CONFIRMED,
    ),
    "projects.suspension.withdraw": StepCase(
        setup=DECLARATION,
        user="school_leader",
        data={},
        wrong_role="line_supervisor",
        out_of_scope="clinic_admin",
        wrong_state=CONFIRMED,
    ),
    "projects.data_completion.approve": StepCase(
        setup=APPLICATION,
        user="edu_admin",
        data={"note": "同意补全"},
        wrong_role="housing_admin",
        out_of_scope="health_admin",
        wrong_state=APPROVED,
    ),
    "projects.data_completion.reject": StepCase(
        setup=APPLICATION,
        user="edu_admin",
        data={"note": "理由不充分"},
        wrong_role="school_admin",
        out_of_scope="health_admin",
        wrong_state=APPROVED,
    ),
    "projects.data_completion.confirm_backfill": StepCase(
        setup=BACKFILLED,
        user="school_leader",
        data={},
        wrong_role="edu_admin",
        out_of_scope="clinic_admin",
        wrong_state=APPLICATION,
    ),
    "projects.abnormal_event.file": StepCase(
        setup=REPORTED,
        user="housing_staff",
        data={"note": "理由正当"},
        wrong_role="school_admin",
        out_of_scope="transport_staff",
        wrong_state=REVIEWED,
    ),
    "projects.abnormal_event.flag": StepCase(
        setup=REPORTED,
        user="office_staff",
        data={"note": "未提供正当理由，依法查处"},
        wrong_role="school_leader",
        out_of_scope="transport_staff",
        wrong_state=REVIEWED,
    ),
}
