"""The demo district's reports data: a typical case under supervision on the
demo owner's project (``owner_admin`` / ``owner_leader``'s unit), with one
progress entry from the owner, and one closed on another project."""

from __future__ import annotations

from typing import Any


def seed_demo(b: Any) -> None:
    """Called by ``postaward.demo`` once the other capabilities' demo data exist."""
    from postaward.orgs.actors import actor_for
    from postaward.orgs.models import User
    from postaward.projects.models import Project

    from . import services_cases
    from .choices import CaseSource
    from .models import TypicalCase

    if TypicalCase.objects.exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(username__in=("office_staff", "owner_leader")).select_related(
            "organisation", "person"
        )
    }
    if len(users) < 2:
        return
    office = actor_for(users["office_staff"])
    owner = users["owner_leader"].organisation
    projects = list(Project.objects.filter(owner=owner).order_by("pk")[:1])
    if not projects:
        return
    projects += list(
        Project.objects.visible_to(office).exclude(pk=projects[0].pk).order_by("pk")[:1]
    )
    case = services_cases.mark(
        actor=office,
        project_id=projects[0].pk,
        problem="项目经理多次缺勤，关键岗位人员到岗率连续低于规定，群众反映集中",
        measures="约谈建设单位和施工单位负责人；责令施工单位落实项目经理到岗，每周报送到岗情况",
        days=20,
        source=CaseSource.ALERT,
    )
    services_cases.record_progress(
        actor=actor_for(users["owner_leader"]),
        obj=case,
        text="已约谈施工单位，项目经理本周起每日到岗打卡，下周提交到岗情况说明",
    )
    if len(projects) > 1:
        other = services_cases.mark(
            actor=office,
            project_id=projects[1].pk,
            problem="隐蔽工程未经监理验收即覆盖，信访反映集中",
            measures="责令建设单位组织剥离复验，监理单位书面说明",
            days=10,
            source=CaseSource.COMPLAINT,
        )
        services_cases.close(
            actor=office, obj=other, note="已剥离复验合格，监理单位已作出书面说明，整改到位"
        )
