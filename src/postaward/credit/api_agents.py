"""API of the tender agents and evaluation experts part under ``/api/v1/credit``
(R-SCO-05, R-SCO-06, R-SCO-09; ADR 0680): the agents' register with their
latest appraisal, the yearly appraisals (record, approve/return steps), the
owners' choices of agents, the expert pool, evaluation events with one grade
per expert per side, and the C/D reports (suspend/remove/dismiss steps).
Creating POSTs take an Idempotency-Key."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from postaward.core import steps
from postaward.core.api_base import LimitOffset, StrictIn, actor, idempotency_key, responses
from postaward.core.errors import Forbidden, NotFound
from postaward.core.masking import mask_name
from postaward.core.types import Date, Id, StrictId
from postaward.orgs.choices import OrgKind
from postaward.orgs.models import Organisation

from . import services_agents as svc
from .models import (
    AgentAppraisal,
    AgentChoice,
    AgentDisclosure,
    AppraisalGrade,
    EvaluationEvent,
    ExpertEvaluation,
    ExpertGrade,
    ExpertPoolMember,
    ExpertReport,
)
from .steps_agents import WF_APPRAISAL, WF_DISCLOSURE, WF_REPORT, load_appraisal, load_report

router = Router(tags=["信用管理"])


# --- agents and appraisals ----------------------------------------------------------------


class AgentOut(Schema):
    agent_id: int
    name: str
    uscc: str
    latest_year: int | None
    latest_grade: str
    best_rated: bool = Field(description="择优范围：最近一次已审定的年度考评为优秀或良好")


@router.get("/agents", response=responses(list[AgentOut]), summary="招标代理机构名录及考评结果")
def list_agents(request: HttpRequest) -> Any:
    a = actor(request)
    return [
        {
            "agent_id": r["agent"].pk,
            "name": r["agent"].name,
            "uscc": r["agent"].uscc or "",
            "latest_year": r["appraisal"].year if r["appraisal"] else None,
            "latest_grade": r["appraisal"].get_grade_display() if r["appraisal"] else "",
            "best_rated": r["best_rated"],
        }
        for r in svc.ranking(a.district_path)
    ]


class DisclosureOut(Schema):
    id: int
    agent_id: int
    agent: str
    staff_count: int
    registered_count: int
    qualifications: str
    internal_controls: str
    performance: str
    state: str
    state_label: str
    check_note: str
    updated_at: dt.datetime


def disclosure_out(x: AgentDisclosure) -> dict[str, Any]:
    return {
        "id": x.pk,
        "agent_id": x.agent_id,
        "agent": x.agent.name,
        "staff_count": x.staff_count,
        "registered_count": x.registered_count,
        "qualifications": x.qualifications,
        "internal_controls": x.internal_controls,
        "performance": x.performance,
        "state": x.state,
        "state_label": x.get_state_display(),
        "check_note": x.check_note,
        "updated_at": x.updated_at,
    }


class AgentCardOut(Schema):
    agent_id: int
    name: str
    people: int = Field(description="人员库登记的在职人员")
    certified: int = Field(description="其中持有证书的人员")
    projects: int = Field(description="平台上作为招标代理机构参与的项目")
    best_rated: bool
    rating_note: str
    appraisals: list[dict[str, Any]]
    annual_year: int | None
    annual_score: str | None
    colour: str
    sanctions: list[str]
    disclosure: DisclosureOut | None


@router.get(
    "/agents/{agent_id}",
    response=responses(AgentCardOut),
    summary="招标代理机构公示信息（人员、业绩、内控制度、考评、信用、处理措施）",
)
def get_agent(request: HttpRequest, agent_id: Id) -> Any:
    a = actor(request)
    agent = Organisation.objects.filter(
        pk=agent_id, kind=OrgKind.TENDER_AGENT, path__startswith=a.district_path
    ).first()
    if agent is None:
        raise NotFound()
    c = svc.agent_card(agent)
    ok, note = c["best_rated"]
    annual = c["annual"]
    return {
        "agent_id": agent.pk,
        "name": agent.name,
        "people": c["people"],
        "certified": c["certified"],
        "projects": c["projects"],
        "best_rated": ok,
        "rating_note": note,
        "appraisals": [
            {"year": x.year, "grade": x.get_grade_display(), "number": x.number}
            for x in c["appraisals"]
        ],
        "annual_year": annual.year if annual else None,
        "annual_score": str(annual.score) if annual else None,
        "colour": annual.get_colour_display() if annual else "",
        "sanctions": [f"{s.get_kind_display()}（{s.number}）" for s in c["sanctions"]],
        "disclosure": disclosure_out(c["disclosure"]) if c["disclosure"] else None,
    }


class DisclosureIn(StrictIn):
    staff_count: int = Field(ge=0, le=100000, description="专职从业人员人数")
    registered_count: int = Field(ge=0, le=100000, description="其中注册执业人员人数")
    qualifications: str = Field(max_length=2000, description="资质情况")
    internal_controls: str = Field(max_length=5000, description="内控制度")
    performance: str = Field("", max_length=5000, description="执业业绩")


@router.put(
    "/agent-disclosure",
    response=responses(DisclosureOut),
    summary="填报本机构的公示信息（招标代理机构管理员；每次填报后由监管办核查）",
)
def put_disclosure(request: HttpRequest, body: DisclosureIn) -> Any:
    return disclosure_out(svc.save_disclosure(actor=actor(request), **body.dict()))


class AppraisalOut(Schema):
    id: int
    number: str
    agent_id: int
    agent: str
    year: int
    grade: str
    grade_label: str
    reasons: str
    state: str
    state_label: str
    recorded_by_name: str
    approved_by_name: str
    return_reason: str


def appraisal_out(a: AgentAppraisal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "agent_id": a.agent_id,
        "agent": a.agent.name,
        "year": a.year,
        "grade": a.grade,
        "grade_label": a.get_grade_display(),
        "reasons": a.reasons,
        "state": a.state,
        "state_label": a.get_state_display(),
        "recorded_by_name": a.recorded_by_name,
        "approved_by_name": a.approved_by_name,
        "return_reason": a.return_reason,
    }


@router.get(
    "/agent-appraisals",
    response=responses(list[AppraisalOut]),
    summary="招标代理机构年度考评（监管办、行业主管部门看全部；代理机构看自己的）",
)
@paginate(LimitOffset)
def list_appraisals(request: HttpRequest) -> Any:
    qs = AgentAppraisal.objects.visible_to(actor(request)).select_related("agent")
    return [appraisal_out(a) for a in qs[:1000]]


@router.get(
    "/agent-appraisals/{appraisal_id}", response=responses(AppraisalOut), summary="年度考评详情"
)
def get_appraisal(request: HttpRequest, appraisal_id: Id) -> Any:
    return appraisal_out(load_appraisal(actor(request), appraisal_id))


class AppraisalIn(StrictIn):
    agent_id: StrictId = Field(description="招标代理机构")
    year: int = Field(ge=2000, le=2100, description="考评年度")
    grade: AppraisalGrade = Field(description="考评等次")
    reasons: str = Field(max_length=2000, description="考评理由")


@router.post(
    "/agent-appraisals",
    response=responses(AppraisalOut, 201),
    summary="登记年度考评（监管办；另一名工作人员审定后生效；可带 Idempotency-Key）",
)
def create_appraisal(request: HttpRequest, body: AppraisalIn) -> Any:
    a = svc.record_appraisal(
        actor=actor(request), idempotency_key=idempotency_key(request), **body.dict()
    )
    return 201, appraisal_out(a)


# --- owners' choices of agents ---------------------------------------------------------------


class ChoiceOut(Schema):
    id: int
    number: str
    project_id: int
    project: str
    tender: str
    agent_id: int
    agent: str
    method: str
    best_rated: bool
    rating_note: str
    justification: str
    filed_with: str = Field(description="书面说明报备的纪检监察机关")
    created_at: dt.datetime


def choice_out(c: AgentChoice) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "project_id": c.project_id,
        "project": c.project.name,
        "tender": c.tender,
        "agent_id": c.agent_id,
        "agent": c.agent.name,
        "method": c.method,
        "best_rated": c.best_rated,
        "rating_note": c.rating_note,
        "justification": c.justification,
        "filed_with": c.discipline.name if c.discipline_id else "",
        "created_at": c.created_at,
    }


def _choices(a: Any) -> Any:
    return AgentChoice.objects.visible_to(a).select_related("project", "agent", "discipline")


@router.get(
    "/agent-choices",
    response=responses(list[ChoiceOut]),
    summary="招标代理机构选取登记（建设单位、代理机构看自己的；监管办、纪检监察机关看全部）",
)
@paginate(LimitOffset)
def list_choices(request: HttpRequest) -> Any:
    return [choice_out(c) for c in _choices(actor(request))[:1000]]


@router.get("/agent-choices/{choice_id}", response=responses(ChoiceOut), summary="选取登记详情")
def get_choice(request: HttpRequest, choice_id: Id) -> Any:
    from postaward.core.scoping import get_visible_or_404

    return choice_out(get_visible_or_404(_choices(actor(request)), actor(request), pk=choice_id))


class ChoiceIn(StrictIn):
    project_id: StrictId = Field(description="项目（本单位建设的）")
    agent_id: StrictId = Field(description="选定的招标代理机构")
    method: str = Field(max_length=200, description="选取方式（如比选、竞争性谈判、随机抽取）")
    tender: str = Field("", max_length=200, description="标段或招标事项（可空）")
    justification: str = Field(
        "", max_length=2000, description="不在择优范围时必填的书面说明（报纪检监察机关备案）"
    )


@router.post(
    "/agent-choices",
    response=responses(ChoiceOut, 201),
    summary="登记选定的招标代理机构（建设单位；不择优须书面说明；可带 Idempotency-Key）",
)
def create_choice(request: HttpRequest, body: ChoiceIn) -> Any:
    c = svc.choose_agent(
        actor=actor(request), idempotency_key=idempotency_key(request), **body.dict()
    )
    return 201, choice_out(c)


# --- the expert pool, events and grades ------------------------------------------------------


class PoolOut(Schema):
    id: int
    person_id: int
    name: str = Field(description="姓名（脱敏）")
    organisation: str
    specialty: str
    state: str
    state_label: str


def pool_out(m: ExpertPoolMember) -> dict[str, Any]:
    return {
        "id": m.pk,
        "person_id": m.person_id,
        "name": mask_name(m.person.name),
        "organisation": m.person.organisation.name,
        "specialty": m.specialty,
        "state": m.state,
        "state_label": m.get_state_display(),
    }


@router.get("/expert-pool", response=responses(list[PoolOut]), summary="评标专家库")
@paginate(LimitOffset)
def list_pool(request: HttpRequest) -> Any:
    qs = ExpertPoolMember.objects.visible_to(actor(request)).select_related(
        "person", "person__organisation"
    )
    return [pool_out(m) for m in qs[:1000]]


class PoolIn(StrictIn):
    person_id: StrictId = Field(description="人员库中的人员")
    specialty: str = Field(max_length=100, description="评标专业")


@router.post(
    "/expert-pool",
    response=responses(PoolOut, 201),
    summary="评标专家入库（监管办；公职人员不得入库；可带 Idempotency-Key）",
)
def create_pool_member(request: HttpRequest, body: PoolIn) -> Any:
    m = svc.admit_expert(
        actor=actor(request), idempotency_key=idempotency_key(request), **body.dict()
    )
    return 201, pool_out(m)


class ExpertEvaluationOut(Schema):
    id: int
    event_id: int
    expert_id: int
    expert: str = Field(description="专家姓名（脱敏）")
    side: str
    side_label: str
    grade: str
    reasons: str
    reported: bool = Field(description="C、D 级已报告监管办处理")


def evaluation_out(ev: ExpertEvaluation) -> dict[str, Any]:
    return {
        "id": ev.pk,
        "event_id": ev.event_id,
        "expert_id": ev.expert_id,
        "expert": mask_name(ev.expert.name),
        "side": ev.side,
        "side_label": ev.get_side_display(),
        "grade": ev.grade,
        "reasons": ev.reasons,
        "reported": ExpertReport.objects.filter(evaluation=ev).exists(),
    }


class EventOut(Schema):
    id: int
    number: str
    project_id: int
    project: str
    title: str
    held_on: dt.date
    expert_ids: list[int]
    evaluations: list[ExpertEvaluationOut]


def event_out(e: EvaluationEvent) -> dict[str, Any]:
    evs = e.evaluations.select_related("expert").order_by("pk")
    return {
        "id": e.pk,
        "number": e.number,
        "project_id": e.project_id,
        "project": e.project.name,
        "title": e.title,
        "held_on": e.held_on,
        "expert_ids": sorted(e.experts.values_list("pk", flat=True)),
        "evaluations": [evaluation_out(ev) for ev in evs],
    }


@router.get("/evaluation-events", response=responses(list[EventOut]), summary="评标活动")
@paginate(LimitOffset)
def list_events(request: HttpRequest) -> Any:
    qs = EvaluationEvent.objects.visible_to(actor(request)).select_related("project")
    return [event_out(e) for e in qs[:500]]


def _event(request: HttpRequest, event_id: int) -> EvaluationEvent:
    from postaward.core.scoping import get_visible_or_404

    return get_visible_or_404(  # type: ignore[no-any-return]
        EvaluationEvent.objects.select_related("project"), actor(request), pk=event_id
    )


@router.get("/evaluation-events/{event_id}", response=responses(EventOut), summary="评标活动详情")
def get_event(request: HttpRequest, event_id: Id) -> Any:
    return event_out(_event(request, event_id))


class EventIn(StrictIn):
    project_id: StrictId = Field(description="项目")
    title: str = Field(max_length=200, description="招标事项")
    held_on: Date = Field(description="评标日期")
    expert_ids: list[StrictId] = Field(max_length=50, description="评标专家（专家库成员）")


@router.post(
    "/evaluation-events",
    response=responses(EventOut, 201),
    summary="登记评标活动（招标人或监管办；可带 Idempotency-Key）",
)
def create_event(request: HttpRequest, body: EventIn) -> Any:
    e = svc.record_event(
        actor=actor(request), idempotency_key=idempotency_key(request), **body.dict()
    )
    return 201, event_out(e)


class ExpertEvaluationIn(StrictIn):
    expert_id: StrictId = Field(description="评标专家")
    grade: ExpertGrade = Field(description="评价等级 A、B、C、D")
    reasons: str = Field(max_length=2000, description="评价理由")


@router.post(
    "/evaluation-events/{event_id}/evaluations",
    response=responses(ExpertEvaluationOut, 201),
    summary="评价评标专家（一事一评：招标人、监管办各一次；C、D 级报告监管办；可带 Idempotency-Key）",
)
def create_evaluation(request: HttpRequest, event_id: Id, body: ExpertEvaluationIn) -> Any:
    a = actor(request)
    if not (svc.is_office(a) or svc.is_owner(a)):
        raise Forbidden("仅招标人或监管办可以评价评标专家")
    ev = svc.evaluate_expert(
        actor=a, event_id=event_id, idempotency_key=idempotency_key(request), **body.dict()
    )
    return 201, evaluation_out(ev)


# --- the C/D reports -----------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    number: str
    expert: str = Field(description="专家姓名（脱敏）")
    event: str
    grade: str
    reasons: str
    state: str
    state_label: str
    decision: str


def report_out(r: ExpertReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "expert": mask_name(r.expert.name),
        "event": r.evaluation.event.number,
        "grade": r.grade,
        "reasons": r.evaluation.reasons,
        "state": r.state,
        "state_label": r.get_state_display(),
        "decision": r.decision,
    }


@router.get("/expert-reports", response=responses(list[ReportOut]), summary="评标专家不良评价报告")
@paginate(LimitOffset)
def list_reports(request: HttpRequest) -> Any:
    qs = ExpertReport.objects.visible_to(actor(request)).select_related(
        "expert", "evaluation__event"
    )
    return [report_out(r) for r in qs[:1000]]


@router.get("/expert-reports/{report_id}", response=responses(ReportOut), summary="报告详情")
def get_report(request: HttpRequest, report_id: Id) -> Any:
    return report_out(load_report(actor(request), report_id))


steps.mount_api(router, WF_APPRAISAL, "appraisal_id", prefix="/agent-appraisals")
steps.mount_api(router, WF_REPORT, "report_id", prefix="/expert-reports")
steps.mount_api(router, WF_DISCLOSURE, "disclosure_id", prefix="/agent-disclosures")
