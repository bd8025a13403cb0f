"""The demo district's bad-conduct proposals (R-ACT-07): three proposals
to the housing authority about units of housing projects — one recognised,
one not recognised, and one received 30 days ago and never decided, so its
decision period is missed and the clues part raises a 6(九) clue on the
authority (the clues part's demo runs after this one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postaward.core import clock


def seed_demo(b: Any) -> None:
    from postaward.core.simulation import platform_time
    from postaward.orgs.actors import actor_for
    from postaward.orgs.choices import ENTERPRISE_KINDS
    from postaward.orgs.models import User
    from postaward.projects.models import Participant, Project

    from . import services_proposals as sp
    from .models import Proposal

    if Proposal.objects.exists():
        return
    users = {
        u.username: u for u in User.objects.filter(username__in=("office_staff", "housing_staff"))
    }
    if len(users) < 2:
        return
    housing = users["housing_staff"].organisation
    projects = list(Project.objects.filter(industry_authority=housing).order_by("pk")[:6])
    cases: list[tuple[Project, Any]] = []
    for p in projects:
        part = (
            Participant.objects.filter(project=p, organisation__kind__in=ENTERPRISE_KINDS)
            .select_related("organisation")
            .order_by("pk")
            .first()
        )
        if part is not None:
            cases.append((p, part.organisation))
    if len(cases) < 3:
        return
    office = actor_for(users["office_staff"])
    dept = actor_for(users["housing_staff"])
    texts = [
        ("项目负责人无故缺岗", "月度检查发现施工单位项目经理连续10个工作日未到岗，考勤记录缺失"),
        ("未按规定配备现场管理人员", "双随机检查发现施工单位安全员、技术负责人均未到岗"),
        ("监理人员不到岗履职", "监管办现场检查发现总监理工程师长期不在现场，监理日志由他人代签"),
    ]
    made = []
    for i, ((project, unit), (conduct, facts)) in enumerate(zip(cases, texts, strict=False)):
        days_ago = (30, 12, 4)[i]
        moment = clock.start_of_day(clock.today() - dt.timedelta(days=days_ago)) + dt.timedelta(
            hours=10
        )
        with platform_time(moment):
            made.append(
                sp.file_proposal(
                    office,
                    department_id=housing.pk,
                    unit_id=unit.pk,
                    project_id=project.pk,
                    conduct=conduct,
                    facts=facts,
                    evidence_note="检查记录、考勤记录截图",
                    idempotency_key=f"demo-proposal-{i}",
                )
            )
    # the first is left undecided (its period has run out); the second recognised,
    # the third not recognised
    year = clock.today().year
    sp.recognise(
        actor=dept,
        obj=made[1],
        decision_text="经核查属实，认定施工单位未按规定配备现场管理人员的不良行为，记入信用档案",
        decision_document=f"住建认〔{year}〕2号",
    )
    sp.not_recognise(
        actor=dept,
        obj=made[2],
        reason="经核查，总监理工程师已按规定办理请假并由总监代表履职，不予认定",
    )
