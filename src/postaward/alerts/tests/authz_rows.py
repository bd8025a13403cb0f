"""Rows of the API authorization table for the alerts routes (collected by
``postaward/orgs/tests/test_api_authorization.py``): anonymous 401, no role
403, wrong role 403, out of scope 404 / absent, in scope 2xx (R-ORG-02,
R-ORG-04, R-ALR-02, R-ALR-06).

The setups build alerts through ``services.record_hit``: one on the school's
project (owner level: school; review: the education line) and one on the
hospital's project, which the school must not see.
"""

from __future__ import annotations

from postaward.alerts import services
from postaward.alerts.indicators import Hit
from postaward.alerts.models import Alert, Indicator, Notification
from postaward.core import clock
from postaward.orgs.tests.authz import Call, Hidden, Route

IND = "attendance.absence_streak"


def _hit(d, key: str):  # type: ignore[no-untyped-def]
    p = d.projects[key]
    return Hit(
        dedup_key=f"authz:{key}",
        title=f"授权测试预警 {p.name}",
        facts={"project": p.name},
        project_id=p.pk,
    )


def alerts(d) -> None:  # type: ignore[no-untyped-def]
    ind = services.indicator_for(IND)
    services.record_hit(ind, _hit(d, "p_school"))
    services.record_hit(ind, _hit(d, "p_hospital"))
    d.ctx["school_alert"] = Alert.objects.get(project=d.projects["p_school"])
    d.ctx["hospital_alert"] = Alert.objects.get(project=d.projects["p_hospital"])


def disposed(d) -> None:  # type: ignore[no-untyped-def]
    alerts(d)
    services.dispose_alert(
        actor=d.actor("school_admin"),
        alert=d.ctx["school_alert"],
        finding="confirmed",
        note="已约谈项目经理并整改",
    )


def closed(d) -> None:  # type: ignore[no-untyped-def]
    disposed(d)
    services.review_alert(
        actor=d.actor("line_supervisor"), alert=d.ctx["school_alert"], decision="close"
    )


def office_issue(d) -> None:  # type: ignore[no-untyped-def]
    alerts(d)
    d.ctx["office_issue"] = services.create_issue(
        actor=d.actor("office_staff"),
        alert_ids=[d.ctx["hospital_alert"].pk],
        title="监管办登记的疑似问题",
        description="连续缺勤疑似挂证",
    )


def housing_issue(d) -> None:  # type: ignore[no-untyped-def]
    alerts(d)
    d.ctx["housing_issue"] = services.create_issue(
        actor=d.actor("housing_staff"),
        alert_ids=[d.ctx["school_alert"].pk],
        title="住建局登记的疑似问题",
        description="项目经理长期不在岗",
        involves_public_official=True,
    )


def verified(d) -> None:  # type: ignore[no-untyped-def]
    housing_issue(d)
    services.verify_issue(
        actor=d.actor("housing_staff"),
        issue=d.ctx["housing_issue"],
        verified=True,
        findings="经核实，监理员为公职人员家属挂证",
    )


def transferred(d) -> None:  # type: ignore[no-untyped-def]
    verified(d)
    d.ctx["transfer"] = services.transfer_clue(
        actor=d.actor("housing_staff"),
        issue=d.ctx["housing_issue"],
        recipient="discipline",
        recipient_org=d.orgs["discipline"],
        document_number="测建移〔2026〕1号",
        reason="涉及公职人员",
    )


def received(d) -> None:  # type: ignore[no-untyped-def]
    transferred(d)
    services.receive_transfer(
        actor=d.actor("discipline"), transfer=d.ctx["transfer"], receipt_number="纪收2026-01"
    )


def indicator(d) -> None:  # type: ignore[no-untyped-def]
    services.sync_indicators()
    d.ctx["indicator"] = Indicator.objects.get(code="attendance.double_site")


def run(d) -> None:  # type: ignore[no-untyped-def]
    indicator(d)
    d.ctx["run"] = services.request_sandbox(
        actor=d.actor("office_staff"),
        indicator=d.ctx["indicator"],
        params={},
        as_of=clock.today(),
    )


def notes(d) -> None:  # type: ignore[no-untyped-def]
    alerts(d)
    d.ctx["school_note"] = Notification.objects.filter(
        recipient=d.users["school_admin"], alert=d.ctx["school_alert"]
    ).first()
    d.ctx["hospital_note"] = Notification.objects.filter(
        recipient=d.users["hospital_admin"], alert=d.ctx["hospital_alert"]
    ).first()


