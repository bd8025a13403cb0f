"""Rows of the API authorization table for the project registry's write and
sub-resource routes (collected by ``postaward/orgs/tests/test_api_authorization.py``).

Each row: the in-scope call of the right role, calls of wrong roles that see
the project (403), and calls out of scope (404) — R-ORG-03, R-ORG-04. The
setups build what the calls refer to through the services (``factories``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal

from postaward.core import clock
from postaward.core.actor import SYSTEM
from postaward.core.files import minimal_pdf
from postaward.orgs.choices import Industry
from postaward.orgs.tests.authz import Call, Fn, Hidden, Route
from postaward.projects import services
from postaward.projects.choices import (
    DocumentCategory,
    InterviewTopic,
    ParticipantRole,
    Position,
    ProjectStatus,
)

from . import factories as f


def _p(key: str = "p") -> Fn:
    return lambda d: {"project_id": d.ctx[key].pk if key in d.ctx else d.projects[key].pk}


def _school(d):  # type: ignore[no-untyped-def]
    return {"project_id": d.projects["p_school"].pk}


def _ctx(name: str, param: str) -> Fn:
    return lambda d: {param: d.ctx[name].pk}


def _today() -> str:
    return clock.today().isoformat()


# --- setups -------------------------------------------------------------------------------------


def direct(d) -> None:  # type: ignore[no-untyped-def]
    d.ctx["p"] = f.direct_project(d)


def ready(d) -> None:  # type: ignore[no-untyped-def]
    d.ctx["p"] = f.ready_project(d)


def started(d) -> None:  # type: ignore[no-untyped-def]
    d.ctx["p"] = f.started_project(d)


def completed(d) -> None:  # type: ignore[no-untyped-def]
    started(d)
    services.complete_works(actor=d.actor("school_leader"), project=d.ctx["p"])


def accepted(d) -> None:  # type: ignore[no-untyped-def]
    completed(d)
    d.ctx["doc"] = f.uploaded(d, d.ctx["p"], DocumentCategory.ACCEPTANCE)


def accepted_done(d) -> None:  # type: ignore[no-untyped-def]
    accepted(d)
    services.accept_works(
        actor=d.actor("school_leader"), project=d.ctx["p"], on=clock.today(), document=d.ctx["doc"]
    )


def submitted(d) -> None:  # type: ignore[no-untyped-def]
    f.bureaus(d)
    accepted_done(d)
    services.submit_settlement(
        actor=d.actor("school_leader"),
        project=d.ctx["p"],
        on=clock.today(),
        amount=Decimal("3400000"),
        route="audit",
    )


def settled(d) -> None:  # type: ignore[no-untyped-def]
    submitted(d)
    services.approve_settlement(
        actor=d.actor("auditor"), project=d.ctx["p"], on=clock.today(), amount=Decimal("3300000")
    )


def paid(d) -> None:  # type: ignore[no-untyped-def]
    settled(d)
    services.record_fund_payment(actor=d.actor("finance"), project=d.ctx["p"], on=clock.today())


def termination(d) -> None:  # type: ignore[no-untyped-def]
    ready(d)
    d.ctx["doc"] = f.uploaded(
        d, d.ctx["p"], DocumentCategory.TERMINATION_REPORT, user="school_admin"
    )


def declared(d) -> None:  # type: ignore[no-untyped-def]
    f.other_chain(d)
    started(d)
    d.ctx["s"] = services.declare_suspension(
        actor=d.actor("school_leader"),
        project=d.ctx["p"],
        started_at=clock.localtime(),
        reason="材料供应中断停工",
    )


def suspended(d) -> None:  # type: ignore[no-untyped-def]
    declared(d)
    services.confirm_suspension(actor=d.actor("line_supervisor"), suspension=d.ctx["s"])


def unassigned(d) -> None:  # type: ignore[no-untyped-def]
    d.ctx["p"] = services.register_project(
        actor=SYSTEM,
        code="T-0800",
        name="待分配的公共建筑工程",
        owner=None,
        industry=Industry.HOUSING,
        contract_amount=Decimal("6000000"),
        industry_authority=d.orgs["housing"],
    )


def with_contractor(d) -> None:  # type: ignore[no-untyped-def]
    direct(d)
    part = f.contract(d, d.ctx["p"], "contractor_b", ParticipantRole.CONTRACTOR)
    d.ctx["part"] = part
    d.ctx["person"], d.ctx["cert"] = f.staff(d, Position.PROJECT_MANAGER)


def with_two_firms(d) -> None:  # type: ignore[no-untyped-def]
    with_contractor(d)
    f.contract(d, d.ctx["p"], "supervisor_a", ParticipantRole.SUPERVISING_FIRM)


def assignment(d) -> None:  # type: ignore[no-untyped-def]
    ready(d)
    d.ctx["a"] = d.ctx["p"].assignments.get(position=Position.PROJECT_MANAGER)


def stage(d) -> None:  # type: ignore[no-untyped-def]
    d.ctx["stage"] = services.set_checkin_stage(
        actor=d.actor("school_leader"),
        project=d.projects["p_school"],
        position=Position.TECHNICAL_LEAD,
        name="主体结构",
        starts_on=clock.today() + dt.timedelta(days=10),
        ends_on=clock.today() + dt.timedelta(days=60),
    )


def tendered(d) -> None:  # type: ignore[no-untyped-def]
    p = f.tendered_project(d)
    f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    d.ctx["p"] = p
    d.ctx["doc"] = f.uploaded(d, p, DocumentCategory.INTERVIEW_RECORD)


def abnormal(d) -> None:  # type: ignore[no-untyped-def]
    tendered(d)
    d.ctx["e"] = services.record_abnormal_event(
        actor=d.actor("school_leader"),
        project=d.ctx["p"],
        kind="signing_delayed",
        occurred_on=clock.today(),
        reason="资金审批未完成，推迟签约",
    )


def subcontract(d) -> None:  # type: ignore[no-untyped-def]
    started(d)
    d.ctx["part"] = d.ctx["p"].participants.get(role=ParticipantRole.CONTRACTOR)
    d.ctx["doc"] = f.uploaded(
        d, d.ctx["p"], DocumentCategory.SUBCONTRACT, user="contractor_b_admin"
    )


def agreement_ready(d) -> None:  # type: ignore[no-untyped-def]
    """A started project, its contractor's contract and an uploaded agreement
    (R-INS-07)."""
    subcontract(d)
    d.ctx["doc"] = f.uploaded(d, d.ctx["p"], DocumentCategory.CONTRACT)


def _agreement(d):  # type: ignore[no-untyped-def]
    return {
        "participant_id": d.ctx["part"].pk,
        "number": "BC-authz",
        "signed_on": _today(),
        "amount_change": "120000.00",
        "document_id": d.ctx["doc"].pk,
    }


def uncovered(d) -> None:  # type: ignore[no-untyped-def]
    f.other_chain(d)
    p = d.projects["p_school"]
    services.mark_uncovered(actor=SYSTEM, project=p, note="实施过程未纳入平台")
    d.ctx["doc"] = f.uploaded(d, p, DocumentCategory.DATA_COMPLETION)


def application(d) -> None:  # type: ignore[no-untyped-def]
    uncovered(d)
    d.ctx["app"] = services.apply_data_completion(
        actor=d.actor("school_leader"),
        project=d.projects["p_school"],
        reason="实施时未及时录入",
        document=d.ctx["doc"],
    )


def backfill(d) -> None:  # type: ignore[no-untyped-def]
    f.other_chain(d)
    p = services.register_project(
        actor=SYSTEM,
        code="T-0901",
        name="第一中学围墙改造工程",
        owner=d.orgs["school"],
        industry=Industry.HOUSING,
        contract_amount=Decimal("1200000"),
        industry_authority=d.orgs["housing"],
        owner_leader=d.users["school_leader"].person,
        status=ProjectStatus.ACCEPTED,
        is_platform_covered=False,
    )
    d.ctx["p"] = p
    app = services.apply_data_completion(
        actor=d.actor("school_leader"), project=p, reason="平台上线前实施", upload=f.pdf()
    )
    services.decide_data_completion(actor=d.actor("edu_admin"), application=app, approve=True)
    d.ctx["app"] = app


def backfilled(d) -> None:  # type: ignore[no-untyped-def]
    backfill(d)
    p = d.ctx["p"]
    services.backfill_dates(
        actor=d.actor("school_leader"),
        project=p,
        actual_start=dt.date(2025, 3, 1),
        actual_completion=dt.date(2025, 9, 1),
    )
    f.contract(d, p, "contractor_b", ParticipantRole.CONTRACTOR)
    f.contract(d, p, "supervisor_a", ParticipantRole.SUPERVISING_FIRM)
    f.name_person(d, p, Position.PROJECT_MANAGER, started_on=dt.date(2025, 3, 1))
    f.name_person(d, p, Position.CHIEF_SUPERVISING_ENGINEER, started_on=dt.date(2025, 3, 1))


def school_document(d) -> None:  # type: ignore[no-untyped-def]
    d.ctx["doc"] = f.uploaded(d, d.projects["p_school"], DocumentCategory.MANAGEMENT_RULES)


def imported(d) -> None:  # type: ignore[no-untyped-def]
    from postaward.projects import imports

    d.ctx["batch"] = imports.import_awards(
        actor=d.actor("office_staff"),
        data=json.dumps(f.ocds_package(f.ocds_release(d))),
        fmt="ocds",
        channel="api",
    ).batch


# --- bodies --------------------------------------------------------------------------------------


def _ocds(d):  # type: ignore[no-untyped-def]
    return json.dumps(
        f.ocds_package(f.ocds_release(d)), ensure_ascii=False
    ).encode(), "application/json"


def _csv(d):  # type: ignore[no-untyped-def]
    return f.csv_text(d, [f.csv_row(d)]).encode("utf-8"), "text/csv"


def _interview(d):  # type: ignore[no-untyped-def]
    p = d.ctx["p"]
    return {
        "held_on": _today(),
        "topics": list(InterviewTopic.values),
        "attendees": [
            {"organisation_id": p.owner_id, "name": "张校长", "title": "校长"},
            {"organisation_id": d.orgs["contractor_b"].pk, "name": "李经理", "title": "项目经理"},
        ],
        "record_document_id": d.ctx["doc"].pk,
    }


def _assignment(d):  # type: ignore[no-untyped-def]
    return {
        "participant_id": d.ctx["part"].pk,
        "person_id": d.ctx["person"].pk,
        "position": "project_manager",
        "started_on": _today(),
        "certificate_id": d.ctx["cert"].pk,
    }


def _subcontract(d):  # type: ignore[no-untyped-def]
    from postaward.testing import uscc

    return {
        "participant_id": d.ctx["part"].pk,
        "subcontractor_name": "丙劳务有限公司",
        "subcontractor_uscc": d.ctx.setdefault("uscc", uscc()),
        "scope": "主体结构劳务分包",
        "signed_on": _today(),
        "document_id": d.ctx["doc"].pk,
    }


def _document(d):  # type: ignore[no-untyped-def]
    return {
        "category": "management_rules",
        "title": "项目管理制度",
        "filename": "管理制度.pdf",
        "content_base64": base64.b64encode(minimal_pdf(["rules"])).decode(),
    }


P = _p()
ANY = {"any_role": True}


def _reads(setup=None, key: str = "p_school") -> dict:  # type: ignore[no-untyped-def]
    """A project sub-resource read: any role that sees the project; the owner of
    another unit and a contractor not on the project get 404."""
    path = _p(key)
    return {
        "ok": Call("school_leader", path=path),
        "any_role": True,
        "out": (
            Call("hospital_admin", path=path),
            Call("contractor_a_admin" if key != "p_school" else "transport_staff", path=path),
        ),
        "setup": setup,
    }


ROUTES: dict[str, Route] = {
    # --- registry-wide ---------------------------------------------------------------------------
    "POST /api/v1/projects": Route(
        ok=Call(
            "school_leader",
            body=lambda d: {
                "name": "第一中学食堂改造工程",
                "procurement_method": "direct_award",
                "industry": "housing",
                "contract_amount": "3500000.00",
                "is_small_works": True,
            },
            status=201,
        ),
        wrong=(
            Call(
                "housing_staff",
                body=lambda d: {
                    "name": "越权录入的工程",
                    "procurement_method": "emergency",
                    "industry": "housing",
                    "contract_amount": "100000",
                },
            ),
            Call(
                "contractor_a_admin",
                body=lambda d: {
                    "name": "越权录入的工程",
                    "procurement_method": "emergency",
                    "industry": "housing",
                    "contract_amount": "100000",
                },
            ),
        ),
        no_scope="the project is created in the caller's own organisation (R-PRJ-02)",
    ),
    "GET /api/v1/projects/stats": Route(
        ok=Call("housing_staff"),
        any_role=True,
        no_scope="counts over selectors.projects(actor); test_api proves the counts are scoped",
    ),
    "GET /api/v1/projects/map": Route(
        ok=Call("housing_staff"),
        any_role=True,
        no_scope="features of selectors.projects(actor); test_api proves the map is scoped",
    ),
    "POST /api/v1/projects/imports/ocds": Route(
        ok=Call("office_staff", raw=_ocds),
        wrong=(Call("school_admin", raw=_ocds), Call("housing_admin", raw=_ocds)),
        no_scope="imports into the importer's own district (the integrator or the office)",
    ),
    "POST /api/v1/projects/imports/csv": Route(
        ok=Call("office_staff", raw=_csv),
        wrong=(Call("school_leader", raw=_csv), Call("contractor_a_admin", raw=_csv)),
        no_scope="imports into the importer's own district (the integrator or the office)",
    ),
    "GET /api/v1/projects/imports": Route(
        ok=Call("office_staff"),
        wrong=(Call("school_admin"), Call("housing_staff")),
        no_scope="the importing organisation's own batches (one office per district)",
        setup=imported,
        must_list=lambda d: {d.ctx["batch"].pk},
    ),
    "GET /api/v1/projects/imports/{import_id}": Route(
        ok=Call("office_staff", path=_ctx("batch", "import_id")),
        wrong=(Call("school_admin", path=_ctx("batch", "import_id")),),
        no_scope="the importing organisation's own batches (one office per district)",
        setup=imported,
    ),
    "GET /api/v1/projects/personnel-bans/check": Route(
        ok=Call(
            "office_staff",
            query=lambda d: {"person_id": d.users["pm_a"].person.pk, "position": "project_manager"},
        ),
        any_role=True,
        out=(
            Call(
                "transport_staff",
                query=lambda d: {
                    "person_id": d.users["pm_a"].person.pk,
                    "position": "project_manager",
                },
            ),
        ),
    ),
    "POST /api/v1/projects/personnel-bans": Route(
        ok=Call(
            "housing_staff",
            body=lambda d: {
                "person_id": d.users["pm_a"].person.pk,
                "source_project_id": d.projects["p_school"].pk,
                "reason": "replaced",
                "position": "project_manager",
            },
            status=201,
        ),
        wrong=tuple(
            Call(
                u,
                body=lambda d: {
                    "person_id": d.users["pm_a"].person.pk,
                    "source_project_id": d.projects["p_school"].pk,
                    "reason": "replaced",
                    "position": "project_manager",
                },
            )
            for u in ("school_admin", "contractor_a_admin")
        ),
        out=(
            Call(
                "transport_staff",
                body=lambda d: {
                    "person_id": d.users["pm_a"].person.pk,
                    "source_project_id": d.projects["p_school"].pk,
                    "reason": "replaced",
                    "position": "project_manager",
                },
            ),
        ),
    ),
    "GET /api/v1/projects/documents/{document_id}": Route(
        ok=Call("pm_a", path=_ctx("doc", "document_id")),
        any_role=True,
        out=(
            Call("contractor_b_admin", path=_ctx("doc", "document_id")),
            Call("transport_staff", path=_ctx("doc", "document_id")),
        ),
        setup=school_document,
    ),
    # --- one project ----------------------------------------------------------------------------------
    "PATCH /api/v1/projects/{project_id}": Route(
        ok=Call("school_leader", path=P, body=lambda d: {"name": "第一中学食堂及连廊改造工程"}),
        wrong=(
            Call("housing_staff", path=P, body=lambda d: {"name": "越权修改的名称"}),
            Call("line_supervisor", path=P, body=lambda d: {"name": "越权修改的名称"}),
        ),
        out=(Call("hospital_admin", path=P, body=lambda d: {"name": "越权修改的名称"}),),
        setup=direct,
    ),
    "PUT /api/v1/projects/{project_id}/site": Route(
        ok=Call(
            "school_leader",
            path=P,
            body=lambda d: {"site_kind": "circle", "lon": 120.871, "lat": 30.031, "radius_m": 160},
        ),
        wrong=(
            Call(
                "housing_staff",
                path=P,
                body=lambda d: {
                    "site_kind": "circle",
                    "lon": 120.871,
                    "lat": 30.031,
                    "radius_m": 160,
                },
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=P,
                body=lambda d: {
                    "site_kind": "circle",
                    "lon": 120.871,
                    "lat": 30.031,
                    "radius_m": 160,
                },
            ),
        ),
        setup=direct,
    ),
    "POST /api/v1/projects/{project_id}/assign": Route(
        ok=Call(
            "housing_admin",
            path=P,
            body=lambda d: {"level": "superior_unit", "target_id": d.orgs["edu"].pk},
        ),
        wrong=(
            Call(
                "housing_staff",
                path=P,
                body=lambda d: {"level": "superior_unit", "target_id": d.orgs["edu"].pk},
            ),
            Call(
                "discipline",
                path=P,
                body=lambda d: {"level": "superior_unit", "target_id": d.orgs["edu"].pk},
            ),
        ),
        out=(
            Call(
                "transport_staff",
                path=P,
                body=lambda d: {"level": "superior_unit", "target_id": d.orgs["edu"].pk},
            ),
        ),
        setup=unassigned,
    ),
    "GET /api/v1/projects/{project_id}/readiness": Route(**_reads(direct, "p")),
    "GET /api/v1/projects/{project_id}/transitions": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/start": Route(
        ok=Call("school_leader", path=P, body=lambda d: {}),
        wrong=(
            Call("housing_staff", path=P, body=lambda d: {}),
            Call("contractor_b_admin", path=P, body=lambda d: {}),
        ),
        out=(Call("hospital_admin", path=P, body=lambda d: {}),),
        setup=ready,
    ),
    "POST /api/v1/projects/{project_id}/complete": Route(
        ok=Call("school_leader", path=P, body=lambda d: {}),
        wrong=(
            Call("housing_staff", path=P, body=lambda d: {}),
            Call("contractor_b_admin", path=P, body=lambda d: {}),
        ),
        out=(Call("hospital_admin", path=P, body=lambda d: {}),),
        setup=started,
    ),
    "POST /api/v1/projects/{project_id}/accept": Route(
        ok=Call(
            "school_leader", path=P, body=lambda d: {"on": _today(), "document_id": d.ctx["doc"].pk}
        ),
        wrong=(
            Call(
                "housing_staff",
                path=P,
                body=lambda d: {"on": _today(), "document_id": d.ctx["doc"].pk},
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=P,
                body=lambda d: {"on": _today(), "document_id": d.ctx["doc"].pk},
            ),
        ),
        setup=accepted,
    ),
    "POST /api/v1/projects/{project_id}/settlement": Route(
        ok=Call(
            "school_leader",
            path=P,
            body=lambda d: {"on": _today(), "amount": "3400000", "route": "audit"},
        ),
        wrong=(
            Call(
                "housing_staff",
                path=P,
                body=lambda d: {"on": _today(), "amount": "3400000", "route": "audit"},
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=P,
                body=lambda d: {"on": _today(), "amount": "3400000", "route": "audit"},
            ),
        ),
        setup=accepted_done,
    ),
    "POST /api/v1/projects/{project_id}/settlement/approve": Route(
        ok=Call("auditor", path=P, body=lambda d: {"on": _today(), "amount": "3300000"}),
        wrong=(
            Call("school_admin", path=P, body=lambda d: {"on": _today(), "amount": "3300000"}),
            Call("housing_admin", path=P, body=lambda d: {"on": _today(), "amount": "3300000"}),
        ),
        out=(Call("hospital_admin", path=P, body=lambda d: {"on": _today(), "amount": "3300000"}),),
        setup=submitted,
    ),
    "POST /api/v1/projects/{project_id}/funds-paid": Route(
        ok=Call("finance", path=P, body=lambda d: {"on": _today()}),
        wrong=(
            Call("school_leader", path=P, body=lambda d: {"on": _today()}),
            Call("auditor", path=P, body=lambda d: {"on": _today()}),
        ),
        out=(Call("hospital_admin", path=P, body=lambda d: {"on": _today()}),),
        setup=settled,
    ),
    "POST /api/v1/projects/{project_id}/deposit-returned": Route(
        ok=Call("school_admin", path=P, body=lambda d: {"on": _today()}),
        wrong=(Call("finance", path=P, body=lambda d: {"on": _today()}),),
        out=(Call("hospital_admin", path=P, body=lambda d: {"on": _today()}),),
        setup=paid,
    ),
    "POST /api/v1/projects/{project_id}/terminate": Route(
        ok=Call(
            "school_admin",
            path=P,
            body=lambda d: {
                "reason": "资金未落实，终止建设",
                "report_document_id": d.ctx["doc"].pk,
            },
        ),
        wrong=(
            Call(
                "school_leader",
                path=P,
                body=lambda d: {
                    "reason": "资金未落实，终止建设",
                    "report_document_id": d.ctx["doc"].pk,
                },
            ),
            Call(
                "housing_staff",
                path=P,
                body=lambda d: {
                    "reason": "资金未落实，终止建设",
                    "report_document_id": d.ctx["doc"].pk,
                },
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=P,
                body=lambda d: {
                    "reason": "资金未落实，终止建设",
                    "report_document_id": d.ctx["doc"].pk,
                },
            ),
        ),
        setup=termination,
    ),
    # --- suspension ------------------------------------------------------------------------------------
    "GET /api/v1/projects/{project_id}/suspensions": Route(**_reads(declared, "p")),
    "POST /api/v1/projects/{project_id}/suspensions": Route(
        ok=Call(
            "school_leader",
            path=P,
            body=lambda d: {"started_at": clock.localtime().isoformat(), "reason": "台风预警停工"},
            status=201,
        ),
        wrong=(
            Call(
                "housing_staff",
                path=P,
                body=lambda d: {
                    "started_at": clock.localtime().isoformat(),
                    "reason": "台风预警停工",
                },
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=P,
                body=lambda d: {
                    "started_at": clock.localtime().isoformat(),
                    "reason": "台风预警停工",
                },
            ),
        ),
        setup=started,
    ),
    "POST /api/v1/projects/suspensions/{suspension_id}/confirm": Route(
        ok=Call(
            "line_supervisor", path=_ctx("s", "suspension_id"), body=lambda d: {"note": "情况属实"}
        ),
        wrong=(Call("school_admin", path=_ctx("s", "suspension_id"), body=lambda d: {"note": ""}),),
        out=(Call("health_line", path=_ctx("s", "suspension_id"), body=lambda d: {"note": ""}),),
        setup=declared,
    ),
    "POST /api/v1/projects/suspensions/{suspension_id}/reject": Route(
        ok=Call(
            "line_supervisor",
            path=_ctx("s", "suspension_id"),
            body=lambda d: {"note": "现场仍在施工"},
        ),
        wrong=(
            Call(
                "school_leader",
                path=_ctx("s", "suspension_id"),
                body=lambda d: {"note": "现场仍在施工"},
            ),
        ),
        out=(
            Call(
                "health_line",
                path=_ctx("s", "suspension_id"),
                body=lambda d: {"note": "现场仍在施工"},
            ),
        ),
        setup=declared,
    ),
    "POST /api/v1/projects/suspensions/{suspension_id}/withdraw": Route(
        ok=Call("school_leader", path=_ctx("s", "suspension_id")),
        wrong=(Call("line_supervisor", path=_ctx("s", "suspension_id")),),
        out=(Call("clinic_admin", path=_ctx("s", "suspension_id")),),
        setup=declared,
    ),
    "POST /api/v1/projects/{project_id}/resume": Route(
        ok=Call("school_leader", path=P, body=lambda d: {"note": "已复工"}),
        wrong=(
            Call("school_admin", path=P, body=lambda d: {"note": ""}),
            Call("line_supervisor", path=P, body=lambda d: {"note": ""}),
        ),
        out=(Call("clinic_leader", path=P, body=lambda d: {"note": ""}),),
        setup=suspended,
    ),
    # --- the registry's steps (projects/steps.py) ------------------------------------------------
    "GET /api/v1/projects/{project_id}/steps": Route(**_reads()),
    # Every step's own rows (wrong role, out of scope, wrong state, in scope) are
    # generated from the registry: core/tests/test_steps_authz.py.
    "POST /api/v1/projects/{project_id}/steps/{name}": Route(
        ok=Call("school_leader", path=lambda d: {"project_id": d.ctx["p"].pk, "name": "complete"}),
        wrong=(
            Call(
                "housing_staff",
                path=lambda d: {"project_id": d.ctx["p"].pk, "name": "complete"},
            ),
            Call(
                "contractor_b_admin",
                path=lambda d: {"project_id": d.ctx["p"].pk, "name": "complete"},
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=lambda d: {"project_id": d.ctx["p"].pk, "name": "complete"},
            ),
        ),
        setup=started,
    ),
    "GET /api/v1/projects/suspensions/{suspension_id}/steps": Route(
        ok=Call("school_leader", path=_ctx("s", "suspension_id")),
        any_role=True,
        out=(Call("clinic_admin", path=_ctx("s", "suspension_id")),),
        setup=declared,
    ),
    "POST /api/v1/projects/suspensions/{suspension_id}/steps/{name}": Route(
        ok=Call(
            "line_supervisor",
            path=lambda d: {"suspension_id": d.ctx["s"].pk, "name": "confirm"},
            body=lambda d: {"note": "情况属实"},
        ),
        wrong=(
            Call(
                "school_admin",
                path=lambda d: {"suspension_id": d.ctx["s"].pk, "name": "confirm"},
                body=lambda d: {"note": ""},
            ),
        ),
        out=(
            Call(
                "health_line",
                path=lambda d: {"suspension_id": d.ctx["s"].pk, "name": "confirm"},
                body=lambda d: {"note": ""},
            ),
        ),
        setup=declared,
    ),
    # --- the registry's steps of applications and events (projects/steps_checks.py) -------------
    "GET /api/v1/projects/data-completions/{application_id}/steps": Route(
        ok=Call("school_leader", path=_ctx("app", "application_id")),
        any_role=True,
        out=(Call("health_admin", path=_ctx("app", "application_id")),),
        setup=application,
    ),
    "POST /api/v1/projects/data-completions/{application_id}/steps/{name}": Route(
        ok=Call(
            "edu_admin",
            path=lambda d: {"application_id": d.ctx["app"].pk, "name": "approve"},
            body=lambda d: {"note": "同意补全"},
        ),
        wrong=(
            Call(
                "school_admin",
                path=lambda d: {"application_id": d.ctx["app"].pk, "name": "approve"},
                body=lambda d: {"note": ""},
            ),
            Call(
                "housing_admin",
                path=lambda d: {"application_id": d.ctx["app"].pk, "name": "approve"},
                body=lambda d: {"note": ""},
            ),
        ),
        out=(
            Call(
                "health_admin",
                path=lambda d: {"application_id": d.ctx["app"].pk, "name": "approve"},
                body=lambda d: {"note": ""},
            ),
        ),
        setup=application,
    ),
    "GET /api/v1/projects/abnormal-events/{event_id}/steps": Route(
        ok=Call("housing_staff", path=_ctx("e", "event_id")),
        any_role=True,
        out=(Call("transport_staff", path=_ctx("e", "event_id")),),
        setup=abnormal,
    ),
    "POST /api/v1/projects/abnormal-events/{event_id}/steps/{name}": Route(
        ok=Call(
            "housing_staff",
            path=lambda d: {"event_id": d.ctx["e"].pk, "name": "file"},
            body=lambda d: {"note": "理由正当"},
        ),
        wrong=(
            Call(
                "school_admin",
                path=lambda d: {"event_id": d.ctx["e"].pk, "name": "file"},
                body=lambda d: {"note": "理由正当"},
            ),
        ),
        out=(
            Call(
                "transport_staff",
                path=lambda d: {"event_id": d.ctx["e"].pk, "name": "file"},
                body=lambda d: {"note": "理由正当"},
            ),
        ),
        setup=abnormal,
    ),
    "GET /api/v1/projects/{project_id}/suspended-dates": Route(
        ok=Call("pm_a", path=_school, query=lambda d: {"start": "2026-01-01", "end": "2026-12-31"}),
        any_role=True,
        out=(
            Call(
                "hospital_admin",
                path=_school,
                query=lambda d: {"start": "2026-01-01", "end": "2026-12-31"},
            ),
        ),
    ),
    # --- participants and key personnel -----------------------------------------------------------
    "GET /api/v1/projects/{project_id}/participants": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/participants": Route(
        ok=Call(
            "school_leader",
            path=P,
            body=lambda d: {
                "organisation_id": d.orgs["contractor_b"].pk,
                "role": "contractor",
                "contract_number": "HT-001",
            },
            status=201,
        ),
        wrong=(
            Call(
                "housing_staff",
                path=P,
                body=lambda d: {"organisation_id": d.orgs["contractor_b"].pk, "role": "contractor"},
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=P,
                body=lambda d: {"organisation_id": d.orgs["contractor_b"].pk, "role": "contractor"},
            ),
        ),
        setup=direct,
    ),
    "GET /api/v1/projects/{project_id}/assignments": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/assignments": Route(
        ok=Call("school_leader", path=P, body=_assignment, status=201),
        wrong=(
            Call("housing_staff", path=P, body=_assignment),
            Call("supervisor_a_admin", path=P, body=_assignment),
        ),
        out=(Call("hospital_admin", path=P, body=_assignment),),
        setup=with_two_firms,
    ),
    "PATCH /api/v1/projects/assignments/{assignment_id}": Route(
        ok=Call(
            "school_leader",
            path=_ctx("a", "assignment_id"),
            body=lambda d: {"must_check_in": False},
        ),
        wrong=(
            Call(
                "housing_staff",
                path=_ctx("a", "assignment_id"),
                body=lambda d: {"must_check_in": False},
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=_ctx("a", "assignment_id"),
                body=lambda d: {"must_check_in": False},
            ),
        ),
        setup=assignment,
    ),
    "POST /api/v1/projects/assignments/{assignment_id}/end": Route(
        ok=Call(
            "school_leader",
            path=_ctx("a", "assignment_id"),
            body=lambda d: {"ended_on": _today(), "reason": "合同约定调整"},
        ),
        wrong=(
            Call(
                "contractor_b_admin",
                path=_ctx("a", "assignment_id"),
                body=lambda d: {"ended_on": _today(), "reason": "合同约定调整"},
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=_ctx("a", "assignment_id"),
                body=lambda d: {"ended_on": _today(), "reason": "合同约定调整"},
            ),
        ),
        setup=assignment,
    ),
    "GET /api/v1/projects/{project_id}/checkin-stages": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/checkin-stages": Route(
        ok=Call(
            "school_leader",
            path=_school,
            body=lambda d: {
                "position": "technical_lead",
                "name": "基础施工",
                "starts_on": _today(),
                "ends_on": "2026-12-31",
            },
            status=201,
        ),
        wrong=(
            Call(
                "pm_a",
                path=_school,
                body=lambda d: {
                    "position": "technical_lead",
                    "name": "基础施工",
                    "starts_on": _today(),
                    "ends_on": "2026-12-31",
                },
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=_school,
                body=lambda d: {
                    "position": "technical_lead",
                    "name": "基础施工",
                    "starts_on": _today(),
                    "ends_on": "2026-12-31",
                },
            ),
        ),
    ),
    "DELETE /api/v1/projects/checkin-stages/{stage_id}": Route(
        ok=Call("school_leader", path=_ctx("stage", "stage_id"), status=204),
        wrong=(
            Call("housing_staff", path=_ctx("stage", "stage_id")),
            Call("chief_a", path=_ctx("stage", "stage_id")),
        ),
        out=(Call("hospital_admin", path=_ctx("stage", "stage_id")),),
        setup=stage,
    ),
    "GET /api/v1/projects/{project_id}/checkin-duty": Route(**_reads()),
    # --- interviews, abnormal events, subcontracts ---------------------------------------------------
    "GET /api/v1/projects/{project_id}/interviews": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/interviews": Route(
        ok=Call("school_leader", path=P, body=_interview, status=201),
        wrong=(
            Call("contractor_b_admin", path=P, body=_interview),
            Call("line_supervisor", path=P, body=_interview),
        ),
        out=(Call("hospital_admin", path=P, body=_interview),),
        setup=tendered,
    ),
    "GET /api/v1/projects/{project_id}/abnormal-events": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/abnormal-events": Route(
        ok=Call(
            "school_leader",
            path=P,
            body=lambda d: {
                "kind": "winner_abandoned",
                "occurred_on": _today(),
                "party_name": "乙建设有限公司",
                "reason": "中标人以资金困难为由放弃",
            },
            status=201,
        ),
        wrong=(
            Call(
                "line_supervisor",
                path=P,
                body=lambda d: {
                    "kind": "winner_abandoned",
                    "occurred_on": _today(),
                    "reason": "越权登记的异常",
                },
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=P,
                body=lambda d: {
                    "kind": "winner_abandoned",
                    "occurred_on": _today(),
                    "reason": "越权登记的异常",
                },
            ),
        ),
        setup=tendered,
    ),
    "POST /api/v1/projects/abnormal-events/{event_id}/review": Route(
        ok=Call(
            "housing_staff",
            path=_ctx("e", "event_id"),
            body=lambda d: {"valid_reason": True, "note": "理由正当"},
        ),
        wrong=(
            Call(
                "school_admin",
                path=_ctx("e", "event_id"),
                body=lambda d: {"valid_reason": True, "note": "理由正当"},
            ),
        ),
        out=(
            Call(
                "transport_staff",
                path=_ctx("e", "event_id"),
                body=lambda d: {"valid_reason": True, "note": "理由正当"},
            ),
        ),
        setup=abnormal,
    ),
    "GET /api/v1/projects/{project_id}/subcontracts": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/subcontracts": Route(
        ok=Call("contractor_b_admin", path=P, body=_subcontract, status=201),
        wrong=(
            Call("school_leader", path=P, body=_subcontract),
            Call("supervisor_a_admin", path=P, body=_subcontract),
        ),
        out=(Call("contractor_a_admin", path=P, body=_subcontract),),
        setup=subcontract,
    ),
    "GET /api/v1/projects/{project_id}/agreements": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/agreements": Route(
        ok=Call("contractor_b_admin", path=P, body=_agreement, status=201),
        wrong=(
            Call("line_supervisor", path=P, body=_agreement),
            Call("office_staff", path=P, body=_agreement),
        ),
        out=(Call("contractor_a_admin", path=P, body=_agreement),),
        setup=agreement_ready,
    ),
    # --- coverage (R-PRJ-05) ------------------------------------------------------------------------
    "POST /api/v1/projects/{project_id}/coverage": Route(
        ok=Call("office_staff", path=_school, body=lambda d: {"note": "实施过程未在平台登记"}),
        wrong=(
            Call("school_admin", path=_school, body=lambda d: {"note": "实施过程未在平台登记"}),
            Call("pm_a", path=_school, body=lambda d: {"note": "实施过程未在平台登记"}),
        ),
        out=(
            Call("transport_staff", path=_school, body=lambda d: {"note": "实施过程未在平台登记"}),
        ),
    ),
    "GET /api/v1/projects/{project_id}/data-completions": Route(**_reads()),
    "POST /api/v1/projects/{project_id}/data-completions": Route(
        ok=Call(
            "school_leader",
            path=_school,
            body=lambda d: {
                "reason": "实施时未及时录入",
                "application_document_id": d.ctx["doc"].pk,
            },
            status=201,
        ),
        wrong=(
            Call(
                "housing_staff",
                path=_school,
                body=lambda d: {
                    "reason": "实施时未及时录入",
                    "application_document_id": d.ctx["doc"].pk,
                },
            ),
        ),
        out=(
            Call(
                "clinic_admin",
                path=_school,
                body=lambda d: {
                    "reason": "实施时未及时录入",
                    "application_document_id": d.ctx["doc"].pk,
                },
            ),
        ),
        setup=uncovered,
    ),
    "POST /api/v1/projects/data-completions/{application_id}/decide": Route(
        ok=Call("edu_admin", path=_ctx("app", "application_id"), body=lambda d: {"approve": True}),
        wrong=(
            Call(
                "school_admin", path=_ctx("app", "application_id"), body=lambda d: {"approve": True}
            ),
            Call(
                "housing_admin",
                path=_ctx("app", "application_id"),
                body=lambda d: {"approve": True},
            ),
        ),
        out=(
            Call(
                "health_admin", path=_ctx("app", "application_id"), body=lambda d: {"approve": True}
            ),
        ),
        setup=application,
    ),
    "POST /api/v1/projects/data-completions/{application_id}/backfilled": Route(
        ok=Call("school_leader", path=_ctx("app", "application_id")),
        wrong=(
            Call("housing_staff", path=_ctx("app", "application_id")),
            Call("edu_admin", path=_ctx("app", "application_id")),
        ),
        out=(Call("clinic_admin", path=_ctx("app", "application_id")),),
        setup=backfilled,
    ),
    "PUT /api/v1/projects/{project_id}/backfill-dates": Route(
        ok=Call(
            "school_leader",
            path=P,
            body=lambda d: {"actual_start": "2025-03-01", "actual_completion": "2025-09-01"},
        ),
        wrong=(Call("housing_staff", path=P, body=lambda d: {"actual_start": "2025-03-01"}),),
        out=(Call("clinic_admin", path=P, body=lambda d: {"actual_start": "2025-03-01"}),),
        setup=backfill,
    ),
    # --- documents and archive -------------------------------------------------------------------
    "GET /api/v1/projects/{project_id}/documents": Route(**_reads(school_document)),
    "POST /api/v1/projects/{project_id}/documents": Route(
        ok=Call("school_leader", path=_school, body=_document, status=201),
        wrong=(
            Call("contractor_a_admin", path=_school, body=_document),
            Call("housing_staff", path=_school, body=_document),
        ),
        out=(Call("hospital_admin", path=_school, body=_document),),
    ),
    "GET /api/v1/projects/{project_id}/timeline": Route(**_reads()),
    "GET /api/v1/projects/{project_id}/archive.pdf": Route(**_reads()),
}

_ = Hidden
