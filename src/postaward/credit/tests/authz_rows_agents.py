"""Authorization rows of the agents and experts part (R-SCO-05, R-SCO-06,
R-SCO-09): anonymous 401, no role 403, wrong role 403, out of scope 404 /
absent, in scope 2xx."""

from __future__ import annotations

from typing import Any

from postaward.core import clock
from postaward.orgs.models import Person
from postaward.orgs.tests.authz import Call, Hidden, Route
from postaward.testing import person

from . import factories_agents as f


def _appraisal(d: Any) -> None:
    d.ctx["appraisal"] = f.submitted_appraisal(d)


def _choice(d: Any) -> None:
    good, _ = f.rated_agents(d)
    from .. import services_agents

    d.ctx["choice"] = services_agents.choose_agent(
        actor=d.actor("school_admin"),
        project_id=d.projects["p_school"].pk,
        agent_id=good.pk,
        method="比选",
    )


def _event(d: Any) -> None:
    d.ctx["event"] = f.event(d)


def _report(d: Any) -> None:
    d.ctx["report"] = f.report(d)


def _pool(d: Any) -> None:
    d.ctx["expert"] = f.expert(d)
    d.ctx["candidate"] = person(d.orgs["contractor_b"], name="郑候选")


def _id(key: str, param: str, name: str | None = None) -> Any:
    def path(d: Any) -> dict[str, Any]:
        out: dict[str, Any] = {param: d.ctx[key].pk}
        if name:
            out["name"] = name
        return out

    return path


def _named(name: str) -> Any:
    from postaward.orgs.models import Organisation

    return Organisation.objects.get(name=name)


def _appraisal_body(d: Any) -> dict[str, Any]:
    a = _named("甲招标代理有限公司")
    return {
        "agent_id": a.pk,
        "year": clock.today().year - 1,
        "grade": "good",
        "reasons": "人员稳定，内控制度健全",
    }


def _choice_body(d: Any) -> dict[str, Any]:
    good = _named("甲招标代理有限公司")
    return {"project_id": d.projects["p_school"].pk, "agent_id": good.pk, "method": "比选"}


def _event_body(d: Any) -> dict[str, Any]:
    return {
        "project_id": d.projects["p_school"].pk,
        "title": "教学楼工程监理招标",
        "held_on": clock.today().isoformat(),
        "expert_ids": [Person.objects.get(name="王评审").pk],
    }


def _grade(d: Any) -> dict[str, Any]:
    return {
        "expert_id": d.ctx["event"].experts.first().pk,
        "grade": "B",
        "reasons": "评标认真，遵守纪律",
    }


def _disclosure(d: Any) -> None:
    d.ctx["disclosure"] = f.disclosure_with_neighbour(d)


def _agent_path(d: Any) -> dict[str, Any]:
    return {"agent_id": d.orgs["agent_good"].pk}


NOTE = {"note": "与人员库核对一致"}

DECISION = {"decision": "经调查核实，评标打分明显失当"}
RETURN = {"reason": "考评理由不充分"}

