"""Tender agents, appraisals, expert pool, events and grades, through the
services (fixed values; R-SCO-05, R-SCO-06, R-SCO-09)."""

from __future__ import annotations

from typing import Any

from postaward.core import clock, steps
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation, Person
from postaward.testing import District, org, person

from .. import services_agents as svc
from ..models import AgentAppraisal, EvaluationEvent, ExpertEvaluation, ExpertPoolMember


def agent(d: District, key: str, name: str) -> Organisation:
    if key not in d.orgs:
        found = Organisation.objects.filter(name=name).first()
        d.orgs[key] = found or org(d.orgs["office"], name, OrgKind.TENDER_AGENT)
    return d.orgs[key]


def appraisal(
    d: District, a: Organisation, grade: str, *, year: int | None = None, approve: bool = True
) -> AgentAppraisal:
    """The office's appraisal of ``a`` (recorded by office_staff, approved by office_admin)."""
    x = svc.record_appraisal(
        actor=d.actor("office_staff"),
        agent_id=a.pk,
        year=year or clock.today().year - 1,
        grade=grade,
        reasons="人员稳定，内控制度健全，全年无不良行为记录",
    )
    if approve:
        from ..steps_agents import APPROVE

        steps.take(APPROVE, x, d.actor("office_admin"))
        x.refresh_from_db()
    return x


def rated_agents(d: District) -> tuple[Organisation, Organisation]:
    """Agent 甲 appraised 良好 (best-rated), agent 乙 appraised 合格 (not)."""
    good = agent(d, "agent_good", "甲招标代理有限公司")
    poor = agent(d, "agent_poor", "乙招标代理有限公司")
    if not AgentAppraisal.objects.filter(agent=good).exists():
        appraisal(d, good, "good")
        appraisal(d, poor, "pass")
    return good, poor


def submitted_appraisal(d: District) -> AgentAppraisal:
    a = agent(d, "agent_good", "甲招标代理有限公司")
    return appraisal(d, a, "excellent", approve=False)


def expert(d: District, name: str = "王评审") -> Person:
    """A person of an enterprise (the supervising firm), admitted to the pool."""
    p = Person.objects.filter(name=name).first() or person(d.orgs["supervisor_a"], name=name)
    if not ExpertPoolMember.objects.filter(person=p).exists():
        svc.admit_expert(actor=d.actor("office_staff"), person_id=p.pk, specialty="房建施工")
    return p


def event(d: District) -> EvaluationEvent:
    """The school's evaluation of the teaching building's bids, two experts."""
    experts = [expert(d, "王评审"), expert(d, "李评审")]
    return svc.record_event(
        actor=d.actor("school_admin"),
        project_id=d.projects["p_school"].pk,
        title="教学楼工程施工招标",
        held_on=clock.today(),
        expert_ids=[p.pk for p in experts],
    )


def graded(d: District, grade: str = "C", user: str = "school_admin") -> ExpertEvaluation:
    e = event(d)
    return svc.evaluate_expert(
        actor=d.actor(user),
        event_id=e.pk,
        expert_id=e.experts.order_by("pk").first().pk,  # type: ignore[union-attr]
        grade=grade,
        reasons="评标打分明显偏向个别投标人，且未说明理由",
    )


def report(d: District) -> Any:
    return graded(d, "C").report


def agent_admin(d: District) -> str:
    """The administrator of agent 甲 (username ``agent_admin``)."""
    from postaward.orgs.choices import Role
    from postaward.orgs.models import User
    from postaward.testing import account

    a = agent(d, "agent_good", "甲招标代理有限公司")
    if "agent_admin" not in d.users:
        found = User.objects.filter(username="agent_admin").first()
        d.users["agent_admin"] = found or account(a, "agent_admin", [Role.ADMIN])
    return "agent_admin"


DISCLOSURE = {
    "staff_count": 24,
    "registered_count": 9,
    "qualifications": "工程招标代理（原甲级），政府采购代理",
    "internal_controls": "项目负责人制度、保密制度、档案管理制度、廉洁从业制度",
    "performance": "2025年代理房建市政项目38个",
}


def disclosure(d: District) -> Any:
    user = agent_admin(d)
    return svc.save_disclosure(actor=d.actor(user), **DISCLOSURE)


def neighbour_office(d: District) -> str:
    """A staff account of another district's office (username ``neighbour_office``)."""
    from postaward.orgs.choices import Role
    from postaward.orgs.models import User
    from postaward.testing import account

    if "neighbour_office" not in d.users:
        found = User.objects.filter(username="neighbour_office").first()
        if found is None:
            office = org(None, "邻区监管办", OrgKind.SUPERVISION_OFFICE)
            found = account(office, "neighbour_office", [Role.OFFICE_STAFF])
        d.users["neighbour_office"] = found
    return "neighbour_office"


def disclosure_with_neighbour(d: District) -> Any:
    neighbour_office(d)
    return disclosure(d)