def _a(name: str = "school_alert"):  # type: ignore[no-untyped-def]
    return lambda d: {"alert_id": d.ctx[name].pk}


def _step(step: str, name: str = "school_alert"):  # type: ignore[no-untyped-def]
    return lambda d: {"alert_id": d.ctx[name].pk, "name": step}


def _i(name: str):  # type: ignore[no-untyped-def]
    return lambda d: {"issue_id": d.ctx[name].pk}


def _is(name: str, step: str):  # type: ignore[no-untyped-def]
    return lambda d: {"issue_id": d.ctx[name].pk, "name": step}


def _t(d):  # type: ignore[no-untyped-def]
    return {"transfer_id": d.ctx["transfer"].pk}


def _ts(step: str):  # type: ignore[no-untyped-def]
    return lambda d: {"transfer_id": d.ctx["transfer"].pk, "name": step}


def _ind(d):  # type: ignore[no-untyped-def]
    return {"indicator_id": d.ctx["indicator"].pk}


DISPOSE = {"finding": "confirmed", "note": "已约谈项目经理，限期整改"}
CLOSE = {"decision": "close", "note": "同意办结"}
REOPEN = {"reason": "群众再次反映，重新核实"}
VERIFY = {"verified": True, "findings": "核实属实，已责令整改"}


def _issue_body(alert: str):  # type: ignore[no-untyped-def]
    return lambda d: {
        "alert_ids": [d.ctx[alert].pk],
        "title": "疑似挂证",
        "description": "项目经理长期不在岗",
    }


def _transfer_body(d):  # type: ignore[no-untyped-def]
    return {
        "recipient": "discipline",
        "recipient_org_id": d.orgs["discipline"].pk,
        "document_number": "测建移〔2026〕2号",
        "reason": "涉及公职人员",
    }


