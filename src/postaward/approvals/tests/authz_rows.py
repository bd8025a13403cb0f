"""Rows of the API authorization table for the approval routes (collected by
``postaward/orgs/tests/test_api_authorization.py``): anonymous 401, wrong role
403, out of scope 404 (or absent from a list), in scope 2xx, and a denied write
changes nothing (R-ORG-03, R-ORG-04)."""

from __future__ import annotations

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


def _id(name: str, param: str) -> Fn:
    return lambda d: {param: d.ctx[name].pk}


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
