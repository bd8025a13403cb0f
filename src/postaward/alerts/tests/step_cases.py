"""Situations of the alert steps for the generated authorization tests
(``core/tests/test_steps_authz.py``; R-ALR-02, R-ALR-03, R-ORG-02)."""

from __future__ import annotations

from typing import Any

from postaward.core.tests.step_cases import StepCase

from . import authz_rows as rows

API = {
    "alerts.alert": "/api/v1/alerts/{id}",
    "alerts.transfer": "/api/v1/alerts/transfers/{id}",
    "alerts.issue": "/api/v1/alerts/issues/{id}",
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


def _issue(setup: Any) -> Any:
    def build(d: Any) -> Any:
        d.ctx = {}
        setup(d)
        return type(d.ctx["housing_issue"]).objects.get(pk=d.ctx["housing_issue"].pk)

    return build


POLICE = "测试区公安分局"


def _also_to_police(setup: Any) -> Any:
    """The housing issue, also suspected of a crime, with the district's public
    security bureau (the demo district has none): a clue already transferred to
    discipline inspection goes to the police as well; the discipline inspector
    sees the issue but may not transfer it."""

    def build(d: Any) -> Any:
        from postaward.orgs.choices import OrgKind
        from postaward.testing import org

        d.ctx = {}
        setup(d)
        org(d.orgs["office"], POLICE, OrgKind.PUBLIC_SECURITY)
        issue = type(d.ctx["housing_issue"])
        issue.objects.filter(pk=d.ctx["housing_issue"].pk).update(suspected_crime=True)
        return issue.objects.get(pk=d.ctx["housing_issue"].pk)

    return build


def _to_police(d: Any) -> dict[str, Any]:
    from postaward.orgs.models import Organisation

    return {
        "recipient": "public_security",
        "recipient_org_id": Organisation.objects.get(name=POLICE).pk,
        "document_number": "测建移〔2026〕2号",
        "reason": "涉嫌犯罪，移送公安机关",
    }


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
    "alerts.issue.verify": StepCase(
        setup=_issue(rows.housing_issue),
        user="housing_staff",
        data={"verified": True, "findings": "经核实，项目经理长期不在岗属实"},
        form={"verified": "1", "findings": "经核实，项目经理长期不在岗属实"},
        wrong_role="office_admin",
        out_of_scope="transport_staff",
        wrong_state=_issue(rows.verified),
    ),
    "alerts.issue.transfer": StepCase(
        setup=_also_to_police(rows.transferred),
        user="housing_staff",
        data=_to_police,
        wrong_role="discipline",
        out_of_scope="transport_staff",
        wrong_state=_also_to_police(rows.housing_issue),
    ),
    "alerts.issue.open_case": StepCase(
        setup=_issue(rows.verified),
        user="office_staff",
        data={"title": "监理员挂证"},
        wrong_role="housing_staff",
        out_of_scope="transport_staff",
        wrong_state=_issue(rows.housing_issue),
    ),
}
