"""Demo data of the credit capability (``postaward demo``): two credit records
on the district's first contractors, entered as the cases capability's event
would enter them, one with an objection waiting for the department.

The case ids are far above any real case's (990001…) so that the cases
capability's own demo cases never collide with them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from postaward.core import clock
from postaward.orgs.actors import actor_for
from postaward.orgs.choices import OrgKind, Role
from postaward.orgs.models import Organisation, User
from postaward.projects.models import Participant

from . import services

CASES = [
    ("罚款5万元；责令改正", "50000", 6, "《建设工程质量管理条例》第六十四条"),
    (
        "通报批评；责令项目经理到岗履职",
        "0",
        3,
        "《上虞区政府投资（国有建设）项目监督管理实施细则》第四十二条",
    ),
]


def seed_rules(authorities: dict[str, Organisation]) -> int:
    """The platform's default scoring rules for the housing, transport and
    water authorities, in force since the first of January two years back: the
    facts the demo makes from then on are scored by them (R-SCO-01)."""
    from postaward.core.actor import SYSTEM

    from .default_rules import TITLES, install_defaults

    since = dt.date(clock.today().year - 2, 1, 1)
    made = 0
    for industry, authority in authorities.items():
        if industry in TITLES:
            install_defaults(actor=SYSTEM, authority=authority, effective_from=since)
            made += 1
    return made


def seed_sanctions() -> int:
    """Three measures of the register (R-SCO-04, R-SCO-07, R-SCO-08): the owner's
    通报批评 of its contractor (SY 42), the housing authority's 责令停业整顿 of
    another contractor in force today (SY 44), and a blacklisted one."""
    from . import services_sanctions

    today = clock.today()
    parts = list(
        Participant.objects.filter(
            organisation__kind=OrgKind.CONTRACTOR, project__owner__isnull=False
        )
        .select_related("organisation", "project", "project__owner")
        .order_by("pk")
    )
    housing = User.objects.filter(username="housing_staff").first()
    if not parts or housing is None:
        return 0
    made = 0
    first = parts[0]
    owner_user = (
        User.objects.filter(organisation=first.project.owner, is_active=True)
        .filter(role_grants__role__in=(Role.ADMIN, Role.OWNER_PROJECT_LEADER))
        .order_by("pk")
        .first()
    )
    if owner_user is not None:
        services_sanctions.record_sanction(
            actor=actor_for(owner_user),
            kind="criticism",
            subject_org_id=first.organisation_id,
            project_id=first.project_id,
            reason="项目经理当月考勤率不足80%，经约谈后仍未改正，予以通报批评",
            basis_document=SY,
            basis_article="第四十二条",
            decided_on=today - dt.timedelta(days=12),
        )
        made += 1
    others = [p for p in parts if p.organisation_id != first.organisation_id]
    seen: list[int] = []
    for p in others:
        if p.organisation_id not in seen:
            seen.append(p.organisation_id)
    authority = actor_for(housing)
    if seen:
        services_sanctions.record_sanction(
            actor=authority,
            kind="business_suspended",
            subject_org_id=seen[0],
            reason="无正当理由不履行合同，致使项目停工，违约情节严重，造成国家重大损失",
            basis_document=SY,
            basis_article="第四十四条",
            decided_on=today - dt.timedelta(days=30),
            period_from=today - dt.timedelta(days=29),
            period_to=today + dt.timedelta(days=60),
            document_number=f"住建停〔{today.year}〕3号",
        )
        made += 1
    if len(seen) > 1:
        services_sanctions.record_sanction(
            actor=authority,
            kind="blacklisted",
            subject_org_id=seen[1],
            reason="提供虚假业绩材料骗取中标，经查属实，列入失信黑名单，实施联合惩戒",
            basis_document="聊城市人民政府办公室关于规范公共资源交易招标投标工作的意见",
            basis_article="第三部分",
            decided_on=today - dt.timedelta(days=45),
            period_from=today - dt.timedelta(days=45),
            period_to=today + dt.timedelta(days=320),
        )
        made += 1
    return made


SY = "上虞区政府投资（国有建设）项目监督管理实施细则（试行）"


def seed_demo(b: Any = None) -> int:
    office = Organisation.objects.filter(kind=OrgKind.SUPERVISION_OFFICE).order_by("pk").first()
    authority = Organisation.objects.filter(kind=OrgKind.INDUSTRY_AUTHORITY).order_by("pk").first()
    if office is None or authority is None:
        return 0
    parts = list(
        Participant.objects.filter(organisation__kind=OrgKind.CONTRACTOR)
        .select_related("organisation", "project")
        .order_by("pk")[:2]
    )
    made = []
    for i, (p, (measure, fine, points, basis)) in enumerate(zip(parts, CASES, strict=False)):
        decided = clock.today() - dt.timedelta(days=20 - 7 * i)
        made.append(
            services.record_from_penalty(
                SimpleNamespace(
                    case_id=990001 + i,
                    case_number=f"AJ-{decided.year}-{9001 + i}",
                    office_id=office.pk,
                    department_id=authority.pk,
                    subject_org_id=p.organisation_id,
                    subject_person_id=None,
                    subject_name=p.organisation.name,
                    project_id=p.project_id,
                    measure=measure,
                    fine_yuan=fine,
                    points=points,
                    basis=basis,
                    decision_number=f"住建罚〔{decided.year}〕{31 + i}号",
                    decided_on=decided.isoformat(),
                    entered_on=decided.isoformat(),
                )
            )
        )
    # the party's own account, or the office's staff registering on its behalf
    party = (
        User.objects.filter(organisation_id=made[0].subject_org_id, is_active=True)
        .order_by("pk")
        .first()
        or User.objects.filter(
            organisation=office, role_grants__role=Role.OFFICE_STAFF, is_active=True
        ).first()
        if made
        else None
    )
    if party is not None:
        services.file_request(
            actor=actor_for(party),
            record=made[0],
            kind="objection",
            reason="整改已在限期内完成并经建设单位确认，不应按逾期未整改记6分，请核查。",
        )
    made_all = len(made) + seed_sanctions() + seed_agents()
    # This year's annual scores and colours, as the office's recomputation would
    # give them (later score events recompute their subjects through the subscriber).
    from . import annual

    annual.recompute_year(clock.today().year, reason="演示数据：年度综合评分")
    return made_all


def seed_agents() -> int:
    """Tender agents and evaluation experts (R-SCO-05, R-SCO-06, R-SCO-09): last
    year's appraisals of the four agents (recorded by the office's staff,
    approved by its director), three experts from the supervising firms in the
    pool, one evaluation of the demo owner's first project graded by the owner
    (one C, reported to the office), and the owner's choice of an agent that
    is not best-rated, with its written justification filed with the discipline
    inspection group."""
    from postaward.core import steps
    from postaward.orgs.models import Person

    from . import services_agents as svc
    from .steps_agents import APPROVE

    staff = User.objects.filter(username="office_staff").first()
    director = User.objects.filter(username="office_admin").first()
    owner = User.objects.filter(username="owner_admin").select_related("organisation").first()
    agents = list(Organisation.objects.filter(kind=OrgKind.TENDER_AGENT).order_by("pk")[:4])
    if staff is None or director is None or owner is None or not agents:
        return 0
    year = clock.today().year - 1
    for agent, grade in zip(agents, ("excellent", "good", "pass", "fail"), strict=False):
        a = svc.record_appraisal(
            actor=actor_for(staff),
            agent_id=agent.pk,
            year=year,
            grade=grade,
            reasons={
                "excellent": "人员稳定，内控制度健全，代理项目无投诉、无不良行为记录",
                "good": "内控制度较健全，个别项目资料归档不及时",
                "pass": "两个项目招标文件设置不合理条款被要求修改",
                "fail": "代理项目发生串通投标被查处，内控制度流于形式",
            }[grade],
        )
        steps.take(APPROVE, a, actor_for(director))
    experts = list(
        Person.objects.filter(organisation__kind=OrgKind.SUPERVISING_FIRM).order_by("pk")[:3]
    )
    for p in experts:
        svc.admit_expert(actor=actor_for(staff), person_id=p.pk, specialty="房建施工")
    project = (
        Participant.objects.filter(project__owner=owner.organisation)
        .select_related("project")
        .order_by("project_id")
        .first()
    )
    if project is None or len(experts) < 3:
        return len(agents)
    event = svc.record_event(
        actor=actor_for(owner),
        project_id=project.project_id,
        title=f"{project.project.name}施工招标评标",
        held_on=clock.today() - dt.timedelta(days=40),
        expert_ids=[p.pk for p in experts],
    )
    for p, grade, why in zip(
        experts,
        ("A", "B", "C"),
        (
            "评审认真，打分理由充分",
            "按评标办法评审，个别扣分理由简略",
            "对个别投标人打分明显偏高且未说明理由",
        ),
        strict=True,
    ):
        svc.evaluate_expert(
            actor=actor_for(owner), event_id=event.pk, expert_id=p.pk, grade=grade, reasons=why
        )
    svc.choose_agent(
        actor=actor_for(owner),
        project_id=project.project_id,
        agent_id=agents[2].pk,
        method="比选",
        justification="择优范围内的两家机构本期均无人员承接，经比选选定该机构，已报纪检监察机关备案",
    )
    return len(agents)