ROUTES = {
    "GET /api/v1/credit/agents/{agent_id}": Route(
        setup=_disclosure,
        ok=Call("school_admin", path=_agent_path),
        any_role=True,
        # another district's office does not find the agent
        out=(Call("neighbour_office", path=_agent_path, status=404),),
    ),
    "PUT /api/v1/credit/agent-disclosure": Route(
        setup=lambda d: f.agent_admin(d) and None,
        ok=Call("agent_admin", body=lambda d: f.DISCLOSURE),
        wrong=(
            Call("office_staff", body=lambda d: f.DISCLOSURE),
            Call("contractor_a_admin", body=lambda d: f.DISCLOSURE),
        ),
        no_scope="an agent's administrator files only its own agency's disclosure "
        "(the organisation is the account's own)",
    ),
    "GET /api/v1/credit/agent-disclosures/{disclosure_id}/steps": Route(
        setup=_disclosure,
        ok=Call("office_staff", path=_id("disclosure", "disclosure_id")),
        any_role=True,
        out=(Call("neighbour_office", path=_id("disclosure", "disclosure_id"), status=404),),
    ),
    "POST /api/v1/credit/agent-disclosures/{disclosure_id}/steps/{name}": Route(
        setup=_disclosure,
        ok=Call(
            "office_staff", path=_id("disclosure", "disclosure_id", "check"), body=lambda d: NOTE
        ),
        wrong=(
            Call(
                "agent_admin", path=_id("disclosure", "disclosure_id", "check"), body=lambda d: NOTE
            ),
            Call(
                "housing_staff",
                path=_id("disclosure", "disclosure_id", "check"),
                body=lambda d: NOTE,
            ),
        ),
        out=(
            Call(
                "neighbour_office",
                path=_id("disclosure", "disclosure_id", "check"),
                body=lambda d: NOTE,
                status=404,
            ),
        ),
    ),
    "GET /api/v1/credit/agents": Route(
        setup=lambda d: f.rated_agents(d) and None,
        ok=Call("school_admin"),
        any_role=True,
        no_scope="the agents' register and their appraisal grades are public information "
        "(LC 三: 综合情况进行公示); every signed-in account reads it",
        list_key="agent_id",
        must_list=lambda d: {d.orgs["agent_good"].pk},
    ),
    "GET /api/v1/credit/agent-appraisals": Route(
        setup=_appraisal,
        ok=Call("housing_staff"),
        any_role=True,
        out=(Hidden("school_admin", lambda d: {d.ctx["appraisal"].pk}),),
        must_list=lambda d: {d.ctx["appraisal"].pk},
    ),
    "GET /api/v1/credit/agent-appraisals/{appraisal_id}": Route(
        setup=_appraisal,
        ok=Call("office_staff", path=_id("appraisal", "appraisal_id")),
        any_role=True,
        out=(Call("school_admin", path=_id("appraisal", "appraisal_id"), status=404),),
    ),
    "POST /api/v1/credit/agent-appraisals": Route(
        setup=lambda d: f.agent(d, "agent_good", "甲招标代理有限公司") and None,
        ok=Call("office_staff", body=_appraisal_body, status=201),
        wrong=(
            Call("housing_staff", body=_appraisal_body),
            Call("school_admin", body=_appraisal_body),
        ),
        no_scope="the office appraises every agent of its district (one district per installation)",
    ),
    "GET /api/v1/credit/agent-appraisals/{appraisal_id}/steps": Route(
        setup=_appraisal,
        ok=Call("office_admin", path=_id("appraisal", "appraisal_id")),
        any_role=True,
        out=(Call("school_admin", path=_id("appraisal", "appraisal_id"), status=404),),
    ),
    "POST /api/v1/credit/agent-appraisals/{appraisal_id}/steps/{name}": Route(
        setup=_appraisal,
        ok=Call(
            "office_admin", path=_id("appraisal", "appraisal_id", "return"), body=lambda d: RETURN
        ),
        wrong=(
            Call(
                "housing_staff",
                path=_id("appraisal", "appraisal_id", "return"),
                body=lambda d: RETURN,
            ),
            # the recorder may not approve or return his own appraisal (four eyes)
            Call(
                "office_staff",
                path=_id("appraisal", "appraisal_id", "return"),
                body=lambda d: RETURN,
            ),
        ),
        out=(
            Call(
                "school_admin",
                path=_id("appraisal", "appraisal_id", "return"),
                body=lambda d: RETURN,
                status=404,
            ),
        ),
    ),
    "GET /api/v1/credit/agent-choices": Route(
        setup=_choice,
        ok=Call("discipline"),
        any_role=True,
        out=(Hidden("hospital_admin", lambda d: {d.ctx["choice"].pk}),),
        must_list=lambda d: {d.ctx["choice"].pk},
    ),
    "GET /api/v1/credit/agent-choices/{choice_id}": Route(
        setup=_choice,
        ok=Call("school_admin", path=_id("choice", "choice_id")),
        any_role=True,
        out=(Call("hospital_admin", path=_id("choice", "choice_id"), status=404),),
    ),
    "POST /api/v1/credit/agent-choices": Route(
        setup=lambda d: f.rated_agents(d) and None,
        ok=Call("school_admin", body=_choice_body, status=201),
        wrong=(Call("office_staff", body=_choice_body), Call("discipline", body=_choice_body)),
        # another owner: the project is not visible to it
        out=(Call("hospital_admin", body=_choice_body, status=404),),
    ),
    "GET /api/v1/credit/expert-pool": Route(
        setup=_pool,
        ok=Call("office_staff"),
        any_role=True,
        out=(Hidden("school_admin", lambda d: {d.ctx["expert"].expert_pool.pk}),),
        must_list=lambda d: {d.ctx["expert"].expert_pool.pk},
    ),
    "POST /api/v1/credit/expert-pool": Route(
        setup=_pool,
        ok=Call(
            "office_staff",
            body=lambda d: {"person_id": d.ctx["candidate"].pk, "specialty": "市政"},
            status=201,
        ),
        wrong=(
            Call(
                "housing_staff",
                body=lambda d: {"person_id": d.ctx["candidate"].pk, "specialty": "市政"},
            ),
            Call(
                "school_admin",
                body=lambda d: {"person_id": d.ctx["candidate"].pk, "specialty": "市政"},
            ),
        ),
        no_scope="the office keeps the district's one pool; the people registry is checked "
        "for officials (tested in test_experts.py)",
    ),
    "GET /api/v1/credit/evaluation-events": Route(
        setup=_event,
        ok=Call("school_admin"),
        any_role=True,
        out=(Hidden("hospital_admin", lambda d: {d.ctx["event"].pk}),),
        must_list=lambda d: {d.ctx["event"].pk},
    ),
    "GET /api/v1/credit/evaluation-events/{event_id}": Route(
        setup=_event,
        ok=Call("office_staff", path=_id("event", "event_id")),
        any_role=True,
        out=(Call("hospital_admin", path=_id("event", "event_id"), status=404),),
    ),
    "POST /api/v1/credit/evaluation-events": Route(
        setup=lambda d: f.expert(d) and None,
        ok=Call("school_admin", body=_event_body, status=201),
        wrong=(
            Call("contractor_a_admin", body=_event_body),
            Call("housing_staff", body=_event_body),
        ),
        out=(Call("hospital_admin", body=_event_body, status=404),),
    ),
    "POST /api/v1/credit/evaluation-events/{event_id}/evaluations": Route(
        setup=_event,
        ok=Call("school_admin", path=_id("event", "event_id"), body=_grade, status=201),
        wrong=(Call("contractor_a_admin", path=_id("event", "event_id"), body=_grade),),
        out=(Call("hospital_admin", path=_id("event", "event_id"), body=_grade, status=404),),
    ),
    "GET /api/v1/credit/expert-reports": Route(
        setup=_report,
        ok=Call("office_staff"),
        any_role=True,
        out=(Hidden("hospital_admin", lambda d: {d.ctx["report"].pk}),),
        must_list=lambda d: {d.ctx["report"].pk},
    ),
    "GET /api/v1/credit/expert-reports/{report_id}": Route(
        setup=_report,
        ok=Call("school_admin", path=_id("report", "report_id")),
        any_role=True,
        out=(Call("hospital_admin", path=_id("report", "report_id"), status=404),),
    ),
    "GET /api/v1/credit/expert-reports/{report_id}/steps": Route(
        setup=_report,
        ok=Call("office_staff", path=_id("report", "report_id")),
        any_role=True,
        out=(Call("hospital_admin", path=_id("report", "report_id"), status=404),),
    ),
    "POST /api/v1/credit/expert-reports/{report_id}/steps/{name}": Route(
        setup=_report,
        ok=Call(
            "office_staff", path=_id("report", "report_id", "suspend"), body=lambda d: DECISION
        ),
        wrong=(
            Call(
                "school_admin", path=_id("report", "report_id", "suspend"), body=lambda d: DECISION
            ),
        ),
        out=(
            Call(
                "hospital_admin",
                path=_id("report", "report_id", "suspend"),
                body=lambda d: DECISION,
                status=404,
            ),
        ),
    ),
}