ROUTES: dict[str, Route] = {
    "GET /api/v1/alerts": Route(
        ok=Call("school_admin"),
        wrong=(Call("pm_a"), Call("contractor_b_admin")),
        out=(
            Hidden("school_admin", lambda d: {d.ctx["hospital_alert"].pk}),
            Hidden("transport_staff", lambda d: {d.ctx["school_alert"].pk}),
            Hidden(
                "school_admin",
                lambda d: {d.ctx["hospital_alert"].pk},
                query=lambda d: {"box": "dispose"},
            ),
        ),
        setup=alerts,
        must_list=lambda d: {d.ctx["school_alert"].pk},
    ),
    "GET /api/v1/alerts/stats": Route(
        ok=Call("line_supervisor"),
        wrong=(Call("pm_a"),),
        no_scope="counts over the same visible_to(actor) queryset as GET /api/v1/alerts (tested in test_api.py)",
        setup=alerts,
    ),
    "GET /api/v1/alerts/{alert_id}": Route(
        ok=Call("school_leader", path=_a()),
        wrong=(Call("contractor_a_admin", path=_a()),),
        out=(
            Call("hospital_admin", path=_a(), status=404),
            Call("transport_staff", path=_a(), status=404),
        ),
        setup=alerts,
    ),
    "POST /api/v1/alerts/{alert_id}/dispose": Route(
        ok=Call("school_admin", path=_a(), body=lambda d: DISPOSE),
        # The line sees the alert (read-only above), the authority too: not theirs to dispose.
        wrong=(
            Call("line_supervisor", path=_a(), body=lambda d: DISPOSE),
            Call("housing_staff", path=_a(), body=lambda d: DISPOSE),
            Call("pm_a", path=_a(), body=lambda d: DISPOSE),
        ),
        out=(Call("hospital_admin", path=_a(), body=lambda d: DISPOSE),),
        setup=alerts,
    ),
    "POST /api/v1/alerts/{alert_id}/review": Route(
        ok=Call("line_supervisor", path=_a(), body=lambda d: CLOSE),
        wrong=(
            Call("school_admin", path=_a(), body=lambda d: CLOSE),
            Call("housing_staff", path=_a(), body=lambda d: CLOSE),
        ),
        out=(Call("hospital_admin", path=_a(), body=lambda d: CLOSE),),
        setup=disposed,
    ),
    "POST /api/v1/alerts/{alert_id}/reopen": Route(
        ok=Call("edu_admin", path=_a(), body=lambda d: REOPEN),
        wrong=(Call("school_admin", path=_a(), body=lambda d: REOPEN),),
        out=(Call("transport_staff", path=_a(), body=lambda d: REOPEN),),
        setup=closed,
    ),
    "GET /api/v1/alerts/{alert_id}/steps": Route(
        ok=Call("school_admin", path=_a()),
        wrong=(Call("contractor_a_admin", path=_a()),),
        out=(Call("hospital_admin", path=_a(), status=404),),
        setup=alerts,
    ),
    # Every step's own rows (wrong role, out of scope, wrong state, in scope) are
    # generated from the registry: core/tests/test_steps_authz.py.
    "POST /api/v1/alerts/{alert_id}/steps/{name}": Route(
        ok=Call("school_admin", path=_step("dispose"), body=lambda d: DISPOSE),
        wrong=(
            Call("line_supervisor", path=_step("dispose"), body=lambda d: DISPOSE),
            Call("pm_a", path=_step("dispose"), body=lambda d: DISPOSE),
        ),
        out=(Call("hospital_admin", path=_step("dispose"), body=lambda d: DISPOSE),),
        setup=alerts,
    ),
    "GET /api/v1/alerts/indicators": Route(
        ok=Call("housing_staff"),
        wrong=(Call("pm_a"),),
        no_scope="the district's indicator settings are read by every government unit",
    ),
    "PATCH /api/v1/alerts/indicators/{indicator_id}": Route(
        ok=Call(
            "office_admin",
            path=_ind,
            body=lambda d: {"severity": 4, "params": {"lookback_days": 20}},
        ),
        wrong=(
            Call("housing_admin", path=_ind, body=lambda d: {"severity": 4}),
            Call("school_admin", path=_ind, body=lambda d: {"severity": 4}),
        ),
        no_scope="one set of indicators per platform, kept by the supervision office",
        setup=indicator,
    ),
    "POST /api/v1/alerts/indicators/{indicator_id}/sandbox": Route(
        ok=Call(
            "office_staff", path=_ind, body=lambda d: {"params": {"lookback_days": 10}}, status=202
        ),
        wrong=(Call("housing_staff", path=_ind, body=lambda d: {}),),
        no_scope="a trial of a platform-wide indicator, kept by the supervision office",
        setup=indicator,
    ),
    "GET /api/v1/alerts/runs/{run_id}": Route(
        ok=Call("office_admin", path=lambda d: {"run_id": d.ctx["run"].pk}),
        wrong=(Call("pm_a", path=lambda d: {"run_id": d.ctx["run"].pk}),),
        # R-ORG-04, ADR 0015: the office's trial is the office's; an industry
        # authority (or an owner) reading it gets "not found".
        out=(
            Call("transport_staff", path=lambda d: {"run_id": d.ctx["run"].pk}),
            Call("hospital_admin", path=lambda d: {"run_id": d.ctx["run"].pk}),
        ),
        setup=run,
    ),
    "GET /api/v1/alerts/issues": Route(
        ok=Call("office_admin"),
        wrong=(Call("school_admin"), Call("line_supervisor")),
        out=(Hidden("housing_staff", lambda d: {d.ctx["office_issue"].pk}),),
        setup=office_issue,
        must_list=lambda d: {d.ctx["office_issue"].pk},
    ),
    "POST /api/v1/alerts/issues": Route(
        ok=Call("office_staff", body=_issue_body("school_alert"), status=201),
        wrong=(
            Call("school_admin", body=_issue_body("school_alert")),
            Call("line_supervisor", body=_issue_body("school_alert")),
        ),
        out=(Call("transport_staff", body=_issue_body("school_alert")),),
        setup=alerts,
    ),
    "POST /api/v1/alerts/issues/{issue_id}/verify": Route(
        ok=Call("housing_staff", path=_i("housing_issue"), body=lambda d: VERIFY),
        # The office sees the authority's issue but the verification is the authority's.
        wrong=(Call("office_admin", path=_i("housing_issue"), body=lambda d: VERIFY),),
        out=(Call("transport_staff", path=_i("housing_issue"), body=lambda d: VERIFY),),
        setup=housing_issue,
    ),
    "POST /api/v1/alerts/issues/{issue_id}/transfers": Route(
        ok=Call("housing_staff", path=_i("housing_issue"), body=_transfer_body, status=201),
        wrong=(Call("school_admin", path=_i("housing_issue"), body=_transfer_body),),
        out=(Call("transport_staff", path=_i("housing_issue"), body=_transfer_body),),
        setup=verified,
    ),
    "GET /api/v1/alerts/transfers": Route(
        ok=Call("discipline"),
        wrong=(Call("school_admin"),),
        out=(Hidden("transport_staff", lambda d: {d.ctx["transfer"].pk}),),
        setup=transferred,
        must_list=lambda d: {d.ctx["transfer"].pk},
    ),
    "POST /api/v1/alerts/transfers/{transfer_id}/receipt": Route(
        ok=Call("discipline", path=_t, body=lambda d: {"receipt_number": "纪收2026-02"}),
        # The sender sees its transfer; only the recipient signs for it.
        wrong=(Call("housing_staff", path=_t, body=lambda d: {"receipt_number": "纪收2026-02"}),),
        out=(Call("transport_staff", path=_t, body=lambda d: {"receipt_number": "纪收2026-02"}),),
        setup=transferred,
    ),
    "POST /api/v1/alerts/transfers/{transfer_id}/result": Route(
        ok=Call("discipline", path=_t, body=lambda d: {"result": "已立案审查，给予党内警告处分"}),
        wrong=(Call("housing_staff", path=_t, body=lambda d: {"result": "已立案审查"}),),
        out=(Call("transport_staff", path=_t, body=lambda d: {"result": "已立案审查"}),),
        setup=received,
    ),
    "GET /api/v1/alerts/transfers/{transfer_id}/steps": Route(
        ok=Call("discipline", path=_t),
        wrong=(Call("school_admin", path=_t),),
        out=(Call("transport_staff", path=_t, status=404),),
        setup=transferred,
    ),
    # Each step's rows are generated from the registry (core/tests/test_steps_authz.py).
    "POST /api/v1/alerts/transfers/{transfer_id}/steps/{name}": Route(
        ok=Call(
            "discipline", path=_ts("receive"), body=lambda d: {"receipt_number": "纪收2026-02"}
        ),
        wrong=(
            Call(
                "housing_staff",
                path=_ts("receive"),
                body=lambda d: {"receipt_number": "纪收2026-02"},
            ),
        ),
        out=(
            Call(
                "transport_staff",
                path=_ts("receive"),
                body=lambda d: {"receipt_number": "纪收2026-02"},
            ),
        ),
        setup=transferred,
    ),
    "GET /api/v1/alerts/issues/{issue_id}/steps": Route(
        ok=Call("housing_staff", path=_i("housing_issue")),
        wrong=(Call("school_admin", path=_i("housing_issue")),),
        out=(Call("transport_staff", path=_i("housing_issue"), status=404),),
        setup=housing_issue,
    ),
    # Each step's rows are generated from the registry (core/tests/test_steps_authz.py).
    "POST /api/v1/alerts/issues/{issue_id}/steps/{name}": Route(
        ok=Call("housing_staff", path=_is("housing_issue", "verify"), body=lambda d: VERIFY),
        # The office sees the authority's issue but the verification is the authority's.
        wrong=(Call("office_admin", path=_is("housing_issue", "verify"), body=lambda d: VERIFY),),
        out=(Call("transport_staff", path=_is("housing_issue", "verify"), body=lambda d: VERIFY),),
        setup=housing_issue,
    ),
    "GET /api/v1/alerts/notifications": Route(
        ok=Call("school_admin"),
        any_role=True,
        out=(Hidden("hospital_admin", lambda d: {d.ctx["school_note"].pk}),),
        setup=notes,
        must_list=lambda d: {d.ctx["school_note"].pk},
    ),
    "POST /api/v1/alerts/notifications/{notification_id}/read": Route(
        ok=Call("school_admin", path=lambda d: {"notification_id": d.ctx["school_note"].pk}),
        any_role=True,
        out=(
            Call("hospital_admin", path=lambda d: {"notification_id": d.ctx["school_note"].pk}),
            Call("school_leader", path=lambda d: {"notification_id": d.ctx["hospital_note"].pk}),
        ),
        setup=notes,
    ),
}
